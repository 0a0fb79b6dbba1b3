//! `aws::caller()` and `aws::expect_account(...)`: the account the AWS
//! credentials belong to. Asked only when a script calls one of them, at most
//! once per run, through the build's [`AccountSource`] (STS, `--account-id`,
//! or nothing when offline): the engine itself never touches the network.

use rhai::{Dynamic, Engine, ImmutableString, Module, NativeCallContext};

use crate::aws::{is_account_id, AccountSource, Answer, Cause, GivenBy, LookupError};
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Target};
use crate::model::{Origin, PathSeg};

use super::super::context::{CtxRef, ExpectedAccounts};
use super::super::errors::{bail, raise};
use super::{origin_of, report, Res};

/// What `aws::caller()` returns. Offline (`--account-id`) only the account
/// is known; reading anything else says so instead of inventing a value.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    account_id: String,
    known: Option<Known>,
}

#[derive(Debug, Clone)]
struct Known {
    arn: String,
    user_id: String,
    partition: String,
}

const FIELDS: &[&str] = &["account_id", "arn", "user_id", "partition"];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef, source: AccountSource) {
    engine.register_type_with_name::<Caller>("aws_caller");
    engine.register_indexer_get(
        |nc: NativeCallContext, c: &mut Caller, field: ImmutableString| -> Res<String> {
            field_of(&nc, c, &field)
        },
    );
    engine.register_indexer_set(
        |nc: NativeCallContext, _: &mut Caller, field: ImmutableString, _: Dynamic| -> Res<()> {
            bail!(
                &origin_of(&nc),
                Code::AwsReadOnlyCaller,
                "the caller's `{field}` is what STS said and cannot be changed";
                help: "copy it into a variable of your own: `let id = aws::caller().account_id;`"
            )
        },
    );
    engine.register_fn("to_string", |c: &mut Caller| describe(c));
    engine.register_fn("to_debug", |c: &mut Caller| describe(c));

    let mut m = Module::new();
    let s = source.clone();
    let c = ctx.clone();
    m.set_native_fn("caller", move |nc: NativeCallContext| {
        let answer = caller(&nc, &s)?;
        answered_in_read_stack(&c, &origin_of(&nc), &answer.account_id)?;
        Ok(answer)
    });
    let c = ctx.clone();
    m.set_native_fn("expect_account", move |nc: NativeCallContext, expected: Dynamic| {
        expect_account(&c, &nc, &source, expected)
    });
    engine.register_static_module("aws", m.into());
}

/// `aws::caller()` in a stack read with `stack(...)` answers the account of
/// the run reading it. When that stack expects another account, what it
/// computes from the answer (its state bucket `tfstate-<account>`, say) is
/// not what it has when applied, and the reader would read the wrong state:
/// refused. Checked at both calls, whichever comes first.
fn answered_in_read_stack(ctx: &CtxRef, at: &Origin, account: &str) -> Res<()> {
    let mut c = ctx.borrow_mut();
    if c.remotes.chain.len() < 2 {
        return Ok(());
    }
    if c.caller_answered.is_none() {
        c.caller_answered = Some((account.to_owned(), at.clone()));
    }
    let Some(expected) = &c.expected_accounts else { return Ok(()) };
    if expected.ids.iter().any(|i| i == account) {
        return Ok(());
    }
    let stack = c.stack.name.clone();
    let reader = c.remotes.chain.first().cloned().unwrap_or_default();
    let ids = expected.ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" or ");
    drop(c);
    bail!(
        at,
        Code::AwsWrongAccount,
        "`aws::caller()` in stack `{stack}`, read by `{reader}`, answers this run's account `{account}`, but `{stack}` expects {ids}";
        label: "this run's account, not the stack's";
        help: format!("what `{stack}` computes from it (a state bucket's name...) would not be what it has when applied: write the account out in `{stack}` (e.g. from the map given to `aws::expect_account`)")
    )
}

fn describe(c: &Caller) -> String {
    match &c.known {
        Some(k) => format!("{} ({})", c.account_id, k.arn),
        None => c.account_id.clone(),
    }
}

fn field_of(nc: &NativeCallContext, c: &Caller, field: &str) -> Res<String> {
    let origin = origin_of(nc);
    match (field, &c.known) {
        ("account_id", _) => Ok(c.account_id.clone()),
        ("arn", Some(k)) => Ok(k.arn.clone()),
        ("user_id", Some(k)) => Ok(k.user_id.clone()),
        ("partition", Some(k)) => Ok(k.partition.clone()),
        ("arn" | "user_id" | "partition", None) => bail!(
            &origin,
            Code::AwsNotKnownOffline,
            "the caller's `{field}` is not known offline: `--account-id` gives only the account";
            help: "run without `--account-id` (and without `TSDSL_ACCOUNT_ID`) so tsdsl asks STS"
        ),
        _ => bail!(
            &origin, Code::AwsUnknownField, "the caller has no `{field}`";
            help: did_you_mean(field, FIELDS.iter().copied())
                .unwrap_or_else(|| format!("it has: {}", FIELDS.join(", ")))
        ),
    }
}

fn caller(nc: &NativeCallContext, source: &AccountSource) -> Res<Caller> {
    let origin = origin_of(nc);
    match source.lookup() {
        Ok(Answer::Known(id)) => Ok(Caller {
            account_id: id.caller.account_id,
            known: Some(Known {
                arn: id.caller.arn,
                user_id: id.caller.user_id,
                partition: id.caller.partition,
            }),
        }),
        Ok(Answer::Given(account_id, _)) => Ok(Caller { account_id, known: None }),
        Err(e) if e.cause == Cause::Offline => bail!(
            &origin,
            Code::AwsAccountUnknown,
            "`aws::caller()` needs the AWS account, and this run does not call AWS";
            label: "needs the account";
            help: "pass `--account-id ID` (or set `TSDSL_ACCOUNT_ID`); `tsdsl run` asks STS"
        ),
        Err(e) => Err(raise(lookup_failed(&origin, &e, "`aws::caller()` needs the AWS account"))),
    }
}

fn lookup_failed(origin: &Origin, e: &LookupError, why: &str) -> Diagnostic {
    Diagnostic::error(Code::AwsLookupFailed, format!("{why}: {}", e.message))
        .at_path(origin, Vec::new(), Target::Call)
        .label("asks STS")
        .help(e.help.clone())
}

fn expect_account(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    source: &AccountSource,
    expected: Dynamic,
) -> Res<()> {
    let origin = origin_of(nc);
    let stack = ctx.borrow().stack.name.clone();
    let ids = expected_ids(&origin, &stack, &expected)?;
    {
        let mut c = ctx.borrow_mut();
        if let Some(before) = &c.expected_accounts {
            if before.ids != ids {
                drop(c);
                bail!(
                    &origin,
                    Code::AwsExpectAccountTwice,
                    "`aws::expect_account` is called twice with different accounts";
                    help: "keep one call per stack"
                );
            }
        }
        c.expected_accounts = Some(ExpectedAccounts { ids: ids.clone(), origin: origin.clone() });
    }
    // A stack read with `stack(...)` is only read for its outputs: its
    // guard speaks for the run that applies it, not for this one. But what
    // it computed from `aws::caller()` is then this run's account, not its.
    if ctx.borrow().remotes.chain.len() > 1 {
        let answered = ctx.borrow().caller_answered.clone();
        if let Some((account, at)) = answered {
            answered_in_read_stack(ctx, &at, &account)?;
        }
        return Ok(());
    }
    let expected_text = ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" or ");
    match source.lookup() {
        Ok(answer) => {
            let actual = answer.account_id();
            if ids.iter().any(|i| i == actual) {
                return Ok(());
            }
            let (message, detail, help) = match &answer {
                Answer::Known(id) => (
                    format!("the AWS credentials ({}) belong to account `{actual}`", id.credentials),
                    format!("STS says: {}", id.caller.arn),
                    format!("use the credentials of {expected_text} (e.g. `AWS_PROFILE=<its profile>`), or fix the account expected here"),
                ),
                Answer::Given(_, GivenBy::Flag) => (
                    format!("the AWS credentials (`--account-id`) belong to account `{actual}`"),
                    "given on the command line".to_owned(),
                    format!("pass `--account-id` {expected_text}, or fix the account expected here"),
                ),
                // Likely a CI variable left set: say so, not "the command line".
                Answer::Given(_, GivenBy::Environment) => (
                    format!("the account in `TSDSL_ACCOUNT_ID` is `{actual}`"),
                    format!("set in the environment: `TSDSL_ACCOUNT_ID={actual}`"),
                    format!("set `TSDSL_ACCOUNT_ID` to {expected_text}, or unset it so that tsdsl asks STS with the stack's credentials"),
                ),
            };
            report(
                ctx,
                Diagnostic::error(
                    Code::AwsWrongAccount,
                    format!("{message}, but stack `{stack}` expects {expected_text}"),
                )
                .at_path(&origin, Vec::new(), Target::Call)
                .label(format!("expects {expected_text}"))
                .note(detail)
                .help(help),
            );
        }
        Err(e) if matches!(e.cause, Cause::NoCredentials | Cause::Offline) => {
            let why = if e.cause == Cause::Offline {
                "this run does not call AWS".to_owned()
            } else {
                e.message.clone()
            };
            report(
                ctx,
                Diagnostic::warning(
                    Code::AwsAccountNotChecked,
                    format!(
                        "the AWS account was not checked ({why}); Terraform's `allowed_account_ids` will refuse any account but {expected_text}"
                    ),
                )
                .at_path(&origin, Vec::new(), Target::Call)
                .label(format!("expects {expected_text}"))
                .help("to check it now, pass `--account-id ID` or run with the stack's AWS credentials"),
            );
        }
        Err(e) => report(ctx, lookup_failed(&origin, &e, "the AWS account cannot be checked")),
    }
    Ok(())
}

/// `"123456789012"`, `["1…", "2…"]`, or `#{ staging: "1…", production: [...] }`
/// keyed by stack name.
fn expected_ids(origin: &Origin, stack: &str, d: &Dynamic) -> Res<Vec<String>> {
    if let Some(map) = d.read_lock::<rhai::Map>().map(|m| m.clone()) {
        let Some(v) = map.get(stack) else {
            let keys: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
            let help = did_you_mean(stack, keys.iter().copied())
                .map(|d| format!("{d} (the key is the stack's name, `{stack}`)"))
                .unwrap_or_else(|| {
                    let names = if keys.is_empty() { "nothing".into() } else { keys.join(", ") };
                    format!("the map names {names}: add `{stack}: \"123456789012\"` for this stack")
                });
            bail!(
                origin, Code::AwsNoAccountForStack, "no account is given for stack `{stack}`";
                label: format!(
                    "has {}",
                    if keys.is_empty() { "no key".into() } else { keys.join(", ") }
                );
                help: help
            );
        };
        return list(origin, vec![PathSeg::key(stack)], v);
    }
    list(origin, Vec::new(), d)
}

fn list(origin: &Origin, path: Vec<PathSeg>, d: &Dynamic) -> Res<Vec<String>> {
    let items: Vec<(Vec<PathSeg>, Dynamic)> = match d.read_lock::<rhai::Array>() {
        Some(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut p = path.clone();
                p.push(PathSeg::Index(i));
                (p, v.clone())
            })
            .collect(),
        None => vec![(path.clone(), d.clone())],
    };
    if items.is_empty() {
        bail!(
            (origin, path, Target::Value),
            Code::AwsInvalidAccountId,
            "the list of accounts is empty";
            help: "name at least one account id, e.g. `\"123456789012\"`"
        );
    }
    let mut ids = Vec::new();
    for (p, v) in items {
        let text = v.clone().into_immutable_string().map(|s| s.to_string());
        match text {
            Ok(s) if is_account_id(&s) => ids.push(s),
            Ok(s) => {
                bail!(
                    (origin, p, Target::Value),
                    Code::AwsInvalidAccountId,
                    "`{s}` is not an AWS account id";
                    label: "not twelve digits";
                    help: "an account id is twelve digits, as `aws sts get-caller-identity` or `tsdsl whoami` shows it"
                );
            }
            Err(_) => {
                bail!(
                    (origin, p, Target::Value),
                    Code::AwsInvalidAccountId,
                    "an account id must be a string of twelve digits, found {}",
                    if v.is::<Caller>() {
                        "the caller".to_owned()
                    } else {
                        super::options::found_word(&v)
                    };
                    help: if v.is::<Caller>() {
                        "its `.account_id` is the id; the guard wants the accounts the stack may be applied to"
                    } else {
                        "write it in quotes, e.g. `\"012345678901\"` (a number would lose its leading zeros)"
                    }
                );
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use crate::aws::{AccountSource, Answer, CallerIdentity, Identity};

    fn known(account: &str) -> Answer {
        Answer::Known(Identity {
            caller: CallerIdentity {
                account_id: account.into(),
                arn: format!("arn:aws:iam::{account}:user/ci"),
                user_id: "AIDATEST".into(),
                partition: "aws".into(),
            },
            credentials: "profile `test`".into(),
            expires: None,
        })
    }

    fn eval(files: &[(&str, &str)], source: AccountSource) -> crate::engine::Evaluation {
        crate::engine::evaluate_files(files, source)
    }

    #[test]
    fn one_question_per_run_across_the_stacks_it_reads() {
        let asked = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let a = asked.clone();
        let source = AccountSource::from_fn(move || {
            a.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(known("123456789012"))
        });
        let shared = "backend(\"s3\", #{ bucket: \"b\", key: \"k\", region: \"eu-west-1\" });\n\
                      output(\"who\", aws::caller().arn);\n";
        let staging = "aws::expect_account(\"123456789012\");\nlet s = stack(\"shared\");\n\
                       output(\"me\", aws::caller().account_id);\n";
        let ev = eval(&[("shared.rhai", shared), ("staging.rhai", staging)], source);
        assert!(!ev.has_errors(), "{:?}", ev.diagnostics);
        assert_eq!(asked.load(std::sync::atomic::Ordering::Relaxed), 1);
    }

    #[test]
    fn a_script_without_aws_calls_never_asks() {
        let source = AccountSource::from_fn(|| panic!("asked"));
        let ev = eval(&[("main.rhai", "let x = 1;\n")], source);
        assert!(!ev.has_errors(), "{:?}", ev.diagnostics);
    }

    #[test]
    fn the_wrong_account_names_both_and_the_credentials() {
        let source = AccountSource::from_fn(|| Ok(known("210987654321")));
        let ev = eval(
            &[("main.rhai", "aws::expect_account([\"123456789012\", \"111111111111\"]);\n")],
            source,
        );
        let d = &ev.diagnostics[0];
        assert_eq!(d.code, crate::diagnostics::Code::AwsWrongAccount);
        assert_eq!(
            d.message,
            "the AWS credentials (profile `test`) belong to account `210987654321`, but stack `main` expects `123456789012` or `111111111111`"
        );
    }
}
