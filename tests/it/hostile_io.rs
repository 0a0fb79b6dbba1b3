//! Issue 9, the engine's side: what a hostile or unlucky script must not do
//! to tsdsl — crash it, outrun its deadline, exhaust its memory, read files
//! outside its folder, or hide a model error in `try`/`catch` — and what
//! already held. Fixtures live in `tests/hostile/io/`; larger ones are
//! generated into a tempdir.
//!
//! Time and memory are asserted by a harness around the real binary: wall
//! time from spawn to exit, and the child's peak RSS from `wait4`. Every
//! bound is named below with its reason.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{bin, root, Tsdsl};

/// The bound: no script makes tsdsl use more than 1 GB.
const MAX_RSS_KB: u64 = 1024 * 1024;

/// The bound: a run stops within 10% of its deadline.
const DEADLINE_MARGIN: f64 = 1.10;

/// Harness slack on top of that: starting and reaping a 100 MB debug binary on
/// a loaded CI machine, which is not the run's own time.
const HARNESS_SLACK: Duration = Duration::from_millis(300);

fn fixtures() -> PathBuf {
    root().join("tests/hostile/io")
}

/// One run of the binary, measured.
struct Measured {
    status: Option<i32>,
    stderr: String,
    stdout: String,
    wall: Duration,
    peak_rss_kb: u64,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}, {:.2} s, peak RSS {} KB\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            self.wall.as_secs_f64(),
            self.peak_rss_kb,
            self.stdout,
            cut(&self.stderr)
        )
    }
}

fn cut(s: &str) -> &str {
    let mut end = s.len().min(4000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Runs `tsdsl ARGS` in `dir`; output goes to files (no pipe to fill up).
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which also gives its rusage
fn measure(dir: &Path, args: &[&str]) -> Measured {
    let logs = tempfile::tempdir().unwrap();
    let (out, err) = (logs.path().join("out"), logs.path().join("err"));
    let started = Instant::now();
    let child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .expect("spawning tsdsl");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet reaped; both pointers are valid.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Measured {
        status: code,
        stdout: fs::read_to_string(&out).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&fs::read(&err).unwrap()).into_owned(),
        wall,
        peak_rss_kb: usage.ru_maxrss as u64,
    }
}

#[track_caller]
fn expect(m: &Measured, status: i32, needles: &[&str]) {
    assert_eq!(m.status, Some(status), "{m}");
    for n in needles {
        assert!(m.stderr.contains(n), "stderr lacks {n:?}\n{m}");
    }
    assert!(!m.stderr.contains("panicked"), "{m}");
    assert!(m.peak_rss_kb < MAX_RSS_KB, "over 1 GB\n{m}");
}

/// `check` of a fixture, run from its folder.
fn check(fixture: &str, extra: &[&str]) -> Measured {
    let path = fixtures().join(fixture);
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let mut args = vec!["check", "--color", "never"];
    args.extend_from_slice(extra);
    args.push(name);
    measure(dir, &args)
}

#[track_caller]
fn within_deadline(m: &Measured, secs: u64) {
    let bound = Duration::from_secs_f64(secs as f64 * DEADLINE_MARGIN) + HARNESS_SLACK;
    assert!(
        m.wall <= bound,
        "took {:.2} s, bound {:.2} s\n{m}",
        m.wall.as_secs_f64(),
        bound.as_secs_f64()
    );
}

// ------------------------------------------------------------------ crashes

#[test]
fn a_module_importing_itself_is_a_cycle() {
    let m = check("import_self/self.rhai", &[]);
    expect(
        &m,
        1,
        &["tsdsl::engine::import_cycle", "self → self", "self.rhai:1:8", "imported here"],
    );
}

#[test]
fn a_module_of_the_folder_named_like_a_stdlib_one_is_refused() {
    let m = check("module_names/shadowed.rhai", &[]);
    expect(
        &m,
        1,
        &["tsdsl::engine::bad_module_path", "`k8s` is a stdlib module", "shadowed.rhai:1:8"],
    );
}

#[test]
fn every_spelling_of_one_module_path_is_one_module() {
    let m = check("module_names/spellings.rhai", &[]);
    assert_eq!(m.status, Some(0), "{m}");
    assert!(m.stdout.contains("1 resource"), "{m}");
}

#[test]
fn modules_importing_each_other_name_the_cycle() {
    let m = check("import_cycle/a.rhai", &[]);
    expect(&m, 1, &["tsdsl::engine::import_cycle", "a → b → a", "b.rhai:1:8"]);
}

#[test]
fn a_chain_of_2000_modules_is_too_deep_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2000 {
        let body =
            if i < 1999 { format!("import \"m{}\" as n;\n", i + 1) } else { "let x = 1;\n".into() };
        fs::write(dir.path().join(format!("m{i}.rhai")), body).unwrap();
    }
    let m = measure(dir.path(), &["check", "m0.rhai"]);
    expect(&m, 1, &["tsdsl::engine::import_too_deep", "more than 64 levels deep", "imported here"]);
}

#[test]
fn a_chain_of_1000_stacks_is_too_deep_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1000 {
        let read =
            if i < 999 { format!("let s = stack(\"s{}\");\n", i + 1) } else { String::new() };
        let body = format!(
            "{read}backend(\"s3\", #{{ bucket: \"b\", key: \"k{i}\", region: \"eu-west-1\" }});\noutput(\"o\", \"v\");\n"
        );
        fs::write(dir.path().join(format!("s{i}.rhai")), body).unwrap();
    }
    let m = measure(dir.path(), &["check", "s0.rhai"]);
    expect(&m, 1, &["tsdsl::model::stack_too_deep", "more than 32 levels deep", "s0.rhai:1:9"]);
}

#[test]
fn stacks_reading_each_other_still_a_cycle() {
    let m = check("stack_cycle/a.rhai", &[]);
    expect(&m, 1, &["tsdsl::model::stack_cycle", "a → b → a"]);
}

#[test]
fn absurd_timeouts_are_refused_not_a_panic() {
    for t in ["18446744073709551615", "0", "-1", "86401", "1e9", "ten"] {
        let m = check("deadline/loop.rhai", &[&format!("--timeout={t}")]);
        expect(&m, 2, &["--timeout"]);
    }
}

// ------------------------------------------------------------------ one budget

#[test]
fn an_endless_loop_stops_at_the_deadline() {
    let m = check("deadline/loop.rhai", &["--timeout", "2"]);
    expect(&m, 1, &["tsdsl::engine::timeout", "loop.rhai:3:"]);
    within_deadline(&m, 2);
}

#[test]
fn slow_operations_are_seen_by_the_deadline() {
    // Each push clones the array (Rhai's debugger keeps call arguments): one
    // operation grows slow, so the clock is read every few operations.
    let m = check("deadline/push.rhai", &["--timeout", "2"]);
    expect(&m, 1, &["tsdsl::engine::timeout"]);
    within_deadline(&m, 2);
}

#[test]
fn every_stack_shares_one_deadline() {
    let m = check("deadline/stacks/a.rhai", &["--timeout", "2"]);
    expect(&m, 1, &["tsdsl::engine::timeout"]);
    within_deadline(&m, 2);
}

#[test]
fn sleep_timestamp_and_exit_are_not_available() {
    for (f, name, at) in [
        ("sandbox/sleep.rhai", "sleep", "sleep.rhai:1:1"),
        ("sandbox/sleep_float.rhai", "sleep", "sleep_float.rhai:1:1"),
        ("sandbox/timestamp.rhai", "timestamp", "timestamp.rhai:1:9"),
        ("sandbox/exit.rhai", "exit", "exit.rhai:2:1"),
    ] {
        let m = check(f, &[]);
        expect(&m, 1, &["tsdsl::engine::not_available", &format!("`{name}` is not available"), at]);
    }
    let m = check("sandbox/sleep_long.rhai", &["--timeout", "2"]);
    expect(&m, 1, &["tsdsl::engine::not_available"]);
    within_deadline(&m, 2);
}

#[test]
fn a_map_nested_in_a_loop_is_too_deep() {
    // A generous deadline: building the map is quadratic in Rhai itself.
    let m = check("limits/nested.rhai", &["--timeout", "60"]);
    expect(&m, 1, &["tsdsl::engine::too_deep", "more than 64 levels", "nested.rhai:3:41"]);
}

#[test]
fn a_map_nested_10000_times_ends_without_a_crash() {
    let m = check("limits/nested10k.rhai", &["--timeout", "2"]);
    assert!(m.status == Some(1), "{m}");
    assert!(
        m.stderr.contains("tsdsl::engine::too_deep") || m.stderr.contains("tsdsl::engine::timeout"),
        "{m}"
    );
    expect(&m, 1, &[]);
    within_deadline(&m, 2);
}

/// A chain of closures each capturing the one before costs little memory
/// a link; dropping it recursed once per link and overflowed the build
/// thread's stack at 1.5 million links (SIGABRT, and `watch` died with it).
#[test]
fn a_long_chain_of_closures_is_dropped_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let chain = "let f = || 1;\nfor i in 0..1500000 { let g = f; f = || g.call() + 1; }\n";
    fs::write(dir.path().join("top.rhai"), format!("{chain}output(\"o\", \"v\");\n")).unwrap();
    let local = format!("fn build() {{\n{chain}1 }}\noutput(\"o\", build());\n");
    fs::write(dir.path().join("local.rhai"), local).unwrap();
    for script in ["top.rhai", "local.rhai"] {
        let m = measure(dir.path(), &["check", "--timeout", "60", script]);
        expect(&m, 0, &[]);
        assert!(m.stdout.contains("1 output"), "{m}");
    }
}

/// Rhai stops nesting at 128 levels at once; what tsdsl did next (looking
/// for the unclosed bracket) was quadratic in the line: 37 s for 300,000
/// `(`, past `--timeout 1`. The same for a call with 300,000 arguments,
/// looked up once per argument.
#[test]
fn deeply_nested_or_very_wide_source_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300_000;
    let parens = format!("let x = {}1{};\n", "(".repeat(n), ")".repeat(n));
    fs::write(dir.path().join("parens.rhai"), parens).unwrap();
    fs::write(
        dir.path().join("maps.rhai"),
        format!("let x = {}1{};\n", "#{a:".repeat(n), "}".repeat(n)),
    )
    .unwrap();
    fs::write(dir.path().join("args.rhai"), format!("f({}0);\n", "0,".repeat(n))).unwrap();
    for (script, says) in [
        ("parens.rhai", "parens.rhai:1:72"),
        ("maps.rhai", "maps.rhai:1:"),
        ("args.rhai", "is called with 300001 arguments; a call takes at most 64"),
    ] {
        let m = measure(dir.path(), &["check", "--timeout", "2", script]);
        expect(&m, 1, &["tsdsl::script::syntax", says]);
        assert!(!m.stderr.contains("tsdsl::engine::timeout"), "{m}");
        within_deadline(&m, 2);
    }
}

/// A `--schema` file is read into the shapes tsdsl uses: what it does not
/// read is skipped unbuilt. A 40 MB array beside the schemas took over a
/// gigabyte as a generic JSON tree (200 MB aborted on a 4.8 GB allocation).
#[test]
fn unread_parts_of_a_schema_file_cost_no_memory() {
    let dir = tempfile::tempdir().unwrap();
    let junk = format!(
        "{{\"format_version\":\"1.0\",\"provider_schemas\":{{}},\"junk\":[{}0]}}",
        "0,".repeat(20_000_000)
    );
    fs::write(dir.path().join("s.json"), junk).unwrap();
    fs::write(dir.path().join("s.rhai"), "output(\"o\", \"v\");\n").unwrap();
    let m = measure(dir.path(), &["check", "--schema", "s.json", "s.rhai"]);
    expect(&m, 0, &[]);
    assert!(m.peak_rss_kb < 256 * 1024, "{m}");
}

#[test]
fn one_big_string_in_many_resources_hits_the_model_limit() {
    let m = check("limits/bigstr.rhai", &[]);
    expect(&m, 1, &["tsdsl::engine::model_too_large", "more than 64.0 MB", "bigstr.rhai:3:"]);
}

#[test]
fn a_million_looped_resources_hit_the_block_limit() {
    let m = check("limits/million.rhai", &["--timeout", "60"]);
    expect(&m, 1, &["tsdsl::engine::too_many_blocks", "more than 50000 blocks", "million.rhai:1:"]);
}

#[test]
fn large_values_in_many_calls_hit_the_memory_limit() {
    // Each value is within Rhai's limits; their sum (180 strings of 8 MB) is not.
    let m = check("limits/memory.rhai", &["--timeout", "60"]);
    expect(&m, 1, &["tsdsl::engine::out_of_memory", "more than 512.0 MB", "memory.rhai:"]);
}

// ------------------------------------------------------------------ files

fn escape_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let scripts = dir.path().join("scripts");
    fs::create_dir_all(&outside).unwrap();
    fs::create_dir_all(&scripts).unwrap();
    fs::write(outside.join("credentials"), "aws_secret_access_key = SUPERSECRET\n").unwrap();
    fs::write(outside.join("m.rhai"), "let x = \"SUPERSECRET\";\n").unwrap();
    std::os::unix::fs::symlink(outside.join("credentials"), scripts.join("creds.rhai")).unwrap();
    std::os::unix::fs::symlink(&outside, scripts.join("lib")).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

#[test]
fn a_symlink_out_of_the_folder_is_refused_without_its_content() {
    let dir = escape_dir();
    let scripts = dir.path().join("scripts");
    fs::write(scripts.join("main.rhai"), "import \"creds\" as c;\n").unwrap();
    let m = measure(&scripts, &["check", "main.rhai"]);
    expect(&m, 1, &["tsdsl::engine::bad_module_path", "leads outside the script's folder"]);
    assert!(!m.stderr.contains("SUPERSECRET") && !m.stdout.contains("SUPERSECRET"), "{m}");

    fs::write(scripts.join("stack.rhai"), "let c = stack(\"creds\");\n").unwrap();
    let m = measure(&scripts, &["check", "stack.rhai"]);
    expect(&m, 1, &["tsdsl::model::unknown_stack", "leads outside the script's folder"]);
    assert!(!m.stderr.contains("SUPERSECRET"), "{m}");
}

#[test]
fn a_symlinked_folder_out_of_the_folder_is_refused() {
    let dir = escape_dir();
    let scripts = dir.path().join("scripts");
    fs::write(scripts.join("dir.rhai"), "import \"lib/m\" as m;\n").unwrap();
    let m = measure(&scripts, &["check", "dir.rhai"]);
    expect(&m, 1, &["tsdsl::engine::bad_module_path", "leads outside", "dir.rhai:1:8"]);
    assert!(!m.stderr.contains("SUPERSECRET"), "{m}");
}

#[test]
fn devices_and_fifos_are_refused_fast() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("x.rhai"));
    mkfifo(&dir.path().join("schema.json"));
    fs::write(dir.path().join("fifo_mod.rhai"), "import \"x\" as x;\n").unwrap();
    fs::write(dir.path().join("ok.rhai"), "let a = 1;\n").unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.rhai")).unwrap();
    fs::write(dir.path().join("zero_mod.rhai"), "import \"zero\" as z;\n").unwrap();
    let cases: [(&[&str], i32, &str); 5] = [
        (&["check", "/dev/zero"], 2, "it is a device, not a regular file"),
        (&["check", "x.rhai"], 2, "named pipe (FIFO), not a regular file"),
        (&["check", "--schema", "schema.json", "ok.rhai"], 2, "named pipe (FIFO)"),
        (&["check", "fifo_mod.rhai"], 1, "named pipe (FIFO), not a regular file"),
        (&["check", "zero_mod.rhai"], 1, "cannot read module"),
    ];
    for (args, status, needle) in cases {
        let m = measure(dir.path(), args);
        expect(&m, status, &[needle]);
        assert!(m.wall < Duration::from_secs(5), "reading forever?\n{m}");
    }
}

#[test]
fn an_oversized_script_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("let a = \"{}\" +;\n", "x".repeat(20 << 20));
    fs::write(dir.path().join("huge.rhai"), big).unwrap();
    let m = measure(dir.path(), &["check", "huge.rhai"]);
    expect(&m, 2, &["more than the 8.0 MB a file may be"]);
    assert!(m.stderr.len() < 1000, "{m}");
}

#[test]
fn a_long_line_with_a_syntax_error_prints_a_short_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    // Under the size cap, one line of 5 MB.
    let long = format!("let b = 1;\nlet a = \"{}\" + ;\nlet c = 2;\n", "x".repeat(5 << 20));
    fs::write(dir.path().join("long.rhai"), long).unwrap();
    let m = measure(dir.path(), &["check", "long.rhai"]);
    expect(&m, 1, &["tsdsl::script::syntax", "long.rhai:2:", "let b = 1;", "…"]);
    assert!(m.stderr.len() < 4000, "{} bytes of diagnostic", m.stderr.len());
}

// ------------------------------------------------------------------ try/catch

#[test]
fn errors_about_the_model_fail_the_run_even_when_caught() {
    for (f, needle) in [
        ("try_catch/unknown_stack.rhai", "tsdsl::model::unknown_stack"),
        ("try_catch/bad_name.rhai", "tsdsl::model::invalid_name"),
        ("try_catch/undeclared.rhai", "tsdsl::model::undefined_reference"),
    ] {
        let m = check(f, &[]);
        expect(&m, 1, &[needle, ":1:"]);
    }
}

#[test]
fn a_script_may_catch_what_it_throws() {
    let m = check("try_catch/own_throw.rhai", &[]);
    expect(&m, 0, &[]);
}

// ------------------------------------------------------------------ already held

#[test]
fn path_escapes_eval_and_env_stay_refused() {
    for (f, needle) in [
        ("escapes/dotdot.rhai", "module path `../outside` must stay inside the script's folder"),
        ("escapes/absolute.rhai", "module path `/etc/passwd` must stay inside the script's folder"),
        ("escapes/stack_dotdot.rhai", "`../other` is not a valid Terraform name for a stack name"),
        ("escapes/eval.rhai", "'eval' is disabled"),
        ("escapes/env.rhai", "no function `env`"),
    ] {
        let m = check(f, &[]);
        expect(&m, 1, &[needle]);
    }
}

/// Two stacks that each hold most of the memory limit, built side by side by
/// `watch`: before, each had the whole limit, and together they could pass
/// the 1 GB bound. Now they share it, and the one that crosses it says so.
#[test]
#[allow(clippy::zombie_processes)] // killed, then reaped by `wait4` for its rusage
fn stacks_building_side_by_side_share_the_memory_limit() {
    // About 300 MB each (alone under the 512 MB limit), held for a moment.
    let heavy = "fn f(n, s) { if n == 0 { let i = 0; while i < 3000000 { i += 1; } return 0; }\n\
                 let t = s + \"y\"; f(n - 1, t) + t.len() }\n\
                 let s = \"x\";\nwhile s.len() < 5000000 { s += s; }\nf(30, s);\n";
    let t = Tsdsl::new().script("a.rhai", heavy).script("b.rhai", heavy);
    let alone = measure(t.path(), &["check", "--timeout", "60", "a.rhai"]);
    expect(&alone, 0, &[]);
    let log = t.path().join("watch.log");
    let child = Command::new(bin())
        .args(["watch", ".", "--timeout", "60", "--account-id", "123456789012"])
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(fs::File::create(t.path().join("watch.out")).unwrap())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut stderr = String::new();
    let both = |s: &str| s.contains("] a: ") && s.contains("] b: ");
    while Instant::now() < deadline && !both(&stderr) {
        std::thread::sleep(Duration::from_millis(100));
        stderr = fs::read_to_string(&log).unwrap_or_default();
    }
    // SAFETY: the child is ours and not yet reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet reaped; both pointers are valid.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(both(&stderr), "watch did not build both stacks\n{}", cut(&stderr));
    assert!((usage.ru_maxrss as u64) < MAX_RSS_KB, "over 1 GB: {} KB", usage.ru_maxrss);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores >= 2 {
        assert!(
            stderr.contains(
                "the stacks building side by side hold more than 512.0 MB of memory together"
            ),
            "{}",
            cut(&stderr)
        );
    } else {
        // One core: one build at a time, each within the limit.
        assert!(!stderr.contains(": error"), "{}", cut(&stderr));
    }
}

#[test]
fn watch_survives_an_import_cycle() {
    // Before: the stack overflow killed `watch` itself. Now the cycle is a
    // diagnostic and watch goes on waiting for a fix (the harness kills it).
    let t = Tsdsl::new()
        .script("a.rhai", "import \"b\" as b;\n")
        .script("b.rhai", "import \"a\" as a;\n");
    let log = t.path().join("watch.log");
    let mut child = Command::new(bin())
        .args(["watch", "a.rhai", "-o", "out"])
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stderr = String::new();
    while Instant::now() < deadline && !stderr.contains("a: error, nothing written") {
        std::thread::sleep(Duration::from_millis(100));
        stderr = fs::read_to_string(&log).unwrap_or_default();
    }
    // Still watching a moment later.
    std::thread::sleep(Duration::from_millis(300));
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(stderr.contains("a → b → a"), "{stderr}");
    assert!(alive, "watch ended\n{stderr}");
}
