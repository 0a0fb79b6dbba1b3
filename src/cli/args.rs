use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Rhai scripts in, Terraform out: typed AWS building blocks, diagnostics at your line.
#[derive(Debug, Parser)]
#[command(name = "tsdsl", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a script and write its Terraform files
    Run(RunArgs),
    /// Evaluate and check a script; write nothing
    Check(CommonArgs),
    /// Regenerate on every save: one script, or every stack of a folder (into out/<stack>)
    Watch(RunArgs),
    /// List the stdlib modules, or print one module's source
    Stdlib(StdlibArgs),
    /// Print what a build would change (against the output folder or a git revision); write
    /// nothing. Exit 0: no change, 3: changes
    Diff(DiffArgs),
    /// Show the AWS account, ARN and user id of the current credentials (STS GetCallerIdentity)
    Whoami(WhoamiArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The script to evaluate, e.g. scripts/production.rhai
    pub script: PathBuf,

    /// A `terraform providers schema -json` file that adds or replaces providers (repeatable)
    #[arg(long = "schema", value_name = "FILE")]
    pub schemas: Vec<PathBuf>,

    /// Seconds the whole run (every stack, checks, emitting) may take, 1 to 86400
    #[arg(long, default_value_t = 10, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=crate::engine::MAX_TIMEOUT_SECS))]
    pub timeout: u64,

    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    pub message_format: MessageFormatArg,

    /// When to colour diagnostics (`NO_COLOR` is honoured)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    #[command(flatten)]
    pub account: AccountArgs,
}

/// How a run learns the AWS account (`aws::caller()`, `aws::expect_account`).
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The AWS account to assume instead of asking STS (offline) [env: TSDSL_ACCOUNT_ID]
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// Seconds the STS lookup may take, retries included, 1 to 600
    #[arg(long, default_value_t = crate::aws::DEFAULT_BUDGET_SECS, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=crate::aws::MAX_BUDGET_SECS))]
    pub aws_timeout: u64,

    /// In `watch`, ask STS on every rebuild (the answer is otherwise kept until the credentials expire)
    #[arg(long)]
    pub refresh_account: bool,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// The profile of the AWS config files to use (default: `AWS_PROFILE`, then the default chain)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The region to ask STS in (default: `AWS_REGION`, the profile's, then us-east-1)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The STS endpoint (default: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, then AWS's)
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Print text or JSON
    #[arg(long, value_enum, default_value_t = WhoamiFormat::Text)]
    pub format: WhoamiFormat,

    /// Seconds the lookup may take, retries included, 1 to 600
    #[arg(long, default_value_t = crate::aws::DEFAULT_BUDGET_SECS, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=crate::aws::MAX_BUDGET_SECS))]
    pub aws_timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WhoamiFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Output folder [default: out/<script name>]
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write HCL (`.tf`) or JSON (`.tf.json`)
    #[arg(long, value_enum, default_value_t = FormatArg::Hcl)]
    pub format: FormatArg,

    /// How the change each build makes to the output is printed (`json`: one line per build)
    #[arg(long, value_enum, default_value_t = ChangesArg::Text)]
    pub changes: ChangesArg,

    /// Let the output become empty (all generated files removed); in `watch`, also write at once
    /// an output that lost most of its resources
    #[arg(long)]
    pub allow_empty: bool,

    /// Let the output folder be the home folder or a folder above the script's (never `/`)
    #[arg(long)]
    pub force_dir: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChangesArg {
    Text,
    Json,
    None,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The script, or a folder (every top-level script in it)
    #[command(flatten)]
    pub common: CommonArgs,

    /// The output folder to compare with [default: out/<script name>; with a folder,
    /// DIR/<script name>]
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Compare with the same scripts at this git revision instead (e.g. main, origin/main)
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,

    /// How the change is printed
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
    pub format: DiffFormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormatArg {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct StdlibArgs {
    /// A module to print, e.g. aws/network
    pub module: Option<String>,

    /// Print the reference of the blocks' options and results as Markdown (the book's stdlib
    /// chapter), of every module or of the one named
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Hcl,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MessageFormatArg {
    Human,
    Short,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}
