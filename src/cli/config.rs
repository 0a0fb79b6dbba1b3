//! Command-line arguments turned, once, into the options the library takes.

use std::io::IsTerminal;
use std::time::Duration;

use crate::aws::{is_account_id, AccountSource, GivenBy, LiveSource, LookupOptions};
use crate::diagnostics::{Error, MessageFormat, RenderOptions};
use crate::engine::Limits;
use crate::pipeline::{BuildOptions, OutputFormat};

use super::args::{ColorArg, CommonArgs, FormatArg, MessageFormatArg};

pub fn build_options(
    common: &CommonArgs,
    format: Option<FormatArg>,
    account: AccountSource,
) -> BuildOptions {
    BuildOptions {
        account,
        limits: Limits { timeout: Duration::from_secs(common.timeout.max(1)), ..Limits::default() },
        schema_files: common.schemas.clone(),
        format: match format {
            Some(FormatArg::Json) => OutputFormat::Json,
            _ => OutputFormat::Hcl,
        },
        out_dir: None,
    }
}

pub fn render_options(common: &CommonArgs) -> RenderOptions {
    let color = match common.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    };
    let format = match common.message_format {
        MessageFormatArg::Human => MessageFormat::Human,
        MessageFormatArg::Short => MessageFormat::Short,
        MessageFormatArg::Json => MessageFormat::Json,
    };
    RenderOptions { format, color, width: 100 }
}

/// Where a run learns the AWS account: `--account-id` or `TSDSL_ACCOUNT_ID`
/// (no call), else STS when `online` (`run`, `watch`), else nowhere (`check`).
pub fn account_source(common: &CommonArgs, online: bool) -> Result<AccountSource, Error> {
    let flag = common.account.account_id.clone().map(|id| (id, GivenBy::Flag));
    let given = flag.or_else(|| {
        std::env::var("TSDSL_ACCOUNT_ID")
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(|id| (id, GivenBy::Environment))
    });
    if let Some((id, by)) = given {
        if !is_account_id(&id) {
            return Err(Error::Usage(format!(
                "`{id}` is not an AWS account id (`--account-id` or `TSDSL_ACCOUNT_ID`): it is twelve digits"
            )));
        }
        return Ok(AccountSource::given_by(id, by));
    }
    if !online {
        return Ok(AccountSource::offline());
    }
    // The SDK's own resolution (`AWS_PROFILE`, `AWS_REGION`,
    // `AWS_ENDPOINT_URL_STS`...), as Terraform's aws provider does it.
    let opts = LookupOptions {
        budget: Duration::from_secs(common.account.aws_timeout.max(1)),
        ..LookupOptions::default()
    };
    Ok(AccountSource::live(std::sync::Arc::new(LiveSource::new(
        opts,
        common.account.refresh_account,
    ))))
}
