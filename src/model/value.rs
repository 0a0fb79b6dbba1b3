use indexmap::IndexMap;

use super::{Op, Reference};

/// A value as Terraform will see it. References, templates, function calls
/// and raw expressions are values of their own, never strings to be parsed
/// again later.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Literal text: emitted quoted and escaped (a `${` in it stays literal).
    String(String),
    List(Vec<Value>),
    /// Keys keep the order they were given in (Rhai hands maps over sorted).
    Map(IndexMap<String, Value>),
    /// `aws_vpc.main.id`, `var.region`, `data.aws_ami.al2.id`, ...
    Ref(Reference),
    /// `"${aws_vpc.main.id}-x"`: literal text with interpolated expressions.
    Template(Vec<TemplatePart>),
    /// A Terraform function call, `cidrsubnet(var.cidr, 8, 1)`.
    Call {
        name: String,
        args: Vec<Value>,
    },
    /// An escape hatch: HCL expression text, checked to parse when it was made.
    Expr(String),
    /// A conditional, an operation or a `for` expression built from values.
    Op(Box<Op>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interp(Value),
}

impl Value {
    /// The type of a value that is known now not to be a number (`"string"`,
    /// `"bool"`, `"list"`, `"map"`); `None` for a number or a value only
    /// Terraform knows.
    pub fn kind_not_number(&self) -> Option<&'static str> {
        match self {
            Value::String(_) | Value::Template(_) => Some("string"),
            Value::Bool(_) => Some("bool"),
            Value::List(_) => Some("list"),
            Value::Map(_) => Some("map"),
            _ => None,
        }
    }

    /// The name of this value's kind, in the words an operator reads in a diagnostic.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Ref(_) => "reference",
            Value::Template(_) => "string template",
            Value::Call { .. } => "function call",
            Value::Expr(_) => "expression",
            Value::Op(_) => "expression",
        }
    }

    /// True when Terraform only knows the value at plan time, so no static
    /// type or constraint check can judge it.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Value::Ref(_) | Value::Call { .. } | Value::Expr(_) | Value::Op(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Every reference this value contains, in order (used for dependency
    /// checks and cross-stack wiring).
    pub fn references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a Reference>) {
        match self {
            Value::Ref(r) => out.push(r),
            Value::List(items) => items.iter().for_each(|v| v.collect_refs(out)),
            Value::Map(m) => m.values().for_each(|v| v.collect_refs(out)),
            Value::Template(parts) => parts.iter().for_each(|p| {
                if let TemplatePart::Interp(v) = p {
                    v.collect_refs(out)
                }
            }),
            Value::Call { args, .. } => args.iter().for_each(|v| v.collect_refs(out)),
            // a `for` expression's own variables are not references
            Value::Op(op) => {
                let locals: Vec<&str> = match op.as_ref() {
                    Op::For { key_var, value_var, .. } => {
                        key_var.iter().map(String::as_str).chain([value_var.as_str()]).collect()
                    }
                    Op::Dynamic { iterator, .. } => vec![iterator.as_str()],
                    _ => Vec::new(),
                };
                let mut inner = Vec::new();
                op.operands().into_iter().for_each(|v| v.collect_refs(&mut inner));
                out.extend(inner.into_iter().filter(|r| !locals.contains(&r.root.as_str())));
            }
            _ => {}
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<Reference> for Value {
    fn from(r: Reference) -> Self {
        Value::Ref(r)
    }
}
