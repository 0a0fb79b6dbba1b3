//! Every reference of a stack checked against what it declared: handles,
//! `tf::ref` and the traversals and calls inside `tf::expr` text. Terraform
//! would refuse each of these at `plan`; here they fail at the operator's line.
//!
//! Checked: `var.` and `local.` names, resource and data addresses and
//! their first attribute (from the schema), module names, `count.index` and
//! `each.*` only inside a block that sets `count` / `for_each`, `self`,
//! `path.*`, `terraform.*`, function names (`provider::NAME::FUNC` too), and
//! instance keys: a `count` resource is read through an index or a splat, a
//! `for_each` one through a key (checked against literal keys), a plain one
//! through neither. A plain string holding `${var.x}` is refused too: tsdsl
//! strings are literal, so it would silently not mean what it says.

use std::collections::{HashMap, HashSet};

use hcl::expr::{Expression, ForExpr, Operation, TraversalOperator};
use hcl::template::{Directive, Element, Template};

use super::functions::{FUNCTIONS, PROVIDER_FUNCTIONS};
use super::modules::ModuleInfo;
use super::type_expr::{self, TypeExpr};
use super::types::{AttrType, Block, Nesting};
use super::{AttrLookup, Schemas};
use crate::diagnostics::{closest, Diagnostic, Target};
use crate::model::{BlockKind, Origin, PathSeg, Resource, Stack, Step, TemplatePart, Value};

/// One step after a root name, from a model reference or parsed text.
#[derive(Debug, Clone)]
enum Op {
    Attr(String),
    Int(i64),
    Str(String),
    /// An index computed at plan time.
    Other,
    Splat,
}

/// Which instances a resource has, for the keys that read it.
enum Instances<'a> {
    Single,
    Count,
    /// The literal keys when `for_each` is written out.
    ForEach(Option<Vec<&'a str>>),
}

fn instances(r: &Resource) -> Instances<'_> {
    if r.meta.count.is_some() {
        return Instances::Count;
    }
    match &r.meta.for_each {
        None => Instances::Single,
        Some(v) => Instances::ForEach(literal_keys(v)),
    }
}

/// `#{ alice: ..., bob: ... }` or `["alice", "bob"]` (made `toset([...])`).
fn literal_keys(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::Map(m) => Some(m.keys().map(String::as_str).collect()),
        Value::Call { name, args } if name == "toset" => match args.as_slice() {
            [Value::List(items)] => items.iter().map(Value::as_str).collect(),
            _ => None,
        },
        _ => None,
    }
}

/// Where a value sits and what its block allows.
#[derive(Clone, Copy)]
struct Scope<'a> {
    origin: &'a Origin,
    count: bool,
    each: bool,
}

/// A problem with one reference, before it is placed.
struct Problem {
    code: &'static str,
    message: String,
    help: Option<String>,
}

fn problem(code: &'static str, message: String, help: Option<String>) -> Problem {
    Problem { code, message, help }
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

struct Checker<'a> {
    stack: &'a Stack,
    schemas: &'a Schemas,
    variables: HashSet<&'a str>,
    locals: HashSet<&'a str>,
    modules: HashSet<&'a str>,
    /// What the local module folders declare, for `module.NAME.OUTPUT`.
    module_info: &'a HashMap<String, ModuleInfo>,
    /// (data?, type) -> name -> block
    blocks: HashMap<(bool, &'a str), HashMap<&'a str, &'a Resource>>,
    diags: &'a mut Vec<Diagnostic>,
}

pub(crate) fn check(
    stack: &Stack,
    schemas: &Schemas,
    module_info: &HashMap<String, ModuleInfo>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut blocks: HashMap<(bool, &str), HashMap<&str, &Resource>> = HashMap::new();
    for r in &stack.resources {
        let key = (r.kind == BlockKind::Data, r.type_name.as_str());
        blocks.entry(key).or_default().insert(r.name.as_str(), r);
    }
    let mut c = Checker {
        stack,
        schemas,
        variables: stack.variables.iter().map(|v| v.name.as_str()).collect(),
        locals: stack.locals.iter().map(|l| l.name.as_str()).collect(),
        modules: stack.modules.iter().map(|m| m.name.as_str()).collect(),
        module_info,
        blocks,
        diags,
    };
    c.stack_values();
}

impl<'a> Checker<'a> {
    fn stack_values(&mut self) {
        let stack = self.stack;
        for r in &stack.resources {
            let plain = Scope { origin: &r.origin, count: false, each: false };
            let scope = Scope {
                origin: &r.origin,
                count: r.meta.count.is_some(),
                each: r.meta.for_each.is_some(),
            };
            for (k, v) in &r.attrs {
                self.value(v, scope, &mut vec![PathSeg::Key(k.clone())], &[]);
            }
            if let Some(v) = &r.meta.count {
                self.value(v, plain, &mut vec![PathSeg::key("count")], &[]);
            }
            if let Some(v) = &r.meta.for_each {
                self.value(v, plain, &mut vec![PathSeg::key("for_each")], &[]);
            }
            for d in &r.meta.depends_on {
                self.value(
                    &Value::Ref(d.clone()),
                    plain,
                    &mut vec![PathSeg::key("depends_on")],
                    &[],
                );
            }
            if let Some(l) = &r.meta.lifecycle {
                for t in &l.replace_triggered_by {
                    let mut path = vec![PathSeg::key("lifecycle")];
                    self.value(&Value::Ref(t.clone()), scope, &mut path, &[]);
                }
            }
        }
        for p in &stack.providers {
            let scope = Scope { origin: &p.origin, count: false, each: false };
            for (k, v) in &p.config {
                self.value(v, scope, &mut vec![PathSeg::Key(k.clone())], &[]);
            }
        }
        for m in &stack.modules {
            let scope = Scope {
                origin: &m.origin,
                count: m.meta.count.is_some(),
                each: m.meta.for_each.is_some(),
            };
            for (k, v) in &m.inputs {
                self.value(v, scope, &mut vec![PathSeg::Key(k.clone())], &[]);
            }
        }
        for l in &stack.locals {
            let scope = Scope { origin: &l.origin, count: false, each: false };
            self.value(&l.value, scope, &mut Vec::new(), &[]);
        }
        for o in &stack.outputs {
            let scope = Scope { origin: &o.origin, count: false, each: false };
            self.value(&o.value, scope, &mut Vec::new(), &[]);
        }
        for v in &stack.variables {
            let scope = Scope { origin: &v.origin, count: false, each: false };
            for val in &v.validations {
                let mut path = vec![PathSeg::key("validation")];
                self.value(&val.condition, scope, &mut path, &[]);
            }
        }
    }

    fn report(&mut self, scope: Scope, path: &[PathSeg], p: Problem) {
        let label = match p.code {
            "undefined_reference" => "not declared",
            "unknown_reference" => "no such attribute",
            "instance_key" => "wrong instance key",
            "out_of_scope" => "not available here",
            "unknown_function" => "unknown function",
            "interpolation_in_string" => "literal text",
            "bad_type" => "not a type",
            _ => "not a value",
        };
        let d = Diagnostic::error(format!("tsdsl::model::{}", p.code), p.message)
            .at_path(scope.origin, path.to_vec(), Target::Value)
            .label(label)
            .help_opt(p.help);
        self.diags.push(d);
    }

    /// `bound`: names a `for` expression introduced around this value.
    fn value(&mut self, v: &Value, scope: Scope, path: &mut Vec<PathSeg>, bound: &[String]) {
        match v {
            Value::Ref(r) => {
                let ops: Vec<Op> = r
                    .steps
                    .iter()
                    .map(|s| match s {
                        Step::Attr(a) => Op::Attr(a.clone()),
                        Step::Index(i) => Op::Int(*i),
                        Step::Key(k) => Op::Str(k.clone()),
                        Step::Splat => Op::Splat,
                    })
                    .collect();
                if let Err(p) = self.traversal(&r.root, &ops, scope, bound) {
                    self.report(scope, path, p);
                }
            }
            Value::Expr(text) => {
                let Ok(body) = hcl::parse(&format!("x = {}\n", text.trim())) else { return };
                let mut problems = Vec::new();
                for a in body.attributes() {
                    self.expression(&a.expr, scope, &mut bound.to_vec(), &mut problems);
                }
                for p in problems {
                    self.report(scope, path, p);
                }
            }
            Value::String(s) => {
                if let Some(p) = self.literal_interpolation(s) {
                    self.report(scope, path, p);
                }
            }
            Value::Template(parts) => {
                for part in parts {
                    match part {
                        TemplatePart::Literal(s) => {
                            if let Some(p) = self.literal_interpolation(s) {
                                self.report(scope, path, p);
                            }
                        }
                        TemplatePart::Interp(inner) => self.value(inner, scope, path, bound),
                    }
                }
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    self.value(item, scope, path, bound);
                    path.pop();
                }
            }
            Value::Map(m) => {
                for (k, item) in m {
                    path.push(PathSeg::Key(k.clone()));
                    self.value(item, scope, path, bound);
                    path.pop();
                }
            }
            Value::Call { name, args } => {
                // the path of a call's arguments is the call's own; the
                // second argument of `convert` is a type, checked when made
                let skip = if name == "convert" { Some(1) } else { None };
                for (i, a) in args.iter().enumerate() {
                    if Some(i) != skip {
                        self.value(a, scope, path, bound);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
        }
    }

    /// `${path.module}` in literal text: Terraform would print it as is,
    /// since tsdsl escapes it, which is not what the operator meant.
    fn literal_interpolation(&self, s: &str) -> Option<Problem> {
        let mut rest = s;
        while let Some(at) = rest.find("${") {
            let escaped = at > 0 && rest[..at].ends_with('$');
            let after = &rest[at + 2..];
            let inner = after.find('}').map(|end| &after[..end]);
            rest = after;
            let (Some(inner), false) = (inner, escaped) else { continue };
            let Ok(body) = hcl::parse(&format!("x = {}\n", inner.trim())) else { continue };
            let Some(attr) = body.attributes().next() else { continue };
            let terraform = match &attr.expr {
                Expression::Traversal(t) => match &t.expr {
                    Expression::Variable(v) => self.is_terraform_root(v.as_str()),
                    _ => false,
                },
                Expression::FuncCall(f) => FUNCTIONS.contains(&f.name.name.as_str()),
                _ => false,
            };
            if !terraform {
                continue;
            }
            let inner = inner.trim();
            let with = match inner.split_once('.') {
                Some(("var", n)) if !n.contains('.') => format!("tf::var(\"{n}\")"),
                Some(("local", n)) if !n.contains('.') => format!("tf::local(\"{n}\")"),
                _ => match inner {
                    "path.module" => "tf::path_module()".to_owned(),
                    "path.root" => "tf::path_root()".to_owned(),
                    "path.cwd" => "tf::path_cwd()".to_owned(),
                    "terraform.workspace" => "tf::workspace()".to_owned(),
                    other => format!("tf::expr(\"{other}\")"),
                },
            };
            return Some(problem(
                "interpolation_in_string",
                format!("`${{{inner}}}` in a plain string is literal text: Terraform would not read `{inner}`"),
                Some(format!(
                    "tsdsl strings are literal; write a backtick string, which interpolates: {}",
                    rewritten(s, inner, &with)
                )),
            ));
        }
        None
    }

    fn is_terraform_root(&self, root: &str) -> bool {
        matches!(
            root,
            "var" | "local" | "path" | "terraform" | "data" | "module" | "each" | "count" | "self"
        ) || self.blocks.contains_key(&(false, root))
    }

    fn expression(
        &mut self,
        e: &Expression,
        scope: Scope,
        bound: &mut Vec<String>,
        out: &mut Vec<Problem>,
    ) {
        match e {
            Expression::Variable(v) => {
                if let Err(p) = self.traversal(v.as_str(), &[], scope, bound) {
                    out.push(p);
                }
            }
            Expression::Traversal(t) => {
                let mut ops = Vec::new();
                for op in &t.operators {
                    ops.push(match op {
                        TraversalOperator::GetAttr(id) => Op::Attr(id.as_str().to_owned()),
                        TraversalOperator::LegacyIndex(i) => Op::Int(*i as i64),
                        TraversalOperator::Index(Expression::Number(n)) => {
                            n.as_i64().map_or(Op::Other, Op::Int)
                        }
                        TraversalOperator::Index(Expression::String(s)) => Op::Str(s.clone()),
                        TraversalOperator::Index(other) => {
                            self.expression(other, scope, bound, out);
                            Op::Other
                        }
                        TraversalOperator::AttrSplat | TraversalOperator::FullSplat => Op::Splat,
                    });
                }
                match &t.expr {
                    Expression::Variable(v) => {
                        if let Err(p) = self.traversal(v.as_str(), &ops, scope, bound) {
                            out.push(p);
                        }
                    }
                    other => self.expression(other, scope, bound, out),
                }
            }
            Expression::FuncCall(f) => {
                if let Some(p) = function(&f.name.namespace, f.name.name.as_str()) {
                    out.push(p);
                }
                // `convert(value, list(string))`: the second argument is a type
                let typed = f.name.name.as_str() == "convert";
                for (i, a) in f.args.iter().enumerate() {
                    if typed && i == 1 {
                        if let Err(e) = type_expr::parse(&a.to_string()) {
                            out.push(problem("bad_type", e.message, e.help));
                        }
                        continue;
                    }
                    self.expression(a, scope, bound, out);
                }
            }
            Expression::Array(items) => {
                for i in items {
                    self.expression(i, scope, bound, out);
                }
            }
            Expression::Object(obj) => {
                for (k, v) in obj.iter() {
                    if let hcl::expr::ObjectKey::Expression(k) = k {
                        // a bare name as a key is the key's text, not a reference
                        if !matches!(k, Expression::Variable(_)) {
                            self.expression(k, scope, bound, out);
                        }
                    }
                    self.expression(v, scope, bound, out);
                }
            }
            Expression::TemplateExpr(t) => {
                if let Ok(template) = Template::from_expr(t) {
                    self.template(&template, scope, bound, out);
                }
            }
            Expression::Parenthesis(inner) => self.expression(inner, scope, bound, out),
            Expression::Conditional(c) => {
                self.expression(&c.cond_expr, scope, bound, out);
                self.expression(&c.true_expr, scope, bound, out);
                self.expression(&c.false_expr, scope, bound, out);
            }
            Expression::Operation(op) => match op.as_ref() {
                Operation::Unary(u) => self.expression(&u.expr, scope, bound, out),
                Operation::Binary(b) => {
                    self.expression(&b.lhs_expr, scope, bound, out);
                    self.expression(&b.rhs_expr, scope, bound, out);
                }
            },
            Expression::ForExpr(f) => self.for_expr(f, scope, bound, out),
            _ => {}
        }
    }

    fn for_expr(
        &mut self,
        f: &ForExpr,
        scope: Scope,
        bound: &mut Vec<String>,
        out: &mut Vec<Problem>,
    ) {
        self.expression(&f.collection_expr, scope, bound, out);
        let before = bound.len();
        if let Some(k) = &f.key_var {
            bound.push(k.as_str().to_owned());
        }
        bound.push(f.value_var.as_str().to_owned());
        if let Some(k) = &f.key_expr {
            self.expression(k, scope, bound, out);
        }
        self.expression(&f.value_expr, scope, bound, out);
        if let Some(c) = &f.cond_expr {
            self.expression(c, scope, bound, out);
        }
        bound.truncate(before);
    }

    fn template(
        &mut self,
        t: &Template,
        scope: Scope,
        bound: &mut Vec<String>,
        out: &mut Vec<Problem>,
    ) {
        for el in t.elements() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expression(&i.expr, scope, bound, out),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        self.expression(&d.cond_expr, scope, bound, out);
                        self.template(&d.true_template, scope, bound, out);
                        if let Some(f) = &d.false_template {
                            self.template(f, scope, bound, out);
                        }
                    }
                    Directive::For(d) => {
                        self.expression(&d.collection_expr, scope, bound, out);
                        let before = bound.len();
                        if let Some(k) = &d.key_var {
                            bound.push(k.as_str().to_owned());
                        }
                        bound.push(d.value_var.as_str().to_owned());
                        self.template(&d.template, scope, bound, out);
                        bound.truncate(before);
                    }
                },
            }
        }
    }

    /// A root name and the steps after it.
    fn traversal(
        &self,
        root: &str,
        ops: &[Op],
        scope: Scope,
        bound: &[String],
    ) -> Result<(), Problem> {
        if bound.iter().any(|b| b == root) {
            return Ok(());
        }
        let first = match ops.first() {
            Some(Op::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let named = |what: &str, set: &HashSet<&str>, make: &str| -> Result<(), Problem> {
            let Some(name) = first else {
                return Err(problem(
                    "bad_reference",
                    format!("`{root}` alone is not a value: name the {what}"),
                    Some(format!("e.g. `{root}.NAME`")),
                ));
            };
            if set.contains(name) {
                return Ok(());
            }
            Err(problem(
                "undefined_reference",
                format!("no {what} `{name}` is declared"),
                Some(
                    did_you_mean(name, set.iter().copied())
                        .unwrap_or_else(|| format!("declare it with `{make}(\"{name}\", ...)`")),
                ),
            ))
        };
        let fixed = |names: &[&str], whole: &str| -> Result<(), Problem> {
            match first {
                Some(n) if names.contains(&n) => Ok(()),
                Some(n) => Err(problem(
                    "unknown_reference",
                    format!("`{root}` has no attribute `{n}`"),
                    did_you_mean(n, names.iter().copied())
                        .or_else(|| Some(format!("`{root}` has {whole}"))),
                )),
                None => Err(problem(
                    "bad_reference",
                    format!("`{root}` alone is not a value"),
                    Some(format!("`{root}` has {whole}")),
                )),
            }
        };
        match root {
            "var" => {
                named("variable", &self.variables, "variable")?;
                let Some(name) = first else { return Ok(()) };
                let declared = self.stack.variables.iter().find(|v| v.name == name);
                let ty = declared
                    .and_then(|v| v.type_expr.as_deref())
                    .and_then(|t| type_expr::parse(t).ok());
                match ty {
                    Some(ty) => within_type(&format!("var.{name}"), &ty, &ops[1..]),
                    None => Ok(()),
                }
            }
            "local" => named("local", &self.locals, "local"),
            "module" => {
                named("module", &self.modules, "module")?;
                let Some(info) = first.and_then(|n| self.module_info.get(n)) else { return Ok(()) };
                let output = match ops.get(1) {
                    Some(Op::Attr(o)) => Some(o),
                    Some(_) => match ops.get(2) {
                        Some(Op::Attr(o)) => Some(o),
                        _ => None,
                    },
                    None => None,
                };
                match output {
                    Some(o) if !info.outputs.contains(o) => Err(problem(
                        "unknown_reference",
                        format!("module `{}` has no output `{o}`", first.unwrap_or_default()),
                        did_you_mean(o, info.outputs.iter().map(String::as_str)).or_else(|| {
                            let names: Vec<String> =
                                info.outputs.iter().map(|n| format!("`{n}`")).collect();
                            Some(format!("its outputs: {}", names.join(", ")))
                        }),
                    )),
                    _ => Ok(()),
                }
            }
            "path" => fixed(&["module", "root", "cwd"], "`module`, `root` and `cwd`"),
            "terraform" => fixed(&["workspace", "applying"], "`workspace` and `applying`"),
            "count" => {
                if !scope.count {
                    return Err(problem(
                        "out_of_scope",
                        "`count.index` is only available in a block that sets `count`".to_owned(),
                        Some("set `count` on this block, or use a value that does not depend on the instance".to_owned()),
                    ));
                }
                fixed(&["index"], "only `index`")
            }
            "each" => {
                if !scope.each {
                    return Err(problem(
                        "out_of_scope",
                        "`each.key` and `each.value` are only available in a block that sets `for_each`".to_owned(),
                        Some("set `for_each` on this block, or use a value that does not depend on the instance".to_owned()),
                    ));
                }
                fixed(&["key", "value"], "`key` and `value`")
            }
            "self" => Err(problem(
                "out_of_scope",
                "`self` is only available in postconditions, provisioners and connection blocks"
                    .to_owned(),
                Some("refer to the resource by its handle instead".to_owned()),
            )),
            "data" => {
                let Some(type_name) = first else {
                    return Err(problem(
                        "bad_reference",
                        "`data` alone is not a value".to_owned(),
                        Some("e.g. `data.aws_ami.al2.id`".to_owned()),
                    ));
                };
                self.block(true, type_name, &ops[1..])
            }
            other => {
                if self.blocks.contains_key(&(false, other))
                    || self.schemas.has_type(BlockKind::Resource, other)
                {
                    return self.block(false, other, ops);
                }
                let mut roots: Vec<&str> =
                    vec!["var", "local", "module", "data", "path", "terraform", "count", "each"];
                roots.extend(self.blocks.keys().filter(|(d, _)| !d).map(|(_, t)| *t));
                roots.extend(bound.iter().map(String::as_str));
                Err(problem(
                    "undefined_reference",
                    format!("unknown name `{other}`"),
                    did_you_mean(other, roots).or_else(|| {
                        Some("a reference starts with `var.`, `local.`, `module.`, `data.` or a resource type".to_owned())
                    }),
                ))
            }
        }
    }

    /// `TYPE.NAME...` (after `data.` for a data source).
    fn block(&self, data: bool, type_name: &str, ops: &[Op]) -> Result<(), Problem> {
        let what = if data { "data source" } else { "resource" };
        let prefix = if data { "data." } else { "" };
        let Some(Op::Attr(name)) = ops.first() else {
            return Err(problem(
                "bad_reference",
                format!("`{prefix}{type_name}` alone is not a value: name the {what}"),
                Some(format!("e.g. `{prefix}{type_name}.NAME`")),
            ));
        };
        let declared = self.blocks.get(&(data, type_name));
        let Some(r) = declared.and_then(|m| m.get(name.as_str())) else {
            let names = declared.map(|m| m.keys().copied().collect::<Vec<_>>()).unwrap_or_default();
            let help = did_you_mean(name, names.iter().copied()).or_else(|| {
                if self
                    .schemas
                    .has_type(if data { BlockKind::Data } else { BlockKind::Resource }, type_name)
                {
                    Some(format!(
                        "declare it with `{}(\"{type_name}\", \"{name}\", #{{ ... }})`",
                        if data { "data" } else { "resource" }
                    ))
                } else {
                    self.schemas
                        .suggest_type(
                            if data { BlockKind::Data } else { BlockKind::Resource },
                            type_name,
                        )
                        .map(|s| format!("did you mean `{prefix}{s}`?"))
                }
            });
            return Err(problem(
                "undefined_reference",
                format!("no {what} `{prefix}{type_name}.{name}` is declared"),
                help,
            ));
        };
        let address = format!("{prefix}{type_name}.{name}");
        let rest = &ops[1..];
        let after_key = match (instances(r), rest.first()) {
            (_, None) => return Ok(()),
            (Instances::Single, Some(Op::Int(_) | Op::Str(_) | Op::Other)) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has no `count` or `for_each`: it has no instances to index"),
                    Some(format!("read its attributes directly, e.g. `{address}.id`")),
                ))
            }
            (Instances::Single, Some(Op::Splat)) => &rest[1..],
            (Instances::Single, Some(Op::Attr(_))) => rest,
            (Instances::Count, Some(Op::Attr(a))) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has `count` set: `{a}` is read on one instance"),
                    Some(format!("pick one, `{address}[0].{a}`, or all, `{address}[*].{a}`")),
                ))
            }
            (Instances::Count, Some(Op::Str(k))) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has `count` set: its instances are numbered, not keyed by `\"{k}\"`"),
                    Some(format!("e.g. `{address}[0]`")),
                ))
            }
            (Instances::Count, Some(_)) => &rest[1..],
            (Instances::ForEach(_), Some(Op::Attr(a))) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has `for_each` set: `{a}` is read on one instance"),
                    Some(format!("pick one by its key, `{address}[\"KEY\"].{a}`")),
                ))
            }
            (Instances::ForEach(Some(keys)), Some(Op::Str(k))) if !keys.contains(&k.as_str()) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has no instance `\"{k}\"`"),
                    did_you_mean(k, keys.iter().copied()).or_else(|| {
                        Some(format!(
                            "its keys: {}",
                            keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        ))
                    }),
                ))
            }
            (Instances::ForEach(_), Some(Op::Int(i))) => {
                return Err(problem(
                    "instance_key",
                    format!("`{address}` has `for_each` set: its instances are keyed by name, not numbered (`[{i}]`)"),
                    Some(format!("e.g. `{address}[\"KEY\"]`")),
                ))
            }
            (Instances::ForEach(_), Some(_)) => &rest[1..],
        };
        if let Some(Op::Attr(attr)) = after_key.first() {
            let kind = if data { BlockKind::Data } else { BlockKind::Resource };
            if let AttrLookup::Unknown { suggestion } =
                self.schemas.lookup_attribute(kind, type_name, attr)
            {
                return Err(problem(
                    "unknown_reference",
                    format!("{} `{type_name}` has no attribute `{attr}`", kind.noun()),
                    suggestion.map(|s| format!("did you mean `{s}`?")),
                ));
            }
            if let Some(b) = self.schemas.block(kind, type_name) {
                let at = format!("{address}.{attr}");
                return in_block_item(&at, &b, attr, &after_key[1..]);
            }
        }
        Ok(())
    }
}

/// Past the first attribute, names inside nested blocks and object values
/// are followed through the schema; only a name that does not exist is an
/// error (a step of a kind Terraform may convert is left to it).
fn in_block_item(at: &str, b: &Block, name: &str, ops: &[Op]) -> Result<(), Problem> {
    if let Some(a) = b.attributes.get(name) {
        return in_attr(at, &a.ty, ops);
    }
    let Some(bt) = b.block_types.get(name) else { return Ok(()) };
    let ops = match (bt.nesting, ops.first()) {
        (Nesting::Single | Nesting::Group, _) => ops,
        (_, Some(Op::Attr(_)) | None) => return Ok(()),
        (_, Some(_)) => &ops[1..],
    };
    in_block(at, &bt.block, ops)
}

fn in_block(at: &str, b: &Block, ops: &[Op]) -> Result<(), Problem> {
    match ops.split_first() {
        Some((Op::Attr(a), rest)) => {
            if b.attributes.contains_key(a) || b.block_types.contains_key(a) {
                return in_block_item(&format!("{at}.{a}"), b, a, rest);
            }
            let names = b.attributes.keys().chain(b.block_types.keys()).map(String::as_str);
            Err(problem(
                "unknown_reference",
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
                "unknown_reference",
                format!("`{at}` has no attribute `{a}`"),
                did_you_mean(a, fields.keys().map(String::as_str)),
            )),
        },
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
                        "unknown_reference",
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

/// `"${path.module}/x"` as the backtick string that means it:
/// `` `${tf::path_module()}/x` `` (just the interpolation for a long or
/// multi-line string).
fn rewritten(s: &str, inner: &str, with: &str) -> String {
    let whole = s.replacen(&format!("${{{inner}}}"), &format!("${{{with}}}"), 1);
    if whole.len() <= 80 && !whole.contains(['`', '\n']) && whole.contains(with) {
        format!("`{whole}`")
    } else {
        format!("`${{{with}}}`")
    }
}

/// The steps after `var.NAME`, followed through the variable's type:
/// `var.db.nme` on `object({ name = string })` is a typo Terraform would
/// only report at plan time.
fn within_type(at: &str, ty: &TypeExpr, ops: &[Op]) -> Result<(), Problem> {
    let Some((op, rest)) = ops.split_first() else { return Ok(()) };
    match (ty, op) {
        (TypeExpr::Object(attrs), Op::Attr(a) | Op::Str(a)) => match attrs.get(a) {
            Some(attr) => within_type(&format!("{at}.{a}"), &attr.ty, rest),
            None => Err(problem(
                "unknown_reference",
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
                "unknown_reference",
                format!("`{at}` is a tuple of {} elements: it has no element `[{i}]`", es.len()),
                None,
            )),
        },
        (TypeExpr::List(e) | TypeExpr::Set(e), Op::Splat) => {
            within_type(&format!("{at}[*]"), e, rest)
        }
        (TypeExpr::String | TypeExpr::Number | TypeExpr::Bool, Op::Attr(a)) => Err(problem(
            "unknown_reference",
            format!("`{at}` is a {ty}: it has no attribute `{a}`"),
            None,
        )),
        (TypeExpr::Set(_), Op::Int(_) | Op::Str(_)) => Err(problem(
            "unknown_reference",
            format!("`{at}` is a set: its elements have no index"),
            Some(format!("convert it first: `tolist({at})[0]`")),
        )),
        (TypeExpr::List(_) | TypeExpr::Tuple(_), Op::Attr(a)) => Err(problem(
            "unknown_reference",
            format!("`{at}` is a {ty}: pick an element before `.{a}`"),
            Some(format!("e.g. `{at}[0].{a}` or `{at}[*].{a}`")),
        )),
        _ => Ok(()),
    }
}

/// A function name inside expression text.
fn function(namespace: &[hcl::Identifier], name: &str) -> Option<Problem> {
    let ns: Vec<&str> = namespace.iter().map(|i| i.as_str()).collect();
    match ns.as_slice() {
        [] | ["core"] => {
            if FUNCTIONS.contains(&name) {
                return None;
            }
            Some(problem(
                "unknown_function",
                format!("Terraform has no function `{name}`"),
                did_you_mean(name, FUNCTIONS.iter().copied()),
            ))
        }
        ["provider", provider] => {
            let Some((_, fns)) = PROVIDER_FUNCTIONS.iter().find(|(p, _)| p == provider) else {
                return Some(problem(
                    "unknown_function",
                    format!("no known provider `{provider}` defines functions"),
                    did_you_mean(provider, PROVIDER_FUNCTIONS.iter().map(|(p, _)| *p)),
                ));
            };
            if fns.contains(&name) {
                return None;
            }
            Some(problem(
                "unknown_function",
                format!("provider `{provider}` has no function `{name}`"),
                did_you_mean(name, fns.iter().copied()).or_else(|| {
                    Some(if fns.is_empty() {
                        format!("provider `{provider}` defines no functions")
                    } else {
                        format!("its functions: {}", fns.join(", "))
                    })
                }),
            ))
        }
        _ => Some(problem(
            "unknown_function",
            format!("unknown function `{}::{name}`", ns.join("::")),
            Some("provider functions are called as `provider::NAME::FUNC(...)`".to_owned()),
        )),
    }
}
