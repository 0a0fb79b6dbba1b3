//! Does a value fit an attribute's type? As lenient as Terraform's own
//! conversions: numbers and bools convert to strings and back, and anything
//! only known at plan time (references, calls, expressions) is accepted.

use super::types::{AttrType, Attribute, Nesting};
use crate::diagnostics::closest;
use crate::model::{PathSeg, TemplatePart, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mismatch {
    Type {
        path: Vec<PathSeg>,
        expected: String,
        found: String,
    },
    UnknownKey {
        path: Vec<PathSeg>,
        key: String,
        suggestion: Option<String>,
    },
    Missing {
        path: Vec<PathSeg>,
        names: Vec<String>,
    },
    /// Attributes an object type needs and the map lacks.
    MissingInObject {
        path: Vec<PathSeg>,
        names: Vec<String>,
    },
    Computed {
        path: Vec<PathSeg>,
        key: String,
    },
}

fn with(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

fn is_unknown(v: &Value) -> bool {
    v.is_dynamic() || matches!(v, Value::Null)
}

/// A template with interpolations is a string Terraform only knows at plan
/// time; a literal-only one is plain text.
fn template_text(parts: &[TemplatePart]) -> Option<String> {
    let mut s = String::new();
    for p in parts {
        match p {
            TemplatePart::Literal(l) => s.push_str(l),
            TemplatePart::Interp(_) => return None,
        }
    }
    Some(s)
}

/// `aws_vpc.main` or `data.aws_ami.al2` (or one instance of them): a whole
/// block, never a string, number or bool. Only roots that are types of the
/// embedded providers count: a `for` or `dynamic` iterator (`item.value`)
/// is named otherwise.
fn whole_block(v: &Value) -> Option<&crate::model::Reference> {
    use super::embedded::{EmbeddedProvider, EMBEDDED};
    use crate::model::Step;
    let Value::Ref(r) = v else { return None };
    let (type_name, data) = match (r.root.as_str(), r.steps.first()) {
        ("data", Some(Step::Attr(t))) => (t.as_str(), true),
        (root, _) => (root, false),
    };
    let known = EMBEDDED.iter().any(|p| {
        let list = if data { p.data_sources } else { p.resources };
        EmbeddedProvider::find(list, type_name).is_some()
    });
    (known && r.is_whole_object()).then_some(r)
}

pub(crate) fn check(ty: &AttrType, v: &Value, path: &[PathSeg], out: &mut Vec<Mismatch>) {
    // `vpc_id: vpc` (a block's handle, `.id` forgotten), alone or inside
    // text: Terraform refuses an object where it needs a plain value.
    if matches!(ty, AttrType::String | AttrType::Number | AttrType::Bool) {
        let inside = match v {
            Value::Template(parts) => parts.iter().find_map(|p| match p {
                TemplatePart::Interp(i) => whole_block(i),
                TemplatePart::Literal(_) => None,
            }),
            other => whole_block(other),
        };
        if let Some(r) = inside {
            out.push(Mismatch::Type {
                path: path.to_vec(),
                expected: ty.to_string(),
                found: format!("the whole block `{r}` (take one of its attributes, e.g. `.id`)"),
            });
            return;
        }
    }
    if is_unknown(v) {
        return;
    }
    let wrong = |out: &mut Vec<Mismatch>| {
        out.push(Mismatch::Type {
            path: path.to_vec(),
            expected: ty.to_string(),
            found: v.kind_name().to_owned(),
        })
    };
    match ty {
        AttrType::Dynamic => {}
        AttrType::String => {
            if !matches!(
                v,
                Value::String(_)
                    | Value::Int(_)
                    | Value::Float(_)
                    | Value::Bool(_)
                    | Value::Template(_)
            ) {
                wrong(out)
            }
        }
        AttrType::Number => {
            let ok = match v {
                Value::Int(_) | Value::Float(_) => true,
                Value::String(s) => crate::checks::formats::number_text(s),
                Value::Template(parts) => {
                    template_text(parts).is_none_or(|s| crate::checks::formats::number_text(&s))
                }
                _ => false,
            };
            if !ok {
                wrong(out)
            }
        }
        AttrType::Bool => {
            let ok = match v {
                Value::Bool(_) => true,
                Value::String(s) => s == "true" || s == "false",
                Value::Template(parts) => {
                    template_text(parts).is_none_or(|s| s == "true" || s == "false")
                }
                _ => false,
            };
            if !ok {
                wrong(out)
            }
        }
        AttrType::List(e) | AttrType::Set(e) => match v {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(e, item, &with(path, PathSeg::Index(i)), out);
                }
            }
            _ => wrong(out),
        },
        AttrType::Tuple(es) => match v {
            Value::List(items) if items.len() == es.len() => {
                for (i, (item, e)) in items.iter().zip(es).enumerate() {
                    check(e, item, &with(path, PathSeg::Index(i)), out);
                }
            }
            _ => wrong(out),
        },
        AttrType::Map(e) => match v {
            Value::Map(m) => {
                for (k, item) in m {
                    check(e, item, &with(path, PathSeg::Key(k.clone())), out);
                }
            }
            _ => wrong(out),
        },
        AttrType::Object(fields) => match v {
            Value::Map(m) => {
                // Terraform's object types have no optional attributes here:
                // every one must be given, `null` included.
                let absent: Vec<String> =
                    fields.keys().filter(|k| !m.contains_key(*k)).cloned().collect();
                if !absent.is_empty() {
                    out.push(Mismatch::MissingInObject { path: path.to_vec(), names: absent });
                }
                for (k, item) in m {
                    let p = with(path, PathSeg::Key(k.clone()));
                    match fields.get(k) {
                        Some(t) => check(t, item, &p, out),
                        None => out.push(Mismatch::UnknownKey {
                            path: p,
                            key: k.clone(),
                            suggestion: closest(k, fields.keys().map(String::as_str))
                                .map(str::to_owned),
                        }),
                    }
                }
            }
            _ => wrong(out),
        },
        AttrType::Nested { mode, attributes } => match (mode, v) {
            (Nesting::Single | Nesting::Group, Value::Map(m)) => {
                check_object(attributes, m, path, out)
            }
            (Nesting::List | Nesting::Set, Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let p = with(path, PathSeg::Index(i));
                    match item {
                        Value::Map(m) => check_object(attributes, m, &p, out),
                        other if is_unknown(other) => {}
                        other => out.push(Mismatch::Type {
                            path: p,
                            expected: "object".to_owned(),
                            found: other.kind_name().to_owned(),
                        }),
                    }
                }
            }
            (Nesting::Map, Value::Map(m)) => {
                for (k, item) in m {
                    let p = with(path, PathSeg::Key(k.clone()));
                    match item {
                        Value::Map(inner) => check_object(attributes, inner, &p, out),
                        other if is_unknown(other) => {}
                        other => out.push(Mismatch::Type {
                            path: p,
                            expected: "object".to_owned(),
                            found: other.kind_name().to_owned(),
                        }),
                    }
                }
            }
            _ => wrong(out),
        },
    }
}

/// A nested attribute's object: like a block body, its attributes say which
/// keys are required and which the provider computes.
fn check_object(
    attributes: &indexmap::IndexMap<String, Attribute>,
    m: &indexmap::IndexMap<String, Value>,
    path: &[PathSeg],
    out: &mut Vec<Mismatch>,
) {
    for (k, item) in m {
        let p = with(path, PathSeg::Key(k.clone()));
        match attributes.get(k) {
            Some(a) if a.is_output_only() => {
                out.push(Mismatch::Computed { path: p, key: k.clone() })
            }
            Some(a) => check(&a.ty, item, &p, out),
            None => {
                let names =
                    attributes.iter().filter(|(_, a)| !a.is_output_only()).map(|(n, _)| n.as_str());
                out.push(Mismatch::UnknownKey {
                    path: p,
                    key: k.clone(),
                    suggestion: closest(k, names).map(str::to_owned),
                })
            }
        }
    }
    let names: Vec<String> = attributes
        .iter()
        .filter(|(k, a)| a.required && m.get(*k).is_none_or(|v| *v == Value::Null))
        .map(|(k, _)| k.clone())
        .collect();
    if !names.is_empty() {
        out.push(Mismatch::Missing { path: path.to_vec(), names });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reference;

    fn errs(ty: &AttrType, v: &Value) -> Vec<Mismatch> {
        let mut out = Vec::new();
        check(ty, v, &[PathSeg::Key("x".into())], &mut out);
        out
    }

    #[test]
    fn converts_like_terraform() {
        assert!(errs(&AttrType::String, &Value::Int(3)).is_empty());
        assert!(errs(&AttrType::Number, &Value::from("42")).is_empty());
        assert!(errs(&AttrType::Bool, &Value::from("true")).is_empty());
        assert!(errs(&AttrType::Number, &Value::Ref(Reference::new("var").attr("n"))).is_empty());
        assert_eq!(errs(&AttrType::Number, &Value::from("forty")).len(), 1);
        assert_eq!(errs(&AttrType::Bool, &Value::from("yes")).len(), 1);
    }

    #[test]
    fn points_at_the_bad_element() {
        let ty = AttrType::List(Box::new(AttrType::String));
        let v = Value::List(vec![Value::from("a"), Value::List(vec![])]);
        let e = errs(&ty, &v);
        assert_eq!(
            e,
            vec![Mismatch::Type {
                path: vec![PathSeg::Key("x".into()), PathSeg::Index(1)],
                expected: "string".into(),
                found: "list".into()
            }]
        );
    }
}
