//! One `GetCallerIdentity` call on a current-thread runtime, inside an
//! explicit time budget: the SDK leaves read and operation timeouts unset,
//! so without them a silent endpoint would hang the run forever.

use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::{ProvideCredentials, SharedCredentialsProvider, SharedHttpClient};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

use super::classify::{
    call_error, chain, credentials_error, no_credentials, profile_check, profile_exists,
};
use super::{partition_of, CallerIdentity, Cause, Identity, LookupError, LookupOptions};

/// STS is global; without any region configured, ask it in us-east-1 as
/// the AWS CLI does.
const FALLBACK_REGION: &str = "us-east-1";

/// Asks STS who the credentials belong to. Ends within `opts.budget` (plus
/// a second for the runtime to wind down) whatever the network does.
pub fn caller_identity(opts: &LookupOptions) -> Result<Identity, LookupError> {
    if no_source_at_all(opts) {
        return Err(no_credentials());
    }
    endpoint_check(opts)?;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
            LookupError::new(
                Cause::Other,
                format!("cannot start the AWS client: {e}"),
                "this is a bug in tsdsl",
            )
        })?;
    let budget = opts.budget.max(Duration::from_millis(200));
    let target = describe_target(opts);
    let run = || {
        runtime.block_on(async {
            let guard = budget + Duration::from_secs(1);
            match tokio::time::timeout(guard, lookup(opts, budget, &target)).await {
                Ok(result) => result,
                Err(_) => Err(silent(&target, budget)),
            }
        })
    };
    // The SDK asserts some of its set-up with panics; one must end in a
    // diagnostic, not a crash.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err(LookupError::new(
            Cause::Other,
            "the AWS SDK failed unexpectedly while asking STS",
            "this is a bug in tsdsl; offline, pass `--account-id ID` (or set `TSDSL_ACCOUNT_ID`)",
        ))
    });
    // Dropping the runtime would wait for a name lookup still blocked in
    // the resolver's thread; the answer is already known.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

async fn lookup(
    opts: &LookupOptions,
    budget: Duration,
    target: &str,
) -> Result<Identity, LookupError> {
    let credentials_source = describe_credentials(opts);
    let named_profile = opts.profile.clone().or_else(|| {
        // `AWS_PROFILE` is only used when no keys are in the environment.
        env("AWS_ACCESS_KEY_ID").is_none().then(|| env("AWS_PROFILE")).flatten()
    });
    if let Some(p) = &named_profile {
        profile_check(p).await?;
    }

    let http = http_client();
    let timeouts = timeouts(budget);
    let retries = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(1));
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .timeout_config(timeouts.clone())
        .retry_config(retries.clone());
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    // Every phase shares one deadline; without a region, loading waits on
    // the instance metadata service, so it is bounded too.
    let deadline = tokio::time::Instant::now() + budget;
    let config = match tokio::time::timeout_at(deadline, loader.load()).await {
        Ok(c) => c,
        Err(_) if !configured(opts).await => return Err(no_credentials_metadata(budget)),
        Err(_) => {
            return Err(LookupError::new(
                Cause::Silent,
                format!("loading the AWS configuration took longer than {}", secs(budget)),
                "set `AWS_REGION` (or `--region`) so no metadata service is asked; \
                 `--aws-timeout SECS` allows longer",
            ))
        }
    };
    let region = config.region().cloned().unwrap_or_else(|| Region::new(FALLBACK_REGION));

    let provider: SharedCredentialsProvider = match &opts.profile {
        // As with the AWS CLI, `--profile` wins over keys in the environment
        // (the default chain would look at those first).
        Some(p) => {
            let provider_config = ProviderConfig::without_region()
                .with_region(Some(region.clone()))
                .with_http_client(http.clone())
                .with_retry_config(retries.clone())
                .with_timeout_config(timeouts.clone());
            SharedCredentialsProvider::new(
                ProfileFileCredentialsProvider::builder()
                    .configure(&provider_config)
                    .profile_name(p)
                    .build(),
            )
        }
        None => config.credentials_provider().ok_or_else(|| {
            LookupError::new(Cause::NoCredentials, "no AWS credential provider is configured", "")
        })?,
    };
    // Resolve the credentials once, here: a failure is told apart from a
    // failed call, and their expiry tells `watch` when to ask again.
    let credentials =
        match tokio::time::timeout_at(deadline, provider.provide_credentials()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e @ CredentialsError::CredentialsNotLoaded(_))) => {
                return Err(credentials_error(&e, &credentials_source))
            }
            Ok(Err(e)) if !configured(opts).await => {
                // Only the instance metadata service was left to ask, and it gave
                // nothing (off EC2 it is absent, or a proxy refuses it).
                return Err(LookupError::new(
                    Cause::NoCredentials,
                    format!(
                        "no AWS credentials found (the instance metadata service gave none: {})",
                        chain(&e)
                    ),
                    NO_CREDENTIALS_HELP,
                ));
            }
            Ok(Err(e)) => return Err(credentials_error(&e, &credentials_source)),
            Err(_) if !configured(opts).await => return Err(no_credentials_metadata(budget)),
            Err(_) => return Err(LookupError::new(
                Cause::Silent,
                format!(
                    "finding the AWS credentials ({credentials_source}) took longer than {}",
                    secs(budget)
                ),
                "check the credential source (SSO, web identity, container or instance metadata); \
                 `--aws-timeout SECS` allows longer; offline, pass `--account-id`",
            )),
        };
    let expires = credentials.expiry();

    let sts_config = aws_sdk_sts::config::Builder::from(&config)
        .region(region)
        .credentials_provider(credentials)
        .build();
    let client = aws_sdk_sts::Client::from_conf(sts_config);
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| call_error(&e, target, &credentials_source, budget))?;
    let field = |v: Option<&str>, what: &str| {
        v.map(str::to_owned).ok_or_else(|| {
            LookupError::new(
                Cause::BadResponse,
                format!("the answer of {target} has no {what}"),
                "point `--endpoint-url` (or `AWS_ENDPOINT_URL_STS`) at an STS endpoint",
            )
        })
    };
    let arn = field(out.arn(), "ARN")?;
    let account_id = field(out.account(), "account")?;
    let user_id = field(out.user_id(), "user id")?;
    // Scripts decide from the account, and `whoami` prints all three: an
    // answer that is not what STS says (another account in the ARN, a
    // 20-digit account, control characters) is refused, not passed on.
    let malformed = |what: String| {
        LookupError::new(
            Cause::BadResponse,
            format!("the answer of {target} is malformed: {what}"),
            "point `--endpoint-url` (or `AWS_ENDPOINT_URL_STS`) at an STS endpoint",
        )
    };
    if !super::is_account_id(&account_id) {
        return Err(malformed(format!(
            "its account `{}` is not twelve digits",
            crate::diagnostics::printable(&account_id, false)
        )));
    }
    if arn.split(':').nth(4) != Some(account_id.as_str()) {
        return Err(malformed(format!(
            "its ARN `{}` is not of its account {account_id}",
            crate::diagnostics::printable(&arn, false)
        )));
    }
    // IAM names, paths and session names are printable ASCII.
    if [&arn, &user_id].iter().any(|s| !s.chars().all(|c| c.is_ascii_graphic())) {
        return Err(malformed(
            "its ARN or user id holds characters IAM never writes (spaces, control or \
             non-ASCII characters)"
                .into(),
        ));
    }
    let caller = CallerIdentity {
        account_id,
        partition: partition_of(&arn).unwrap_or("aws").to_owned(),
        // Some emulators echo the access key id here; it is never shown.
        user_id: super::redact(&user_id),
        arn,
    };
    Ok(Identity { caller, credentials: credentials_source, expires })
}

fn http_client() -> SharedHttpClient {
    super::capped::capped(
        aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https(),
    )
}

/// The budget split over the phases of one call: a connection that cannot
/// be made in a second or two will not be made; two attempts fit the budget.
fn timeouts(budget: Duration) -> TimeoutConfig {
    let attempt = (budget / 2).max(Duration::from_millis(100));
    TimeoutConfig::builder()
        .connect_timeout(attempt.min(Duration::from_secs(2)))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(budget)
        .build()
}

/// Nothing names a credential source, so the chain was waiting on the
/// instance metadata service: this machine has no credentials.
fn no_credentials_metadata(budget: Duration) -> LookupError {
    LookupError::new(
        Cause::NoCredentials,
        format!(
            "no AWS credentials found (the instance metadata service did not answer within {})",
            secs(budget)
        ),
        NO_CREDENTIALS_HELP,
    )
}

const NO_CREDENTIALS_HELP: &str =
    "set `AWS_PROFILE`, or `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; \
     off EC2, `AWS_EC2_METADATA_DISABLED=true` skips the metadata service; \
     offline, pass `--account-id ID` (or set `TSDSL_ACCOUNT_ID`)";

/// Whether the credential chain has nothing to look at: no `--profile`, no
/// credential variable, no AWS config or credentials file, and the instance
/// metadata service turned off. The chain would say "no AWS credentials
/// found" too, after starting a runtime and loading every certificate of
/// the system's store for a client it never uses: two thirds of a
/// production run that has no `--account-id`. Anything else (a file that
/// exists, a variable that is set) takes the chain's own way.
fn no_source_at_all(opts: &LookupOptions) -> bool {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(std::path::PathBuf::from);
    nothing_in(opts.profile.is_some(), &env, home.as_deref())
}

/// The variables that point the credential chain at a source of its own
/// (keys, a profile, a web identity token, a container endpoint).
const CREDENTIAL_VARIABLES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// [`no_source_at_all`] over a given environment and home folder.
fn nothing_in(
    profile: bool,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&std::path::Path>,
) -> bool {
    let metadata_off =
        env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let Some(home) = home else { return false };
    let file = |var: &str, default: &str| {
        // An unreadable place counts as a file: the chain will say why.
        let path = env(var).map(std::path::PathBuf::from).unwrap_or_else(|| home.join(default));
        path.try_exists().unwrap_or(true)
    };
    metadata_off
        && !profile
        && CREDENTIAL_VARIABLES.iter().all(|v| env(v).is_none())
        && !file("AWS_CONFIG_FILE", ".aws/config")
        && !file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")
}

/// Whether anything but the instance metadata service could give credentials.
async fn configured(opts: &LookupOptions) -> bool {
    opts.profile.is_some()
        || CREDENTIAL_VARIABLES.iter().any(|v| env(v).is_some())
        || profile_exists("default").await
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where the credentials come from, as the operator set it up (the chain's
/// order: `--profile`, keys in the environment, `AWS_PROFILE`, the rest).
fn describe_credentials(opts: &LookupOptions) -> String {
    if let Some(p) = &opts.profile {
        return format!("profile `{p}`");
    }
    if env("AWS_ACCESS_KEY_ID").is_some() {
        return "the keys in `AWS_ACCESS_KEY_ID`".into();
    }
    if let Some(p) = env("AWS_PROFILE") {
        return format!("profile `{p}` from `AWS_PROFILE`");
    }
    if env("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
        return "the web identity token in `AWS_WEB_IDENTITY_TOKEN_FILE`".into();
    }
    "the default credential chain".into()
}

/// An endpoint that is not a URL would fail inside the SDK, whose message
/// prints its own request structures: said here in the operator's terms.
fn endpoint_check(opts: &LookupOptions) -> Result<(), LookupError> {
    let given = [
        ("--endpoint-url", opts.endpoint_url.clone()),
        ("AWS_ENDPOINT_URL_STS", env("AWS_ENDPOINT_URL_STS")),
        ("AWS_ENDPOINT_URL", env("AWS_ENDPOINT_URL")),
    ];
    let Some((from, url)) = given.into_iter().find_map(|(f, u)| u.map(|u| (f, u))) else {
        return Ok(());
    };
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let fine = host.is_some_and(|h| {
        let authority = h.split('/').next().unwrap_or("");
        !authority.is_empty() && !h.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    if fine {
        return Ok(());
    }
    Err(LookupError::new(
        Cause::BadConfiguration,
        format!("`{}` ({from}) is not an endpoint URL", url.escape_debug()),
        "write it as `https://HOST` (or `http://127.0.0.1:PORT` for a local stand-in)",
    ))
}

/// The endpoint, as the operator would recognise it.
fn describe_target(opts: &LookupOptions) -> String {
    let url = opts
        .endpoint_url
        .clone()
        .or_else(|| env("AWS_ENDPOINT_URL_STS"))
        .or_else(|| env("AWS_ENDPOINT_URL"));
    match url {
        Some(u) => format!("STS at `{u}`"),
        None => "STS".into(),
    }
}

pub(super) fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

pub(super) fn silent(target: &str, budget: Duration) -> LookupError {
    LookupError::new(
        Cause::Silent,
        format!("{target} did not answer within {}", secs(budget)),
        "check the endpoint, the network and any proxy; `--aws-timeout SECS` allows longer; \
         offline, pass `--account-id`",
    )
}

#[cfg(test)]
mod tests {
    use super::nothing_in;
    use std::collections::HashMap;

    /// The chain is skipped only when it could find nothing: each source
    /// alone sends the lookup through the chain.
    #[test]
    fn the_chain_is_skipped_only_when_nothing_could_give_credentials() {
        let home = tempfile::tempdir().unwrap();
        let off = [("AWS_EC2_METADATA_DISABLED", "TRUE")];
        let run = |vars: &[(&str, &str)], profile: bool| {
            let vars: HashMap<String, String> =
                vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let env = move |k: &str| vars.get(k).cloned().filter(|v| !v.is_empty());
            nothing_in(profile, &env, Some(home.path()))
        };
        assert!(run(&off, false));
        assert!(!run(&[], false), "the metadata service may answer");
        assert!(!run(&off, true), "--profile");
        for var in ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            assert!(!run(&[off[0], (var, "x")], false), "{var}");
        }
        let config = home.path().join("config");
        std::fs::write(&config, "").unwrap();
        let config = config.to_str().unwrap();
        assert!(!run(&[off[0], ("AWS_CONFIG_FILE", config)], false), "a config file");
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/credentials"), "").unwrap();
        assert!(!run(&off, false), "~/.aws/credentials");
        let env = |k: &str| (k == "AWS_EC2_METADATA_DISABLED").then(|| "true".to_owned());
        assert!(!nothing_in(false, &env, None), "no home: the chain decides");
    }
}
