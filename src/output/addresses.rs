//! The addresses a generated file declares (`aws_s3_bucket.logs`,
//! `data.aws_ami.base`, `module.vpc`), read back from the file itself so the
//! previous output needs no record beside it.
//!
//! The files are ours (their marker says so), laid out by `emit`: every
//! top-level block opens at column 0 on a line of its own, and only a
//! heredoc's text can put anything else there. So a scan of the lines is
//! exact, and linear: a full HCL parse of a large output costs more than
//! building it.

/// One top-level address of a Terraform configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Address {
    pub kind: Kind,
    /// The resource or data source type; empty for a module call.
    pub ty: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Resource,
    Data,
    Module,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Kind::Resource => write!(f, "{}.{}", self.ty, self.name),
            Kind::Data => write!(f, "data.{}.{}", self.ty, self.name),
            Kind::Module => write!(f, "module.{}", self.name),
        }
    }
}

/// The addresses of one file, in the order it declares them; `None` when the
/// file does not parse (then nothing is inferred from it).
pub(crate) fn of_file(name: &str, text: &str) -> Option<Vec<Address>> {
    if name.ends_with(".tf.json") {
        of_json(text)
    } else {
        of_hcl(text)
    }
}

fn of_hcl(text: &str) -> Option<Vec<Address>> {
    let mut found = Vec::new();
    let mut heredoc: Option<&str> = None;
    for line in text.lines() {
        if let Some(end) = heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        // Most lines are attributes: a heredoc opener needs `<<` and a
        // header a letter at column 0 and a final `{`; test for those
        // bytes before anything that allocates.
        let bytes = line.as_bytes();
        if bytes.contains(&b'<') {
            heredoc = heredoc_opened(line);
        }
        if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let Some((ident, labels)) = block_header(line) else { continue };
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        found.push(match (ident, labels.as_slice()) {
            ("resource", [ty, name]) => address(Kind::Resource, ty, name),
            ("data", [ty, name]) => address(Kind::Data, ty, name),
            ("module", [name]) => address(Kind::Module, "", name),
            _ => continue,
        });
    }
    // An unclosed heredoc: not a file we wrote.
    heredoc.is_none().then_some(found)
}

/// The delimiter of a heredoc that `line` opens (`<<EOT`, `<<-EOT`).
fn heredoc_opened(line: &str) -> Option<&str> {
    let (_, rest) = line.rsplit_once("<<")?;
    let word = rest.strip_prefix('-').unwrap_or(rest).trim_end();
    let ident = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !word.starts_with(|c: char| c.is_ascii_digit());
    ident.then_some(word)
}

/// `ident "label" "label" {` at column 0.
fn block_header(line: &str) -> Option<(&str, Vec<String>)> {
    let rest = line.trim_end().strip_suffix('{')?;
    let (ident, mut rest) = rest.split_once(' ')?;
    if ident.is_empty() || !ident.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut labels = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some((ident, labels));
        }
        let (label, after) = quoted(rest)?;
        labels.push(label);
        rest = after;
    }
}

/// A quoted label at the start of `s`, unescaped, and what follows it.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut label = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((label, &s[i + 2..])),
            '\\' => label.push(chars.next()?.1),
            c => label.push(c),
        }
    }
    None
}

fn of_json(text: &str) -> Option<Vec<Address>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut found = Vec::new();
    for (key, kind) in [("resource", Kind::Resource), ("data", Kind::Data)] {
        for (ty, names) in doc.get(key).and_then(|v| v.as_object()).into_iter().flatten() {
            for name in names.as_object().into_iter().flat_map(|m| m.keys()) {
                found.push(address(kind, ty, name));
            }
        }
    }
    for name in doc.get("module").and_then(|v| v.as_object()).into_iter().flat_map(|m| m.keys()) {
        found.push(address(Kind::Module, "", name));
    }
    Some(found)
}

fn address(kind: Kind, ty: &str, name: &str) -> Address {
    Address { kind, ty: ty.to_owned(), name: name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resources_data_and_modules_from_both_syntaxes() {
        let hcl = "# x\n\nlocals {\n  a = 1\n}\n\nresource \"aws_vpc\" \"main\" {\n}\n\n\
                   data \"aws_ami\" \"base\" {\n}\n\nmodule \"net\" {\n  source = \"./n\"\n}\n";
        let shown: Vec<String> =
            of_file("main.tf", hcl).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["aws_vpc.main", "data.aws_ami.base", "module.net"]);
        let json = r#"{"//": "x", "resource": {"aws_vpc": {"main": {}, "b": {}}},
                       "module": {"net": {"source": "./n"}}}"#;
        let shown: Vec<String> =
            of_file("main.tf.json", json).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["aws_vpc.main", "aws_vpc.b", "module.net"]);
        assert_eq!(of_file("main.tf", "x = <<EOT\nresource \"a\" \"b\" {\n"), None);
    }

    #[test]
    fn a_heredoc_line_is_no_block() {
        let hcl = "resource \"aws_instance\" \"web\" {\n  user_data = <<-EOT\n\
                   resource \"fake\" \"one\" {\n  EOT\n}\n\nmodule \"m\" {\n}\n";
        let shown: Vec<String> =
            of_file("main.tf", hcl).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["aws_instance.web", "module.m"]);
    }
}
