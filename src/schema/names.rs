//! Every name the stack will write where Terraform expects an identifier,
//! checked in one walk over the model, whichever primitive put it there:
//! `required_providers` entries, backend and provider arguments, module
//! arguments, meta-argument references, `ignore_changes` entries, checkov
//! comments. Unchecked, a name such as `"a = 1\n  b"` would write code the
//! script never declared; here it is an error at the operator's key.

use super::Schemas;
use crate::diagnostics::{Code, Diagnostic, Target};
use crate::model::{
    identifier_fix, is_attribute_path, is_identifier, shown, BlockKind, Meta, Origin, PathSeg,
    Reference, Stack, Step,
};

const RULE: &str = "names use letters, digits, `_` and `-`, and start with a letter or `_`";

/// `schemas` tells which providers' arguments the schema phase checks
/// itself (an unknown argument there is already reported).
pub(crate) fn check(stack: &Stack, schemas: &Schemas) -> Vec<Diagnostic> {
    let mut w = Walk { diags: Vec::new() };
    let tf = &stack.terraform;
    for name in tf.required_providers.keys() {
        let path = vec![PathSeg::key("required_providers"), PathSeg::key(name)];
        w.name(&tf.origin, path, Target::Key, name, "a provider in `required_providers`");
    }
    if let Some(b) = &tf.backend {
        w.name(&b.origin, Vec::new(), Target::Call, &b.kind, "a backend type");
        for k in b.config.keys() {
            w.name(&b.origin, vec![PathSeg::key(k)], Target::Key, k, "a backend setting");
        }
    }
    for p in &stack.providers {
        w.name(&p.origin, Vec::new(), Target::Call, &p.name, "a provider name");
        if let Some(a) = &p.alias {
            w.name(&p.origin, vec![PathSeg::key("alias")], Target::Value, a, "a provider alias");
        }
        let checked = schemas.block(BlockKind::Provider, &p.name).is_some();
        for k in p.config.keys().filter(|_| !checked) {
            w.name(&p.origin, vec![PathSeg::key(k)], Target::Key, k, "a provider argument");
        }
    }
    for v in &stack.variables {
        w.name(&v.origin, Vec::new(), Target::Call, &v.name, "a variable name");
    }
    for l in &stack.locals {
        w.name(&l.origin, Vec::new(), Target::Call, &l.name, "a local name");
    }
    for o in &stack.outputs {
        w.name(&o.origin, Vec::new(), Target::Call, &o.name, "an output name");
        w.references(&o.origin, &o.depends_on, "depends_on");
    }
    for r in &stack.resources {
        w.name(&r.origin, Vec::new(), Target::Call, &r.type_name, "a type");
        w.name(&r.origin, Vec::new(), Target::Call, &r.name, "a block name");
        w.meta(&r.origin, &r.meta);
        for (id, reason) in &r.checkov_skips {
            w.checkov(&r.origin, id, reason);
        }
    }
    for m in &stack.modules {
        w.name(&m.origin, Vec::new(), Target::Call, &m.name, "a module name");
        for k in m.inputs.keys() {
            w.name(&m.origin, vec![PathSeg::key(k)], Target::Key, k, "a module argument");
        }
        w.meta(&m.origin, &m.meta);
    }
    w.diags
}

struct Walk {
    diags: Vec<Diagnostic>,
}

impl Walk {
    fn name(&mut self, origin: &Origin, path: Vec<PathSeg>, target: Target, s: &str, what: &str) {
        if is_identifier(s) {
            return;
        }
        self.diags.push(
            Diagnostic::error(
                Code::ModelInvalidName,
                format!("`{}` is not a valid Terraform name for {what}", shown(s)),
            )
            .at_path(origin, path, target)
            .label("invalid name")
            .help(format!("{RULE}: try `{}`", identifier_fix(s))),
        );
    }

    fn meta(&mut self, origin: &Origin, meta: &Meta) {
        if let Some(p) = &meta.provider {
            self.reference(origin, vec![PathSeg::key("provider")], p);
        }
        self.references(origin, &meta.depends_on, "depends_on");
        let Some(l) = &meta.lifecycle else { return };
        let here = |k: &str| vec![PathSeg::key("lifecycle"), PathSeg::key(k)];
        for (i, entry) in l.ignore_changes.iter().enumerate() {
            if is_attribute_path(entry) {
                continue;
            }
            // The engine refuses these where they are given; this is the net.
            let mut path = here("ignore_changes");
            path.push(PathSeg::Index(i));
            self.diags.push(
                Diagnostic::error(
                    Code::ModelInvalidName,
                    format!("`{}` is not an attribute name for `ignore_changes`", shown(entry)),
                )
                .at_path(origin, path, Target::Value)
                .label("not an attribute name")
                .help(format!(
                    "give attribute names such as `tags` or `tags[\"Name\"]`, or `all`; {RULE}"
                )),
            );
        }
        for r in &l.replace_triggered_by {
            self.reference(origin, here("replace_triggered_by"), r);
        }
    }

    fn references(&mut self, origin: &Origin, rs: &[Reference], key: &str) {
        for (i, r) in rs.iter().enumerate() {
            self.reference(origin, vec![PathSeg::key(key), PathSeg::Index(i)], r);
        }
    }

    /// A traversal's root and attribute names (indexes are quoted when written).
    fn reference(&mut self, origin: &Origin, path: Vec<PathSeg>, r: &Reference) {
        let attrs = r.steps.iter().filter_map(|s| match s {
            Step::Attr(a) => Some(a.as_str()),
            _ => None,
        });
        if let Some(bad) = std::iter::once(r.root.as_str()).chain(attrs).find(|n| !is_identifier(n))
        {
            let what = "a reference";
            self.name(origin, path, Target::Value, bad, what);
        }
    }

    /// `#checkov:skip=ID:reason` is a comment line: a line break or any other
    /// control character in it would end the comment and start code.
    fn checkov(&mut self, origin: &Origin, id: &str, reason: &str) {
        let id_ok =
            id.starts_with("CKV") && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if id_ok && !reason.chars().any(char::is_control) && !reason.trim().is_empty() {
            return;
        }
        self.diags.push(
            Diagnostic::error(
                Code::ModelBadCheckovSkip,
                format!("`checkov_skip` needs a check id like `CKV_AWS_18` and a one-line reason, got `{id}`"),
            )
            .at_path(origin, Vec::new(), Target::Call)
            .help("the reason is written as a comment: one line of text with no control characters"),
        );
    }
}
