//! Text-level checks: a Terraform interpolation left in a literal string,
//! and function names inside expression text.

use hcl::expr::Expression;

use super::{did_you_mean, problem, Checker, Problem};
use crate::diagnostics::Code;
use crate::schema::functions::{FUNCTIONS, PROVIDER_FUNCTIONS};

impl Checker<'_> {
    pub(super) fn literal_interpolation(&self, s: &str) -> Option<Problem> {
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
                Code::ModelInterpolationInString,
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

/// A function name inside expression text.
pub(super) fn function(namespace: &[hcl::Identifier], name: &str) -> Option<Problem> {
    let ns: Vec<&str> = namespace.iter().map(|i| i.as_str()).collect();
    match ns.as_slice() {
        [] | ["core"] => {
            if FUNCTIONS.contains(&name) {
                return None;
            }
            Some(problem(
                Code::ModelUnknownFunction,
                format!("Terraform has no function `{name}`"),
                did_you_mean(name, FUNCTIONS.iter().copied()),
            ))
        }
        ["provider", provider] => {
            let Some((_, fns)) = PROVIDER_FUNCTIONS.iter().find(|(p, _)| p == provider) else {
                return Some(problem(
                    Code::ModelUnknownFunction,
                    format!("no known provider `{provider}` defines functions"),
                    did_you_mean(provider, PROVIDER_FUNCTIONS.iter().map(|(p, _)| *p)),
                ));
            };
            if fns.contains(&name) {
                return None;
            }
            Some(problem(
                Code::ModelUnknownFunction,
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
            Code::ModelUnknownFunction,
            format!("unknown function `{}::{name}`", ns.join("::")),
            Some("provider functions are called as `provider::NAME::FUNC(...)`".to_owned()),
        )),
    }
}
