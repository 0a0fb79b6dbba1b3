//! Dropping a run's variables without recursing once per link. A closure
//! holds the variables it captured, which may hold a closure, and so on:
//! `for i in 0..n { let g = f; f = || g.call() + 1; }` builds a chain that
//! costs a few hundred bytes a link, so it stays inside the memory ceiling
//! for millions of links, and Rust's drop of it recurses once per link.
//! At 1.5 million links that overflowed the build thread's stack and killed
//! the process (and `watch` with it).
//!
//! The build thread's stack is sized for the deepest chain the memory
//! ceiling lets a script build (`pipeline::BUILD_STACK_BYTES`), which covers
//! chains dropped inside Rhai (a function's locals). The script's own
//! variables, where such a chain usually ends up, are taken apart here one
//! level at a time, so that their drop needs no deep stack at all.

use rhai::{Array, Dynamic, FnPtr, Map};

/// Drops `values` and everything they hold, one level at a time. What a
/// shared value (a captured variable) holds is moved out of it: call this
/// only on values that nothing reads again.
pub(crate) fn dismantle(values: impl IntoIterator<Item = Dynamic>) {
    let mut work: Vec<Dynamic> = values.into_iter().collect();
    while let Some(mut value) = work.pop() {
        if value.is_shared() {
            // Emptied rather than dropped whole: another closure may hold
            // the same variable, and a closure that captured itself is a
            // cycle that would otherwise never be freed.
            if let Some(mut inner) = value.write_lock::<Dynamic>() {
                work.push(std::mem::take(&mut *inner));
            }
        } else if value.is_fnptr() {
            let mut f = value.cast::<FnPtr>();
            work.extend(f.iter_curry_mut().map(std::mem::take));
        } else if value.is_array() {
            work.extend(value.cast::<Array>());
        } else if value.is_map() {
            work.extend(value.cast::<Map>().into_values());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_chain_of_closures_is_dropped_without_deep_recursion() {
        // Deep enough to overflow a test thread's 2 MB stack if dropped
        // recursively (each link takes a few frames).
        let engine = rhai::Engine::new();
        let mut scope = rhai::Scope::new();
        engine
            .run_with_scope(
                &mut scope,
                "let f = || 1; for i in 0..200000 { let g = f; f = || g.call() + 1; }",
            )
            .unwrap();
        assert!(scope.get_value::<FnPtr>("f").is_some());
        dismantle(scope.into_iter().map(|(_, v, _)| v));
    }
}
