//! Terraform's meta-arguments, given in the same map as a block's arguments
//! (as in HCL): `count`, `for_each`, `depends_on`, `provider`, `lifecycle`.

use rhai::Dynamic;

use crate::diagnostics::{diag, did_you_mean, Code, Target};
use crate::model::{is_attribute_path, Lifecycle, Meta, Origin, PathSeg, Reference, Value};

use super::super::context::Ctx;
use super::super::convert::{first_nfc_repeat, nfc};
use super::super::errors::{bail, raise};
use super::super::handle::{Handle, HandleKind, TfExpr};
use super::language::conditions;
use super::{invalid_name, is_identifier, value_at, Res};

const LIFECYCLE_KEYS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
    "precondition",
    "postcondition",
];

/// Takes the meta-arguments out of `attrs`, leaving the block's own arguments.
pub(crate) fn take_meta(ctx: &Ctx, origin: &Origin, attrs: &mut rhai::Map) -> Res<Meta> {
    let mut meta = Meta::default();
    if let Some(c) = attrs.remove("count") {
        let v = value_at(ctx, origin, &[PathSeg::key("count")], &c)?;
        let wrong = match &v {
            Value::Int(n) if *n < 0 => Some(format!("`count` is {n}: it must be zero or more")),
            Value::Float(f) => Some(format!("`count` is {f}: it must be a whole number")),
            Value::String(_) | Value::Bool(_) | Value::List(_) | Value::Map(_) => {
                Some(format!("`count` must be a number, found {}", article(v.kind_name())))
            }
            _ => None,
        };
        if let Some(msg) = wrong {
            return Err(bad(
                origin,
                vec![PathSeg::key("count")],
                msg,
                "write how many: `count: 2`",
            ));
        }
        meta.count = Some(v);
    }
    if let Some(f) = attrs.remove("for_each") {
        let v = value_at(ctx, origin, &[PathSeg::key("for_each")], &f)?;
        // Terraform iterates maps and sets of strings: anything else known
        // now is refused here rather than when Terraform reads it.
        let help = "give a map, or a list of strings (each string names an instance)";
        match &v {
            Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                return Err(bad(
                    origin,
                    vec![PathSeg::key("for_each")],
                    format!(
                        "`for_each` must be a map or a list of strings, found {}",
                        article(v.kind_name())
                    ),
                    help,
                ))
            }
            Value::List(items) => {
                if let Some((i, item)) = items.iter().enumerate().find(|(_, x)| {
                    matches!(
                        x,
                        Value::Int(_)
                            | Value::Float(_)
                            | Value::Bool(_)
                            | Value::List(_)
                            | Value::Map(_)
                    )
                }) {
                    return Err(bad(
                        origin,
                        vec![PathSeg::key("for_each"), PathSeg::Index(i)],
                        format!(
                            "`for_each` over a list takes strings, found {}",
                            article(item.kind_name())
                        ),
                        help,
                    ));
                }
            }
            _ => {}
        }
        refuse_repeated_items(origin, &v)?;
        // Terraform iterates maps and sets only; an array means a set, and
        // so does a variable, local or other stack's output holding one
        // (Terraform refuses `for_each = var.zones` of a `list(string)`).
        meta.for_each = Some(match v {
            Value::List(_) => Value::Call { name: "toset".into(), args: vec![v] },
            other if holds_a_list(ctx, &other) => {
                Value::Call { name: "toset".into(), args: vec![other] }
            }
            other => other,
        });
    }
    if meta.count.is_some() && meta.for_each.is_some() {
        bail!(
            (origin, vec![PathSeg::key("for_each")], Target::Key),
            Code::ModelCountAndForEach,
            "`count` and `for_each` cannot both be set";
            help: "keep one of them"
        );
    }
    if let Some(d) = attrs.remove("depends_on") {
        meta.depends_on = references(origin, &[PathSeg::key("depends_on")], &d)?;
    }
    if let Some(p) = attrs.remove("provider") {
        meta.provider = Some(provider_ref(origin, &p)?);
    }
    if let Some(l) = attrs.remove("lifecycle") {
        meta.lifecycle = Some(lifecycle(ctx, origin, &l)?);
    }
    Ok(meta)
}

/// A literal `for_each` list, which Terraform reads as a set: a set keeps
/// one of each, so a repeated item (or two spellings one in Unicode normal
/// form C, as Terraform reads text) silently made fewer instances than the
/// list has items.
pub(crate) fn refuse_repeated_items(origin: &Origin, v: &Value) -> Res<()> {
    let Value::List(items) = v else { return Ok(()) };
    // Only text is compared here: a reference is Terraform's to compare.
    let texts = items.iter().enumerate().filter_map(|(i, item)| match item {
        Value::String(s) => Some((i, s.as_str())),
        _ => None,
    });
    let Some((first, again)) = first_nfc_repeat(texts) else { return Ok(()) };
    let Value::String(repeated) = &items[again] else { return Ok(()) };
    Err(bad(
        origin,
        vec![PathSeg::key("for_each"), PathSeg::Index(again)],
        format!(
            "`for_each` names `{}` twice (items {} and {}): Terraform makes one instance of \
             each distinct string",
            crate::diagnostics::printable(&nfc(repeated), false),
            first + 1,
            again + 1
        ),
        "remove the repeated item (text is compared in Unicode normal form C, as Terraform \
         reads it)",
    ))
}

fn bad(origin: &Origin, path: Vec<PathSeg>, msg: String, help: &str) -> Box<rhai::EvalAltResult> {
    raise(diag!((origin, path, Target::Value), Code::ModelBadMetaArgument, msg; help: help))
}

/// `depends_on: [vpc, role]`: handles (or references) to whole blocks.
pub(crate) fn references(origin: &Origin, path: &[PathSeg], d: &Dynamic) -> Res<Vec<Reference>> {
    let items = d.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_else(|| vec![d.clone()]);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut p = path.to_vec();
        p.push(PathSeg::Index(i));
        if let Some(h) = item.read_lock::<Handle>() {
            if matches!(h.kind, HandleKind::Block { .. } | HandleKind::Module) {
                out.push(h.reference.clone());
                continue;
            }
        }
        if let Some(e) = item.read_lock::<TfExpr>() {
            if let Value::Ref(r) = &e.0 {
                if !r.is_whole_object() {
                    return Err(bad(
                        origin,
                        p,
                        format!("`depends_on` takes whole blocks, but `{r}` is an attribute of `{}`", r.object_address()),
                        "pass the block's handle: `depends_on: [vpc]`, not `[vpc.id]` (Terraform refuses attributes here)",
                    ));
                }
                out.push(r.clone());
                continue;
            }
        }
        return Err(bad(
            origin,
            p,
            "expected a resource, data source or module handle".into(),
            "pass the value returned by `resource(...)`",
        ));
    }
    Ok(out)
}

fn article(word: &str) -> String {
    let an = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if an { "an" } else { "a" })
}

pub(crate) fn provider_ref(origin: &Origin, d: &Dynamic) -> Res<Reference> {
    if let Some(h) = d.read_lock::<Handle>() {
        if matches!(h.kind, HandleKind::Provider) {
            return Ok(h.reference.clone());
        }
    }
    if let Ok(s) = d.clone().into_immutable_string() {
        let mut parts = s.split('.');
        if let (Some(name), alias, None) = (parts.next(), parts.next(), parts.next()) {
            // Written as a bare traversal: anything but names would be code.
            if let Some(bad) = std::iter::once(name).chain(alias).find(|n| !is_identifier(n)) {
                return Err(raise(
                    invalid_name(bad, "a provider")
                        .at_path(origin, vec![PathSeg::key("provider")], Target::Value)
                        .help(format!(
                            "write the provider's name, or `name.alias` (`aws.us_east_1`): {}",
                            "letters, digits, `_` and `-`, starting with a letter or `_`"
                        )),
                ));
            }
            let r = Reference::new(name);
            return Ok(match alias {
                Some(a) => r.attr(a),
                None => r,
            });
        }
    }
    Err(bad(
        origin,
        vec![PathSeg::key("provider")],
        "expected a provider".into(),
        "pass the value returned by `provider(\"aws\", #{ alias: ... })`",
    ))
}

fn lifecycle(ctx: &Ctx, origin: &Origin, d: &Dynamic) -> Res<Lifecycle> {
    let here = vec![PathSeg::key("lifecycle")];
    let map = d.read_lock::<rhai::Map>().map(|m| m.clone()).ok_or_else(|| {
        bad(
            origin,
            here.clone(),
            "`lifecycle` must be a map".into(),
            "e.g. `lifecycle: #{ prevent_destroy: true }`",
        )
    })?;
    let mut out = Lifecycle::default();
    for (k, v) in &map {
        let mut p = here.clone();
        p.push(PathSeg::key(k));
        match k.as_str() {
            "create_before_destroy" | "prevent_destroy" => {
                let b = v.as_bool().map_err(|_| {
                    bad(
                        origin,
                        p.clone(),
                        format!("`{k}` must be true or false"),
                        "write `true` or `false`",
                    )
                })?;
                if k == "prevent_destroy" {
                    out.prevent_destroy = Some(b);
                } else {
                    out.create_before_destroy = Some(b);
                }
            }
            "ignore_changes" => {
                let items = v
                    .read_lock::<rhai::Array>()
                    .map(|a| a.clone())
                    .unwrap_or_else(|| vec![v.clone()]);
                let listed = v.is_array();
                for (i, item) in items.into_iter().enumerate() {
                    let s = item.into_immutable_string().map_err(|_| {
                        bad(
                            origin,
                            p.clone(),
                            "`ignore_changes` lists attribute names".into(),
                            "e.g. `ignore_changes: [\"tags\"]` or `\"all\"`",
                        )
                    })?;
                    if !is_attribute_path(&s) {
                        let mut at = p.clone();
                        if listed {
                            at.push(PathSeg::Index(i));
                        }
                        bail!(
                            (origin, at, Target::Value),
                            Code::ModelInvalidName,
                            "`{}` is not an attribute name for `ignore_changes`",
                            crate::model::shown(&s);
                            label: "not an attribute name";
                            help: "give attribute names such as `tags` or `tags[\"Name\"]`, or `all`"
                        );
                    }
                    out.ignore_changes.push(s.to_string());
                }
            }
            "replace_triggered_by" => out.replace_triggered_by = references(origin, &p, v)?,
            "precondition" => {
                out.preconditions = conditions(ctx, origin, &p, v, "a precondition")?;
            }
            "postcondition" => {
                out.postconditions = conditions(ctx, origin, &p, v, "a postcondition")?;
            }
            other => {
                bail!(
                    (origin, p, Target::Key),
                    Code::ModelBadMetaArgument,
                    "unknown lifecycle option `{other}`";
                    label: "unknown option";
                    help_opt: did_you_mean(other, LIFECYCLE_KEYS.iter().copied())
                );
            }
        }
    }
    Ok(out)
}

/// `var.x` declared a list or tuple, `local.x` holding a list, or another
/// stack's output that is a list there.
fn holds_a_list(ctx: &Ctx, v: &Value) -> bool {
    let Value::Ref(r) = v else { return false };
    super::ops::declared_type(ctx, r)
        .is_some_and(|t| t == "list" || t.starts_with("list(") || t.starts_with("tuple("))
}
