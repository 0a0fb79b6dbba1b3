//! The smallest pieces of HCL text: quoted strings, numbers, names.
//!
//! Escaping follows `hclwrite.escapeQuotedStringLit` (the Go implementation
//! `terraform fmt` is built on) rather than hcl-rs, whose escaper writes
//! `\b` and `\f`, which HCL does not accept.

/// `s` as a quoted HCL string whose value is exactly `s`: template
/// introducers are doubled so `${`/`%{` stay literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// The escaped body of a quoted string, without the quotes; also used for
/// the literal parts of templates.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    // Most text is printable ASCII with nothing to escape: copy such runs
    // whole, and look at characters one by one only from the first other.
    let plain = s.bytes().position(|b| !(b' '..=b'~').contains(&b) || b"\"\\$%".contains(&b));
    let Some(first) = plain else {
        out.push_str(s);
        return;
    };
    out.push_str(&s[..first]);
    let mut chars = s[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                // Only the introducer right before `{` needs doubling; `$$`
                // elsewhere is two literal dollars.
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if needs_unicode_escape(c) => {
                let n = u32::from(c);
                if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
}

/// Splits literal text into what is escaped as usual and a trailing run of
/// `$` that must not touch a following interpolation: Terraform reads `$${`
/// as the escape for a literal `${`, so `"price: $" + limit` cannot be
/// written `"price: $${var.limit}"`. The run is written as the interpolation
/// of a string holding it, `${"$"}`, which Terraform reads back as `$`.
pub(crate) fn split_dollar_tail(s: &str, before_interp: bool) -> (&str, &str) {
    if !before_interp {
        return (s, "");
    }
    let head = s.trim_end_matches('$');
    (head, &s[head.len()..])
}

/// The literal text of a template part (see [`split_dollar_tail`]).
pub(crate) fn template_literal_into(out: &mut String, s: &str, before_interp: bool) {
    let (head, dollars) = split_dollar_tail(s, before_interp);
    escape_into(out, head);
    if !dollars.is_empty() {
        out.push_str("${\"");
        out.push_str(dollars);
        out.push_str("\"}");
    }
}

/// Characters an editor would not show: controls and the line/paragraph
/// separators some tools treat as newlines.
fn needs_unicode_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A number as Terraform reads it back to the same value. Integral floats
/// print as integers (`2.0` → `2`: Terraform has one number type), others in
/// plain decimal; only magnitudes whose plain form would be a long run of
/// zeros (and overflow hcl-rs's integer parser) take an exponent, `1e21`.
pub(crate) fn float(f: f64) -> String {
    // 2^53: beyond it an f64 no longer holds every integer, and `as i64`
    // would print a different number than the one given.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.is_finite() && f.fract() == 0.0 && f.abs() <= EXACT {
        format!("{}", f as i64)
    } else if f.is_finite() && (1e-6..1e16).contains(&f.abs()) {
        format!("{f}")
    } else if f.is_finite() {
        format!("{f:e}")
    } else {
        // HCL has no literal for these; the schema phase rejects them. An
        // unknown name here makes `terraform validate` fail loudly instead
        // of silently writing a different value.
        if f.is_nan() {
            "nan".to_owned()
        } else if f > 0.0 {
            "inf".to_owned()
        } else {
            "-inf".to_owned()
        }
    }
}

/// A map key as HCL wants it: bare when it is an identifier that an object
/// constructor reads as a literal name, quoted otherwise.
pub(crate) fn object_key(k: &str) -> String {
    // `true`/`false`/`null` would be read as values and `for` as the start
    // of a for expression, so those stay quoted.
    let keyword = matches!(k, "true" | "false" | "null" | "for");
    if is_ident(k) && !keyword {
        k.to_owned()
    } else {
        quote(k)
    }
}

pub(crate) fn is_ident(s: &str) -> bool {
    hcl::Identifier::new(s).is_ok()
}

/// A name in a position only an identifier may take (an argument, a block
/// type, a traversal's root). The checks phase has refused any other; should
/// one slip by, it is written quoted, which Terraform rejects, rather than
/// as text that could close the block and declare others.
pub(crate) fn name(s: &str) -> String {
    if crate::model::is_identifier(s) {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// A comment line (`#` included): characters that end a line or that a
/// terminal would act on are written as escapes, so the comment stays one
/// line of plain text.
pub(crate) fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_unicode_escape(c) || c == '\u{85}' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_hclwrite() {
        assert_eq!(quote("a\"b\\c\nd\re\tf"), r#""a\"b\\c\nd\re\tf""#);
        assert_eq!(quote("${x} %{y}"), r#""$${x} %%{y}""#);
        // `$${` as text: only the `$` before `{` is doubled.
        assert_eq!(quote("$${x}"), r#""$$${x}""#);
        assert_eq!(quote("a$$b 100% $"), r#""a$$b 100% $""#);
        assert_eq!(quote("\u{1}\u{7f}\u{2028}"), r#""\u0001\u007f\u2028""#);
        assert_eq!(quote("héllo ✓"), "\"héllo ✓\"");
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn floats_read_back_identically() {
        assert_eq!(float(2.0), "2");
        assert_eq!(float(-0.0), "0");
        assert_eq!(float(1.5), "1.5");
        assert_eq!(float(1e21), "1e21");
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(0.000001), "0.000001");
        assert_eq!(float(1e-7), "1e-7");
        assert_eq!(float(-2.5e300), "-2.5e300");
        assert_eq!(float(f64::NAN), "nan");
        for f in [0.1, 1.0 / 3.0, 123456.789, 1e-7, 2.5e20, 9.007199254740993e15, 1e300] {
            assert_eq!(float(f).parse::<f64>().ok(), Some(f));
        }
    }

    #[test]
    fn names_and_comments_cannot_break_lines() {
        assert_eq!(name("tags"), "tags");
        assert_eq!(name("a = 1\n  b"), "\"a = 1\\n  b\"");
        assert_eq!(comment("# ok\r}\nx\u{0}\u{1b}[31m"), "# ok\\u{d}}\\u{a}x\\u{0}\\u{1b}[31m");
    }

    #[test]
    fn keys_bare_only_when_safe() {
        assert_eq!(object_key("Name"), "Name");
        assert_eq!(object_key("kubernetes.io/role/elb"), "\"kubernetes.io/role/elb\"");
        assert_eq!(object_key("null"), "\"null\"");
        assert_eq!(object_key("for"), "\"for\"");
        assert_eq!(object_key("a-b"), "a-b");
        assert_eq!(object_key("1a"), "\"1a\"");
        assert_eq!(object_key(""), "\"\"");
    }
}
