use rhai::{ImmutableString, NativeCallContext, Position};

use crate::model::{Origin, Site};

pub(crate) fn site(file: &str, pos: Position) -> Option<Site> {
    Some(Site {
        file: file.to_owned(),
        line: pos.line()? as u32,
        col: pos.position().unwrap_or(1) as u32,
    })
}

/// The chain of calls that led to this primitive call, outermost first.
///
/// Rhai's debugger keeps a frame per call: the call's position, and for a
/// script function the *callee's* source. So the file a frame's position
/// lies in is the previous frame's callee, starting from the entry script
/// (the engine's tag). The innermost call, this primitive's, is exact.
pub(crate) fn origin(ctx: &NativeCallContext) -> Origin {
    // Borrowed, not copied: only the frames kept own their file name.
    let tag = ctx.tag().and_then(|t| t.read_lock::<ImmutableString>());
    let mut file: &str = tag.as_deref().map_or("", |s| s.as_str());
    let stack = ctx.debugger().map_or(&[][..], |dbg| dbg.call_stack());
    let mut frames: Vec<Site> = Vec::with_capacity(stack.len());
    // The last frame is this native call itself: placed exactly below.
    for f in stack.iter().take(stack.len().saturating_sub(1)) {
        frames.extend(site(file, f.pos));
        if let Some(src) = f.source.as_deref().filter(|s| !s.is_empty()) {
            file = src;
        }
    }
    if let Some(here) = site(ctx.call_source().unwrap_or(file), ctx.call_position()) {
        if frames.last() != Some(&here) {
            frames.push(here);
        }
    }
    Origin::new(frames)
}
