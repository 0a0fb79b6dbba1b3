//! The Rhai engine a script runs in: standard packages only (no files, no
//! network, no environment), `eval` disabled, strict variables, and limits
//! that turn a runaway script into a diagnostic instead of a hang.

use std::time::{Duration, Instant};

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine, EvalAltResult, NativeCallContext};

use crate::diagnostics::{diag, Code, Diagnostic};

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
    /// Modules importing modules: each level is native recursion in Rhai.
    pub max_import_depth: usize,
    /// Stacks reading stacks (`stack()` inside `stack()`): each level is a
    /// whole evaluation on the native stack.
    pub max_stack_depth: usize,
    /// Blocks of every kind one run may declare (resources, outputs...).
    pub max_blocks: usize,
    /// Bytes of text (strings and keys) the model may hold, over every block.
    pub max_model_bytes: usize,
    /// Values (strings, numbers, list and map entries) the model may hold.
    pub max_model_nodes: usize,
    /// How deeply lists and maps may nest inside one value.
    pub max_value_depth: usize,
    /// Largest script, module, stack or schema file read.
    pub max_file_bytes: u64,
    /// Heap a run may add to what the process held when it started (the
    /// schemas loaded): with those and the allocator's slack, peak RSS stays
    /// under 1 GB. See `memory`.
    pub max_memory_bytes: usize,
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
            max_import_depth: 64,
            max_stack_depth: 32,
            max_blocks: 50_000,
            max_model_bytes: 64 * 1024 * 1024,
            max_model_nodes: 4_000_000,
            max_value_depth: 64,
            max_file_bytes: 8 * 1024 * 1024,
            max_memory_bytes: 512 * 1024 * 1024,
        }
    }
}

const UNRESERVED: &[&str] = &[
    // `tf::call("name", [args])`; `f.call(x)` and `call(f, x)` still call `f`.
    "call",
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

/// Seconds `--timeout` accepts: beyond a day is a typo, not a budget.
pub const MAX_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// The moment a run that starts now must stop.
pub fn deadline(limits: &Limits) -> Instant {
    let now = Instant::now();
    now.checked_add(limits.timeout).unwrap_or_else(|| now + Duration::from_secs(MAX_TIMEOUT_SECS))
}

/// Functions of Rhai's standard packages a script must not reach: they block
/// (so a run would outlive its deadline), read the clock (so two runs of one
/// script would differ) or end the script early as if it had succeeded.
const REMOVED: &[(&str, &str)] = &[
    (
        "sleep",
        "waiting cannot change what a script declares, and it would hold the run past its deadline",
    ),
    ("timestamp", "the output must be the same on every run, so scripts cannot read the clock"),
    // Rhai's `exit(1)` ends the script as a success, with half a model.
    ("exit", "a script ends at its last line; to stop with an error, `throw \"why\"`"),
];

/// Rhai's standard functions, built once per thread: every engine of a
/// run (each stack read, each rebuild of `watch`) shares them.
pub(crate) fn standard_package() -> rhai::Shared<rhai::Module> {
    thread_local! {
        static STANDARD: rhai::Shared<rhai::Module> = StandardPackage::new().as_shared_module();
    }
    STANDARD.with(|m| m.clone())
}

/// A bare engine with the sandbox applied; primitives are registered by the caller.
pub(crate) fn engine(limits: &Limits) -> Engine {
    engine_until(limits, deadline(limits), memory_ceiling(limits), |_| None)
}

/// The heap a run that starts now may grow to, counted as
/// [`super::memory::live_bytes`] counts: on the thread that runs it.
pub fn memory_ceiling(limits: &Limits) -> isize {
    let limit = isize::try_from(limits.max_memory_bytes).unwrap_or(isize::MAX);
    super::memory::live_bytes().saturating_add(limit)
}

/// [`engine`] with the run's own deadline (shared by every stack it reads) and
/// `over_budget`, asked between operations whether the model grew too large.
pub(crate) fn engine_until(
    limits: &Limits,
    deadline: Instant,
    memory_ceiling: isize,
    over_budget: impl Fn(u64) -> Option<Dynamic> + 'static,
) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(standard_package());
    engine.set_strict_variables(true);
    // Reading a key a map lacks is a mistake (`net.vpc_idd`), not `()`.
    engine.set_fail_on_invalid_map_property(true);
    // Rhai's fast operators skip registered overloads for its own types, and
    // its built-in `text + ()` silently drops the `()`: off, so the overloads
    // in `primitives/handles.rs` turn that nothing into a diagnostic. It
    // costs tight arithmetic loops, not configuration scripts, much.
    engine.set_fast_operators(false);
    engine.disable_symbol("eval");
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_levels);
    engine.set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth);
    engine.set_max_string_size(limits.max_string_size);
    engine.set_max_array_size(limits.max_array_size);
    engine.set_max_map_size(limits.max_map_size);
    engine.set_max_modules(limits.max_modules);
    // Scripts run as written: see `ast_index` for why not optimized.
    engine.set_optimization_level(rhai::OptimizationLevel::None);

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

    for &(name, why) in REMOVED {
        remove(&mut engine, name, why);
    }

    let max_memory = limits.max_memory_bytes;
    let limit = isize::try_from(max_memory).unwrap_or(isize::MAX);
    let start = memory_ceiling.saturating_sub(limit);
    engine.on_progress(move |ops| {
        // One operation allocates at most what Rhai's per-value limits allow
        // (tens of MB), so checking every operation keeps the peak bounded.
        // Builds side by side (`watch`) share the limit.
        if super::memory::all_builds_grown(start) > limit {
            let alone = super::memory::live_bytes().wrapping_sub(start) > limit;
            let why = out_of_memory(max_memory, alone);
            return Some(Dynamic::from(super::errors::Raised(Box::new(why))));
        }
        // One operation can be slow (a push clones its array into the
        // debugger's frame), so the clock is read often: every 16 operations
        // costs a few percent and stops within milliseconds of the deadline.
        if ops % 16 == 0 && Instant::now() > deadline {
            return Some(Dynamic::from("timeout"));
        }
        over_budget(ops)
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

/// `alone`: this script holds more than the limit by itself; otherwise the
/// stacks building side by side (`watch`) do together.
fn out_of_memory(max: usize, alone: bool) -> Diagnostic {
    let max = super::files::bytes(max as u64);
    let message = if alone {
        format!("the script holds more than {max} of memory")
    } else {
        format!("the stacks building side by side hold more than {max} of memory together")
    };
    let help = if alone {
        "look for large strings or arrays kept in many variables or nested calls"
    } else {
        "the stacks that build at once share the limit: each alone may fit (`tsdsl run` builds \
         one); look for large strings or arrays kept in many variables or nested calls"
    };
    Diagnostic::error(Code::EngineOutOfMemory, message)
        .label("the limit is crossed here")
        .help(help)
}

/// Shadows `name` (the engine's own functions come before its packages) with
/// one that says why it is gone, for every arity scripts could call it with.
fn remove(engine: &mut Engine, name: &'static str, why: &'static str) {
    let gone = move |nc: &NativeCallContext| -> Box<EvalAltResult> {
        super::errors::raise(diag!(
            &super::origin::origin(nc),
            Code::EngineNotAvailable,
            "`{name}` is not available in tsdsl scripts";
            label: "not available";
            help: why
        ))
    };
    engine.register_fn(name, move |nc: NativeCallContext| -> Result<(), _> { Err(gone(&nc)) });
    // Exact argument types first: Rhai prefers a package's `sleep(INT)` to
    // our `sleep(Dynamic)`.
    engine.register_fn(name, move |nc: NativeCallContext, _: rhai::INT| -> Result<(), _> {
        Err(gone(&nc))
    });
    engine.register_fn(name, move |nc: NativeCallContext, _: rhai::FLOAT| -> Result<(), _> {
        Err(gone(&nc))
    });
    engine.register_fn(name, move |nc: NativeCallContext, _: Dynamic| -> Result<(), _> {
        Err(gone(&nc))
    });
}
