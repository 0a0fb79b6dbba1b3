//! `literal_secret(value, "reason")`: the visible way to write a literal
//! where tsdsl expects a secret to come from elsewhere (a dummy password
//! for a throw-away test database, a public demo token). Without it such a
//! literal is an error (`tsdsl::secrets::literal_secret`).

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::Code;
use crate::model::AcceptedSecret;

use super::super::context::CtxRef;
use super::super::errors::bail;
use super::{name_arg, origin_of, Res};

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine.register_fn(
        "literal_secret",
        move |nc: NativeCallContext, value: Dynamic, reason: Dynamic| -> Res<Dynamic> {
            let origin = origin_of(&nc);
            let text = name_arg(&origin, &value, "the accepted secret")?;
            let reason = name_arg(&origin, &reason, "the reason")?;
            if reason.trim().is_empty() || reason.chars().any(char::is_control) {
                bail!(
                    &origin, Code::SecretsLiteralSecret, "`literal_secret` needs a one-line reason";
                    help: "say why a literal is acceptable here, e.g. literal_secret(\"test\", \"throw-away CI database\")"
                );
            }
            c.borrow_mut().stack.accepted_secrets.push(AcceptedSecret {
                value: text,
                reason,
                origin,
            });
            Ok(value)
        },
    );
}
