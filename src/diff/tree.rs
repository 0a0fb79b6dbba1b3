//! A block's content as a tree of values, the same shape whether it was read
//! from HCL or from `.tf.json`, so that two versions compare path by path.

use indexmap::IndexMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// A value that is not a collection, as Terraform code (`"a"`, `3`,
    /// `aws_vpc.main.id`, `merge(local.tags, { ... })`).
    Leaf(String),
    List(Vec<Tree>),
    Map(IndexMap<String, Tree>),
}

impl Tree {
    /// The value at a top-level key of a map.
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The value as one line of Terraform code.
    pub fn code(&self) -> String {
        match self {
            Tree::Leaf(s) => s.clone(),
            Tree::List(items) => {
                let inner: Vec<String> = items.iter().map(Tree::code).collect();
                format!("[{}]", inner.join(", "))
            }
            Tree::Map(m) if m.is_empty() => "{}".to_owned(),
            Tree::Map(m) => {
                let inner: Vec<String> =
                    m.iter().map(|(k, v)| format!("{} = {}", key_code(k), v.code())).collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }
}

/// Opens a key that is an expression (`{ (var.team) = "x" }`), which
/// Terraform evaluates: it must never equal the key that is the same text
/// as a string (`{ "(var.team)" = "x" }`).
pub const EXPRESSION_KEY: char = '\u{1}';

/// `a.b`, or `a["odd key"]` for a key that is not an identifier, or
/// `a[(var.team)]` for an expression key.
pub fn join(prefix: &str, key: &str) -> String {
    if let Some(expr) = key.strip_prefix(EXPRESSION_KEY) {
        return format!("{prefix}[{expr}]");
    }
    if crate::model::is_identifier(key) {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    } else {
        format!("{prefix}[{}]", quoted(key))
    }
}

fn key_code(k: &str) -> String {
    if let Some(expr) = k.strip_prefix(EXPRESSION_KEY) {
        return expr.to_owned();
    }
    if crate::model::is_identifier(k) {
        k.to_owned()
    } else {
        quoted(k)
    }
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}
