//! Secrets in the configuration: a literal where the provider expects a
//! secret (its schema says `sensitive`, or the name says password, token,
//! key...) is an error unless wrapped in `literal_secret(value, "reason")`;
//! an output that shows a sensitive value without `sensitive: true` is an
//! error, as Terraform itself refuses it at plan time.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::shape::Subject;
use super::types::{AttrType, Attribute, SchemaBlock};
use super::Schemas;
use crate::diagnostics::{Code, Diagnostic, Target};
use crate::model::{
    is_secret_name, literal_text, BlockKind, Origin, PathSeg, Reference, Stack, Step, TemplatePart,
    Value,
};

const LITERAL: Code = Code::SecretsLiteralSecret;
const OUTPUT: Code = Code::SecretsSensitiveOutput;
const WHERE_SECRETS_LIVE: &str = "take it from where secrets live: a `variable` with `sensitive: true` (set at apply time, e.g. `TF_VAR_name`), a `random_password`, or a Secrets Manager data source; if a literal is really meant, say so: `literal_secret(\"...\", \"why\")`";

const DEFAULT_HELP: &str = "leave the default out and give the value at apply time (`TF_VAR_<name>` or a `.tfvars` file kept out of the repository); if a literal is really meant, say so: `literal_secret(\"...\", \"why\")`";
const BACKEND_HELP: &str = "leave it out of the script and give it at init time: in the environment (`AWS_SSE_CUSTOMER_KEY`, `AWS_SECRET_ACCESS_KEY`...) or with `terraform init -backend-config=FILE`; if a literal is really meant, say so: `literal_secret(\"...\", \"why\")`";

pub(crate) fn check(stack: &Stack, schemas: &Schemas) -> Vec<Diagnostic> {
    let accepted: HashSet<&str> = stack.accepted_secrets.iter().map(|a| a.value.as_str()).collect();
    let mut w =
        Walk { accepted, diags: Vec::new(), help: WHERE_SECRETS_LIVE, names: HashMap::new() };
    for r in &stack.resources {
        // Another stack's backend settings: `Backend::shareable_config` has
        // left its secrets out already.
        if r.type_name == "terraform_remote_state" {
            continue;
        }
        let block = schemas.block(r.kind, &r.type_name);
        let subject = Subject::Named(r.kind.noun(), &r.type_name);
        w.body(&r.origin, &[], Scope::of(block.as_deref()), &r.attrs, subject);
    }
    for p in &stack.providers {
        let block = schemas.block(BlockKind::Provider, &p.name);
        let subject = Subject::Named("provider", &p.name);
        w.body(&p.origin, &[], Scope::of(block.as_deref()), &p.config, subject);
    }
    if let Some(b) = &stack.terraform.backend {
        let subject = Subject::Backend(&b.kind);
        w.help = BACKEND_HELP;
        w.body(&b.origin, &[], Scope::None, &b.config, subject);
        w.help = WHERE_SECRETS_LIVE;
    }
    for m in &stack.modules {
        let subject = Subject::Named("module", &m.name);
        w.body(&m.origin, &[], Scope::None, &m.inputs, subject);
    }
    for v in &stack.variables {
        if let Some(d) = &v.default {
            let path = vec![PathSeg::key("default")];
            if v.sensitive || is_secret_name(&v.name) {
                let what = format!("the default of variable `{}`", v.name);
                w.help = DEFAULT_HELP;
                w.literal(&v.origin, path.clone(), d, &what);
                w.help = WHERE_SECRETS_LIVE;
            }
            w.value(&v.origin, path, d);
        }
    }
    for l in &stack.locals {
        if is_secret_name(&l.name) {
            w.literal(&l.origin, Vec::new(), &l.value, &format!("local `{}`", l.name));
        }
        w.value(&l.origin, Vec::new(), &l.value);
    }
    w.outputs(stack, schemas);
    w.diags
}

/// What is known of the arguments at one level: a schema block, the
/// attributes of a nested attribute, or nothing (names alone decide).
#[derive(Clone, Copy)]
enum Scope<'a> {
    Block(&'a SchemaBlock),
    Attrs(&'a IndexMap<String, Attribute>),
    None,
}

impl<'a> Scope<'a> {
    fn of(b: Option<&'a SchemaBlock>) -> Self {
        b.map_or(Scope::None, Scope::Block)
    }

    fn attribute(self, k: &str) -> Option<&'a Attribute> {
        match self {
            Scope::Block(b) => b.attributes.get(k),
            Scope::Attrs(a) => a.get(k),
            Scope::None => None,
        }
    }

    /// The scope of the values under `k`: a nested block's, or a nested
    /// attribute's.
    fn inner(self, k: &str) -> Option<Scope<'a>> {
        if let Scope::Block(b) = self {
            if let Some(bt) = b.block_types.get(k) {
                return Some(Scope::Block(&bt.block));
            }
        }
        match self.attribute(k).map(|a| &a.ty) {
            Some(AttrType::Nested { attributes, .. }) => Some(Scope::Attrs(attributes)),
            _ => None,
        }
    }
}

struct Walk<'a> {
    accepted: HashSet<&'a str>,
    diags: Vec<Diagnostic>,
    /// The fix to suggest where the walk is.
    help: &'static str,
    /// Argument names seen, and whether they name a secret.
    names: HashMap<String, bool>,
}

fn with(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

impl Walk<'_> {
    /// [`is_secret_name`], remembered: the same argument names come back
    /// in every block of a type.
    fn secret_name(&mut self, name: &str) -> bool {
        if let Some(&known) = self.names.get(name) {
            return known;
        }
        let secret = is_secret_name(name);
        self.names.insert(name.to_owned(), secret);
        secret
    }

    fn body(
        &mut self,
        origin: &Origin,
        path: &[PathSeg],
        scope: Scope,
        args: &IndexMap<String, Value>,
        subject: Subject,
    ) {
        for (k, v) in args {
            let kpath = with(path, PathSeg::Key(k.clone()));
            let flagged = scope.attribute(k).is_some_and(|a| a.sensitive);
            if flagged || self.secret_name(k) {
                self.literal(origin, kpath.clone(), v, &format!("`{k}` of {subject}"));
            }
            match (scope.inner(k), v) {
                (Some(inner), Value::Map(m)) => self.body(origin, &kpath, inner, m, subject),
                (Some(inner), Value::List(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        let ipath = with(&kpath, PathSeg::Index(i));
                        match item {
                            Value::Map(m) => self.body(origin, &ipath, inner, m, subject),
                            other => self.value(origin, ipath, other),
                        }
                    }
                }
                _ => self.value(origin, kpath, v),
            }
        }
    }

    /// Secrets that only their names give away, anywhere in a value: map
    /// keys (`environment: #{ DB_PASSWORD: "..." }`) and the `name`/`value`
    /// pairs of container definitions.
    fn value(&mut self, origin: &Origin, path: Vec<PathSeg>, v: &Value) {
        match v {
            Value::Map(m) => {
                if let Some(Value::String(name)) = m.get("name") {
                    if self.secret_name(name) {
                        if let Some(value) = m.get("value") {
                            let what = format!("the value of `{name}`");
                            self.literal(origin, with(&path, PathSeg::key("value")), value, &what);
                        }
                    }
                }
                for (k, x) in m {
                    let kpath = with(&path, PathSeg::Key(k.clone()));
                    if self.secret_name(k) {
                        self.literal(origin, kpath.clone(), x, &format!("`{k}`"));
                    }
                    self.value(origin, kpath, x);
                }
            }
            Value::List(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.value(origin, with(&path, PathSeg::Index(i)), x);
                }
            }
            // `jsonencode([...])`: a container definition is still written out.
            Value::Call { args, .. } => {
                for x in args {
                    self.value(origin, path.clone(), x);
                }
            }
            _ => {}
        }
    }

    fn literal(&mut self, origin: &Origin, path: Vec<PathSeg>, v: &Value, what: &str) {
        let Some(text) = literal_text(v) else { return };
        if self.accepted.contains(text) {
            return;
        }
        let d =
            Diagnostic::error(LITERAL, format!("{what} is a secret, written here as literal text"))
                .at_path(origin, path, Target::Value)
                .label("literal secret")
                .help(self.help);
        if !self.diags.contains(&d) {
            self.diags.push(d);
        }
    }

    fn outputs(&mut self, stack: &Stack, schemas: &Schemas) {
        let sensitive_vars: HashSet<&str> =
            stack.variables.iter().filter(|v| v.sensitive).map(|v| v.name.as_str()).collect();
        // Terraform carries sensitivity through locals.
        let mut sensitive_locals: HashSet<&str> = HashSet::new();
        for l in &stack.locals {
            let hit = |r: &Reference| {
                sensitive_ref(r, stack, schemas, &sensitive_vars, &sensitive_locals).is_some()
            };
            if refs_outside_nonsensitive(&l.value).into_iter().any(hit) {
                sensitive_locals.insert(l.name.as_str());
            }
        }
        for o in stack.outputs.iter().filter(|o| !o.sensitive) {
            let found = refs_outside_nonsensitive(&o.value)
                .into_iter()
                .find_map(|r| sensitive_ref(r, stack, schemas, &sensitive_vars, &sensitive_locals));
            let Some(what) = found else { continue };
            self.diags.push(
                Diagnostic::error(OUTPUT, format!("output `{}` shows {what}", o.name))
                    .at_path(&o.origin, Vec::new(), Target::Call)
                    .label("sensitive value in an output")
                    .help("Terraform refuses this at plan time: add `sensitive: true` to the output's options (`output(name, value, #{ sensitive: true })`)"),
            );
        }
    }
}

/// References in a value, leaving out those inside `nonsensitive(...)`,
/// where the operator has declared the value safe to show.
fn refs_outside_nonsensitive(v: &Value) -> Vec<&Reference> {
    let mut out = Vec::new();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Reference>) {
        match v {
            Value::Ref(r) => out.push(r),
            Value::List(items) => items.iter().for_each(|x| walk(x, out)),
            Value::Map(m) => m.values().for_each(|x| walk(x, out)),
            Value::Template(parts) => parts.iter().for_each(|p| {
                if let TemplatePart::Interp(x) = p {
                    walk(x, out)
                }
            }),
            Value::Call { name, .. } if name == "nonsensitive" => {}
            Value::Call { args, .. } => args.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

/// What a reference reads that is sensitive, in an operator's words.
fn sensitive_ref(
    r: &Reference,
    stack: &Stack,
    schemas: &Schemas,
    vars: &HashSet<&str>,
    locals: &HashSet<&str>,
) -> Option<String> {
    let attr = |i: usize| match r.steps.get(i) {
        Some(Step::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    match r.root.as_str() {
        "var" => attr(0)
            .filter(|n| vars.contains(n))
            .map(|n| format!("variable `{n}`, which is sensitive")),
        "local" => attr(0)
            .filter(|n| locals.contains(n))
            .map(|n| format!("local `{n}`, which holds a sensitive value")),
        "data" if attr(0) == Some("terraform_remote_state") && attr(2) == Some("outputs") => {
            let (from, name) = (attr(1)?, attr(3)?);
            let sensitive =
                stack.sensitive_remote_outputs.iter().any(|(s, o)| s == from && o == name);
            sensitive.then(|| format!("output `{name}` of stack `{from}`, which is sensitive"))
        }
        "data" => block_attr(stack, schemas, BlockKind::Data, attr(0)?, attr(1)?, attr(2)),
        ty => block_attr(stack, schemas, BlockKind::Resource, ty, attr(0)?, attr(1)),
    }
}

/// A schema-sensitive attribute of a block of this stack, or the whole
/// block when it has one.
fn block_attr(
    stack: &Stack,
    schemas: &Schemas,
    kind: BlockKind,
    ty: &str,
    name: &str,
    attr: Option<&str>,
) -> Option<String> {
    let declared =
        stack.resources.iter().any(|r| r.kind == kind && r.type_name == ty && r.name == name);
    if !declared {
        return None;
    }
    let block = schemas.block(kind, ty)?;
    let prefix = if kind == BlockKind::Data { "data." } else { "" };
    match attr {
        Some(a) => block
            .attributes
            .get(a)
            .filter(|x| x.sensitive)
            .map(|_| format!("`{prefix}{ty}.{name}.{a}`, which the provider marks sensitive")),
        None => block
            .attributes
            .values()
            .any(|x| x.sensitive)
            .then(|| format!("`{prefix}{ty}.{name}`, which holds sensitive attributes")),
    }
}
