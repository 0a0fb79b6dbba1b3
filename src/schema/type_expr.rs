//! Terraform's type constraint language, as a variable's `type` writes it:
//! `string`, `list(string)`, `map(list(number))`, `tuple([string, bool])`,
//! `object({ name = string, port = optional(number, 80) })`, `any`. Parsed
//! with hcl-rs, so the text is read exactly as Terraform reads it.

use std::fmt;

use hcl::expr::{Expression, FuncCall, ObjectKey};
use indexmap::IndexMap;

use crate::diagnostics::closest;
use crate::model::{PathSeg, TemplatePart, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    String,
    Number,
    Bool,
    Any,
    List(Box<TypeExpr>),
    Set(Box<TypeExpr>),
    Map(Box<TypeExpr>),
    Tuple(Vec<TypeExpr>),
    Object(IndexMap<String, ObjectAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    pub ty: TypeExpr,
    /// `optional(T)` or `optional(T, default)`: may be left out.
    pub optional: bool,
}

/// What is wrong with a type text, with a fix when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    pub message: String,
    pub help: Option<String>,
}

const PRIMITIVES: &[&str] = &["string", "number", "bool", "any"];
const CONSTRUCTORS: &[&str] = &["list", "set", "map", "tuple", "object"];

fn error(message: String, help: Option<String>) -> TypeError {
    TypeError { message, help }
}

/// Parses a type constraint.
pub fn parse(text: &str) -> Result<TypeExpr, TypeError> {
    let body = hcl::parse(&format!("x = {text}\n")).map_err(|e| {
        let detail = e.to_string().lines().last().unwrap_or("syntax error").trim().to_owned();
        error(
            format!("`{}` is not a Terraform type: {detail}", clip(text)),
            Some(EXAMPLES.to_owned()),
        )
    })?;
    let mut attrs = body.into_attributes();
    match (attrs.next(), attrs.next()) {
        (Some(a), None) => type_of(&a.expr, false).map(|(t, _)| t),
        _ => Err(error(
            format!("`{}` is not a Terraform type", clip(text)),
            Some(EXAMPLES.to_owned()),
        )),
    }
}

/// At most 60 characters of the operator's text, for a message.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_owned(),
    }
}

const EXAMPLES: &str =
    "e.g. `string`, `number`, `list(string)`, `map(number)`, `object({ name = string })`";

/// A type, and whether it was wrapped in `optional(...)` (allowed only for
/// an object's attributes: `in_object`).
fn type_of(e: &Expression, in_object: bool) -> Result<(TypeExpr, bool), TypeError> {
    match e {
        Expression::Variable(v) => keyword(v.as_str()).map(|t| (t, false)),
        Expression::FuncCall(f) => constructor(f, in_object),
        Expression::String(s) => Err(error(
            format!("a type is written without quotes, found `\"{s}\"`"),
            Some(format!("write `{s}`")),
        )),
        other => Err(error(format!("`{}` is not a type", short(other)), Some(EXAMPLES.to_owned()))),
    }
}

fn short(e: &Expression) -> String {
    clip(e.to_string().lines().next().unwrap_or_default())
}

fn keyword(k: &str) -> Result<TypeExpr, TypeError> {
    match k {
        "string" => Ok(TypeExpr::String),
        "number" => Ok(TypeExpr::Number),
        "bool" => Ok(TypeExpr::Bool),
        "any" => Ok(TypeExpr::Any),
        "list" | "set" | "map" => Err(error(
            format!("`{k}` needs its element type"),
            Some(format!("write `{k}(string)`, `{k}(number)`, `{k}(any)`...")),
        )),
        "tuple" | "object" => Err(error(
            format!("`{k}` needs its element types"),
            Some("e.g. `tuple([string, number])`, `object({ name = string })`".to_owned()),
        )),
        other => Err(unknown(other)),
    }
}

fn unknown(k: &str) -> TypeError {
    let all = PRIMITIVES.iter().chain(CONSTRUCTORS).copied();
    error(
        format!("`{}` is not a Terraform type", clip(k)),
        Some(match closest(k, all) {
            Some(s) => format!("did you mean `{s}`?"),
            None => EXAMPLES.to_owned(),
        }),
    )
}

fn constructor(f: &FuncCall, in_object: bool) -> Result<(TypeExpr, bool), TypeError> {
    let name = f.name.name.as_str();
    if !f.name.namespace.is_empty() {
        return Err(unknown(&f.name.to_string()));
    }
    fn one_arg<'a>(name: &str, f: &'a FuncCall) -> Result<&'a Expression, TypeError> {
        match f.args.as_slice() {
            [a] => Ok(a),
            _ => Err(error(
                format!("`{name}(...)` takes one type, found {} arguments", f.args.len()),
                Some(format!("e.g. `{name}(string)`")),
            )),
        }
    }
    let inner = |e: &Expression| type_of(e, false).map(|(t, _)| Box::new(t));
    Ok((
        match name {
            "list" => TypeExpr::List(inner(one_arg(name, f)?)?),
            "set" => TypeExpr::Set(inner(one_arg(name, f)?)?),
            "map" => TypeExpr::Map(inner(one_arg(name, f)?)?),
            "tuple" => match one_arg(name, f)? {
                Expression::Array(items) => TypeExpr::Tuple(
                    items.iter().map(|i| type_of(i, false).map(|(t, _)| t)).collect::<Result<_, _>>()?,
                ),
                _ => {
                    return Err(error(
                        "`tuple(...)` takes a list of types".to_owned(),
                        Some("e.g. `tuple([string, number])`".to_owned()),
                    ))
                }
            },
            "object" => match one_arg(name, f)? {
                Expression::Object(obj) => {
                    let mut attrs = IndexMap::new();
                    for (k, v) in obj {
                        let k = match k {
                            ObjectKey::Identifier(id) => id.as_str().to_owned(),
                            ObjectKey::Expression(Expression::String(s)) => s.clone(),
                            _ => {
                                return Err(error(
                                    "an object type's attribute names are plain names".to_owned(),
                                    Some("e.g. `object({ name = string })`".to_owned()),
                                ))
                            }
                        };
                        let (ty, optional) = type_of(v, true)?;
                        attrs.insert(k, ObjectAttr { ty, optional });
                    }
                    TypeExpr::Object(attrs)
                }
                _ => {
                    return Err(error(
                        "`object(...)` takes a map of attribute types".to_owned(),
                        Some("e.g. `object({ name = string, port = optional(number) })`".to_owned()),
                    ))
                }
            },
            "optional" if in_object => {
                let (ty, _) = match f.args.as_slice() {
                    [t] | [t, _] => type_of(t, false)?,
                    _ => {
                        return Err(error(
                            "`optional(...)` takes a type and, optionally, a default".to_owned(),
                            Some("e.g. `optional(number, 80)`".to_owned()),
                        ))
                    }
                };
                // the default must fit the type, as Terraform checks it
                if let Some(default) = f.args.get(1).and_then(literal) {
                    let mut misfits = Vec::new();
                    check(&ty, &default, &mut Vec::new(), &mut misfits);
                    if let Some(m) = misfits.into_iter().next() {
                        return Err(error(
                            format!("the default of `optional({ty}, ...)` does not fit: {}", m.message),
                            Some(format!("give a default of type {ty}, or none")),
                        ));
                    }
                }
                return Ok((ty, true));
            }
            "optional" => {
                return Err(error(
                    "`optional(...)` is only allowed for an attribute of `object({ ... })`".to_owned(),
                    Some("a variable without a default is required; give it a `default` to make it optional".to_owned()),
                ))
            }
            other => return Err(unknown(other)),
        },
        false,
    ))
}

/// A literal HCL value as a model value; `None` for anything computed.
fn literal(e: &Expression) -> Option<Value> {
    Some(match e {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64()?),
        },
        Expression::String(s) => Value::String(s.clone()),
        Expression::Array(items) => Value::List(items.iter().map(literal).collect::<Option<_>>()?),
        Expression::Object(obj) => {
            let mut m = IndexMap::new();
            for (k, v) in obj {
                let k = match k {
                    ObjectKey::Identifier(id) => id.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    _ => return None,
                };
                m.insert(k, literal(v)?);
            }
            Value::Map(m)
        }
        _ => return None,
    })
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Number => f.write_str("number"),
            TypeExpr::Bool => f.write_str("bool"),
            TypeExpr::Any => f.write_str("any"),
            TypeExpr::List(e) => write!(f, "list({e})"),
            TypeExpr::Set(e) => write!(f, "set({e})"),
            TypeExpr::Map(e) => write!(f, "map({e})"),
            TypeExpr::Tuple(_) => f.write_str("tuple"),
            TypeExpr::Object(_) => f.write_str("object"),
        }
    }
}

/// One way a value does not fit a type: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    pub path: Vec<PathSeg>,
    /// The fault is the key at `path` (an attribute the type lacks), not its value.
    pub at_key: bool,
    pub message: String,
    pub help: Option<String>,
}

/// Checks a literal value (a variable's default) against a type, with
/// Terraform's conversions (numbers and bools to strings and back).
pub fn check(ty: &TypeExpr, v: &Value, path: &mut Vec<PathSeg>, out: &mut Vec<Misfit>) {
    fit(ty, v, path, out, true)
}

/// Checks a module input against the module's variable type: references
/// and calls are known at plan time only, and pass.
pub fn check_input(ty: &TypeExpr, v: &Value, path: &mut Vec<PathSeg>, out: &mut Vec<Misfit>) {
    fit(ty, v, path, out, false)
}

fn fit(ty: &TypeExpr, v: &Value, path: &mut Vec<PathSeg>, out: &mut Vec<Misfit>, literal: bool) {
    let wrong = |out: &mut Vec<Misfit>, path: &[PathSeg]| {
        out.push(Misfit {
            path: path.to_vec(),
            at_key: false,
            message: format!("expected {ty}, found {}", v.kind_name()),
            help: None,
        })
    };
    match (ty, v) {
        (_, Value::Null) | (TypeExpr::Any, _) | (_, Value::Expr(_)) => {}
        (_, Value::Ref(_) | Value::Call { .. }) if !literal => {}
        (_, Value::Template(_)) if !literal => {}
        (_, Value::Ref(_) | Value::Call { .. }) => out.push(Misfit {
            path: path.clone(),
            at_key: false,
            message:
                "a variable's default must be a literal value, not a reference or a function call"
                    .to_owned(),
            help: Some(
                "compute it in a `local(...)` instead, which may read the variable".to_owned(),
            ),
        }),
        (_, Value::Template(parts))
            if literal && parts.iter().any(|p| matches!(p, TemplatePart::Interp(_))) =>
        {
            out.push(Misfit {
                path: path.clone(),
                at_key: false,
                message:
                    "a variable's default must be a literal value, not a string with references"
                        .to_owned(),
                help: Some(
                    "compute it in a `local(...)` instead, which may read the variable".to_owned(),
                ),
            })
        }
        (
            TypeExpr::String,
            Value::String(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_)
            | Value::Template(_),
        ) => {}
        (TypeExpr::Number, Value::Int(_) | Value::Float(_)) => {}
        (TypeExpr::Number, Value::String(s)) if crate::checks::formats::number_text(s) => {}
        (TypeExpr::Number, Value::String(s)) => out.push(Misfit {
            path: path.clone(),
            at_key: false,
            message: format!("expected number, found the text {s:?}, which Terraform does not read as one"),
            help: Some(
                "write the number itself (`5`), or text of a plain decimal with nothing around it (`\"5\"`); Terraform has no `NaN` or `Infinity`"
                    .to_owned(),
            ),
        }),
        (TypeExpr::Bool, Value::Bool(_)) => {}
        (TypeExpr::Bool, Value::String(s)) if s == "true" || s == "false" => {}
        (TypeExpr::List(e) | TypeExpr::Set(e), Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                fit(e, item, path, out, literal);
                path.pop();
            }
        }
        (TypeExpr::Tuple(es), Value::List(items)) if es.len() == items.len() => {
            for (i, (e, item)) in es.iter().zip(items).enumerate() {
                path.push(PathSeg::Index(i));
                fit(e, item, path, out, literal);
                path.pop();
            }
        }
        (TypeExpr::Map(e), Value::Map(m)) => {
            for (k, item) in m {
                path.push(PathSeg::Key(k.clone()));
                fit(e, item, path, out, literal);
                path.pop();
            }
        }
        (TypeExpr::Object(attrs), Value::Map(m)) => {
            let absent: Vec<String> = attrs
                .iter()
                .filter(|(k, a)| !a.optional && !m.contains_key(*k))
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            if !absent.is_empty() {
                out.push(Misfit {
                    path: path.clone(),
                    at_key: false,
                    message: format!("missing {} required by the type", absent.join(", ")),
                    help: Some(
                        "give every attribute the type does not mark `optional(...)`".to_owned(),
                    ),
                });
            }
            for (k, item) in m {
                path.push(PathSeg::Key(k.clone()));
                match attrs.get(k) {
                    Some(a) => fit(&a.ty, item, path, out, literal),
                    // Terraform would drop it without a word: a typo, most likely
                    None => out.push(Misfit {
                        path: path.clone(),
                        at_key: true,
                        message: format!("the type has no attribute `{k}`"),
                        help: Some(match closest(k, attrs.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!(
                                "the type's attributes: {}",
                                attrs
                                    .keys()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        }),
                    }),
                }
                path.pop();
            }
        }
        _ => wrong(out, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_type_language() {
        assert_eq!(parse("map(list(number))").unwrap().to_string(), "map(list(number))");
        let t =
            parse("object({ a = optional(string, \"x\"), b = tuple([string, bool]) })").unwrap();
        let TypeExpr::Object(attrs) = t else { panic!() };
        assert!(attrs["a"].optional && !attrs["b"].optional);
        assert_eq!(parse("any").unwrap(), TypeExpr::Any);
    }

    #[test]
    fn explains_bad_types() {
        let e = parse("lst(string)").unwrap_err();
        assert_eq!(e.message, "`lst` is not a Terraform type");
        assert_eq!(e.help.as_deref(), Some("did you mean `list`?"));
        assert!(parse("list").is_err());
        assert!(parse("optional(string)").is_err());
        assert!(parse("list(string, number)").is_err());
        assert!(parse("\"string\"").is_err());
        assert!(parse("object({ port = optional(number, \"eighty\") })").is_err());
        assert!(parse("object({ port = optional(number, 80), tags = optional(map(string), {}) })")
            .is_ok());
    }

    #[test]
    fn checks_defaults() {
        let t = parse("object({ name = string, port = optional(number) })").unwrap();
        let mut m = IndexMap::new();
        m.insert("nme".to_owned(), Value::from("x"));
        let mut out = Vec::new();
        check(&t, &Value::Map(m), &mut Vec::new(), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        let mut out = Vec::new();
        check(
            &parse("list(number)").unwrap(),
            &Value::List(vec![Value::from("no")]),
            &mut Vec::new(),
            &mut out,
        );
        assert_eq!(out[0].path, vec![PathSeg::Index(0)]);
    }
}
