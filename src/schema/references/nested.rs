//! Steps past the first attribute: through a resource's nested blocks and
//! object attributes, or through a variable's type.

use super::{did_you_mean, problem, Op, Problem};
use crate::diagnostics::Code;
use crate::schema::type_expr::TypeExpr;
use crate::schema::types::{AttrType, Nesting, SchemaBlock};

/// Past the first attribute, names inside nested blocks and object values
/// are followed through the schema; only a name that does not exist is an
/// error (a step of a kind Terraform may convert is left to it).
pub(super) fn in_block_item(
    at: &str,
    b: &SchemaBlock,
    name: &str,
    ops: &[Op],
) -> Result<(), Problem> {
    if let Some(a) = b.attributes.get(name) {
        return in_attr(at, &a.ty, ops);
    }
    let Some(bt) = b.block_types.get(name) else { return Ok(()) };
    let ops = match (bt.nesting, ops.first()) {
        (Nesting::Single | Nesting::Group, _) => ops,
        (Nesting::List | Nesting::Set, Some(Op::Attr(a))) => {
            return Err(no_attribute_on_many(at, bt.nesting == Nesting::Set, a))
        }
        (Nesting::Set, Some(Op::Int(_) | Op::Str(_) | Op::Other)) => {
            return Err(no_index_in_set(at))
        }
        (_, Some(Op::Attr(_)) | None) => return Ok(()),
        (_, Some(_)) => &ops[1..],
    };
    in_block(at, &bt.block, ops)
}

fn in_block(at: &str, b: &SchemaBlock, ops: &[Op]) -> Result<(), Problem> {
    match ops.split_first() {
        Some((Op::Attr(a), rest)) => {
            if b.attributes.contains_key(a) || b.block_types.contains_key(a) {
                return in_block_item(&format!("{at}.{a}"), b, a, rest);
            }
            let names = b.attributes.keys().chain(b.block_types.keys()).map(String::as_str);
            Err(problem(
                Code::ModelUnknownReference,
                format!("`{at}` has no attribute `{a}`"),
                did_you_mean(a, names),
            ))
        }
        _ => Ok(()),
    }
}

fn in_attr(at: &str, ty: &AttrType, ops: &[Op]) -> Result<(), Problem> {
    let Some((op, rest)) = ops.split_first() else { return Ok(()) };
    match (ty, op) {
        (AttrType::Object(fields), Op::Attr(a)) => match fields.get(a) {
            Some(t) => in_attr(&format!("{at}.{a}"), t, rest),
            None => Err(problem(
                Code::ModelUnknownReference,
                format!("`{at}` has no attribute `{a}`"),
                did_you_mean(a, fields.keys().map(String::as_str)),
            )),
        },
        (AttrType::String | AttrType::Number | AttrType::Bool, _) => {
            let kind = match ty {
                AttrType::String => "a string",
                AttrType::Number => "a number",
                _ => "a bool",
            };
            let what = match op {
                Op::Attr(a) => format!("no attribute `{a}`"),
                _ => "no elements to index".to_owned(),
            };
            Err(problem(
                Code::ModelUnknownReference,
                format!("`{at}` is {kind}: it has {what}"),
                None,
            ))
        }
        (AttrType::Set(_), Op::Int(_) | Op::Str(_) | Op::Other) => Err(no_index_in_set(at)),
        (AttrType::List(_) | AttrType::Set(_), Op::Attr(a)) => {
            Err(no_attribute_on_many(at, matches!(ty, AttrType::Set(_)), a))
        }
        (AttrType::List(e) | AttrType::Set(e), Op::Int(_) | Op::Splat | Op::Other) => {
            in_attr(&format!("{at}[*]"), e, rest)
        }
        (AttrType::Map(e), Op::Str(_) | Op::Attr(_) | Op::Other) => in_attr(at, e, rest),
        (AttrType::Nested { mode, attributes }, _) => {
            let ops = match (mode, op) {
                (Nesting::Single | Nesting::Group, _) => ops,
                (_, Op::Attr(_)) if !matches!(mode, Nesting::Map) => return Ok(()),
                _ => rest,
            };
            match ops.split_first() {
                Some((Op::Attr(a), rest)) => match attributes.get(a) {
                    Some(attr) => in_attr(&format!("{at}.{a}"), &attr.ty, rest),
                    None => Err(problem(
                        Code::ModelUnknownReference,
                        format!("`{at}` has no attribute `{a}`"),
                        did_you_mean(a, attributes.keys().map(String::as_str)),
                    )),
                },
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// `subnets.id` on a list: Terraform refuses it ("Can't access attributes
/// on a list of objects") when it reads the configuration.
fn no_attribute_on_many(at: &str, set: bool, a: &str) -> Problem {
    let (kind, one) = if set { ("set", "") } else { ("list", "one element (`[0]`) or ") };
    problem(
        Code::ModelUnknownReference,
        format!("`{at}` is a {kind}: it has no attribute `{a}`"),
        Some(format!("take {one}all of them (`.all()`, Terraform's `[*]`), then `.{a}`")),
    )
}

/// Terraform refuses `[0]` on a set ("Elements of a set are identified only
/// by their value and don't have any separate index").
fn no_index_in_set(at: &str) -> Problem {
    problem(
        Code::ModelUnknownReference,
        format!("`{at}` is a set: its elements have no index"),
        Some("take all of them (`.all()`, Terraform's `[*]`), or turn it into a list with `tf::tolist(...)`".into()),
    )
}

/// The steps after `var.NAME`, followed through the variable's type:
/// `var.db.nme` on `object({ name = string })` is a typo Terraform would
/// only report at plan time.
pub(super) fn within_type(at: &str, ty: &TypeExpr, ops: &[Op]) -> Result<(), Problem> {
    let Some((op, rest)) = ops.split_first() else { return Ok(()) };
    match (ty, op) {
        (TypeExpr::Object(attrs), Op::Attr(a) | Op::Str(a)) => match attrs.get(a) {
            Some(attr) => within_type(&format!("{at}.{a}"), &attr.ty, rest),
            None => Err(problem(
                Code::ModelUnknownReference,
                format!("`{at}` has no attribute `{a}` in its type"),
                did_you_mean(a, attrs.keys().map(String::as_str)).or_else(|| {
                    let names: Vec<String> = attrs.keys().map(|k| format!("`{k}`")).collect();
                    Some(format!("its attributes: {}", names.join(", ")))
                }),
            )),
        },
        (TypeExpr::Map(e), Op::Attr(a) | Op::Str(a)) => within_type(&format!("{at}.{a}"), e, rest),
        (TypeExpr::List(e), Op::Int(i)) => within_type(&format!("{at}[{i}]"), e, rest),
        (TypeExpr::Tuple(es), Op::Int(i)) => match usize::try_from(*i).ok().and_then(|i| es.get(i))
        {
            Some(e) => within_type(&format!("{at}[{i}]"), e, rest),
            None => Err(problem(
                Code::ModelUnknownReference,
                format!("`{at}` is a tuple of {} elements: it has no element `[{i}]`", es.len()),
                None,
            )),
        },
        (TypeExpr::List(e) | TypeExpr::Set(e), Op::Splat) => {
            within_type(&format!("{at}[*]"), e, rest)
        }
        (TypeExpr::String | TypeExpr::Number | TypeExpr::Bool, Op::Attr(a)) => Err(problem(
            Code::ModelUnknownReference,
            format!("`{at}` is a {ty}: it has no attribute `{a}`"),
            None,
        )),
        (TypeExpr::Set(_), Op::Int(_) | Op::Str(_)) => Err(problem(
            Code::ModelUnknownReference,
            format!("`{at}` is a set: its elements have no index"),
            Some(format!("convert it first: `tolist({at})[0]`")),
        )),
        (TypeExpr::List(_) | TypeExpr::Tuple(_), Op::Attr(a)) => Err(problem(
            Code::ModelUnknownReference,
            format!("`{at}` is a {ty}: pick an element before `.{a}`"),
            Some(format!("e.g. `{at}[0].{a}` or `{at}[*].{a}`")),
        )),
        _ => Ok(()),
    }
}
