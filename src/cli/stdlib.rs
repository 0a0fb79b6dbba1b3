use super::stdout;
use crate::diagnostics::Error;
use crate::docs::stdlib_reference;
use crate::engine::{stdlib_modules, stdlib_source};

use super::args::StdlibArgs;

/// `tsdsl stdlib` lists modules; `tsdsl stdlib aws/network` prints one, so
/// operators can read (and copy) the blocks they build on.
pub fn stdlib(args: &StdlibArgs) -> Result<(), Error> {
    if args.markdown {
        if let Some(m) = &args.module {
            if stdlib_source(m.trim_end_matches(".rhai")).is_none() {
                return Err(unknown(m));
            }
        }
        stdout::print(&stdlib_reference(args.module.as_deref())?);
        return Ok(());
    }
    match &args.module {
        None => {
            for m in stdlib_modules() {
                stdout::println(&m.to_string());
            }
            Ok(())
        }
        Some(m) => match stdlib_source(m.trim_end_matches(".rhai")) {
            Some(src) => {
                stdout::print(src);
                Ok(())
            }
            None => Err(unknown(m)),
        },
    }
}

fn unknown(m: &str) -> Error {
    let modules = stdlib_modules();
    let hint = crate::diagnostics::did_you_mean(m, modules.iter().map(String::as_str))
        .map(|h| format!("{h} "))
        .unwrap_or_default();
    Error::Usage(format!(
        "no stdlib module `{m}`; {hint}`tsdsl stdlib` lists them: {}",
        modules.join(", ")
    ))
}
