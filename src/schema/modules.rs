//! Local module folders (`source = "./modules/vpc"`): their variables and
//! outputs, read from the `.tf` files Terraform will read, so a module call's
//! inputs and a `module.NAME.OUTPUT` reference are checked like a resource's.
//!
//! A local source is relative to the root module, the folder tsdsl writes
//! to. A folder that is missing or does not parse is not judged here:
//! `terraform init` reports it in its own words.

use std::collections::HashMap;
use std::path::Path;

use indexmap::IndexMap;

use super::type_expr::{self, TypeExpr};
use crate::diagnostics::{closest, Code, Diagnostic, Target};
use crate::model::{PathSeg, Stack};

/// What a module folder declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleInfo {
    /// name -> (type, whether it has a default)
    pub variables: IndexMap<String, (Option<TypeExpr>, bool)>,
    pub outputs: Vec<String>,
}

/// The local modules of a stack that could be read, by module call name.
pub(crate) fn load(stack: &Stack, root: &Path) -> HashMap<String, ModuleInfo> {
    let mut out = HashMap::new();
    for m in &stack.modules {
        if !(m.source.starts_with("./") || m.source.starts_with("../")) {
            continue;
        }
        if let Some(info) = read(&root.join(&m.source)) {
            out.insert(m.name.clone(), info);
        }
    }
    out
}

fn read(dir: &Path) -> Option<ModuleInfo> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    let mut info = ModuleInfo::default();
    for f in files {
        let text = std::fs::read_to_string(&f).ok()?;
        let body = hcl::parse(&text).ok()?;
        for b in body.blocks() {
            let Some(label) = b.labels.first().map(|l| l.as_str().to_owned()) else { continue };
            match b.identifier.as_str() {
                "output" => info.outputs.push(label),
                "variable" => {
                    let mut ty = None;
                    let mut default = false;
                    for a in b.body.attributes() {
                        match a.key.as_str() {
                            "type" => ty = type_expr::parse(&a.expr.to_string()).ok(),
                            "default" => default = true,
                            _ => {}
                        }
                    }
                    info.variables.insert(label, (ty, default));
                }
                _ => {}
            }
        }
    }
    Some(info)
}

/// Every module call's inputs against its folder's variables.
pub(crate) fn check_inputs(
    stack: &Stack,
    modules: &HashMap<String, ModuleInfo>,
    diags: &mut Vec<Diagnostic>,
) {
    for m in &stack.modules {
        let Some(info) = modules.get(&m.name) else { continue };
        for (k, v) in &m.inputs {
            let Some((ty, _)) = info.variables.get(k) else {
                let help = closest(k, info.variables.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        let names: Vec<String> =
                            info.variables.keys().map(|n| format!("`{n}`")).collect();
                        Some(format!("its variables: {}", names.join(", ")))
                    });
                diags.push(
                    Diagnostic::error(
                        Code::SchemaUnknownModuleInput,
                        format!("module `{}` ({}) has no variable `{k}`", m.name, m.source),
                    )
                    .at_path(&m.origin, vec![PathSeg::Key(k.clone())], Target::Key)
                    .label("unknown input")
                    .help_opt(help),
                );
                continue;
            };
            let Some(ty) = ty else { continue };
            let mut misfits = Vec::new();
            type_expr::check_input(ty, v, &mut vec![PathSeg::Key(k.clone())], &mut misfits);
            for f in misfits {
                let target = if f.at_key { Target::Key } else { Target::Value };
                diags.push(
                    Diagnostic::error(
                        Code::SchemaWrongType,
                        format!(
                            "input `{k}` of module `{}` does not fit `{ty}`: {}",
                            m.name, f.message
                        ),
                    )
                    .at_path(&m.origin, f.path, target)
                    .label("does not fit the type")
                    .help_opt(f.help),
                );
            }
        }
        let missing: Vec<String> = info
            .variables
            .iter()
            .filter(|(n, (_, default))| !default && !m.inputs.contains_key(*n))
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::SchemaMissingRequired,
                    format!("module `{}` needs {}", m.name, missing.join(", ")),
                )
                .at_path(&m.origin, Vec::new(), Target::Call)
                .label("missing inputs")
                .help("these variables of the module have no default"),
            );
        }
    }
}
