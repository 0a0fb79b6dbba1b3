//! Expressions built from values rather than written as text: conditionals,
//! operators and `for` expressions (`tf::cond`, `a > b`, `tf::for_list`).

use super::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `cond ? then : otherwise`
    Cond { cond: Value, then: Value, otherwise: Value },
    /// `lhs OP rhs` with one of Terraform's binary operators (`==`, `&&`, `+`...).
    Binary { op: &'static str, lhs: Value, rhs: Value },
    /// `!value`
    Not(Value),
    /// `[for v in coll : value if cond]`, or with `key`
    /// `{ for k, v in coll : key => value if cond }`.
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Value,
        key: Option<Value>,
        value: Value,
        cond: Option<Value>,
    },
    /// `of[key]`, or `of.key` for a name: an element or attribute of a
    /// value that is not a plain reference (`azs.names[count.index]`).
    Index { of: Value, key: Value },
    /// The blocks of a `dynamic "LABEL" { for_each, iterator, content }`:
    /// one block per element of a collection known at plan time. It stands
    /// where the blocks would, and the schema phase turns it into the
    /// `dynamic` block.
    Dynamic { for_each: Value, iterator: String, content: indexmap::IndexMap<String, Value> },
}

impl Op {
    /// Every value this expression is made of, for reference walks.
    pub fn operands(&self) -> Vec<&Value> {
        match self {
            Op::Cond { cond, then, otherwise } => vec![cond, then, otherwise],
            Op::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            Op::Not(v) => vec![v],
            Op::For { collection, key, value, cond, .. } => {
                let mut out = vec![collection, value];
                out.extend(key.iter());
                out.extend(cond.iter());
                out
            }
            Op::Index { of, key } => vec![of, key],
            Op::Dynamic { for_each, content, .. } => {
                let mut out = vec![for_each];
                out.extend(content.values());
                out
            }
        }
    }
}
