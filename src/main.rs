fn main() -> std::process::ExitCode {
    tsdsl::cli::main()
}
