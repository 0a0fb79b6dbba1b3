// Counts heap bytes so the sandbox can stop a script before it takes too much.
#[global_allocator]
static ALLOC: tsdsl::engine::CountingAlloc = tsdsl::engine::CountingAlloc;

fn main() -> std::process::ExitCode {
    tune_malloc();
    tsdsl::cli::main()
}

/// The build runs on a thread of its own (for its stack), and glibc gives
/// such a thread an arena that grows a page run at a time with `mprotect`:
/// 5,500 calls and a quarter of the wall time of a 10,000-resource run.
/// One arena, grown 8 MB at a time (address space, not memory: pages count
/// only once touched), measured: 152 -> 124 ms there, peak RSS unchanged.
///
/// Except in `watch`, whose builds run side by side (`tsdsl::builders`):
/// sharing one arena, they took turns at its lock on every allocation and
/// were no faster than one after the other. glibc reads the limit once, at
/// the first thread's first allocation, so it is set here for the command.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let watch = std::env::args_os().nth(1).is_some_and(|a| a == "watch");
        let arenas = if watch { 2 + tsdsl::builders::MAX_WORKERS } else { 1 };
        // SAFETY: called first thing in `main`, before any other thread
        // exists; mallopt only sets the allocator's options.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas as libc::c_int);
            libc::mallopt(libc::M_TOP_PAD, 8 << 20);
        }
    }
}
