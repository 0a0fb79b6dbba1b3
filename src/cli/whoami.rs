//! `tsdsl whoami`: who the current AWS credentials belong to.

use super::stdout;
use std::time::{Duration, SystemTime};

use crate::aws::{caller_identity, LookupOptions};
use crate::diagnostics::{Code, Diagnostic, Error};

use super::args::{WhoamiArgs, WhoamiFormat};

pub fn whoami(args: &WhoamiArgs) -> Result<(), Error> {
    let opts = LookupOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        budget: Duration::from_secs(args.aws_timeout.max(1)),
    };
    let id = caller_identity(&opts).map_err(|e| {
        Error::Setup(vec![Diagnostic::error(Code::AwsLookupFailed, e.message).help(e.help)])
    })?;
    let expires_in =
        id.expires.and_then(|t| t.duration_since(SystemTime::now()).ok()).map(|d| d.as_secs());
    match args.format {
        WhoamiFormat::Json => {
            let mut v = serde_json::json!({
                "account_id": id.caller.account_id,
                "arn": id.caller.arn,
                "user_id": id.caller.user_id,
                "partition": id.caller.partition,
                "credentials": id.credentials,
            });
            if let Some(s) = expires_in {
                v["expires_in_seconds"] = s.into();
            }
            stdout::println(&v.to_string());
        }
        WhoamiFormat::Text => {
            let mut text = format!(
                "account      {}\narn          {}\nuser id      {}\npartition    {}\ncredentials  {}\n",
                id.caller.account_id,
                id.caller.arn,
                id.caller.user_id,
                id.caller.partition,
                id.credentials.replace('`', "")
            );
            if let Some(s) = expires_in {
                text.push_str(&format!("expires in   {} min\n", s / 60));
            }
            stdout::print(&text);
        }
    }
    Ok(())
}

/// `--format json` prints its errors as JSON too, one object a line.
pub(super) fn render_options(args: &WhoamiArgs) -> crate::diagnostics::RenderOptions {
    match args.format {
        WhoamiFormat::Json => crate::diagnostics::RenderOptions {
            format: crate::diagnostics::MessageFormat::Json,
            ..Default::default()
        },
        WhoamiFormat::Text => Default::default(),
    }
}
