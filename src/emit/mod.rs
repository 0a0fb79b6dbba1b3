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
mod lines;
mod literal;
mod node;
mod value;

use crate::model;
use layout::{Entry, HclBlock};

/// One output file: its name within the stack's folder and its whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub name: String,
    pub contents: String,
}

/// The stack as `.tf` files, only the non-empty ones, always in the order
/// `versions.tf`, `providers.tf`, `variables.tf`, `main.tf`, the files of
/// the operator's block calls by name (`eks.tf`, `network.tf`, ...), then
/// `outputs.tf`. `header` is a one-line note written atop every file as `# ...`.
pub fn hcl(stack: &model::Stack, shaped: &model::Shaped, header: &str) -> Vec<OutFile> {
    let blocks = |blocks: Vec<HclBlock>| blocks.into_iter().map(Entry::Block).collect::<Vec<_>>();
    let (main, by_call) = files::split_main(stack);
    let mut groups = vec![
        ("versions".to_owned(), blocks(files::versions(&stack.terraform))),
        ("providers".to_owned(), blocks(files::providers(stack, shaped))),
        ("variables".to_owned(), blocks(files::variables(stack))),
        (files::MAIN.to_owned(), blocks(files::main(stack, shaped, main))),
    ];
    groups.extend(files::grouped(stack, shaped, by_call));
    groups.push(("outputs".to_owned(), blocks(files::outputs(stack))));
    groups
        .into_iter()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(name, entries)| OutFile {
            name: format!("{name}.tf"),
            contents: hcl_file(header, entries),
        })
        .collect()
}

fn hcl_file(header: &str, body: Vec<Entry>) -> String {
    let mut entries: Vec<Entry> =
        header.lines().map(|l| Entry::Comment(format!("# {l}").trim_end().to_owned())).collect();
    entries.push(Entry::Blank);
    entries.extend(body);
    layout::file(&entries)
}

/// The same files in Terraform's JSON syntax (`versions.tf.json`,
/// `network.tf.json`, ...). JSON has no comments: the header is a top-level
/// `"//"` property, and the call that made a block is its body's `"//"`
/// property, which Terraform ignores in both places.
pub fn json(stack: &model::Stack, shaped: &model::Shaped, header: &str) -> Vec<OutFile> {
    let (main, by_call) = files::split_main(stack);
    let mut groups = vec![
        ("versions".to_owned(), json::versions(&stack.terraform)),
        ("providers".to_owned(), json::providers(stack, shaped)),
        ("variables".to_owned(), json::variables(stack)),
        (files::MAIN.to_owned(), json::main(stack, shaped, main)),
    ];
    groups.extend(json::grouped(stack, shaped, by_call));
    groups.push(("outputs".to_owned(), json::outputs(stack)));
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
            OutFile { name: format!("{name}.tf.json"), contents: text + "\n" }
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

    fn bucket(name: &str) -> model::Resource {
        let mut attrs = indexmap::IndexMap::new();
        attrs.insert("bucket".to_owned(), model::Value::String(name.into()));
        model::Resource {
            kind: model::BlockKind::Resource,
            type_name: "aws_s3_bucket".into(),
            name: name.into(),
            attrs,
            meta: model::Meta::default(),
            checkov_skips: Vec::new(),
            origin: model::Origin::default(),
        }
    }

    /// Blocks go into the file of the call that made them, grouped under a
    /// comment naming it, in declaration order; raw ones into `main.tf`.
    #[test]
    fn blocks_are_grouped_by_the_call_that_made_them() {
        let mut stack = model::Stack::new("s");
        for n in ["a1", "raw", "b1", "a2"] {
            stack.resources.push(bucket(n));
        }
        let call = |file: &str, call: &str, name: Option<&str>| model::BlockCall {
            file: file.into(),
            call: Some(call.into()),
            name: name.map(str::to_owned),
        };
        stack.block_calls.insert("aws_s3_bucket.a1".into(), call("store", "s3::bucket", Some("a")));
        stack.block_calls.insert("aws_s3_bucket.a2".into(), call("store", "s3::bucket", Some("a")));
        stack.block_calls.insert("aws_s3_bucket.b1".into(), call("store", "s3::bucket", None));
        let files = hcl(&stack, &model::Shaped::default(), "h");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["main.tf", "store.tf"]);
        assert!(files[0].contents.contains("\"raw\"") && !files[0].contents.contains("a1"));
        let outline: Vec<&str> = files[1]
            .contents
            .lines()
            .filter(|l| l.starts_with('#') || l.starts_with("resource"))
            .collect();
        assert_eq!(
            outline,
            [
                "# h",
                "# s3::bucket \"a\"",
                "resource \"aws_s3_bucket\" \"a1\" {",
                "resource \"aws_s3_bucket\" \"a2\" {",
                "# s3::bucket",
                "resource \"aws_s3_bucket\" \"b1\" {",
            ]
        );

        let files = json(&stack, &model::Shaped::default(), "h");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["main.tf.json", "store.tf.json"]);
        let doc: serde_json::Value = serde_json::from_str(&files[1].contents).unwrap();
        assert_eq!(doc["resource"]["aws_s3_bucket"]["a2"]["//"], "s3::bucket \"a\"");
        assert!(doc["resource"]["aws_s3_bucket"].get("raw").is_none());
    }
}
