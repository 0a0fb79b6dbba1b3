use rhai::{NativeCallContext, Position};

use crate::model::{Origin, Site};

pub(crate) fn site(file: &str, pos: Position) -> Option<Site> {
    Some(Site { file: file.to_owned(), line: pos.line()? as u32, col: pos.position().unwrap_or(1) as u32 })
}

/// The chain of calls that led to this primitive call, outermost first.
///
/// Rhai's debugger keeps a frame per call (caller's source, call position);
/// that is what lets a resource made inside the stdlib be reported at the
/// operator's line that asked for it.
pub(crate) fn origin(ctx: &NativeCallContext) -> Origin {
    let mut frames: Vec<Site> = Vec::new();
    if let Some(dbg) = ctx.debugger() {
        for f in dbg.call_stack() {
            if let Some(s) = site(f.source.as_deref().unwrap_or(""), f.pos) {
                if frames.last() != Some(&s) {
                    frames.push(s);
                }
            }
        }
    }
    if let Some(here) = site(ctx.call_source().unwrap_or(""), ctx.call_position()) {
        if frames.last() != Some(&here) {
            frames.push(here);
        }
    }
    Origin::new(frames)
}
