use crate::diagnostics::Error;
use crate::pipeline::{build, default_out_dir, write};

use super::args::RunArgs;
use super::config::{build_options, render_options};
use super::report;

pub fn run(args: &RunArgs) -> Result<(), Error> {
    let opts = build_options(&args.common, Some(args.format));
    let render = render_options(&args.common);
    let built = build(&args.common.script, &opts).map_err(|f| f.error)?;
    report::warnings(&built.diagnostics, &built.sources, render);
    let dir = args.out.clone().unwrap_or_else(|| default_out_dir(&args.common.script));
    let changes = super::changes::before_write(&dir, &built, args, false);
    write(&built.files, &dir)?;
    let ms = built.started.elapsed().as_millis();
    println!("{}", report::summary(&built.stack, &dir.display().to_string(), ms));
    changes.print();
    Ok(())
}

pub fn check(args: &super::args::CommonArgs) -> Result<(), Error> {
    let opts = build_options(args, None);
    let built = build(&args.script, &opts).map_err(|f| f.error)?;
    report::warnings(&built.diagnostics, &built.sources, render_options(args));
    let ms = built.started.elapsed().as_millis();
    println!("{}", report::summary(&built.stack, "checked, nothing written", ms));
    Ok(())
}
