//! Command-line arguments turned, once, into the options the library takes.

use std::io::IsTerminal;
use std::time::Duration;

use crate::diagnostics::{MessageFormat, RenderOptions};
use crate::engine::Limits;
use crate::pipeline::{BuildOptions, OutputFormat};

use super::args::{ColorArg, CommonArgs, FormatArg, MessageFormatArg};

pub fn build_options(common: &CommonArgs, format: Option<FormatArg>) -> BuildOptions {
    BuildOptions {
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
