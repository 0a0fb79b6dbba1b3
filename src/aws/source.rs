//! Where a run learns the account: STS (once per run, the answer kept across
//! `watch` rebuilds until the credentials expire), the operator's
//! `--account-id`, or nowhere (`tsdsl check`, tests).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use super::{caller_identity, Cause, Identity, LookupError, LookupOptions};

/// What a lookup knows.
#[derive(Debug, Clone)]
pub enum Answer {
    /// STS answered.
    Known(Identity),
    /// The operator gave the account id; nothing was asked.
    Given(String, GivenBy),
}

/// Where a given account id came from, for a refusal to point there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GivenBy {
    /// `--account-id`.
    Flag,
    /// `TSDSL_ACCOUNT_ID`.
    Environment,
}

impl Answer {
    pub fn account_id(&self) -> &str {
        match self {
            Answer::Known(i) => &i.caller.account_id,
            Answer::Given(a, _) => a,
        }
    }
}

/// Anything that can say whose credentials these are.
/// `Send + Sync`: a build runs on a thread of its own (for its stack size).
pub trait IdentitySource: Send + Sync {
    fn lookup(&self) -> Result<Answer, LookupError>;
}

/// Asks STS; keeps a successful answer until the credentials are within a
/// minute of their expiry, unless told to ask on every run.
pub struct LiveSource {
    opts: LookupOptions,
    refresh_each_run: bool,
    cached: Mutex<Option<Identity>>,
    calls: AtomicU32,
}

/// Temporary credentials this close to their end are asked about again.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

impl LiveSource {
    pub fn new(opts: LookupOptions, refresh_each_run: bool) -> Self {
        LiveSource { opts, refresh_each_run, cached: Mutex::new(None), calls: AtomicU32::new(0) }
    }

    /// How many times STS was asked (for `watch` to say so, and tests).
    pub fn calls(&self) -> u32 {
        self.calls.load(Ordering::Relaxed)
    }
}

impl IdentitySource for LiveSource {
    fn lookup(&self) -> Result<Answer, LookupError> {
        if !self.refresh_each_run {
            let cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(id) = cached.as_ref() {
                let fresh = id.expires.is_none_or(|t| t > SystemTime::now() + EXPIRY_MARGIN);
                if fresh {
                    return Ok(Answer::Known(id.clone()));
                }
            }
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        let id = caller_identity(&self.opts)?;
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(id.clone());
        Ok(Answer::Known(id))
    }
}

struct Given(String, GivenBy);

impl IdentitySource for Given {
    fn lookup(&self) -> Result<Answer, LookupError> {
        Ok(Answer::Given(self.0.clone(), self.1))
    }
}

struct Offline;

impl IdentitySource for Offline {
    fn lookup(&self) -> Result<Answer, LookupError> {
        Err(LookupError::new(
            Cause::Offline,
            "the account is not known offline",
            "pass `--account-id ID` (or set `TSDSL_ACCOUNT_ID`)",
        ))
    }
}

struct FromFn<F>(F);

impl<F: Fn() -> Result<Answer, LookupError> + Send + Sync> IdentitySource for FromFn<F> {
    fn lookup(&self) -> Result<Answer, LookupError> {
        (self.0)()
    }
}

/// Answers the first question of a run and repeats that answer (a failure
/// too) to every later one, so a run asks at most once.
struct Memo {
    inner: Arc<dyn IdentitySource>,
    answer: OnceLock<Result<Answer, LookupError>>,
}

impl IdentitySource for Memo {
    fn lookup(&self) -> Result<Answer, LookupError> {
        self.answer.get_or_init(|| self.inner.lookup()).clone()
    }
}

/// The source a build uses; cheap to clone, shared by every stack a run reads.
#[derive(Clone)]
pub struct AccountSource(Arc<dyn IdentitySource>);

impl AccountSource {
    /// Nothing is asked: `aws::caller()` fails, `aws::expect_account` is not checked.
    pub fn offline() -> Self {
        AccountSource(Arc::new(Offline))
    }

    /// `--account-id`: the answer without a call.
    pub fn given(account_id: impl Into<String>) -> Self {
        Self::given_by(account_id, GivenBy::Flag)
    }

    /// The answer without a call, from `--account-id` or `TSDSL_ACCOUNT_ID`.
    pub fn given_by(account_id: impl Into<String>, by: GivenBy) -> Self {
        AccountSource(Arc::new(Given(account_id.into(), by)))
    }

    pub fn live(source: Arc<LiveSource>) -> Self {
        AccountSource(source)
    }

    /// Any function: tests of the engine answer without a network.
    pub fn from_fn(f: impl Fn() -> Result<Answer, LookupError> + Send + Sync + 'static) -> Self {
        AccountSource(Arc::new(FromFn(f)))
    }

    /// A view of this source that asks at most once; one per run.
    pub fn per_run(&self) -> Self {
        AccountSource(Arc::new(Memo { inner: self.0.clone(), answer: OnceLock::new() }))
    }

    pub fn lookup(&self) -> Result<Answer, LookupError> {
        self.0.lookup()
    }
}

impl Default for AccountSource {
    fn default() -> Self {
        AccountSource::offline()
    }
}

impl std::fmt::Debug for AccountSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountSource")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_asks_once_and_repeats_failures() {
        let n = Arc::new(AtomicU32::new(0));
        let m = n.clone();
        let src = AccountSource::from_fn(move || {
            m.fetch_add(1, Ordering::Relaxed);
            Err(LookupError::new(Cause::NoCredentials, "none", ""))
        });
        let run = src.per_run();
        assert!(run.lookup().is_err());
        assert!(run.lookup().is_err());
        assert_eq!(n.load(Ordering::Relaxed), 1);
        let _ = src.per_run().lookup();
        assert_eq!(n.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn given_and_offline_never_call() {
        assert_eq!(
            AccountSource::given("123456789012").lookup().unwrap().account_id(),
            "123456789012"
        );
        assert_eq!(AccountSource::offline().lookup().unwrap_err().cause, Cause::Offline);
    }
}
