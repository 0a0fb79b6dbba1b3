//! The Rhai engine a script runs in: standard packages only (no files, no
//! network, no environment), `eval` disabled, strict variables, and limits
//! that turn a runaway script into a diagnostic instead of a hang.

use std::time::{Duration, Instant};

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine};

/// Limits a script runs under. Generous for real estates (10,000 resources
/// evaluate well inside them), tight enough that `loop {}` ends in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_modules: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            max_operations: 200_000_000,
            max_call_levels: 64,
            max_expr_depth: 128,
            max_string_size: 10 * 1024 * 1024,
            max_array_size: 100_000,
            max_map_size: 100_000,
            max_modules: 256,
        }
    }
}

const UNRESERVED: &[&str] = &[
    "default",
    "module",
    "var",
    "match",
    "case",
    "static",
    "shared",
    "public",
    "private",
    "protected",
    "package",
    "use",
    "with",
    "new",
    "super",
    "sync",
    "async",
    "await",
    "yield",
    "spawn",
    "thread",
    "void",
    "go",
    "goto",
    "exit",
    "null",
];

/// A bare engine with the sandbox applied; primitives are registered by the caller.
pub(crate) fn engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine.set_strict_variables(true);
    // Reading a key a map lacks is a mistake (`net.vpc_idd`), not `()`.
    engine.set_fail_on_invalid_map_property(true);
    engine.disable_symbol("eval");
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_levels);
    engine.set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth);
    engine.set_max_string_size(limits.max_string_size);
    engine.set_max_array_size(limits.max_array_size);
    engine.set_max_map_size(limits.max_map_size);
    engine.set_max_modules(limits.max_modules);

    // Words Rhai reserves for future use but Terraform uses as names
    // (`default` of a variable, `module(...)`): plain identifiers here.
    #[allow(deprecated)] // volatile, not deprecated: Rhai marks it so
    engine.on_parse_token(|token, _, _| match token {
        rhai::Token::Reserved(word) if UNRESERVED.contains(&word.as_str()) => {
            rhai::Token::Identifier(word)
        }
        // Rhai reads a whole number too large for its 64-bit integers as a
        // float, silently rounded (`18446744073709551615` → 1.8446744073709552e19).
        rhai::Token::FloatConstant(f) if f.1.bytes().all(|b| b.is_ascii_digit() || b == b'_') => {
            rhai::Token::LexError(Box::new(rhai::LexError::ImproperSymbol(
                f.1.to_string(),
                format!(
                    "`{}` is larger than the largest whole number a script holds ({}): write it as a string, or as a float such as `{:e}` if an approximation is meant",
                    f.1,
                    i64::MAX,
                    *f.0
                ),
            )))
        }
        other => other,
    });

    let deadline = Instant::now() + limits.timeout;
    engine.on_progress(move |ops| {
        // Checking the clock every operation would cost more than the script.
        if ops % 4096 == 0 && Instant::now() > deadline {
            Some(Dynamic::from("timeout"))
        } else {
            None
        }
    });

    // The debugger keeps the call stack primitives read to find the
    // operator's line; it never stops the script.
    #[allow(deprecated)]
    engine.register_debugger(
        |_, dbg| dbg,
        |_, _, _, _, _| Ok(rhai::debugger::DebuggerCommand::Continue),
    );
    engine
}
