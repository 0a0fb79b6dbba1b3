//! SDK errors turned into causes and fixes in the operator's terms.

use std::borrow::Cow;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

use super::lookup::silent;
use super::{Cause, LookupError};

const OFFLINE: &str = "offline, pass `--account-id ID` (or set `TSDSL_ACCOUNT_ID`)";

/// The whole chain of an error on one line (the SDK nests the useful part).
pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}

/// An explicitly named profile must exist; otherwise the chain would quietly
/// move on to other credentials.
pub(super) async fn profile_check(name: &str) -> Result<(), LookupError> {
    let set = profiles(name).await?;
    if set.get_profile(name).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = set.profiles().collect();
    let help = match crate::diagnostics::did_you_mean(name, known.iter().copied()) {
        Some(d) => d,
        None if known.is_empty() => {
            "no profile is defined in `~/.aws/config` or `~/.aws/credentials`; \
             create one with `aws configure --profile NAME` or `aws configure sso`"
                .into()
        }
        None => format!("defined profiles: {}", known.join(", ")),
    };
    Err(LookupError::new(
        Cause::UnknownProfile,
        format!("AWS profile `{name}` does not exist"),
        help,
    ))
}

/// Whether the config files define profile `name`.
pub(super) async fn profile_exists(name: &str) -> bool {
    profiles(name).await.is_ok_and(|set| set.get_profile(name).is_some())
}

async fn profiles(name: &str) -> Result<aws_config::profile::ProfileSet, LookupError> {
    aws_config::profile::load(
        &Default::default(),
        &Default::default(),
        &Default::default(),
        Some(Cow::Owned(name.to_owned())),
    )
    .await
    .map_err(|e| {
        LookupError::new(
            Cause::BadConfiguration,
            format!("cannot read the AWS config files: {}", chain(&e)),
            "fix the file named above (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`)",
        )
    })
}

/// What the credential chain says when no source gave credentials.
pub(super) fn no_credentials() -> LookupError {
    LookupError::new(
        Cause::NoCredentials,
        "no AWS credentials found",
        format!(
            "set `AWS_PROFILE`, or `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, or run \
             `aws sso login`; {OFFLINE}"
        ),
    )
}

pub(super) fn credentials_error(e: &CredentialsError, source: &str) -> LookupError {
    let detail = chain(e);
    match e {
        CredentialsError::CredentialsNotLoaded(_) => no_credentials(),
        CredentialsError::ProviderTimedOut(_) => LookupError::new(
            Cause::Silent,
            format!("finding the AWS credentials ({source}) timed out"),
            format!("check the credential source; `--aws-timeout SECS` allows longer; {OFFLINE}"),
        ),
        CredentialsError::InvalidConfiguration(_) => LookupError::new(
            Cause::BadConfiguration,
            format!("the AWS credentials ({source}) are misconfigured: {detail}"),
            "fix the profile in `~/.aws/config` (or the file in `AWS_CONFIG_FILE`)",
        ),
        _ if detail.to_lowercase().contains("expired") => LookupError::new(
            Cause::ExpiredCredentials,
            format!("the AWS credentials ({source}) have expired: {detail}"),
            format!("refresh them (`aws sso login`, or new keys); {OFFLINE}"),
        ),
        _ => LookupError::new(
            Cause::InvalidCredentials,
            format!("the AWS credentials ({source}) could not be loaded: {detail}"),
            format!("fix the credential source named above; {OFFLINE}"),
        ),
    }
}

pub(super) fn call_error<E, R>(
    e: &SdkError<E, R>,
    target: &str,
    source: &str,
    budget: Duration,
) -> LookupError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match e {
        SdkError::TimeoutError(_) => silent(target, budget),
        SdkError::DispatchFailure(d) if d.is_timeout() => silent(target, budget),
        SdkError::DispatchFailure(d) if d.is_io() => {
            let detail = d.as_connector_error().map(|c| chain(c)).unwrap_or_default();
            let what = if detail.to_lowercase().contains("refused") {
                "the connection was refused".to_owned()
            } else {
                format!("cannot connect ({detail})")
            };
            LookupError::new(
                Cause::Refused,
                format!("cannot reach {target}: {what}"),
                format!(
                    "check `--endpoint-url` / `AWS_ENDPOINT_URL_STS`, the network and any proxy; \
                     {OFFLINE}"
                ),
            )
        }
        SdkError::ServiceError(s) => service_error(s.err(), target, source),
        SdkError::ResponseError(_) if super::capped::is_cut_off(e) => LookupError::new(
            Cause::BadResponse,
            format!(
                "{target} answered more than {} MiB, far more than any STS response",
                super::capped::MAX_ANSWER_BYTES >> 20
            ),
            "point `--endpoint-url` (or `AWS_ENDPOINT_URL_STS`) at an STS endpoint",
        ),
        SdkError::ResponseError(_) => LookupError::new(
            Cause::BadResponse,
            format!("{target} answered something that is not an STS response"),
            "point `--endpoint-url` (or `AWS_ENDPOINT_URL_STS`) at an STS endpoint",
        ),
        other => LookupError::new(
            Cause::Other,
            format!("the call to {target} failed: {}", chain(other)),
            format!("check the endpoint and the network; {OFFLINE}"),
        ),
    }
}

fn service_error<E: ProvideErrorMetadata>(e: &E, target: &str, source: &str) -> LookupError {
    let code = e.code().unwrap_or("unknown");
    let said = e.message().map(|m| format!(": {m}")).unwrap_or_default();
    match code {
        "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "InvalidAccessKeyId"
        | "MissingAuthenticationToken" => LookupError::new(
            Cause::InvalidCredentials,
            format!("{target} rejects the AWS credentials ({source}) as invalid{said}"),
            format!("the keys are wrong or deleted: pick another profile or new keys; {OFFLINE}"),
        ),
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
            LookupError::new(
                Cause::ExpiredCredentials,
                format!("the AWS credentials ({source}) have expired{said}"),
                format!("refresh them (`aws sso login`, or new session keys); {OFFLINE}"),
            )
        }
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => LookupError::new(
            Cause::Throttled,
            format!("{target} is throttling the calls ({code}), even after retries"),
            format!("wait a minute and run again; {OFFLINE}"),
        ),
        "AccessDenied" | "AccessDeniedException" => LookupError::new(
            Cause::Denied,
            format!("{target} denies `GetCallerIdentity` to the AWS credentials ({source}){said}"),
            format!("an organisation policy blocks even this call; ask its admins; {OFFLINE}"),
        ),
        _ => LookupError::new(
            Cause::Other,
            format!("{target} answered with the error `{code}`{said}"),
            format!("check the endpoint and the credentials; {OFFLINE}"),
        ),
    }
}
