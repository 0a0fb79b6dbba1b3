use super::stdout;
use crate::diagnostics::{Error, SourceMap};
use crate::output::{OutputDir, WriteOptions};
use crate::pipeline::{build_then_exit, default_out_dir};

use super::args::RunArgs;
use super::config::{account_source, build_options, render_options};
use super::report;

pub fn run(args: &RunArgs) -> Result<(), Error> {
    let mut opts =
        build_options(&args.common, Some(args.format), account_source(&args.common, true)?);
    opts.out_dir.clone_from(&args.out);
    let render = render_options(&args.common);
    let script = &args.common.script;
    let dir = args.out.clone().unwrap_or_else(|| default_out_dir(script));
    let write_opts = write_options(args);
    // Before anything else: a second writer is refused and what an
    // interrupted run left is finished, even if this build then fails.
    let early = OutputDir::open_existing(&dir, script, write_opts)?;
    if let Some(out) = &early {
        report::recovery(out);
    }
    let built = build_then_exit(script, &opts).map_err(|f| f.error)?;
    report::warnings(&built.diagnostics, &built.sources, render);
    let mut out = match early {
        Some(out) => out,
        None => OutputDir::open(&dir, script, write_opts)?,
    };
    let changes = super::changes::before_write(&dir, &built, args, false);
    let plan = out.plan(&built.files)?;
    let renamed = plan.renames(&dir, &built.stack.moved_from(), changes.moves());
    out.apply(plan)?;
    if let Some(d) = renamed {
        report::warnings(&[d], &SourceMap::default(), render);
    }
    let ms = built.started.elapsed().as_millis();
    stdout::println(&report::summary(&built.stack, &dir.display().to_string(), ms));
    changes.print();
    // Everything is written and printed, and the process ends right after
    // this command: freeing the model block by block would cost a tenth of
    // a large run (10,000 resources) for memory the exit returns anyway.
    // `Build` holds only memory (no file, lock or thread).
    std::mem::forget(built);
    Ok(())
}

pub fn write_options(args: &RunArgs) -> WriteOptions {
    WriteOptions { allow_empty: args.allow_empty, force_dir: args.force_dir }
}

pub fn check(args: &super::args::CommonArgs) -> Result<(), Error> {
    // Offline unless `--account-id` gives the account.
    let opts = build_options(args, None, account_source(args, false)?);
    let built = build_then_exit(&args.script, &opts).map_err(|f| f.error)?;
    report::warnings(&built.diagnostics, &built.sources, render_options(args));
    let ms = built.started.elapsed().as_millis();
    stdout::println(&report::summary(&built.stack, "checked, nothing written", ms));
    // As in `run`: the exit frees it.
    std::mem::forget(built);
    Ok(())
}
