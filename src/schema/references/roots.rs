//! Root names and what follows them: declared names, resource and data
//! addresses with their instance keys, `count`, `each`, `path`, `terraform`.

use std::collections::HashSet;

use super::nested::{in_block_item, within_type};
use super::{did_you_mean, instances, problem, Checker, Instances, Op, Problem, Scope};
use crate::diagnostics::Code;
use crate::model::BlockKind;
use crate::schema::type_expr;
use crate::schema::AttrLookup;

impl Checker<'_> {
    /// A root name and the steps after it.
    pub(super) fn traversal(
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
                    Code::ModelBadReference,
                    format!("`{root}` alone is not a value: name the {what}"),
                    Some(format!("e.g. `{root}.NAME`")),
                ));
            };
            if set.contains(name) {
                return Ok(());
            }
            Err(problem(
                Code::ModelUndefinedReference,
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
                    Code::ModelUnknownReference,
                    format!("`{root}` has no attribute `{n}`"),
                    did_you_mean(n, names.iter().copied())
                        .or_else(|| Some(format!("`{root}` has {whole}"))),
                )),
                None => Err(problem(
                    Code::ModelBadReference,
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
                let call = self.stack.modules.iter().find(|m| Some(m.name.as_str()) == first);
                if let (Some(m), Some(Op::Attr(o))) = (call, ops.get(1)) {
                    let what = match (&m.meta.count, &m.meta.for_each) {
                        (Some(_), _) => Some(("count", "[0]")),
                        (_, Some(_)) => Some(("for_each", "[\"KEY\"]")),
                        _ => None,
                    };
                    if let Some((what, pick)) = what {
                        return Err(problem(
                            Code::ModelInstanceKey,
                            format!(
                                "module `{}` has `{what}` set: `{o}` is read on one instance",
                                m.name
                            ),
                            Some(format!("pick one, `module.{}{pick}.{o}`", m.name)),
                        ));
                    }
                }
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
                        Code::ModelUnknownReference,
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
                        Code::ModelOutOfScope,
                        "`count.index` is only available in a block that sets `count`".to_owned(),
                        Some("set `count` on this block, or use a value that does not depend on the instance".to_owned()),
                    ));
                }
                fixed(&["index"], "only `index`")
            }
            "each" => {
                if !scope.each {
                    return Err(problem(
                        Code::ModelOutOfScope,
                        "`each.key` and `each.value` are only available in a block that sets `for_each`".to_owned(),
                        Some("set `for_each` on this block, or use a value that does not depend on the instance".to_owned()),
                    ));
                }
                fixed(&["key", "value"], "`key` and `value`")
            }
            "self" => Err(problem(
                Code::ModelOutOfScope,
                "`self` is only available in postconditions, provisioners and connection blocks"
                    .to_owned(),
                Some("refer to the resource by its handle instead".to_owned()),
            )),
            // `ephemeral.TYPE.NAME`: declared with `ephemeral(...)`; no schema
            // describes its attributes
            "ephemeral" => {
                let declared: Vec<String> = self
                    .stack
                    .ephemerals
                    .iter()
                    .map(|e| format!("{}.{}", e.type_name, e.name))
                    .collect();
                let second = match ops.get(1) {
                    Some(Op::Attr(a)) => Some(a.as_str()),
                    _ => None,
                };
                let wanted =
                    format!("{}.{}", first.unwrap_or_default(), second.unwrap_or_default());
                if declared.contains(&wanted) {
                    return Ok(());
                }
                Err(problem(
                    Code::ModelUndefinedReference,
                    format!("no ephemeral resource `{wanted}` is declared"),
                    did_you_mean(&wanted, declared.iter().map(String::as_str)).or_else(|| {
                        Some("declare it with `ephemeral(\"TYPE\", \"NAME\", #{ ... })`".to_owned())
                    }),
                ))
            }
            "data" => {
                let Some(type_name) = first else {
                    return Err(problem(
                        Code::ModelBadReference,
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
                    Code::ModelUndefinedReference,
                    format!("unknown name `{}`", type_expr::clip(other)),
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
                Code::ModelBadReference,
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
                Code::ModelUndefinedReference,
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
                    Code::ModelInstanceKey,
                    format!("`{address}` has no `count` or `for_each`: it has no instances to index"),
                    Some(format!("read its attributes directly, e.g. `{address}.id`")),
                ))
            }
            (Instances::Single, Some(Op::Splat)) => &rest[1..],
            (Instances::Single, Some(Op::Attr(_))) => rest,
            (Instances::Count, Some(Op::Attr(a))) => {
                return Err(problem(
                    Code::ModelInstanceKey,
                    format!("`{address}` has `count` set: `{a}` is read on one instance"),
                    Some(format!("pick one, `{address}[0].{a}`, or all, `{address}[*].{a}`")),
                ))
            }
            (Instances::Count, Some(Op::Str(k))) => {
                return Err(problem(
                    Code::ModelInstanceKey,
                    format!("`{address}` has `count` set: its instances are numbered, not keyed by `\"{k}\"`"),
                    Some(format!("e.g. `{address}[0]`")),
                ))
            }
            (Instances::Count, Some(_)) => &rest[1..],
            (Instances::ForEach(_), Some(Op::Attr(a))) => {
                return Err(problem(
                    Code::ModelInstanceKey,
                    format!("`{address}` has `for_each` set: `{a}` is read on one instance"),
                    Some(format!("pick one by its key, `{address}[\"KEY\"].{a}`")),
                ))
            }
            (Instances::ForEach(Some(keys)), Some(Op::Str(k))) if !keys.contains(&k.as_str()) => {
                return Err(problem(
                    Code::ModelInstanceKey,
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
                    Code::ModelInstanceKey,
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
                    Code::ModelUnknownReference,
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
