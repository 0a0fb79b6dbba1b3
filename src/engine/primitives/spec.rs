//! A block's declaration (`export const X = #{ block, doc, options, results,
//! rules }`) parsed once into a typed spec. `options()` checks the
//! operator's map with it, `results()` checks what the block returns, and
//! the reference chapter is generated from it: one reading of the
//! declaration, so what the book says is what is enforced. A malformed
//! declaration is reported where it is written, never blamed on the
//! operator's value.

use std::fmt;

use rhai::{Dynamic, Map};

use crate::diagnostics::did_you_mean;

use super::super::convert::has_tokens;
use super::super::handle::{Handle, TfExpr};
use super::results::Results;
use crate::checks::CHECKS;

pub(crate) const BLOCK_KEYS: &[&str] = &["block", "doc", "options", "results", "rules"];
pub(crate) const OPTION_KEYS: &[&str] = &[
    "name",
    "type",
    "default",
    "optional",
    "doc",
    "min",
    "max",
    "one_of",
    "check",
    "items_check",
    "items_one_of",
    "unique",
    "plan_time",
    "empty",
];
pub(crate) const RESULT_KEYS: &[&str] = &["name", "type", "doc"];
const TYPE_WORDS: &[&str] =
    &["any", "string", "int", "number", "bool", "map", "handle", "list", "list(T)", "map(T)"];

/// A value type a declaration names: `string`, `list(string)`, `map(string)`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    Any,
    String,
    Int,
    Number,
    Bool,
    Handle,
    List(Option<Box<Ty>>),
    Map(Option<Box<Ty>>),
}

impl Ty {
    /// `Err((message, help))` names what is wrong with a type string.
    pub(crate) fn parse(s: &str) -> Result<Ty, (String, String)> {
        let s = s.trim();
        let inner = |rest: &str, outer: &str| -> Result<Box<Ty>, (String, String)> {
            let Some(body) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
                return Err((
                    format!("`{s}` is not a type"),
                    format!("write `{outer}(T)`, e.g. `{outer}(string)`"),
                ));
            };
            Ty::parse(body).map(Box::new)
        };
        Ok(match s {
            "any" => Ty::Any,
            "string" => Ty::String,
            "int" => Ty::Int,
            "number" => Ty::Number,
            "bool" => Ty::Bool,
            "handle" => Ty::Handle,
            "list" => Ty::List(None),
            "map" => Ty::Map(None),
            _ if s.starts_with("list") => Ty::List(Some(inner(&s[4..], "list")?)),
            _ if s.starts_with("map") => Ty::Map(Some(inner(&s[3..], "map")?)),
            _ => {
                let known = ["any", "string", "int", "number", "bool", "handle", "list", "map"];
                let all = TYPE_WORDS.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>();
                let help = did_you_mean(s, known)
                    .unwrap_or_else(|| format!("types are {}", all.join(", ")));
                return Err((format!("`{s}` is not a type"), help));
            }
        })
    }

    /// Whether `v` is of this type; a Terraform expression passes for any
    /// plain type (its value is known only at plan time).
    pub(crate) fn accepts(&self, v: &Dynamic) -> bool {
        let dynamic = v.is::<TfExpr>();
        match self {
            Ty::Any => true,
            Ty::String => v.is_string() || dynamic,
            Ty::Int => v.is_int() || dynamic,
            Ty::Number => v.is_int() || v.is_float() || dynamic,
            Ty::Bool => v.is_bool() || dynamic,
            Ty::Handle => v.is::<Handle>() || dynamic,
            Ty::List(None) => v.is_array() || dynamic,
            Ty::List(Some(t)) => {
                v.read_lock::<rhai::Array>().is_some_and(|a| a.iter().all(|x| t.accepts(x)))
                    || dynamic
            }
            Ty::Map(None) => v.is_map() || v.is::<Results>() || dynamic,
            Ty::Map(Some(t)) => {
                v.read_lock::<Map>().is_some_and(|m| m.values().all(|x| t.accepts(x))) || dynamic
            }
        }
    }

    /// How messages name the type: "a string", "an array of strings".
    pub(crate) fn words(&self) -> String {
        match self {
            Ty::Any => "any value".into(),
            Ty::String => "a string".into(),
            Ty::Int => "a whole number".into(),
            Ty::Number => "a number".into(),
            Ty::Bool => "`true` or `false`".into(),
            Ty::Handle => "a resource handle".into(),
            Ty::List(None) => "an array".into(),
            Ty::List(Some(t)) => format!("an array of {}", t.plural()),
            Ty::Map(None) => "a map `#{ ... }`".into(),
            Ty::Map(Some(t)) => format!("a map `#{{ ... }}` of {}", t.plural()),
        }
    }

    fn plural(&self) -> String {
        match self {
            Ty::Any => "values".into(),
            Ty::String => "strings".into(),
            Ty::Int => "whole numbers".into(),
            Ty::Number => "numbers".into(),
            Ty::Bool => "booleans".into(),
            Ty::Handle => "resource handles".into(),
            Ty::List(_) => "arrays".into(),
            Ty::Map(_) => "maps".into(),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any => f.write_str("any"),
            Ty::String => f.write_str("string"),
            Ty::Int => f.write_str("int"),
            Ty::Number => f.write_str("number"),
            Ty::Bool => f.write_str("bool"),
            Ty::Handle => f.write_str("handle"),
            Ty::List(None) => f.write_str("list"),
            Ty::List(Some(t)) => write!(f, "list({t})"),
            Ty::Map(None) => f.write_str("map"),
            Ty::Map(Some(t)) => write!(f, "map({t})"),
        }
    }
}

/// Whether a value is known only when Terraform plans: a `tf::` expression
/// or reference, a string that embeds one, or a list or map holding one.
pub(crate) fn is_plan_time(v: &Dynamic) -> bool {
    is_plan_time_itself(v)
        || v.read_lock::<rhai::Array>().is_some_and(|a| a.iter().any(is_plan_time))
        || v.read_lock::<Map>().is_some_and(|m| m.values().any(is_plan_time))
}

/// A plan-time value as a whole (not merely holding one).
pub(crate) fn is_plan_time_itself(v: &Dynamic) -> bool {
    if v.is::<TfExpr>() {
        return true;
    }
    v.read_lock::<rhai::ImmutableString>().is_some_and(|s| has_tokens(&s))
}

#[derive(Debug, Clone)]
pub(crate) struct OptionSpec {
    pub name: String,
    pub ty: Ty,
    pub default: Option<Dynamic>,
    pub optional: bool,
    pub doc: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub one_of: Vec<Dynamic>,
    pub check: Option<String>,
    pub items_check: Option<String>,
    /// `items_one_of: [...]`: each item of a list is one of these.
    pub items_one_of: Vec<Dynamic>,
    /// `unique: true`: no item of a list is given twice.
    pub unique: bool,
    /// `empty: true`: `""` is a value of its own (by default an empty
    /// string, list item or map key is refused).
    pub empty: bool,
    pub plan_time: PlanTime,
}

/// Whether an option takes a value Terraform knows only at plan time (a
/// reference, `tf::var(...)`, an expression). Such a value is passed
/// through unchanged and unchecked; an option whose value decides what the
/// block writes, or that a check needs, takes only values known now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlanTime {
    /// `plan_time` absent or `false`: the value must be known now.
    No,
    /// `plan_time: "items"`: a list or map written in the script whose
    /// items or values may be plan-time (its length and keys are known now).
    Items,
    /// `plan_time: true`: any plan-time value.
    Yes,
}

#[derive(Debug, Clone)]
pub(crate) struct ResultSpec {
    pub name: String,
    pub ty: Ty,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Rule {
    /// `#{ ordered: ["min", "desired", "max"] }`: each at most the next.
    Ordered(Vec<String>),
    /// `#{ within: "cidr", lists: [...] }`: subnets inside `within`, disjoint.
    Within { within: String, lists: Vec<String> },
    /// `#{ needs: "alb_arn_suffix", by: ["p95_seconds", ...] }`: the options
    /// of `by`, when the operator gives them, take effect only together
    /// with one of `needs` (absent, `()`, empty, `false` or `0` = missing:
    /// the feature it switches is off). With
    /// `containing: "X"`, the `needs` list must hold `X`.
    Needs { needs: Vec<String>, containing: Option<String>, by: Vec<String> },
}

#[derive(Debug, Clone)]
pub(crate) struct BlockSpec {
    pub block: String,
    pub doc: String,
    pub options: Vec<OptionSpec>,
    pub results: Option<Vec<ResultSpec>>,
    pub rules: Vec<Rule>,
}

/// Where in a declaration a problem lies: the block map itself, or the
/// item `name` of its `options`/`results`/`rules` list, and the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecErrorData {
    pub list: Option<&'static str>,
    pub item: Option<String>,
    pub index: usize,
    pub key: Option<String>,
    /// Label the key itself (an unknown key) rather than its value.
    pub at_key: bool,
    pub message: String,
    pub help: Option<String>,
}

/// A malformed declaration (boxed: it travels through many `Result`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecError(pub Box<SpecErrorData>);

impl std::ops::Deref for SpecError {
    type Target = SpecErrorData;
    fn deref(&self) -> &SpecErrorData {
        &self.0
    }
}

impl SpecError {
    fn new(message: String) -> Self {
        SpecError(Box::new(SpecErrorData {
            list: None,
            item: None,
            index: 0,
            key: None,
            at_key: false,
            message,
            help: None,
        }))
    }
    fn value(mut self, key: &str) -> Self {
        self.0.key = Some(key.to_owned());
        self
    }
    fn key(mut self, key: &str) -> Self {
        self.0.key = Some(key.to_owned());
        self.0.at_key = true;
        self
    }
    fn help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }
    fn within(mut self, list: &'static str, index: usize, item: Option<&str>) -> Self {
        self.0.list = Some(list);
        self.0.index = index;
        self.0.item = item.map(str::to_owned);
        self
    }
}

fn text(m: &Map, k: &str) -> Result<Option<String>, SpecError> {
    match m.get(k) {
        None => Ok(None),
        Some(v) => v
            .clone()
            .into_immutable_string()
            .map(|s| Some(s.to_string()))
            .map_err(|_| SpecError::new(format!("`{k}` must be a string")).value(k)),
    }
}

fn array(m: &Map, k: &str) -> Result<Vec<Dynamic>, SpecError> {
    match m.get(k) {
        None => Ok(Vec::new()),
        Some(v) => v
            .read_lock::<rhai::Array>()
            .map(|a| a.clone())
            .ok_or_else(|| SpecError::new(format!("`{k}` must be an array `[...]`")).value(k)),
    }
}

fn number(v: &Dynamic) -> Option<f64> {
    v.as_int().map(|i| i as f64).ok().or_else(|| v.as_float().ok())
}

fn unknown_keys(m: &Map, allowed: &[&str], what: &str) -> Result<(), SpecError> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            let help = did_you_mean(k, allowed.iter().copied())
                .unwrap_or_else(|| format!("{what} keys: {}", allowed.join(", ")));
            return Err(SpecError::new(format!("{what} has no key `{k}`")).key(k).help(help));
        }
    }
    Ok(())
}

fn check_name(k: &str, name: &str) -> Result<(), SpecError> {
    if CHECKS.iter().any(|(n, _)| *n == name) {
        return Ok(());
    }
    let help = did_you_mean(name, CHECKS.iter().map(|(n, _)| *n)).unwrap_or_else(|| {
        format!("checks: {}", CHECKS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))
    });
    Err(SpecError::new(format!("there is no check `{name}`")).value(k).help(help))
}

fn maps(list: Vec<Dynamic>, what: &'static str) -> Result<Vec<Map>, SpecError> {
    list.into_iter()
        .enumerate()
        .map(|(i, d)| {
            d.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
                SpecError::new(format!("each item of `{what}` must be a map `#{{ name: ... }}`"))
                    .within(what, i, None)
            })
        })
        .collect()
}

fn name_of(m: &Map, list: &'static str, i: usize) -> Result<String, SpecError> {
    match text(m, "name") {
        Ok(Some(n)) if !n.is_empty() => Ok(n),
        Ok(_) => Err(SpecError::new(format!("an item of `{list}` has no `name`"))
            .within(list, i, None)
            .help("add `name: \"...\"`")),
        Err(e) => Err(e.within(list, i, None)),
    }
}

fn ty_of(m: &Map) -> Result<Ty, SpecError> {
    match text(m, "type")? {
        None => Ok(Ty::Any),
        Some(t) => Ty::parse(&t).map_err(|(e, help)| SpecError::new(e).value("type").help(help)),
    }
}

fn option(m: &Map) -> Result<OptionSpec, SpecError> {
    unknown_keys(m, OPTION_KEYS, "an option declaration")?;
    let ty = ty_of(m)?;
    let flag = |k: &str| -> Result<bool, SpecError> {
        match m.get(k) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .map_err(|_| SpecError::new(format!("`{k}` must be `true` or `false`")).value(k)),
        }
    };
    let bound = |k: &str| -> Result<Option<f64>, SpecError> {
        match m.get(k) {
            None => Ok(None),
            Some(v) => number(v)
                .map(Some)
                .ok_or_else(|| SpecError::new(format!("`{k}` must be a number")).value(k)),
        }
    };
    let check = text(m, "check")?;
    let items_check = text(m, "items_check")?;
    for (k, c) in [("check", &check), ("items_check", &items_check)] {
        if let Some(c) = c {
            check_name(k, c)?;
        }
    }
    let spec = OptionSpec {
        name: text(m, "name")?.unwrap_or_default(),
        ty,
        default: m.get("default").cloned(),
        optional: flag("optional")?,
        doc: text(m, "doc")?.unwrap_or_default(),
        min: bound("min")?,
        max: bound("max")?,
        one_of: array(m, "one_of")?,
        check,
        items_check,
        items_one_of: array(m, "items_one_of")?,
        unique: flag("unique")?,
        empty: flag("empty")?,
        plan_time: match m.get("plan_time") {
            None => PlanTime::No,
            Some(v) if v.as_bool() == Ok(true) => PlanTime::Yes,
            Some(v) if v.as_bool() == Ok(false) => PlanTime::No,
            Some(v) if v.to_string() == "items" && v.is_string() => PlanTime::Items,
            Some(_) => {
                return Err(SpecError::new("`plan_time` is `true`, `false` or `\"items\"`".into())
                    .value("plan_time"))
            }
        },
    };
    if spec.default.is_some() && spec.optional {
        return Err(SpecError::new("an option with a `default` is not also `optional`".into())
            .key("optional")
            .help("drop `optional: true`: the default already makes the option optional"));
    }
    if let Some(d) = &spec.default {
        if !spec.ty.accepts(d) || d.is::<TfExpr>() {
            return Err(SpecError::new(format!(
                "the default of `{}` is not {}",
                spec.name,
                spec.ty.words()
            ))
            .value("default")
            .help(format!("make the default {}, or change `type`", spec.ty.words())));
        }
        // On a list, `min` and `max` count its items.
        let count = d.read_lock::<rhai::Array>().map(|a| a.len() as f64);
        if let Some(n) = number(d).or(count) {
            if spec.min.is_some_and(|m| n < m) || spec.max.is_some_and(|m| n > m) {
                return Err(SpecError::new(format!(
                    "the default of `{}` lies outside its own `min`/`max`",
                    spec.name
                ))
                .value("default"));
            }
        }
        if !spec.one_of.is_empty() && !spec.one_of.iter().any(|a| same(a, d)) {
            return Err(SpecError::new(format!(
                "the default of `{}` is not one of its own `one_of`",
                spec.name
            ))
            .value("default"));
        }
        let items = d.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_default();
        if !spec.items_one_of.is_empty()
            && !items.iter().all(|i| spec.items_one_of.iter().any(|a| same(a, i)))
        {
            return Err(SpecError::new(format!(
                "an item of the default of `{}` is not one of its own `items_one_of`",
                spec.name
            ))
            .value("default"));
        }
        if spec.unique && (1..items.len()).any(|i| items[..i].iter().any(|a| same(a, &items[i]))) {
            return Err(SpecError::new(format!(
                "the default of `{}` repeats an item, but the option is `unique`",
                spec.name
            ))
            .value("default"));
        }
    }
    if (!spec.items_one_of.is_empty() || spec.unique) && !matches!(spec.ty, Ty::List(_)) {
        let k = if spec.unique { "unique" } else { "items_one_of" };
        return Err(SpecError::new(format!("`{k}` applies to a list, not to {}", spec.ty.words()))
            .key(k)
            .help("give the option a `list(T)` type, or drop the key"));
    }
    Ok(spec)
}

/// Same value and same type (`1` is not `"1"`).
pub(crate) fn same(a: &Dynamic, b: &Dynamic) -> bool {
    a.type_name() == b.type_name() && a.to_string() == b.to_string()
}

fn result(m: &Map) -> Result<ResultSpec, SpecError> {
    unknown_keys(m, RESULT_KEYS, "a result declaration")?;
    Ok(ResultSpec {
        name: text(m, "name")?.unwrap_or_default(),
        ty: ty_of(m)?,
        doc: text(m, "doc")?.unwrap_or_default(),
    })
}

fn rule(m: &Map, names: &[&str]) -> Result<Rule, SpecError> {
    let known = |k: &str, n: &str| -> Result<String, SpecError> {
        if names.contains(&n) {
            return Ok(n.to_owned());
        }
        Err(SpecError::new(format!("the rule names no declared option `{n}`"))
            .value(k)
            .help(did_you_mean(n, names.iter().copied()).unwrap_or_default()))
    };
    let strings = |k: &str| -> Result<Vec<String>, SpecError> {
        array(m, k)?.iter().map(|v| known(k, &v.to_string())).collect()
    };
    if m.contains_key("ordered") {
        unknown_keys(m, &["ordered"], "an `ordered` rule")?;
        return Ok(Rule::Ordered(strings("ordered")?));
    }
    if let Some(within) = text(m, "within")? {
        unknown_keys(m, &["within", "lists"], "a `within` rule")?;
        return Ok(Rule::Within { within: known("within", &within)?, lists: strings("lists")? });
    }
    if m.contains_key("needs") {
        unknown_keys(m, &["needs", "containing", "by"], "a `needs` rule")?;
        let needs = match text(m, "needs") {
            Ok(Some(n)) => vec![known("needs", &n)?],
            _ => strings("needs")?,
        };
        let by = strings("by")?;
        if needs.is_empty() || by.is_empty() {
            return Err(SpecError::new(
                "a `needs` rule names the options needed and the options that need them".into(),
            )
            .help("write `#{ needs: \"a\", by: [\"b\", \"c\"] }`"));
        }
        let containing = text(m, "containing")?;
        if containing.is_some() && needs.len() != 1 {
            return Err(SpecError::new(
                "a `needs` rule with `containing` names one list option in `needs`".into(),
            )
            .value("needs"));
        }
        return Ok(Rule::Needs { needs, containing, by });
    }
    Err(SpecError::new(
        "a rule is `#{ ordered: [...] }`, `#{ within: ..., lists: [...] }` or `#{ needs: ..., by: [...] }`".into(),
    ))
}

fn duplicates<'a>(
    names: impl Iterator<Item = &'a str>,
    list: &'static str,
) -> Result<(), SpecError> {
    let mut seen: Vec<&str> = Vec::new();
    for (i, n) in names.enumerate() {
        if seen.contains(&n) {
            return Err(SpecError::new(format!("`{n}` is declared twice in `{list}`"))
                .within(list, i, Some(n))
                .value("name"));
        }
        seen.push(n);
    }
    Ok(())
}

/// Parses a whole declaration. `fallback` names the block when the
/// declaration has no `block` key (the function that called `options`).
pub(crate) fn parse(spec: &Map, fallback: &str) -> Result<BlockSpec, SpecError> {
    unknown_keys(spec, BLOCK_KEYS, "a block declaration")?;
    let block = text(spec, "block")?.unwrap_or_else(|| fallback.to_owned());
    let doc = text(spec, "doc")?.unwrap_or_default();
    let mut options = Vec::new();
    for (i, m) in maps(array(spec, "options")?, "options")?.iter().enumerate() {
        let name = name_of(m, "options", i)?;
        options.push(option(m).map_err(|e| e.within("options", i, Some(&name)))?);
    }
    duplicates(options.iter().map(|o| o.name.as_str()), "options")?;
    let results = if spec.contains_key("results") {
        let mut out = Vec::new();
        for (i, m) in maps(array(spec, "results")?, "results")?.iter().enumerate() {
            let name = name_of(m, "results", i)?;
            out.push(result(m).map_err(|e| e.within("results", i, Some(&name)))?);
        }
        duplicates(out.iter().map(|r| r.name.as_str()), "results")?;
        Some(out)
    } else {
        None
    };
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    let mut rules = Vec::new();
    for (i, m) in maps(array(spec, "rules")?, "rules")?.iter().enumerate() {
        rules.push(rule(m, &names).map_err(|e| e.within("rules", i, None))?);
    }
    Ok(BlockSpec { block, doc, options, results, rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_and_print_back() {
        for t in ["string", "list(string)", "map(string)", "list(list(int))", "map", "any"] {
            assert_eq!(Ty::parse(t).unwrap().to_string(), t);
        }
    }

    fn decl(options: Vec<Map>) -> Map {
        let mut m = Map::new();
        m.insert("block".into(), Dynamic::from("t::x"));
        m.insert(
            "options".into(),
            Dynamic::from_array(options.into_iter().map(Dynamic::from_map).collect()),
        );
        m
    }

    fn opt(pairs: &[(&str, Dynamic)]) -> Map {
        pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect()
    }

    #[test]
    fn declaration_mistakes_name_the_option_and_the_key() {
        let name = ("name", Dynamic::from("size"));
        let e = parse(&decl(vec![opt(&[name.clone(), ("defualt", Dynamic::from(1_i64))])]), "")
            .unwrap_err();
        assert_eq!(
            (e.list, e.item.as_deref(), e.key.as_deref(), e.at_key),
            (Some("options"), Some("size"), Some("defualt"), true)
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `default`?"));
        let e = parse(
            &decl(vec![opt(&[
                name.clone(),
                ("type", Dynamic::from("int")),
                ("default", Dynamic::from("1")),
            ])]),
            "",
        )
        .unwrap_err();
        assert_eq!((e.key.as_deref(), e.at_key), (Some("default"), false));
        let e = parse(
            &decl(vec![opt(&[
                name.clone(),
                ("type", Dynamic::from("int")),
                ("default", Dynamic::from(9_i64)),
                ("max", Dynamic::from(5_i64)),
            ])]),
            "",
        )
        .unwrap_err();
        assert!(e.message.contains("outside its own"), "{}", e.message);
        let e = parse(&decl(vec![opt(&[name.clone(), ("check", Dynamic::from("cidrr"))])]), "")
            .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("check"));
        let e = parse(&decl(vec![opt(&[name.clone(), ("plan_time", Dynamic::from("maybe"))])]), "")
            .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("plan_time"));
        let e = parse(&decl(vec![opt(std::slice::from_ref(&name)), opt(&[name])]), "").unwrap_err();
        assert!(e.message.contains("declared twice"));
        let ok = parse(
            &decl(vec![opt(&[
                ("name", Dynamic::from("tags")),
                ("type", Dynamic::from("map(string)")),
                ("plan_time", Dynamic::from("items")),
            ])]),
            "",
        )
        .unwrap();
        assert_eq!(ok.options[0].plan_time, PlanTime::Items);
        assert!(ok.results.is_none());
    }

    #[test]
    fn malformed_types_are_errors_not_panics() {
        for t in ["list(", "list)", "strng", "map(", "list(strng)", "", "list()"] {
            assert!(Ty::parse(t).is_err(), "{t}");
        }
        assert!(Ty::parse("strng").unwrap_err().1.contains("did you mean `string`"));
    }
}
