//! Output files (`.tf` through hcl-rs, `.tf.json` through serde_json) read
//! into one tree per Terraform address.

use hcl::expr::{Expression, ObjectKey};
use hcl::structure::{Body, Structure};
use indexmap::IndexMap;
use serde_json::Value as J;

use super::tree::Tree;
use crate::emit::OutFile;

/// What kind of block an address names; it decides how its values are
/// checked for secrets and whether a rename can be a `moved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Resource,
    Data,
    Module,
    Provider,
    Variable,
    Output,
    Local,
    Terraform,
    /// Anything else Terraform reads (`moved`, `import`, `check`, ...).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    /// The resource or data source type, the provider's name, or empty.
    pub type_name: String,
    pub body: Tree,
}

/// A stack's blocks by address, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub entries: IndexMap<String, Entry>,
}

/// Reads every file; a file that is neither HCL nor JSON Terraform is an
/// error naming it.
pub fn parse_files(files: &[OutFile]) -> Result<Snapshot, String> {
    let mut snap = Snapshot::default();
    for f in files {
        if f.name.ends_with(".tf.json") {
            let doc: J = serde_json::from_str(&f.contents)
                .map_err(|e| format!("`{}` is not valid JSON: {e}", f.name))?;
            json_file(&doc, &mut snap);
        } else {
            let body: Body = hcl::parse(&f.contents)
                .map_err(|e| format!("`{}` is not valid HCL: {e}", f.name))?;
            hcl_file(body, &mut snap);
        }
    }
    Ok(snap)
}

impl Snapshot {
    fn add(&mut self, address: String, kind: Kind, type_name: &str, body: Tree) {
        // Terraform refuses a duplicate address; the counter only keeps both visible.
        let mut key = address.clone();
        let mut n = 1;
        while self.entries.contains_key(&key) {
            n += 1;
            key = format!("{address}#{n}");
        }
        self.entries.insert(key, Entry { kind, type_name: type_name.to_owned(), body });
    }
}

fn hcl_file(body: Body, snap: &mut Snapshot) {
    let mut others = 0;
    for s in body {
        let Structure::Block(b) = s else { continue };
        let labels: Vec<String> = b.labels.iter().map(|l| l.as_str().to_owned()).collect();
        let ident = b.identifier.as_str().to_owned();
        let tree = hcl_body(b.body);
        match (ident.as_str(), labels.as_slice()) {
            ("resource", [t, n]) => snap.add(format!("{t}.{n}"), Kind::Resource, t, tree),
            ("data", [t, n]) => snap.add(format!("data.{t}.{n}"), Kind::Data, t, tree),
            ("module", [n]) => snap.add(format!("module.{n}"), Kind::Module, "", tree),
            ("variable", [n]) => snap.add(format!("var.{n}"), Kind::Variable, "", tree),
            ("output", [n]) => snap.add(format!("output.{n}"), Kind::Output, "", tree),
            ("provider", [n]) => snap.add(provider_address(n, &tree), Kind::Provider, n, tree),
            ("terraform", []) => snap.add("terraform".into(), Kind::Terraform, "", tree),
            ("locals", []) => locals(tree, snap),
            _ => {
                others += 1;
                let name = std::iter::once(ident).chain(labels).collect::<Vec<_>>().join(".");
                snap.add(format!("{name}[{}]", others - 1), Kind::Other, "", tree);
            }
        }
    }
}

fn locals(tree: Tree, snap: &mut Snapshot) {
    if let Tree::Map(m) = tree {
        for (k, v) in m {
            snap.add(format!("local.{k}"), Kind::Local, "", v);
        }
    }
}

fn provider_address(name: &str, body: &Tree) -> String {
    match body.get("alias") {
        Some(Tree::Leaf(a)) => format!("provider.{name}.{}", a.trim_matches('"')),
        _ => format!("provider.{name}"),
    }
}

/// Attributes by name; nested blocks by their identifier (and labels), as
/// a list when there are several, as Terraform's plan shows them.
fn hcl_body(body: Body) -> Tree {
    let mut map: IndexMap<String, Tree> = IndexMap::new();
    let mut blocks: IndexMap<String, Vec<Tree>> = IndexMap::new();
    for s in body {
        match s {
            Structure::Attribute(a) => {
                map.insert(a.key.as_str().to_owned(), expression(a.expr));
            }
            Structure::Block(b) => {
                let key = std::iter::once(b.identifier.as_str().to_owned())
                    .chain(b.labels.iter().map(|l| l.as_str().to_owned()))
                    .collect::<Vec<_>>()
                    .join(".");
                blocks.entry(key).or_default().push(hcl_body(b.body));
            }
        }
    }
    for (k, mut v) in blocks {
        let t = if v.len() == 1 { v.remove(0) } else { Tree::List(v) };
        map.insert(k, t);
    }
    Tree::Map(map)
}

fn expression(e: Expression) -> Tree {
    match e {
        Expression::Array(items) => Tree::List(items.into_iter().map(expression).collect()),
        Expression::Object(o) => Tree::Map(
            o.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.as_str().to_owned(),
                        ObjectKey::Expression(Expression::String(s)) => s,
                        ObjectKey::Expression(other) => {
                            format!("{}{other}", super::tree::EXPRESSION_KEY)
                        }
                        // ObjectKey is non-exhaustive upstream.
                        #[allow(unreachable_patterns)]
                        other => format!("{other:?}"),
                    };
                    (key, expression(v))
                })
                .collect(),
        ),
        other => Tree::Leaf(other.to_string()),
    }
}

fn json_file(doc: &J, snap: &mut Snapshot) {
    let J::Object(top) = doc else { return };
    let mut others = 0;
    for (ident, v) in top {
        match ident.as_str() {
            "resource" | "data" => {
                let (kind, prefix) =
                    if ident == "resource" { (Kind::Resource, "") } else { (Kind::Data, "data.") };
                for (t, by_name) in objects(v) {
                    for (n, body) in objects(by_name) {
                        for b in bodies(body) {
                            snap.add(format!("{prefix}{t}.{n}"), kind, t, json_body(b));
                        }
                    }
                }
            }
            "module" | "variable" | "output" => {
                let (kind, prefix) = match ident.as_str() {
                    "module" => (Kind::Module, "module."),
                    "variable" => (Kind::Variable, "var."),
                    _ => (Kind::Output, "output."),
                };
                for (n, body) in objects(v) {
                    for b in bodies(body) {
                        snap.add(format!("{prefix}{n}"), kind, "", json_body(b));
                    }
                }
            }
            "provider" => {
                for (n, body) in objects(v) {
                    for b in bodies(body) {
                        let tree = json_body(b);
                        snap.add(provider_address(n, &tree), Kind::Provider, n, tree);
                    }
                }
            }
            "terraform" => {
                for b in bodies(v) {
                    snap.add("terraform".into(), Kind::Terraform, "", json_body(b));
                }
            }
            "locals" => {
                for b in bodies(v) {
                    locals(json_body(b), snap);
                }
            }
            "//" => {}
            // `moved`, `import`, `removed`, `check`: an array of blocks,
            // each one an entry as in HCL (a declared `moved` is read there).
            _ => {
                for b in bodies(v) {
                    others += 1;
                    snap.add(format!("{ident}[{}]", others - 1), Kind::Other, "", json_body(b));
                }
            }
        }
    }
}

fn objects(v: &J) -> Vec<(&String, &J)> {
    match v {
        J::Object(m) => m.iter().filter(|(k, _)| k.as_str() != "//").collect(),
        _ => Vec::new(),
    }
}

/// A block in JSON is an object, or an array of objects for several.
fn bodies(v: &J) -> Vec<&J> {
    match v {
        J::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// A block's body: Terraform's JSON syntax reads a `"//"` property there as
/// a comment, and only there. Inside an argument's value (`tags`) it is a
/// key like any other, and a change to it is a change.
fn json_body(v: &J) -> Tree {
    match v {
        J::Object(m) => Tree::Map(
            m.iter()
                .filter(|(k, _)| k.as_str() != "//")
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect(),
        ),
        other => json_value(other),
    }
}

fn json_value(v: &J) -> Tree {
    match v {
        J::Array(items) => Tree::List(items.iter().map(json_value).collect()),
        J::Object(m) => Tree::Map(m.iter().map(|(k, v)| (k.clone(), json_value(v))).collect()),
        other => Tree::Leaf(other.to_string()),
    }
}
