//! Every reference of a stack checked against what it declared: handles,
//! `tf::ref` and the traversals and calls inside `tf::expr` text. Terraform
//! would refuse each of these at `plan`; here they fail at the operator's line.
//!
//! Checked: `var.` and `local.` names (and steps into a variable's type),
//! resource and data addresses and their attributes (from the schema, into
//! nested blocks), module names and local modules' outputs, `count.index` and
//! `each.*` only inside a block that sets `count` / `for_each`, `self`,
//! `path.*`, `terraform.*`, function names (`provider::NAME::FUNC` too), and
//! instance keys: a `count` resource is read through an index or a splat, a
//! `for_each` one through a key (checked against literal keys), a plain one
//! through neither. A plain string holding `${var.x}` is refused too: tsdsl
//! strings are literal, so it would silently not mean what it says.

mod nested;
mod roots;
mod text;

use std::collections::{HashMap, HashSet};

use hcl::expr::{Expression, ForExpr, Operation, TraversalOperator};
use hcl::template::{Directive, Element, Template};

use super::modules::ModuleInfo;
use super::type_expr;
use super::Schemas;
use crate::diagnostics::{closest, Code, Diagnostic, Target};
use crate::model::{
    BlockKind, Condition, Op as ModelOp, Origin, PathSeg, Resource, Stack, Step, TemplatePart,
    Value,
};

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
    code: Code,
    message: String,
    help: Option<String>,
}

fn problem(code: Code, message: String, help: Option<String>) -> Problem {
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
                self.ignore_changes(r, &l.ignore_changes);
                let path = |k: &str| [PathSeg::key("lifecycle"), PathSeg::key(k)];
                self.conditions(&l.preconditions, scope, &path("precondition"), &[]);
                let post = path("postcondition");
                self.conditions(&l.postconditions, scope, &post, &["self".to_owned()]);
            }
        }
        for e in &stack.ephemerals {
            let scope = Scope {
                origin: &e.origin,
                count: e.meta.count.is_some(),
                each: e.meta.for_each.is_some(),
            };
            for (k, v) in &e.attrs {
                self.value(v, scope, &mut vec![PathSeg::Key(k.clone())], &[]);
            }
        }
        for i in &stack.imports {
            let plain = Scope { origin: &i.origin, count: false, each: false };
            let scope = Scope { origin: &i.origin, count: false, each: i.for_each.is_some() };
            if let Some(f) = &i.for_each {
                self.value(f, plain, &mut vec![PathSeg::key("for_each")], &[]);
            }
            for v in
                i.id.iter().chain(i.to_key.iter()).chain(i.identity.iter().flat_map(|m| m.values()))
            {
                self.value(v, scope, &mut Vec::new(), &[]);
            }
        }
        for c in &stack.checks {
            let scope = Scope { origin: &c.origin, count: false, each: false };
            self.conditions(&c.asserts, scope, &[PathSeg::key("assert")], &[]);
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
            for d in &o.depends_on {
                let mut path = vec![PathSeg::key("depends_on")];
                self.value(&Value::Ref(d.clone()), scope, &mut path, &[]);
            }
            self.conditions(&o.preconditions, scope, &[PathSeg::key("precondition")], &[]);
        }
        for v in &stack.variables {
            let scope = Scope { origin: &v.origin, count: false, each: false };
            for val in &v.validations {
                let mut path = vec![PathSeg::key("validation")];
                self.value(&val.condition, scope, &mut path, &[]);
            }
        }
    }

    /// `ignore_changes: ["tagz"]`: each entry starts with an argument of the type.
    fn ignore_changes(&mut self, r: &Resource, names: &[String]) {
        let Some(b) = self.schemas.block(r.kind, &r.type_name) else { return };
        for (i, n) in names.iter().enumerate() {
            let first = n.split(['.', '[']).next().unwrap_or_default();
            if n == "all" || b.attributes.contains_key(first) || b.block_types.contains_key(first) {
                continue;
            }
            let p = problem(
                Code::ModelUnknownReference,
                format!("{} `{}` has no argument `{first}` to ignore", r.kind.noun(), r.type_name),
                did_you_mean(first, b.argument_names()),
            );
            let path =
                vec![PathSeg::key("lifecycle"), PathSeg::key("ignore_changes"), PathSeg::Index(i)];
            let scope = Scope { origin: &r.origin, count: false, each: false };
            self.report(scope, &path, p);
        }
    }

    fn report(&mut self, scope: Scope, path: &[PathSeg], p: Problem) {
        let label = match p.code {
            Code::ModelUndefinedReference => "not declared",
            Code::ModelUnknownReference => "no such attribute",
            Code::ModelInstanceKey => "wrong instance key",
            Code::ModelOutOfScope => "not available here",
            Code::ModelUnknownFunction => "unknown function",
            Code::ModelInterpolationInString => "literal text",
            Code::ModelBadType => "not a type",
            _ => "not a value",
        };
        let d = Diagnostic::error(p.code, p.message)
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
            Value::Op(op) => self.operation(op, scope, path, bound),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
        }
    }

    /// `tf::cond`, operators, `for` expressions and `dynamic` blocks: their
    /// own variables are bound inside them.
    fn operation(&mut self, op: &ModelOp, scope: Scope, path: &mut Vec<PathSeg>, bound: &[String]) {
        let inner = |names: &[&String]| {
            let mut b = bound.to_vec();
            b.extend(names.iter().map(|n| (*n).clone()));
            b
        };
        match op {
            ModelOp::For { key_var, value_var, collection, key, value, cond } => {
                self.value(collection, scope, path, bound);
                let mut names = vec![value_var];
                names.extend(key_var.iter());
                let b = inner(&names);
                for v in key.iter().chain([value]).chain(cond.iter()) {
                    self.value(v, scope, path, &b);
                }
            }
            ModelOp::Dynamic { for_each, iterator, content } => {
                self.value(for_each, scope, path, bound);
                let b = inner(&[iterator]);
                for (k, v) in content {
                    path.push(PathSeg::Key(k.clone()));
                    self.value(v, scope, path, &b);
                    path.pop();
                }
            }
            other => {
                for v in other.operands() {
                    self.value(v, scope, path, bound);
                }
            }
        }
    }

    /// `precondition`, `postcondition`, `assert` (`self` bound in postconditions).
    fn conditions(&mut self, cs: &[Condition], scope: Scope, path: &[PathSeg], bound: &[String]) {
        for c in cs {
            for (key, v) in [("condition", &c.condition), ("error_message", &c.error_message)] {
                let mut p = path.to_vec();
                p.push(PathSeg::key(key));
                self.value(v, scope, &mut p, bound);
            }
        }
    }

    /// `${path.module}` in literal text: Terraform would print it as is,
    /// since tsdsl escapes it, which is not what the operator meant.
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
                if let Some(p) = text::function(&f.name.namespace, f.name.name.as_str()) {
                    out.push(p);
                } else if !f.expand_final && f.name.namespace.iter().all(|n| n.as_str() == "core") {
                    let arity = super::functions::arity_problem(f.name.name.as_str(), f.args.len());
                    if let Some(why) = arity {
                        out.push(problem(Code::ModelBadExpression, why, None));
                    }
                }
                // `convert(value, list(string))`: the second argument is a type
                let typed = f.name.name.as_str() == "convert";
                for (i, a) in f.args.iter().enumerate() {
                    if typed && i == 1 {
                        if let Err(e) = type_expr::parse(&a.to_string()) {
                            out.push(problem(Code::ModelBadType, e.message, e.help));
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
}
