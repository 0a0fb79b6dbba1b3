use crate::diagnostics::Error;
use crate::engine::{stdlib_modules, stdlib_reference, stdlib_source};

use super::args::StdlibArgs;

/// `tsdsl stdlib` lists modules; `tsdsl stdlib aws/network` prints one, so
/// operators can read (and copy) the blocks they build on.
pub fn stdlib(args: &StdlibArgs) -> Result<(), Error> {
    if args.markdown {
        print!("{}", stdlib_reference()?);
        return Ok(());
    }
    match &args.module {
        None => {
            for m in stdlib_modules() {
                println!("{m}");
            }
            Ok(())
        }
        Some(m) => match stdlib_source(m.trim_end_matches(".rhai")) {
            Some(src) => {
                print!("{src}");
                Ok(())
            }
            None => Err(Error::Usage(format!(
                "no stdlib module `{m}`; `tsdsl stdlib` lists them: {}",
                stdlib_modules().join(", ")
            ))),
        },
    }
}
