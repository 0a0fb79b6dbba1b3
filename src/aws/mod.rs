//! Who the AWS credentials belong to: STS `GetCallerIdentity` through the
//! SDK's standard credential chain, every wait bounded, every failure turned
//! into a cause the operator can act on. No Rhai here: the engine asks through
//! [`IdentitySource`], so its tests never touch the network.

mod capped;
mod classify;
mod lookup;
mod redact;
mod source;

use std::time::{Duration, SystemTime};

pub use lookup::caller_identity;
pub use redact::redact;
pub use source::{AccountSource, Answer, GivenBy, IdentitySource, LiveSource};

/// What STS says about the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: the second field of the ARN.
    pub partition: String,
}

/// A successful lookup: the caller, and where its credentials came from.
#[derive(Debug, Clone)]
pub struct Identity {
    pub caller: CallerIdentity,
    /// In the operator's terms: "profile `prod`", "`AWS_ACCESS_KEY_ID`".
    pub credentials: String,
    /// When temporary credentials stop working; `watch` asks again then.
    pub expires: Option<SystemTime>,
}

/// How to reach STS. `None` fields fall back on the SDK's own resolution
/// (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL_STS`, the config files).
#[derive(Debug, Clone)]
pub struct LookupOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// The whole lookup (credentials, connection, retries) ends within this.
    pub budget: Duration,
}

/// Seconds a lookup may take unless the operator says otherwise.
pub const DEFAULT_BUDGET_SECS: u64 = 5;
/// The most `--aws-timeout` takes: the SDK's clock arithmetic has limits.
pub const MAX_BUDGET_SECS: u64 = 600;

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            budget: Duration::from_secs(DEFAULT_BUDGET_SECS),
        }
    }
}

/// Why a lookup failed, so callers can pick a severity (no credentials at
/// all is not the same as the wrong ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    NoCredentials,
    InvalidCredentials,
    ExpiredCredentials,
    UnknownProfile,
    BadConfiguration,
    Refused,
    Silent,
    Throttled,
    Denied,
    BadResponse,
    /// `tsdsl check` and tests: nothing is asked.
    Offline,
    Other,
}

/// A failed lookup: what happened and what to do, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError {
    pub cause: Cause,
    /// Lowercase, names in backticks, no final period.
    pub message: String,
    pub help: String,
}

impl LookupError {
    pub fn new(cause: Cause, message: impl Into<String>, help: impl Into<String>) -> Self {
        LookupError { cause, message: redact(&message.into()), help: redact(&help.into()) }
    }
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LookupError {}

/// `arn:aws:iam::123456789012:user/ci` → `aws`.
pub fn partition_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    match (parts.next(), parts.next()) {
        (Some("arn"), Some(p)) if !p.is_empty() => Some(p),
        _ => None,
    }
}

/// An AWS account id: exactly twelve digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_comes_from_the_arn() {
        assert_eq!(partition_of("arn:aws:iam::123456789012:user/ci"), Some("aws"));
        assert_eq!(partition_of("arn:aws-cn:sts::123456789012:assumed-role/r/s"), Some("aws-cn"));
        assert_eq!(partition_of("not an arn"), None);
        assert_eq!(partition_of("arn::x"), None);
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
        assert!(!is_account_id(" 123456789012"));
    }
}
