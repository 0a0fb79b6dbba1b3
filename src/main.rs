// Counts heap bytes so the sandbox can stop a script before it takes too much.
#[global_allocator]
static ALLOC: tsdsl::engine::CountingAlloc = tsdsl::engine::CountingAlloc;

fn main() -> std::process::ExitCode {
    tsdsl::cli::main()
}
