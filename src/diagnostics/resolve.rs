//! Turning a [`Locus`] into a file and byte span: the one choke point where
//! model positions become places in the operator's text.

use std::ops::Range;

use crate::model::Site;

use super::locate::{call_span, find_in_call, token_at};
use super::source_map::{offset_of, SourceMap};
use super::{Locus, Target};

/// A resolved place: file name, byte span, and the stdlib frames that led
/// there (shown as notes, never as labels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub span: Range<usize>,
    pub inner_stdlib: Vec<Site>,
}

pub fn resolve(locus: &Locus, sources: &SourceMap) -> Option<Place> {
    match locus {
        Locus::Site(site) => {
            let text = sources.get(&site.file)?;
            let off = offset_of(text, site.line, site.col)?;
            Some(place(site, token_at(text, off), Vec::new()))
        }
        Locus::Bytes { file, span } => {
            let text = sources.get(file)?;
            text.get(span.clone())?;
            Some(Place { file: file.clone(), span: span.clone(), inner_stdlib: Vec::new() })
        }
        Locus::InCall { origin, path, target } => {
            // Frames the operator can open, innermost first. A stdlib frame
            // deeper than the chosen one becomes a note.
            let frames = &origin.frames;
            let operator: Vec<(usize, &Site)> = frames
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, s)| {
                    SourceMap::is_operator_file(&s.file) && sources.get(&s.file).is_some()
                })
                .collect();
            let notes_from = |idx: usize| -> Vec<Site> {
                frames
                    .iter()
                    .skip(idx + 1)
                    .filter(|s| !SourceMap::is_operator_file(&s.file))
                    .cloned()
                    .collect()
            };
            if !path.is_empty() {
                let mut partial = None;
                for (idx, site) in &operator {
                    let Some(text) = sources.get(&site.file) else { continue };
                    let Some(off) = offset_of(text, site.line, site.col) else { continue };
                    match find_in_call(text, off, path, *target) {
                        Some(found) if found.complete => {
                            return Some(place(site, found.span, notes_from(*idx)));
                        }
                        Some(found) if partial.is_none() => {
                            partial = Some(place(site, found.span, notes_from(*idx)));
                        }
                        _ => {}
                    }
                }
                if partial.is_some() {
                    return partial;
                }
            }
            if let Some((idx, site)) = operator.first() {
                let text = sources.get(&site.file)?;
                let off = offset_of(text, site.line, site.col)?;
                return Some(place(site, call_span(text, off), notes_from(*idx)));
            }
            // Nothing the operator wrote: fall back to the innermost frame.
            let site = frames.last()?;
            let text = sources.get(&site.file)?;
            let off = offset_of(text, site.line, site.col)?;
            let span = match target {
                Target::Call => call_span(text, off),
                _ => token_at(text, off),
            };
            Some(place(site, span, Vec::new()))
        }
    }
}

fn place(site: &Site, span: Range<usize>, inner_stdlib: Vec<Site>) -> Place {
    Place { file: site.file.clone(), span, inner_stdlib }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Origin, PathSeg};

    fn sources() -> SourceMap {
        let mut s = SourceMap::new();
        s.insert(
            "main.rhai",
            Arc::from("import \"aws/x\" as x;\nlet a = x::thing(#{\n    nme: \"shop\",\n});\n"),
        );
        s.insert(
            "@stdlib/aws/x.rhai",
            Arc::from("fn thing(o) {\n    resource(\"aws_vpc\", o.name, #{ bad: 1 })\n}\n"),
        );
        s
    }

    fn site(file: &str, line: u32, col: u32) -> Site {
        Site { file: file.into(), line, col }
    }

    #[test]
    fn a_stdlib_failure_is_placed_at_the_operators_call_with_a_note() {
        let origin = Origin::new(vec![site("main.rhai", 2, 9), site("@stdlib/aws/x.rhai", 2, 5)]);
        let locus =
            Locus::InCall { origin, path: vec![PathSeg::Key("bad".into())], target: Target::Key };
        let s = sources();
        let p = resolve(&locus, &s).unwrap();
        assert_eq!(p.file, "main.rhai");
        assert_eq!(&s.get("main.rhai").unwrap()[p.span.clone()], "x::thing");
        assert_eq!(p.inner_stdlib, vec![site("@stdlib/aws/x.rhai", 2, 5)]);
    }

    #[test]
    fn an_option_key_is_found_in_the_operators_literal() {
        let origin = Origin::new(vec![site("main.rhai", 2, 9), site("@stdlib/aws/x.rhai", 2, 5)]);
        let locus =
            Locus::InCall { origin, path: vec![PathSeg::Key("nme".into())], target: Target::Key };
        let s = sources();
        let p = resolve(&locus, &s).unwrap();
        assert_eq!(&s.get("main.rhai").unwrap()[p.span.clone()], "nme");
    }
}
