//! The rule every name that reaches an identifier position of the output
//! obeys: block names, argument and attribute names, provider local names
//! and aliases, module arguments. Text that breaks it could close the
//! block it sits in and declare others, so it never reaches the emitter
//! (`schema::names` reports it) and the emitter quotes it should it slip by.

/// A Terraform name: ASCII letters, digits, `_` and `-`, starting with a
/// letter or `_` (Terraform's own rule for names it declares).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The closest valid name, for a diagnostic's help: every other character
/// becomes `_`, and a leading digit or `-` gets a `_` in front.
pub fn identifier_fix(s: &str) -> String {
    let fixed: String = s
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    if fixed.is_empty() || fixed.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        format!("_{fixed}")
    } else {
        fixed
    }
}

/// A name as a message quotes it: line breaks and other control characters
/// as escapes (`\n`, `\u{1b}`), cut after 48 characters so that a hostile
/// name cannot fill the screen (the label shows where it is).
pub fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 48 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An attribute path relative to a block, as `lifecycle.ignore_changes`
/// takes it: `tags`, `tags["Name"]`, `ingress[0].cidr_blocks`.
pub fn is_attribute_path(s: &str) -> bool {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    if !is_identifier(&s[..end]) {
        return false;
    }
    let mut rest = &s[end..];
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if !is_identifier(&after[..end]) {
                return false;
            }
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[\"") {
            let Some(end) = after.find("\"]") else { return false };
            let key = &after[..end];
            if key.chars().any(|c| c == '"' || c == '\\' || c == '$' || c == '%' || c.is_control())
            {
                return false;
            }
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = after.find(']') else { return false };
            if end == 0 || !after[..end].bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            rest = &after[end + 1..];
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["aws", "_x", "a-b_c9", "Name"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", "a b", "a\nb", "a.b", "a=1", "é", "a\u{1b}"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
        assert_eq!(identifier_fix("a = 1\n b"), "a___1__b");
        assert_eq!(identifier_fix("1st"), "_1st");
        assert_eq!(identifier_fix(""), "_");
        assert_eq!(shown("a = 1\n  b\u{1b}"), "a = 1\\n  b\\u{1b}");
        assert_eq!(shown(&"x".repeat(60)), format!("{}…", "x".repeat(48)));
    }

    #[test]
    fn attribute_paths() {
        for ok in ["tags", "tags[\"Name\"]", "ingress[0].cidr_blocks", "a.b.c", "all"] {
            assert!(is_attribute_path(ok), "{ok}");
        }
        for bad in ["", "tags]\n}", "a.", "a[", "a[x]", "a[\"x\\\"]", "a b", "a[\"${x}\"]", ".a"] {
            assert!(!is_attribute_path(bad), "{bad:?}");
        }
    }
}
