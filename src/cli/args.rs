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
    /// Regenerate on every save of the script or anything it imports
    Watch(RunArgs),
    /// List the stdlib modules, or print one module's source
    Stdlib(StdlibArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The script to evaluate, e.g. scripts/production.rhai
    pub script: PathBuf,

    /// A `terraform providers schema -json` file that adds or replaces providers (repeatable)
    #[arg(long = "schema", value_name = "FILE")]
    pub schemas: Vec<PathBuf>,

    /// Seconds a script may run before it is stopped
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub timeout: u64,

    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    pub message_format: MessageFormatArg,

    /// When to colour diagnostics (`NO_COLOR` is honoured)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
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

    /// Let the output become empty (all generated files removed); in `watch`, also write at once
    /// an output that lost most of its resources
    #[arg(long)]
    pub allow_empty: bool,

    /// Let the output folder be the home folder or a folder above the script's (never `/`)
    #[arg(long)]
    pub force_dir: bool,
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
