//! `switch` on a value known only at plan time. Rhai chooses a `switch`
//! arm by the value's hash; a Terraform expression has none, so Rhai took
//! the `_` arm without a word: `switch env { "production" => 3, _ => 1 }`
//! with `env` a variable was silently 1. Rhai gives no hook on `switch`, but
//! its debugger stops at break-points: one at every `switch` of the
//! operator's files (the stdlib's choose on checked options) looks at the
//! value first, and refuses a plan-time one as `if` does.
//!
//! `a ?? b` is the same question in another form: Rhai answers "not
//! nothing" for a Terraform value, so `var_suffix ?? "default"` silently
//! dropped the default that Terraform's null would have needed.
//!
//! The value is looked at by reading it once more, which is harmless for a
//! variable, a constant, a property or index of those and an operator on
//! them. A call (`switch pick(env) {`) could declare blocks or cost a lot
//! if run twice: a `switch` or `??` on one is refused with the fix, bind it
//! to a variable first (left alone, `pick` returning a plan-time value
//! silently took the `_` arm).

use std::cell::RefCell;
use std::rc::Rc;

use rhai::debugger::{BreakPoint, DebuggerCommand, DebuggerEvent};
use rhai::{ASTNode, Engine, Expr, ImmutableString, Position, Stmt};

use crate::diagnostics::{diag, Code, STDLIB_PREFIX};
use crate::model::Origin;
use crate::syntax::Layout;

use super::convert::has_tokens;
use super::errors::raise;
use super::origin::site;
use super::primitives::spec::is_plan_time_itself;

/// The break-points of every operator file this evaluation compiled, shared
/// by the debugger (the entry script's) and the module resolver (modules
/// imported later add theirs).
#[derive(Clone, Default)]
pub(crate) struct SwitchPoints(Rc<RefCell<Vec<BreakPoint>>>);

impl SwitchPoints {
    /// Adds the `switch`es of the file `source` (none for the stdlib).
    pub(crate) fn add(&self, source: &str, layout: &Layout) {
        if source.starts_with(STDLIB_PREFIX) || layout.switches().is_empty() {
            return;
        }
        let src = ImmutableString::from(source);
        let mut all = self.0.borrow_mut();
        for &(line, col) in layout.switches() {
            let pos =
                Position::new(line.min(u16::MAX as u32) as u16, col.min(u16::MAX as u32) as u16);
            let known = all.iter().any(|b| {
                matches!(b, BreakPoint::AtPosition { source: Some(s), pos: p, .. } if *p == pos && *s == src)
            });
            if !known {
                all.push(BreakPoint::AtPosition { source: Some(src.clone()), pos, enabled: true });
            }
        }
    }

    /// Brings a running evaluation's debugger up to date (after an import).
    pub(crate) fn sync(&self, global: &mut rhai::GlobalRuntimeState) {
        let all = self.0.borrow();
        let points = global.debugger_mut().break_points_mut();
        if points.len() != all.len() {
            *points = all.clone();
        }
    }

    /// The debugger of `engine`: it keeps the call stack primitives read to
    /// place diagnostics, and stops only at the `switch` break-points.
    pub(crate) fn install(&self, engine: &mut Engine) {
        let points = self.clone();
        #[allow(deprecated)]
        engine.register_debugger(
            move |_, mut dbg| {
                *dbg.break_points_mut() = points.0.borrow().clone();
                dbg
            },
            |mut context, event, node, source, _| {
                let DebuggerEvent::BreakPoint(_) = event else {
                    return Ok(DebuggerCommand::Continue);
                };
                // Text read character by character: Rhai's own indexer and
                // iterator on strings, which no registered function replaces.
                let text_read = match node {
                    ASTNode::Expr(Expr::Index(x, ..)) => Some((&x.lhs, "indexing")),
                    ASTNode::Stmt(Stmt::For(x, _)) => Some((&x.2.expr, "`for`")),
                    _ => None,
                };
                if let Some((value, word)) = text_read {
                    // Looked at without a copy: a loop indexing a long list
                    // would copy it at every step. A variable is read in
                    // place and text written there evaluated; anything
                    // else (a call, a property) is left to Rhai. Inside a
                    // chain (`t[1]` once `t` is found) Rhai stops here again
                    // with no scope: it was looked at already, from outside.
                    let tokens = |v: &rhai::Dynamic| {
                        v.read_lock::<ImmutableString>().is_some_and(|s| has_tokens(&s))
                    };
                    let holds_tokens = match value {
                        Expr::Variable(x, ..) => {
                            context.scope().get(x.1.as_str()).is_some_and(&tokens)
                        }
                        Expr::InterpolatedString(..) if !context.scope().is_empty() => {
                            tokens(&context.eval_expression_tree(&value.into())?)
                        }
                        _ => false,
                    };
                    if holds_tokens {
                        let origin = at(source, value.position());
                        return Err(raise(diag!(
                            &origin,
                            Code::ScriptPlanTimeValue,
                            "{word} cannot read text that holds a value known only at plan time";
                            label: "this text holds a Terraform value";
                            help: "the script runs before Terraform knows the value: take \
                                   characters in Terraform, `tf::substr(text, 0, 7)`, \
                                   `tf::length(text)`"
                        )));
                    }
                    return Ok(DebuggerCommand::Continue);
                }
                let (value, word, help) = match node {
                    ASTNode::Stmt(Stmt::Switch(x, _)) => {
                        (&x.0, "`switch` cannot choose", SWITCH_HELP)
                    }
                    ASTNode::Expr(Expr::Coalesce(x, _)) if !x.is_empty() => {
                        (&x[0], "`??` cannot tell whether", COALESCE_HELP)
                    }
                    _ => return Ok(DebuggerCommand::Continue),
                };
                if !harmless(value) {
                    // Evaluated once more to be looked at, a call would run
                    // twice; left to Rhai, a plan-time value it returns
                    // silently took the `_` arm.
                    let origin = at(source, value.position());
                    let what = if word.starts_with("`??`") {
                        "`??` on the result of a call: bind it to a variable first"
                    } else {
                        "`switch` on the result of a call: bind it to a variable first"
                    };
                    return Err(raise(diag!(
                        &origin,
                        Code::ScriptPlanTimeValue,
                        "{what}";
                        label: "a call";
                        help: "tsdsl checks that what a `switch` or `??` looks at is known now, \
                               and a call cannot be run twice to look: write `let v = ...;` \
                               above and use `v`"
                    )));
                }
                {
                    let v = context.eval_expression_tree(&value.into())?;
                    if is_plan_time_itself(&v) {
                        let origin = at(source, value.position());
                        let what = if word.starts_with("`??`") {
                            format!("{word} a value known only at plan time is nothing")
                        } else {
                            format!("{word} on a value known only at plan time")
                        };
                        return Err(raise(diag!(
                            &origin,
                            Code::ScriptPlanTimeValue,
                            what;
                            label: "known only when Terraform plans";
                            help: help
                        )));
                    }
                }
                Ok(DebuggerCommand::Continue)
            },
        );
    }
}

/// Where a diagnostic of the debugger goes: `pos` in the file it stopped in.
fn at(source: Option<&str>, pos: Position) -> Origin {
    Origin::new(site(source.unwrap_or(""), pos).into_iter().collect())
}

const SWITCH_HELP: &str = "a `switch` chooses while the script runs; to choose at plan time write \
                           `tf::cond(env == \"production\", 3, 1)`, or give a plain value";
const COALESCE_HELP: &str = "`??` chooses while the script runs, when a Terraform value is never \
                             nothing, even one that will be null; for Terraform's null write \
                             `tf::coalesce(value, \"default\")`";

/// An expression that reads without doing anything: evaluating it once
/// more, to look at it, changes nothing.
/// Operators count: they only compute (tsdsl's own, on Terraform values,
/// build an expression and declare nothing).
fn harmless(e: &Expr) -> bool {
    match e {
        Expr::Variable(..) | Expr::Property(..) | Expr::ThisPtr(..) => true,
        Expr::Dot(x, ..) | Expr::Index(x, ..) => harmless(&x.lhs) && harmless(&x.rhs),
        Expr::And(x, _) | Expr::Or(x, _) => x.iter().all(harmless),
        Expr::FnCall(call, _) => call.is_operator_call() && call.args.iter().all(harmless),
        Expr::InterpolatedString(parts, _) | Expr::Array(parts, _) => parts.iter().all(harmless),
        Expr::Map(m, _) => m.0.iter().all(|(_, v)| harmless(v)),
        other => other.is_constant(),
    }
}
