//! Model → Terraform files.
//!
//! [`hcl`] writes `.tf` files laid out exactly as `terraform fmt` would leave
//! them (hcl-rs prints leaf expressions; [`layout`] owns indentation, `=`
//! alignment and blank lines, which hcl-rs does not do the fmt way). [`json`]
//! writes the same configuration as `.tf.json`.

mod files;
mod json;
mod language;
mod layout;
mod literal;
mod node;
mod value;

use crate::model;
use layout::{Block, Entry};

/// One output file: its name within the stack's folder and its whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub name: String,
    pub contents: String,
}

/// The stack as `.tf` files, only the non-empty ones, always in the order
/// `versions.tf`, `providers.tf`, `variables.tf`, `main.tf`, `outputs.tf`.
/// `header` is a one-line note written atop every file as `# ...`.
pub fn hcl(stack: &model::Stack, shaped: &model::Shaped, header: &str) -> Vec<OutFile> {
    let groups = [
        ("versions.tf", files::versions(&stack.terraform)),
        ("providers.tf", files::providers(stack, shaped)),
        ("variables.tf", files::variables(stack)),
        ("main.tf", files::main(stack, shaped)),
        ("outputs.tf", files::outputs(stack)),
    ];
    groups
        .into_iter()
        .filter(|(_, blocks)| !blocks.is_empty())
        .map(|(name, blocks)| OutFile { name: name.to_owned(), contents: hcl_file(header, blocks) })
        .collect()
}

fn hcl_file(header: &str, blocks: Vec<Block>) -> String {
    let mut entries: Vec<Entry> =
        header.lines().map(|l| Entry::Comment(format!("# {l}").trim_end().to_owned())).collect();
    entries.push(Entry::Blank);
    entries.extend(blocks.into_iter().map(Entry::Block));
    layout::file(&entries)
}

/// The same files in Terraform's JSON syntax (`versions.tf.json`, ...), the
/// header as a top-level `"//"` comment property.
pub fn json(stack: &model::Stack, shaped: &model::Shaped, header: &str) -> Vec<OutFile> {
    let groups = [
        ("versions.tf.json", json::versions(&stack.terraform)),
        ("providers.tf.json", json::providers(stack, shaped)),
        ("variables.tf.json", json::variables(stack)),
        ("main.tf.json", json::main(stack, shaped)),
        ("outputs.tf.json", json::outputs(stack)),
    ];
    groups
        .into_iter()
        .filter(|(_, body)| !body.is_empty())
        .map(|(name, body)| {
            let mut doc = serde_json::Map::new();
            doc.insert("//".to_owned(), serde_json::Value::String(header.to_owned()));
            doc.extend(body);
            let text = serde_json::to_string_pretty(&serde_json::Value::Object(doc))
                // Serialising a `serde_json::Value` cannot fail: its map keys are strings.
                .unwrap_or_default();
            OutFile { name: name.to_owned(), contents: text + "\n" }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header names the script's path, which may hold any character: it
    /// stays comment lines, whatever it holds.
    #[test]
    fn the_header_stays_a_comment() {
        let mut stack = model::Stack::new("s");
        stack.locals.push(model::Local {
            name: "a".into(),
            value: model::Value::Int(1),
            origin: model::Origin::default(),
        });
        let header = "from a\rb\u{0}\u{1b}[2J\nlocals {\n  evil = 1\n}";
        let files = hcl(&stack, &model::Shaped::default(), header);
        let text = &files[0].contents;
        let code: Vec<&str> =
            text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        assert_eq!(code, ["locals {", "  a = 1", "}"], "{text}");
        assert!(!text.contains('\r') && !text.contains('\u{1b}') && !text.contains('\u{0}'));
    }
}
