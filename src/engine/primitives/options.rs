//! `options(SPEC, opts)`: the one mechanism every stdlib block declares its
//! options with. A declaration says name, type, default, doc line and
//! constraint; this checks the operator's map against it and reports each
//! problem at the operator's own key or value, with did-you-mean.
//!
//! ```rhai
//! export const VPC = #{ block: "network::vpc", doc: "...", options: [
//!     #{ name: "cidr", type: "string", default: "10.0.0.0/16", check: "cidr", doc: "..." },
//!     #{ name: "az_count", type: "int", default: 3, min: 1, max: 6, doc: "..." },
//! ], rules: [ #{ ordered: ["min", "desired", "max"] } ] };
//! fn vpc(opts) { let o = options(global::VPC, opts); ... }
//! ```

use rhai::{Dynamic, Engine, Map, NativeCallContext};

use crate::diagnostics::{diag, did_you_mean, line_col_of, Code, Diagnostic, Target};
use crate::model::{Origin, PathSeg, Site, Step, Value};

use super::super::context::CtxRef;
use super::super::convert::known_text;
use super::super::errors::raise;
use super::super::handle::{Handle, TfExpr};
use super::declaration;
use super::results::Results;
use super::spec::{
    is_plan_time, is_plan_time_itself, same, OptionSpec, PlanTime, Rule, SpecError, Ty,
};
use super::{origin_of, report, Res};
use crate::checks::{self, cidr};

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine.register_fn("options", move |nc: NativeCallContext, spec: Map, given: Dynamic| {
        options(&c, &nc, &spec, &given)
    });
    engine.register_fn(
        "reject",
        |nc: NativeCallContext, key: Dynamic, message: &str, help: &str| -> Res<()> {
            Err(raise(rejection(&origin_of(&nc), &key, message, help)))
        },
    );
    engine.register_fn("reject", |nc: NativeCallContext, key: Dynamic, message: &str| -> Res<()> {
        Err(raise(rejection(&origin_of(&nc), &key, message, "")))
    });
}

/// `reject("cidr", "...")` or `reject(["subnets", 2], "...")`: a stdlib
/// block's own constraint, reported at the operator's option.
fn rejection(origin: &Origin, key: &Dynamic, message: &str, help: &str) -> Diagnostic {
    let mut path = Vec::new();
    let items =
        key.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_else(|| vec![key.clone()]);
    for item in items {
        if let Ok(i) = item.as_int() {
            path.push(PathSeg::Index(i.max(0) as usize));
        } else if let Ok(s) = item.into_immutable_string() {
            path.push(PathSeg::Key(s.to_string()));
        }
    }
    let d = Diagnostic::error(Code::StdlibInvalidOption, message.to_owned()).at_path(
        origin,
        path,
        Target::Value,
    );
    if help.is_empty() {
        d
    } else {
        d.help(help)
    }
}

fn text(m: &Map, k: &str) -> Option<String> {
    m.get(k).and_then(|v| v.clone().into_immutable_string().ok()).map(|s| s.to_string())
}

fn number(v: &Dynamic) -> Option<f64> {
    v.as_int().map(|i| i as f64).ok().or_else(|| v.as_float().ok())
}

/// A malformed declaration, labelled where it is written (the stdlib, or
/// the operator's own module), not at the value the operator passed.
pub(crate) fn declaration_error(
    ctx: &CtxRef,
    origin: &Origin,
    spec: &Map,
    err: &SpecError,
) -> Diagnostic {
    let block = text(spec, "block").unwrap_or_else(|| "this block".into());
    let what = match (err.list, &err.item) {
        (Some("options"), Some(n)) => format!("option `{n}` of `{block}`"),
        (Some("results"), Some(n)) => format!("result `{n}` of `{block}`"),
        (Some(list), _) => format!("`{list}` of `{block}`"),
        _ => format!("declaration of `{block}`"),
    };
    let d = Diagnostic::error(Code::StdlibBadDeclaration, format!("{what}: {}", err.message))
        .label("in this declaration")
        .help_opt(err.help.clone().filter(|h| !h.is_empty()));
    let Some(site) = origin.innermost() else { return d };
    let ctx = ctx.borrow();
    let sources = ctx.sources.borrow();
    let place = sources.get(&site.file).and_then(|src| {
        let off = declaration::locate(src, &block, err)?;
        let (line, col) = line_col_of(src, off);
        Some(Site { file: site.file.clone(), line, col })
    });
    d.at_site(place.unwrap_or_else(|| site.clone()))
}

fn options(ctx: &CtxRef, nc: &NativeCallContext, spec: &Map, given: &Dynamic) -> Res<Map> {
    let origin = origin_of(nc);
    // Problems of the whole map (a missing option) belong to the block's
    // call, one frame out from this `options(...)` inside the block.
    let block_call = Origin::new(origin.frames[..origin.frames.len().saturating_sub(1)].to_vec());
    let block_call = if block_call.frames.is_empty() { origin.clone() } else { block_call };
    // A declaration without `block` is named after nothing better.
    let parsed = super::spec_cache::parse(spec, "this block")
        .map_err(|e| raise(declaration_error(ctx, &origin, spec, &e)))?;
    let block = parsed.block.as_str();
    let decls = &parsed.options;
    // Read in place: the operator's map is only looked at here.
    let empty = Map::new();
    let lock;
    let given: &Map = if given.is_unit() {
        &empty
    } else {
        lock = given.read_lock::<Map>().ok_or_else(|| {
            raise(diag!(
                &block_call,
                Code::StdlibWrongType,
                "`{block}` takes a map of options `#{{ ... }}`, found {}",
                found_word(given),
            ))
        })?;
        &lock
    };
    {
        let mut c = ctx.borrow_mut();
        let c = &mut *c;
        super::super::block_calls::note_name(
            &mut c.block_names,
            &block_call.frames,
            given,
            &c.stack,
        );
    }
    let mut problems = Vec::new();
    let names: Vec<&str> = decls.iter().map(|d| d.name.as_str()).collect();
    for key in given.keys() {
        if !names.contains(&key.as_str()) {
            let help = did_you_mean(key, names.iter().copied())
                .unwrap_or_else(|| format!("`{block}` takes: {}", names.join(", ")));
            problems.push(diag!(
                (&origin, vec![PathSeg::Key(key.to_string())], Target::Key),
                Code::StdlibUnknownOption,
                "`{block}` has no option `{key}`";
                label: "unknown option";
                help: help
            ));
        }
    }
    let mut out = Map::new();
    for d in decls {
        match given.get(d.name.as_str()) {
            Some(v) => {
                if let Some((at, target, p)) = empty_text(block, d, v) {
                    let mut path = vec![PathSeg::Key(d.name.clone())];
                    path.extend(at);
                    problems.push(p.at_path(&origin, path, target));
                } else if let Err(e) = check_value(block, d, v) {
                    let (item, p) = *e;
                    let mut at = vec![PathSeg::Key(d.name.clone())];
                    at.extend(item.map(PathSeg::Index));
                    problems.push(p.at_path(&origin, at, Target::Value));
                } else if let Some(p) = maybe_null(ctx, block, d, v) {
                    let at = vec![PathSeg::Key(d.name.clone())];
                    problems.push(p.at_path(&origin, at, Target::Value));
                }
                out.insert(d.name.as_str().into(), v.clone());
            }
            None => match &d.default {
                Some(v) => {
                    out.insert(d.name.as_str().into(), v.clone());
                }
                None if d.optional => {
                    out.insert(d.name.as_str().into(), Dynamic::UNIT);
                }
                None => problems.push(diag!(
                    &block_call,
                    Code::StdlibMissingOption,
                    "`{block}` needs the option `{}`",
                    d.name;
                    label: format!("`{}` is missing", d.name);
                    help: format!("add `{}: ...` ({})", d.name, d.doc)
                )),
            },
        }
    }
    if problems.is_empty() {
        rules(block, decls, &parsed.rules, given, &out, &origin, &mut problems);
    }
    if problems.is_empty() {
        return Ok(out);
    }
    let first = problems.remove(0);
    for p in problems {
        report(ctx, p);
    }
    Err(raise(first))
}

/// An optional option given a variable whose default is null, Terraform's
/// way of saying "optional". The block decides now, from the option being
/// given, what it writes: given `kms_key_arn: var.key`, it writes
/// `kms_key_id = var.key` and makes no key of its own. Left at its null
/// default, `var.key` then unsets the argument at plan time, and the
/// resource gets the provider's default, neither a value of the operator's
/// nor the block's. A variable without a default, or with one that is not
/// null, is null only when its caller passes null on purpose.
fn maybe_null(ctx: &CtxRef, block: &str, d: &OptionSpec, v: &Dynamic) -> Option<Diagnostic> {
    if !(d.optional || d.default.is_some()) {
        return None;
    }
    let expr = v.read_lock::<TfExpr>()?;
    let Value::Ref(r) = &expr.0 else { return None };
    let [Step::Attr(name)] = r.steps.as_slice() else { return None };
    if r.root != "var" {
        return None;
    }
    let c = ctx.try_borrow().ok()?;
    let var = c.stack.variables.iter().find(|x| &x.name == name)?;
    if var.nullable == Some(false) || !matches!(var.default, Some(Value::Null)) {
        return None;
    }
    let instead = match &d.default {
        Some(_) => "the option's default",
        None => "what the block does without it",
    };
    Some(
        Diagnostic::error(
            Code::StdlibInvalidOption,
            format!(
                "option `{}` of `{block}` is given `var.{name}`, which is null unless set",
                d.name
            ),
        )
        .label("null by default")
        .note(format!(
            "`{block}` decides now that `{}` is given; left null, `var.{name}` would leave the \
             argument unset at plan time, and the resource would get the provider's default, \
             not {instead}",
            d.name
        ))
        .help(format!(
            "give `var.{name}` a default that is not null, or none (so that it must be set), or \
             leave `{}` out of the options when the script has no value for it",
            d.name
        )),
    )
}

pub(crate) fn found_word(v: &Dynamic) -> String {
    if let Ok(s) = v.clone().into_immutable_string() {
        return format!("the string \"{s}\"");
    }
    if v.is::<TfExpr>() {
        return "a Terraform expression".into();
    }
    if v.is::<Handle>() {
        return "a resource handle".into();
    }
    if let Some(r) = v.read_lock::<Results>() {
        return format!("the results of `{}`", r.block);
    }
    match v.type_name() {
        "i64" => format!("the number {v}"),
        "f64" => format!("the number {v}"),
        "bool" => format!("`{v}`"),
        "()" => "nothing (a function that returns no value)".into(),
        "array" => "an array".into(),
        "map" => "a map".into(),
        "char" => format!("the character '{v}'"),
        _ => "a value of another kind".into(),
    }
}

/// What to pass instead of a plan-time value, by type.
fn known_now_example(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "`true` or `false`",
        Ty::Int | Ty::Number => "a number",
        Ty::String => "a string",
        Ty::List(_) => "an array of values written in the script",
        Ty::Map(_) => "a map of values written in the script",
        _ => "a value written in the script",
    }
}

/// An empty (or blank) string where a string is declared, as the option
/// itself, an item of a list or a key of a map: no option takes `""` to
/// mean anything (a blank variable would otherwise count as given, and
/// switch a block's own key, alarm target or name to something else).
/// Where the operator means "none", the option is left out.
fn empty_text(
    block: &str,
    d: &OptionSpec,
    v: &Dynamic,
) -> Option<(Vec<PathSeg>, Target, Diagnostic)> {
    let blank =
        |x: &Dynamic| x.read_lock::<rhai::ImmutableString>().is_some_and(|s| s.trim().is_empty());
    let what = |s: &str| if s.is_empty() { "an empty string" } else { "a blank string" };
    let name = &d.name;
    if d.empty {
        return None;
    }
    let doc = if d.doc.is_empty() { String::new() } else { format!(" ({})", d.doc) };
    if d.ty == Ty::String && blank(v) {
        let help = if d.optional {
            format!("leave `{name}` out where you mean none, or give it a value{doc}")
        } else if d.default.is_some() {
            format!("leave `{name}` out to use its default, or give it a value{doc}")
        } else {
            format!("give `{name}` a value{doc}")
        };
        let msg = format!("option `{name}` of `{block}` is {}", what(&v.to_string()));
        return Some((
            vec![],
            Target::Value,
            Diagnostic::error(Code::StdlibInvalidOption, msg).label("empty").help(help),
        ));
    }
    if let (Ty::List(Some(t)), Some(items)) = (&d.ty, v.read_lock::<rhai::Array>()) {
        if **t == Ty::String {
            if let Some(i) = items.iter().position(blank) {
                let msg = format!(
                    "item {i} of option `{name}` of `{block}` is {}",
                    what(&items[i].to_string())
                );
                let help = format!("drop the item, or give it a value{doc}");
                return Some((
                    vec![PathSeg::Index(i)],
                    Target::Value,
                    Diagnostic::error(Code::StdlibInvalidOption, msg)
                        .label("empty item")
                        .help(help),
                ));
            }
        }
    }
    if let (Ty::Map(_), Some(m)) = (&d.ty, v.read_lock::<Map>()) {
        if let Some(k) = m.keys().find(|k| k.trim().is_empty()) {
            let msg = format!("option `{name}` of `{block}` has {} as a key", what(k));
            let help = format!("drop the entry, or name its key{doc}");
            return Some((
                vec![PathSeg::Key(k.to_string())],
                Target::Key,
                Diagnostic::error(Code::StdlibInvalidOption, msg).label("empty key").help(help),
            ));
        }
    }
    None
}

/// Checks one value against its declaration; the caller adds the locus
/// (the option, or the index of the bad item within it).
fn check_value(
    block: &str,
    d: &OptionSpec,
    v: &Dynamic,
) -> Result<(), Box<(Option<usize>, Diagnostic)>> {
    check_whole(block, d, v).map_err(|e| Box::new((None, *e)))?;
    check_items(block, d, v)
}

fn check_whole(block: &str, d: &OptionSpec, v: &Dynamic) -> Result<(), Box<Diagnostic>> {
    // Only a failing value's help shows it: made then, not for every option.
    let doc = || if d.doc.is_empty() { String::new() } else { format!("`{}`: {}", d.name, d.doc) };
    if !d.ty.accepts(v) {
        return Err(Box::new(
            Diagnostic::error(
                Code::StdlibWrongType,
                format!(
                    "option `{}` of `{block}` expects {}, found {}",
                    d.name,
                    d.ty.words(),
                    found_word(v)
                ),
            )
            .label(format!("expected {}", d.ty.words()))
            .help(doc()),
        ));
    }
    let plan_time = match d.plan_time {
        PlanTime::Yes => false,
        PlanTime::Items => is_plan_time_itself(v),
        PlanTime::No => is_plan_time(v),
    };
    if d.plan_time == PlanTime::Yes && is_plan_time_itself(v) {
        // Passed through to Terraform unchanged; only a check that judges
        // partly known text looks at what of a string is known now.
        let check = d.check.as_deref().filter(|c| checks::PARTIAL.contains(c));
        if let (Some(check), Ok(s)) = (check, v.clone().into_immutable_string()) {
            let known = known_text(&s, checks::UNKNOWN);
            if let Err(f) = checks::run(check, &known) {
                return Err(Box::new(
                    Diagnostic::error(
                        Code::StdlibInvalidOption,
                        format!(
                            "option `{}` of `{block}`: {}",
                            d.name,
                            f.message.replace(checks::UNKNOWN, "${...}")
                        ),
                    )
                    .label("invalid")
                    .help(doc()),
                ));
            }
        }
        return Ok(());
    }
    if plan_time {
        let help = if d.plan_time == PlanTime::Items {
            format!(
                "`{block}` needs to know the items `{}` holds, so write the {} in the script; its items may be references (e.g. `[a.id, b.id]`)",
                d.name,
                if matches!(d.ty, Ty::Map(_)) { "map" } else { "list" }
            )
        } else {
            let why = if d.check.is_some() || d.items_check.is_some() || !d.one_of.is_empty() {
                format!("`{block}` checks `{}` and builds from it", d.name)
            } else {
                format!(
                    "`{block}` decides from `{}` which resources and arguments it writes",
                    d.name
                )
            };
            format!(
                "{why}, so it cannot wait for Terraform: pass {} (a literal, a `const` or a script value), not a `var.`, `tf::` or resource value",
                known_now_example(&d.ty)
            )
        };
        return Err(Box::new(
            Diagnostic::error(
                Code::StdlibNeedsKnownValue,
                format!(
                    "option `{}` of `{block}` needs a value known now, not one Terraform knows only at plan time",
                    d.name
                ),
            )
            .label("known only at plan time")
            .help(help),
        ));
    }
    // On a list written in the script, `min` and `max` count its items.
    if let (Ty::List(_), Some(items)) = (&d.ty, v.read_lock::<rhai::Array>()) {
        let n = items.len() as f64;
        if d.min.is_some_and(|m| n < m) || d.max.is_some_and(|m| n > m) {
            let range = match (d.min, d.max) {
                (Some(a), Some(b)) => format!("{a} to {b} items"),
                (Some(a), None) => format!("at least {a} item{}", if a == 1.0 { "" } else { "s" }),
                (None, Some(b)) => format!("at most {b} items"),
                (None, None) => String::new(),
            };
            return Err(Box::new(
                Diagnostic::error(
                    Code::StdlibOutOfRange,
                    format!(
                        "option `{}` of `{block}` takes {range}, found {}",
                        d.name,
                        items.len()
                    ),
                )
                .label(format!("allowed: {range}"))
                .help(format!(
                    "list {range} in `{}`{}",
                    d.name,
                    if d.doc.is_empty() { String::new() } else { format!(" ({})", d.doc) }
                )),
            ));
        }
    }
    if let Some(n) = number(v) {
        let below = d.min.is_some_and(|m| n < m);
        let above = d.max.is_some_and(|m| n > m);
        if below || above {
            let range = match (d.min, d.max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            return Err(Box::new(
                Diagnostic::error(
                    Code::StdlibOutOfRange,
                    format!("option `{}` of `{block}` must be {range}, found {v}", d.name),
                )
                .label(format!("allowed: {range}"))
                .help(doc()),
            ));
        }
    }
    if !d.one_of.is_empty() && !d.one_of.iter().any(|a| same(a, v)) {
        let allowed: Vec<String> = d.one_of.iter().map(|a| format!("`{a}`")).collect();
        let vs = v.to_string();
        let suggestion = did_you_mean(
            &vs,
            d.one_of.iter().map(|a| a.to_string()).collect::<Vec<_>>().iter().map(String::as_str),
        );
        return Err(Box::new(
            Diagnostic::error(
                Code::StdlibInvalidOption,
                format!(
                    "option `{}` of `{block}` must be one of {}, found `{vs}`",
                    d.name,
                    allowed.join(", ")
                ),
            )
            .label("not an allowed value")
            .help(suggestion.unwrap_or_else(doc)),
        ));
    }
    if let Some(check) = &d.check {
        if let Ok(s) = v.clone().into_immutable_string() {
            if let Err(f) = checks::run(check, &s) {
                return Err(Box::new(
                    Diagnostic::error(
                        Code::StdlibInvalidOption,
                        format!("option `{}` of `{block}`: {}", d.name, f.message),
                    )
                    .label("invalid")
                    .help(f.suggestion.map(|s| format!("did you mean `{s}`?")).unwrap_or_else(doc)),
                ));
            }
        }
    }
    Ok(())
}

fn check_items(
    block: &str,
    d: &OptionSpec,
    v: &Dynamic,
) -> Result<(), Box<(Option<usize>, Diagnostic)>> {
    // Only a failing value's help shows it: made then, not for every option.
    let doc = || if d.doc.is_empty() { String::new() } else { format!("`{}`: {}", d.name, d.doc) };
    if let (Some(check), Some(items)) = (&d.items_check, v.read_lock::<rhai::Array>()) {
        for (i, item) in items.iter().enumerate() {
            if is_plan_time(item) {
                continue;
            }
            if let Ok(s) = item.clone().into_immutable_string() {
                if let Err(f) = checks::run(check, &s) {
                    return Err(Box::new((
                        Some(i),
                        Diagnostic::error(
                            Code::StdlibInvalidOption,
                            format!("option `{}` of `{block}`: {}", d.name, f.message),
                        )
                        .label("invalid item")
                        .help(
                            f.suggestion
                                .map(|s| format!("did you mean `{s}`?"))
                                .unwrap_or_else(doc),
                        ),
                    )));
                }
            }
        }
    }
    let Some(items) = v.read_lock::<rhai::Array>() else { return Ok(()) };
    for (i, item) in items.iter().enumerate() {
        if is_plan_time(item) {
            continue;
        }
        if !d.items_one_of.is_empty() && !d.items_one_of.iter().any(|a| same(a, item)) {
            let allowed: Vec<String> = d.items_one_of.iter().map(|a| a.to_string()).collect();
            let text = item.to_string();
            // A name written in another case is the likeliest slip.
            let help = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&text))
                .map(|a| format!("did you mean `{a}`?"))
                .or_else(|| did_you_mean(&text, allowed.iter().map(String::as_str)))
                .unwrap_or_else(|| format!("allowed: {}", allowed.join(", ")));
            return Err(Box::new((
                Some(i),
                Diagnostic::error(
                    Code::StdlibInvalidOption,
                    format!("option `{}` of `{block}` does not allow the item `{item}`", d.name),
                )
                .label("not an allowed item")
                .help(help),
            )));
        }
        if d.unique {
            if let Some(first) = items[..i].iter().position(|a| same(a, item)) {
                return Err(Box::new((
                    Some(i),
                    Diagnostic::error(
                        Code::StdlibInvalidOption,
                        format!(
                            "option `{}` of `{block}` lists `{item}` twice (as item {first} and item {i})",
                            d.name
                        ),
                    )
                    .label("listed again")
                    .help(format!("list each item of `{}` once", d.name)),
                )));
            }
        }
    }
    Ok(())
}

/// Whether an option's value says nothing: `()`, `[]` or `#{}`.
fn is_nothing(v: Option<&Dynamic>) -> bool {
    v.is_none_or(|v| {
        v.is_unit()
            || v.read_lock::<rhai::Array>().is_some_and(|a| a.is_empty())
            || v.read_lock::<Map>().is_some_and(|m| m.is_empty())
    })
}

/// How a needed option is missing: not given (`None`), or turned off by
/// `false` or `0` (`Some(what it takes to be on)`), which a `needs` rule counts as missing
/// too: the feature it switches is off.
fn off(v: Option<&Dynamic>) -> Option<Option<String>> {
    if is_nothing(v) {
        return Some(None);
    }
    let v = v?;
    if v.as_bool() == Ok(false) {
        return Some(Some("on".into()));
    }
    if v.as_int() == Ok(0) {
        return Some(Some("above 0".into()));
    }
    None
}

/// Rules across options: `ordered` (min ≤ desired ≤ max), `within`
/// (subnet lists inside a block and not overlapping each other) and
/// `needs` (options that take effect only together with another).
fn rules(
    block: &str,
    decls: &[OptionSpec],
    rules: &[Rule],
    given: &Map,
    out: &Map,
    origin: &Origin,
    problems: &mut Vec<Diagnostic>,
) {
    for rule in rules {
        if let Rule::Needs { needs, containing, by } = rule {
            let states: Vec<Option<Option<String>>> =
                needs.iter().map(|n| off(out.get(n.as_str()))).collect();
            let missing = match containing {
                Some(x) => !out
                    .get(needs[0].as_str())
                    .and_then(|v| v.read_lock::<rhai::Array>().map(|a| a.clone()))
                    .is_some_and(|a| a.iter().any(|i| i.is_string() && i.to_string() == *x)),
                None => states.iter().all(Option::is_some),
            };
            if !missing {
                continue;
            }
            // One needed option turned off (`flow_logs: false`): say so, and
            // that turning it on is the other fix.
            let turned_off = match (containing, needs.as_slice(), states.first()) {
                (None, [n], Some(Some(Some(v)))) => Some((n, v)),
                _ => None,
            };
            for b in by.iter().filter(|b| !is_nothing(given.get(b.as_str()))) {
                let wanted =
                    needs.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ");
                let label = match (containing, turned_off) {
                    (_, Some((n, v))) => format!(
                        "does nothing with `{n}: {}`",
                        if v == "on" { "false" } else { "0" }
                    ),
                    (Some(x), None) => format!("does nothing unless {wanted} lists `{x}`"),
                    (None, None) => format!("does nothing without {wanted}"),
                };
                let (message, help) = match (containing, turned_off) {
                (_, Some((n, v))) => (
                    format!("`{b}` of `{block}` takes effect only when `{n}` is {v}, and it is not"),
                    format!("drop `{b}`, or set `{n}` {}", if v == "on" { "to `true`" } else { v }),
                ),
                (Some(x), None) => (
                    format!("`{b}` of `{block}` takes effect only when {wanted} lists `{x}`, and it does not"),
                    format!("add `\"{x}\"` to {wanted}, or drop `{b}`"),
                ),
                (None, None) => (
                    format!("`{b}` of `{block}` takes effect only together with {wanted}, {}",
                        if needs.len() == 1 { "which is not given" } else { "none of which is given" }),
                    format!(
                        "add {}, or drop `{b}`",
                        needs.iter().map(|n| format!("`{n}: ...`")).collect::<Vec<_>>().join(" or ")
                    ),
                ),
            };
                problems.push(diag!(
                    (origin, vec![PathSeg::Key(b.clone())], Target::Key),
                    Code::StdlibMissingOption,
                    "{message}";
                    label: label;
                    help: help
                ));
            }
        }
        if let Rule::Ordered(names) = rule {
            // Whole numbers, or strings whose check gives them an order
            // (Kubernetes quantities); a value known only at plan time is
            // left to Terraform.
            let values: Vec<Option<(f64, String)>> = names
                .iter()
                .map(|n| {
                    let v = out.get(n.as_str())?;
                    if let Ok(i) = v.as_int() {
                        return Some((i as f64, i.to_string()));
                    }
                    let check = decls.iter().find(|d| d.name == *n)?.check.as_deref()?;
                    let s = v.read_lock::<rhai::ImmutableString>()?;
                    Some((checks::ordered_value(check, &s)?, s.to_string()))
                })
                .collect();
            for i in 1..names.len() {
                if let (Some((x, a)), Some((y, b))) = (&values[i - 1], &values[i]) {
                    if x > y {
                        // At the operator's own value: the larger one when
                        // the smaller is a default left unsaid.
                        let (at, label) = if given.contains_key(names[i].as_str())
                            || !given.contains_key(names[i - 1].as_str())
                        {
                            (&names[i], format!("smaller than `{}`", names[i - 1]))
                        } else {
                            (&names[i - 1], format!("larger than `{}` ({b} by default)", names[i]))
                        };
                        problems.push(diag!(
                            (origin, vec![PathSeg::Key(at.clone())], Target::Value),
                            Code::StdlibOutOfOrder,
                            "`{block}` needs {}, but `{}` is {a} and `{}` is {b}",
                            names.join(" ≤ "),
                            names[i - 1],
                            names[i];
                            label: label;
                            help: format!(
                                "raise `{}` to at least {a}, or lower `{}`",
                                names[i],
                                names[i - 1]
                            )
                        ));
                        return;
                    }
                }
            }
        }
        if let Rule::Within { within, lists } = rule {
            let Some(outer) = out
                .get(within.as_str())
                .and_then(|v| v.clone().into_immutable_string().ok())
                .and_then(|s| cidr::parse(&s).ok())
            else {
                continue;
            };
            let mut seen: Vec<(cidr::Cidr, String, usize)> = Vec::new();
            for list in lists {
                let items = out
                    .get(list.as_str())
                    .and_then(|v| v.read_lock::<rhai::Array>().map(|a| a.clone()))
                    .unwrap_or_default();
                for (i, item) in items.iter().enumerate() {
                    let Some(c) = item
                        .clone()
                        .into_immutable_string()
                        .ok()
                        .and_then(|s| cidr::parse(&s).ok())
                    else {
                        continue;
                    };
                    let path = vec![PathSeg::Key(list.clone()), PathSeg::Index(i)];
                    if !outer.contains(c) {
                        problems.push(diag!(
                            (origin, path, Target::Value),
                            Code::StdlibSubnetOutside,
                            "subnet `{c}` lies outside `{within}` = `{outer}`";
                            label: "not inside the VPC";
                            help: format!("pick a block inside `{outer}`")
                        ));
                        return;
                    }
                    if let Some((other, olist, oi)) = seen.iter().find(|(o, _, _)| o.overlaps(c)) {
                        problems.push(diag!(
                            (origin, path, Target::Value),
                            Code::StdlibSubnetOverlap,
                            "subnet `{c}` overlaps `{other}` ({olist}[{oi}])";
                            label: "overlaps another subnet";
                            help: "subnets of one VPC must not share addresses"
                        ));
                        return;
                    }
                    seen.push((c, list.clone(), i));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::AccountSource;

    fn eval(module: &str, script: &str) -> crate::engine::Evaluation {
        let asked = AccountSource::from_fn(|| panic!("asked"));
        crate::engine::evaluate_files(&[("site.rhai", module), ("main.rhai", script)], asked)
    }

    const SITE: &str = r#"
export const SITE = #{ block: "site::make", doc: "a site", options: [
    #{ name: "prefix", type: "string", empty: true, default: "x", doc: "Name prefix; empty: none" },
    #{ name: "domain", type: "string", optional: true, doc: "Public name" },
] };
fn make(opts) { let o = options(global::SITE, opts); local("prefix", o.prefix); }
"#;

    #[test]
    fn an_empty_string_is_refused_unless_the_option_says_empty() {
        let ok = eval(SITE, "import \"site\" as site;\nsite::make(#{ prefix: \"\" });\n");
        assert!(!ok.has_errors(), "{:?}", ok.diagnostics);
        let bad = eval(SITE, "import \"site\" as site;\nsite::make(#{ domain: \"\" });\n");
        let messages: Vec<&str> = bad.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["option `domain` of `site::make` is an empty string"]);
    }
}
