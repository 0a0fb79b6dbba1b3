//! The output folder under hostile conditions: `kill -9` at every step of a
//! write, a disk that fills up mid-write, two writers at once, umasks,
//! files tsdsl did not write, dangerous folders, and `watch` catching a
//! script mid-save. After any of them the generated files are entirely the
//! old ones or entirely the new ones, at the latest once the next tsdsl
//! command has started, and nothing of the operator's is touched.
//!
//! Scripts live in `tests/hostile/out/`. The crash tests stop tsdsl before
//! its N-th file operation with `TSDSL_TEST_STOP_AT=N` (it then sleeps) and
//! kill it with SIGKILL; `TSDSL_TEST_FAIL_AT=N` fails that operation as a
//! full disk would.

use crate::support;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> String {
    let path = support::root().join("tests/hostile/out").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("tsdsl-hostile-out-").tempdir().unwrap()
}

fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(support::bin());
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("TSDSL_TEST_STOP_AT")
        .env_remove("TSDSL_TEST_FAIL_AT");
    cmd
}

fn tsdsl(cwd: &Path, args: &[&str]) -> Output {
    command(cwd, args).stdin(Stdio::null()).output().unwrap()
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    o
}

#[track_caller]
fn refused(o: Output, code: i32, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{}", show(&o));
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}\n{}", show(&o));
    }
    err
}

/// The generated-looking files of a folder (`.tf`, `.tf.json`), name → text.
fn generated(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if (name.ends_with(".tf") || name.ends_with(".tf.json")) && name != "extra.tf" {
            files.insert(name, fs::read_to_string(e.path()).unwrap());
        }
    }
    files
}

/// Files a crashed run may leave: temporary files and the journal.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tsdsl-"))
        .collect()
}

/// What the operator keeps in the folder beside the generated files.
const OPERATOR_FILES: [(&str, &str); 4] = [
    (".terraform/providers/marker", "provider binaries"),
    (".terraform.lock.hcl", "# lock file\n"),
    ("prod.tfvars", "env = \"prod\"\n"),
    ("extra.tf", "# hand-written\nlocals {\n  x = 1\n}\n"),
];

fn add_operator_files(dir: &Path) {
    for (name, text) in OPERATOR_FILES {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

#[track_caller]
fn assert_operator_files(dir: &Path) {
    for (name, text) in OPERATOR_FILES {
        assert_eq!(fs::read_to_string(dir.join(name)).ok().as_deref(), Some(text), "{name}");
    }
}

/// Which whole output `now` is, or a panic naming the mix.
#[track_caller]
fn old_or_new(
    now: &BTreeMap<String, String>,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    context: &str,
) -> &'static str {
    if now == old {
        "old"
    } else if now == new {
        "new"
    } else {
        let which: Vec<String> = now
            .iter()
            .map(|(n, t)| {
                let v = if old.get(n) == Some(t) {
                    "old"
                } else if new.get(n) == Some(t) {
                    "new"
                } else {
                    "neither"
                };
                format!("{n}={v}")
            })
            .collect();
        panic!("{context}: the generated files are mixed: {}", which.join(", "));
    }
}

/// Starts tsdsl told to stop before step `n`; true if it stopped there
/// (it is then killed with SIGKILL), false if it finished first.
fn run_until_step(cwd: &Path, args: &[&str], n: u64) -> (bool, String) {
    let mut child = command(cwd, args)
        .env("TSDSL_TEST_STOP_AT", n.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    let stopped = loop {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("tsdsl-test: stopped") => break true,
            Some(Ok(l)) => seen.push_str(&(l + "\n")),
            _ => break false,
        }
    };
    if stopped {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    if !stopped {
        assert!(status.success(), "finished without stopping, but failed: {status}\n{seen}");
    }
    (stopped, seen)
}

/// Old and new output of `stack.rhai`, written by clean runs into
/// reference folders (the header names the same script).
fn references(
    work: &Path,
    new_args: &[&str],
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "ref_old"]));
    fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
    let mut args = vec!["run", "stack.rhai", "-o", "ref_new"];
    args.extend(new_args);
    ok(tsdsl(work, &args));
    let (old, new) = (generated(&work.join("ref_old")), generated(&work.join("ref_new")));
    assert!(old.keys().all(|k| new.get(k) != old.get(k)), "every file must change");
    (old, new)
}

/// Kill -9 before every file operation of a write (and, when the write had
/// committed, once more in the middle of the recovery), then start the next
/// command: a run of a broken script. The generated files must then be
/// entirely old or entirely new, the operator's files untouched, no
/// temporary file left.
fn kill_at_every_step(new_args: &[&str]) {
    let work = tempdir();
    let work = work.path();
    let (old, new) = references(work, new_args);
    let out = work.join("out");
    let mut run_new = vec!["run", "stack.rhai", "-o", "out"];
    run_new.extend(new_args);
    let mut outcomes = Vec::new();
    for n in 1.. {
        assert!(n < 200, "the write never finished");
        let _ = fs::remove_dir_all(&out);
        fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
        ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
        add_operator_files(&out);
        fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
        let (stopped, _) = run_until_step(work, &run_new, n);
        if !stopped {
            assert_eq!(generated(&out), new, "an uninterrupted run writes the new output");
            break;
        }
        fs::write(work.join("stack.rhai"), fixture("broken.rhai")).unwrap();
        let committed = out.join(".tsdsl-journal").exists();
        if committed {
            // A crash in the middle of the recovery itself.
            run_until_step(work, &["run", "stack.rhai", "-o", "out"], 1 + n % 3);
        }
        let next = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
        assert_eq!(next.status.code(), Some(1), "{}", show(&next));
        let which = old_or_new(&generated(&out), &old, &new, &format!("killed before step {n}"));
        assert_eq!(leftovers(&out), Vec::<String>::new(), "killed before step {n}");
        assert_operator_files(&out);
        if committed {
            assert_eq!(which, "new", "a committed journal is carried out (step {n})");
        }
        outcomes.push(which);
    }
    let new_count = outcomes.iter().filter(|o| **o == "new").count();
    println!("{} kill points: {} old, {new_count} new", outcomes.len(), outcomes.len() - new_count);
    // The kills fell on both sides of the commit point.
    assert!(outcomes.contains(&"old") && outcomes.contains(&"new"), "{outcomes:?}");
    assert!(outcomes.len() > 15, "too few steps: {outcomes:?}");
}

#[test]
fn kill_9_at_every_step_leaves_the_old_or_the_new_output() {
    kill_at_every_step(&[]);
}

#[test]
fn kill_9_at_every_step_of_a_switch_to_json() {
    kill_at_every_step(&["--format", "json"]);
}

/// An I/O error (as a full disk gives) at every step of a write: before
/// the commit the old output stays and no temporary file is left; after it
/// the run says the output is partly in place and the next command
/// finishes it.
#[test]
fn an_io_error_at_every_step_leaves_the_old_or_the_new_output() {
    injected_failures(tempdir().path());
}

fn injected_failures(work: &Path) {
    let (old, new) = references(work, &[]);
    let out = work.join("out");
    let mut outcomes = Vec::new();
    for n in 1.. {
        assert!(n < 200, "the write never finished");
        let _ = fs::remove_dir_all(&out);
        fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
        ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
        fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
        let o = command(work, &["run", "stack.rhai", "-o", "out"])
            .env("TSDSL_TEST_FAIL_AT", n.to_string())
            .output()
            .unwrap();
        if o.status.success() {
            assert_eq!(generated(&out), new);
            break;
        }
        let err = refused(o, 2, &["no space left on device"]);
        if out.join(".tsdsl-journal").exists() {
            assert!(err.contains("only partly in place") && err.contains("finishes it"), "{err}");
            fs::write(work.join("stack.rhai"), fixture("broken.rhai")).unwrap();
            tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
            assert_eq!(generated(&out), new, "failed at step {n}, then recovered");
            outcomes.push("new");
        } else {
            assert!(err.contains("nothing was replaced") && !err.contains(".tsdsl-tmp"), "{err}");
            assert_eq!(generated(&out), old, "failed at step {n}");
            outcomes.push("old");
        }
        assert_eq!(leftovers(&out), Vec::<String>::new(), "failed at step {n}");
    }
    assert!(outcomes.contains(&"old") && outcomes.contains(&"new"), "{outcomes:?}");
}

/// A real full disk: a size-limited tmpfs, mounted in a private mount
/// namespace (`unshare`), where this test runs itself again. Where no
/// tmpfs can be mounted, the same checks run with injected failures
/// (`TSDSL_TEST_FAIL_AT`) and the test says so.
#[test]
fn a_full_disk_mid_write_leaves_the_old_output_and_no_temporary_file() {
    let work = tempdir();
    let me = std::env::current_exe().unwrap();
    let o = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "--"])
        .arg(&me)
        .args(["--exact", "full_disk_inside_a_tmpfs", "--include-ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env("TSDSL_HOSTILE_TMPFS", work.path())
        .output();
    let text = |o: &Output| {
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    };
    match o {
        Ok(o) if text(&o).contains("tmpfs mounted") => {
            assert!(o.status.success(), "{}", text(&o));
            assert!(text(&o).contains("1 passed"), "{}", text(&o));
        }
        other => {
            let why = other.map(|o| text(&o)).unwrap_or_else(|e| e.to_string());
            eprintln!(
                "NOTE: no tmpfs could be mounted here ({}); the full disk is simulated with \
                 injected write failures instead",
                why.lines().last().unwrap_or_default()
            );
            injected_failures(work.path());
        }
    }
}

/// The inside of the test above; does nothing unless run by it.
#[test]
#[ignore = "run by a_full_disk_mid_write_leaves_the_old_output_and_no_temporary_file"]
fn full_disk_inside_a_tmpfs() {
    let Some(work) = std::env::var_os("TSDSL_HOSTILE_TMPFS").map(PathBuf::from) else { return };
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(&work, &["run", "stack.rhai", "-o", "ref_old"]));
    let old = generated(&work.join("ref_old"));
    let big = fixture("big.rhai").replace("COUNT", "400");
    fs::write(work.join("stack.rhai"), &big).unwrap();
    ok(tsdsl(&work, &["run", "stack.rhai", "-o", "ref_new"]));
    let new = generated(&work.join("ref_new"));
    let size: usize = new.values().map(String::len).sum();
    assert!(size > 300_000, "the large output is {size} bytes");

    let disk = work.join("disk");
    fs::create_dir_all(&disk).unwrap();
    let (mut failed, mut fitted) = (0, 0);
    let mut failed_at = std::collections::BTreeSet::new();
    for kib in (48..=480).step_by(48) {
        let mount = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&disk)
            .output()
            .unwrap();
        if !mount.status.success() {
            println!("tmpfs refused: {}", String::from_utf8_lossy(&mount.stderr));
            return;
        }
        println!("tmpfs mounted: {kib} KiB");
        let out = disk.join("out");
        fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
        ok(tsdsl(&work, &["run", "stack.rhai", "-o", out.to_str().unwrap()]));
        fs::write(work.join("stack.rhai"), &big).unwrap();
        let o = tsdsl(&work, &["run", "stack.rhai", "-o", out.to_str().unwrap()]);
        let now = generated(&out);
        if o.status.success() {
            assert_eq!(now, new, "{kib} KiB");
            println!("{kib} KiB: the new output fitted");
            fitted += 1;
        } else {
            let err = refused(
                o,
                2,
                &["tsdsl::output::not_written", "No space left on device", "nothing was replaced"],
            );
            assert_eq!(now, old, "{kib} KiB: a full disk leaves the old output");
            let file = err.split("cannot write `").nth(1).and_then(|r| r.split('`').next());
            let file = Path::new(file.unwrap_or_default()).file_name().unwrap().to_owned();
            println!("{kib} KiB: disk full writing {file:?}, the old output stays");
            failed_at.insert(file);
            failed += 1;
        }
        assert_eq!(leftovers(&out), Vec::<String>::new(), "{kib} KiB");
        assert!(Command::new("umount").arg(&disk).status().unwrap().success());
    }
    assert!(failed > 3 && fitted > 0, "failed {failed}, fitted {fitted}");
    assert!(failed_at.len() >= 2, "the disk filled up at only {failed_at:?}");
}

#[test]
fn a_second_writer_into_the_same_folder_is_refused() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
    // The first writer is stopped in the middle of its write, lock held.
    let mut first = command(work, &["run", "stack.rhai", "-o", "out"])
        .env("TSDSL_TEST_STOP_AT", "5")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stopped = BufReader::new(first.stderr.as_mut().unwrap())
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with("tsdsl-test: stopped"));
    assert!(stopped, "the first writer did not stop mid-write");
    for cmd in [&["run", "stack.rhai", "-o", "out"][..], &["watch", "stack.rhai", "-o", "out"]] {
        let o = command(work, cmd).stdin(Stdio::null()).output().unwrap();
        refused(o, 2, &["tsdsl::output::locked", "another tsdsl is writing to `out`"]);
    }
    first.kill().unwrap();
    first.wait().unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));

    // `watch` holds its folder for as long as it runs.
    let mut watch = spawn_watch(work, "stack.rhai");
    wait_for(&watch.log, "] stack: ");
    let o = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
    refused(o, 2, &["another tsdsl is writing"]);
    watch.child.kill().unwrap();
    watch.child.wait().unwrap();
}

#[cfg(unix)]
fn mode_after(umask: &str, work: &Path) -> Vec<u32> {
    use std::os::unix::fs::PermissionsExt;
    let line = format!("umask {umask}; exec \"$0\" run stack.rhai -o out");
    let o = Command::new("sh")
        .args(["-c", &line])
        .arg(support::bin())
        .current_dir(work)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    ok(o);
    generated(&work.join("out"))
        .keys()
        .map(|n| fs::metadata(work.join("out").join(n)).unwrap().permissions().mode() & 0o777)
        .collect()
}

#[cfg(unix)]
#[test]
fn files_get_the_mode_the_umask_gives() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    assert!(mode_after("022", work).iter().all(|m| *m == 0o644));
    // Replaced files take the mode of the run that replaced them.
    fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
    assert!(mode_after("077", work).iter().all(|m| *m == 0o600));
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    assert!(mode_after("002", work).iter().all(|m| *m == 0o664));
}

/// A folder holding `files`, then a run of `old.rhai` into it.
fn run_into(files: &[(&str, &str)], extra: &[&str]) -> (tempfile::TempDir, Output) {
    let work = tempdir();
    fs::write(work.path().join("stack.rhai"), fixture("old.rhai")).unwrap();
    for (name, text) in files {
        let p = work.path().join("out").join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    let mut args = vec!["run", "stack.rhai", "-o", "out"];
    args.extend(extra);
    let o = tsdsl(work.path(), &args);
    (work, o)
}

#[test]
fn a_hand_written_file_is_never_replaced() {
    let mine = "resource \"aws_vpc\" \"mine\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n";
    let (work, o) = run_into(&[("main.tf", mine)], &[]);
    refused(
        o,
        2,
        &[
            "tsdsl::output::not_generated",
            "refusing to replace `out/main.tf`: tsdsl did not write it",
            "move it out of `out`",
        ],
    );
    assert_eq!(fs::read_to_string(work.path().join("out/main.tf")).unwrap(), mine);
    assert_eq!(generated(&work.path().join("out")).len(), 1, "nothing else was written");
}

#[test]
fn a_file_that_only_mentions_the_marker_is_not_ours() {
    let mention = "# notes\n# Generated by tsdsl from stack.rhai; do not edit.\nlocals {}\n";
    let (work, o) = run_into(&[("main.tf", mention)], &[]);
    refused(o, 2, &["refusing to replace `out/main.tf`"]);
    assert_eq!(fs::read_to_string(work.path().join("out/main.tf")).unwrap(), mention);

    // Nor is it removed as stale when the output no longer has that name.
    let (work, o) = run_into(&[("network.tf", mention)], &[]);
    ok(o);
    assert_eq!(fs::read_to_string(work.path().join("out/network.tf")).unwrap(), mention);
}

#[test]
fn another_scripts_output_in_the_folder_is_refused() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("a.rhai"), fixture("old.rhai")).unwrap();
    fs::write(work.join("b.rhai"), fixture("new.rhai")).unwrap();
    ok(tsdsl(work, &["run", "a.rhai", "-o", "out"]));
    let before = generated(&work.join("out"));
    let o = tsdsl(work, &["run", "b.rhai", "-o", "out"]);
    refused(
        o,
        2,
        &[
            "tsdsl::output::other_script",
            "`out/main.tf` was generated from `a.rhai`, not from `b.rhai`",
        ],
    );
    assert_eq!(generated(&work.join("out")), before);
    // The same script typed from another folder is still the same script.
    let o = tsdsl(&work.join("out"), &["run", "../a.rhai", "-o", "."]);
    ok(o);
}

#[test]
fn a_script_of_the_same_name_in_another_folder_is_another_script() {
    let work = tempdir();
    let work = work.path();
    for (dir, text) in [("a", "old.rhai"), ("b", "new.rhai")] {
        fs::create_dir_all(work.join(dir)).unwrap();
        fs::write(work.join(dir).join("x.rhai"), fixture(text)).unwrap();
    }
    ok(tsdsl(&work.join("a"), &["run", "x.rhai", "-o", "../out/x"]));
    let before = generated(&work.join("out/x"));
    // The marker is a path from the output folder, whatever folder tsdsl ran in.
    assert!(
        before.values().all(|t| t.starts_with("# Generated by tsdsl from ../../a/x.rhai;")),
        "{before:?}"
    );
    let o = tsdsl(&work.join("b"), &["run", "x.rhai", "-o", "../out/x"]);
    refused(
        o,
        2,
        &["tsdsl::output::other_script", "was generated from `../a/x.rhai`, not from `x.rhai`"],
    );
    assert_eq!(generated(&work.join("out/x")), before);
    // The same script run from the top folder writes the very same files.
    ok(tsdsl(work, &["run", "a/x.rhai", "-o", "out/x"]));
    assert_eq!(generated(&work.join("out/x")), before);
}

#[test]
fn an_output_that_would_become_empty_needs_allow_empty() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    add_operator_files(&work.join("out"));
    let before = generated(&work.join("out"));
    fs::write(work.join("stack.rhai"), "// emptied\n").unwrap();
    let o = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
    refused(o, 2, &["tsdsl::output::would_be_empty", "remove the 4 files", "--allow-empty"]);
    assert_eq!(generated(&work.join("out")), before);
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out", "--allow-empty"]));
    assert!(generated(&work.join("out")).is_empty());
    assert_operator_files(&work.join("out"));
    // Empty into a fresh folder removes nothing: no flag needed.
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "fresh"]));
}

#[test]
fn the_root_folder_is_refused_outright() {
    let work = tempdir();
    // A broken script: even if the check regressed, nothing could be written.
    fs::write(work.path().join("stack.rhai"), fixture("broken.rhai")).unwrap();
    for extra in [&[][..], &["--force-dir"]] {
        let mut args = vec!["run", "stack.rhai", "-o", "/"];
        args.extend(extra);
        refused(tsdsl(work.path(), &args), 2, &["tsdsl::output::root_folder"]);
    }
    assert!(!Path::new("/main.tf").exists());
}

#[test]
fn the_home_folder_and_folders_above_the_script_need_force_dir() {
    let work = tempdir();
    let home = work.path().join("home");
    fs::create_dir_all(home.join("infra/scripts")).unwrap();
    fs::write(home.join("infra/scripts/stack.rhai"), fixture("old.rhai")).unwrap();
    let run = |cwd: &Path, out: &str, force: bool| {
        let mut args = vec!["run", "scripts/stack.rhai", "-o", out];
        if force {
            args.push("--force-dir");
        }
        command(cwd, &args).env("HOME", &home).output().unwrap()
    };
    let infra = home.join("infra");
    let h = home.to_str().unwrap();
    refused(run(&infra, h, false), 2, &["tsdsl::output::home_folder", "--force-dir"]);
    refused(run(&infra, ".", false), 2, &["tsdsl::output::folder_above_script", "--force-dir"]);
    assert!(generated(&home).is_empty() && generated(&infra).is_empty());
    ok(run(&infra, ".", true));
    assert!(infra.join("main.tf").exists());
    // The script's own folder and folders below are fine.
    ok(run(&infra, "scripts/out", false));
}

#[test]
fn stale_temporary_files_are_cleaned_and_a_foreign_journal_is_refused() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    // What older versions or crashed runs left: a large temporary file.
    fs::write(work.join("out/.tsdsl-a1B2c3"), vec![b'x'; 4 << 20]).unwrap();
    fs::write(work.join("out/.tsdsl-tmp-Zz9"), "resource").unwrap();
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("deleted 2 temporary files"));
    assert_eq!(leftovers(&work.join("out")), Vec::<String>::new());

    // A journal committed by someone else names the operator's files.
    add_operator_files(&work.join("out"));
    let evil = r#"{"replace":[],"remove":[".terraform.lock.hcl"]}"#;
    fs::write(work.join("out/.tsdsl-journal"), evil).unwrap();
    let o = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
    refused(o, 2, &["tsdsl::output::bad_journal", "it removes `.terraform.lock.hcl`"]);
    assert_operator_files(&work.join("out"));
    // Nor does one replace them.
    fs::write(work.join("out/.tsdsl-tmp-evil"), "# Generated by tsdsl from x; do not edit.\n")
        .unwrap();
    let evil = r#"{"replace":[[".tsdsl-tmp-evil","extra.tf"]],"remove":[]}"#;
    fs::write(work.join("out/.tsdsl-journal"), evil).unwrap();
    let o = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
    refused(o, 2, &["tsdsl::output::bad_journal", "it replaces `extra.tf`"]);
    assert_operator_files(&work.join("out"));
    fs::remove_file(work.join("out/.tsdsl-tmp-evil")).unwrap();
    // Even a well-formed one removes only files that tsdsl generated.
    let journal = r#"{"replace":[],"remove":["extra.tf"]}"#;
    fs::write(work.join("out/.tsdsl-journal"), journal).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    assert_operator_files(&work.join("out"));
}

#[test]
fn a_rename_is_reported_with_the_moved_block_to_add() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    let renamed = fixture("old.rhai").replace("\"logs\"", "\"app_logs\"");
    fs::write(work.join("stack.rhai"), &renamed).unwrap();
    // The change summary tells the rename once, with the line to add; the
    // write's warning does not repeat it.
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let line = "moved(\"aws_s3_bucket.logs\", \"aws_s3_bucket.app_logs\");";
    assert!(out.contains("likely renamed from aws_s3_bucket.logs"), "{out}");
    assert_eq!(out.matches(line).count(), 1, "{out}");
    assert!(!err.contains("renamed") && !err.contains(line), "{err}");
    assert!(fs::read_to_string(work.join("out/main.tf")).unwrap().contains("\"app_logs\""));

    // Without the summary, the warning says it.
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    fs::write(work.join("stack.rhai"), &renamed).unwrap();
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out", "--changes", "none"]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("tsdsl::output::renamed"), "{err}");
    assert!(err.contains("`aws_s3_bucket.logs` is gone and `aws_s3_bucket.app_logs` is new"));
    assert!(err.contains(line), "{err}");

    // The line offered is tsdsl code that works: with it the rename is a
    // move, written out, and no longer a surprise.
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    fs::write(work.join("stack.rhai"), format!("{renamed}\n{line}\n")).unwrap();
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("renamed"), "{err}");
    let all: String = fs::read_dir(work.join("out"))
        .unwrap()
        .filter_map(|e| fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    assert!(all.contains("from = aws_s3_bucket.logs"), "{all}");

    // Machine-readable too; a changed value or a plain removal is no rename.
    let back = fixture("old.rhai");
    fs::write(work.join("stack.rhai"), &back).unwrap();
    let o = ok(tsdsl(
        work,
        &["run", "stack.rhai", "-o", "out", "--message-format", "json", "--changes", "none"],
    ));
    let line = String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or_default().to_owned();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["code"], "tsdsl::output::renamed");
    assert_eq!(v["severity"], "warning");
    let changed = back.replace("old-logs", "other-logs");
    fs::write(work.join("stack.rhai"), &changed).unwrap();
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("renamed"));
    let removed = changed.replace("resource(\"aws_s3_bucket\"", "// resource(\"aws_s3_bucket\"");
    fs::write(work.join("stack.rhai"), removed).unwrap();
    let o = ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("renamed"));
}

// ---- watch -------------------------------------------------------------

struct Watch {
    child: Child,
    log: Arc<Mutex<String>>,
}

fn spawn_watch(work: &Path, script: &str) -> Watch {
    let mut child = command(work, &["watch", script, "-o", "out"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = support::stderr_log(&mut child);
    Watch { child, log }
}

#[track_caller]
fn wait_for(log: &Arc<Mutex<String>>, needle: &str) {
    wait_until(&format!("{needle:?} in the log"), || log.lock().unwrap().contains(needle), log);
}

#[track_caller]
fn wait_until(what: &str, mut ok: impl FnMut() -> bool, log: &Arc<Mutex<String>>) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "gave up waiting for {what}\n{}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

use support::saves::{delete_and_recreate, temp_then_rename, truncate_then_write, Save};

/// Renames the file to a backup, writes a new one, drops the backup (vim).
fn backup_by_rename(p: &Path, text: &str) {
    let backup = p.with_file_name("web.rhai~");
    fs::rename(p, &backup).unwrap();
    std::thread::sleep(Duration::from_millis(30));
    fs::write(p, text).unwrap();
    fs::remove_file(backup).unwrap();
}

/// Copies a backup, then truncates and writes in two chunks with a pause
/// longer than the event batching (a slow writer). The first chunk ends
/// with a whole statement: read alone it builds, with one resource less.
fn backup_by_copy_then_chunks(p: &Path, text: &str) {
    let backup = p.with_file_name("web.rhai~");
    fs::copy(p, &backup).unwrap();
    let mut f = fs::OpenOptions::new().write(true).truncate(true).open(p).unwrap();
    let cut = text.find("resource(\"aws_s3_bucket\"").unwrap();
    let (head, tail) = text.split_at(cut);
    f.write_all(head.as_bytes()).unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(150));
    f.write_all(tail.as_bytes()).unwrap();
    drop(f);
    fs::remove_file(backup).unwrap();
}

/// Every save style, several times: whatever moment `watch` reads the file
/// at, `main.tf` is always one complete output, never empty or partial.
#[test]
fn watch_never_writes_a_file_caught_mid_save() {
    let work = tempdir();
    let work = work.path();
    let script = work.join("web.rhai");
    let text = |v: &str| fixture("web.rhai").replace("SIZE", v);
    let mut expected = Vec::new();
    for v in ["a", "b"] {
        fs::write(&script, text(v)).unwrap();
        ok(tsdsl(work, &["run", "web.rhai", "-o", &format!("ref_{v}")]));
        expected.push(fs::read_to_string(work.join(format!("ref_{v}/main.tf"))).unwrap());
    }
    fs::write(&script, text("a")).unwrap();
    let mut watch = spawn_watch(work, "web.rhai");
    let main = work.join("out/main.tf");
    wait_until(
        "the first build",
        || fs::read_to_string(&main).ok() == Some(expected[0].clone()),
        &watch.log,
    );

    // Every read of main.tf while saves happen sees one whole output.
    let stop = Arc::new(AtomicBool::new(false));
    let seen_bad = Arc::new(Mutex::new(Vec::new()));
    let poller = {
        let (stop, seen_bad, expected, main) =
            (stop.clone(), seen_bad.clone(), expected.clone(), main.clone());
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while !stop.load(Ordering::Relaxed) {
                match fs::read_to_string(&main) {
                    Ok(t) if expected.contains(&t) => {}
                    Ok(t) => seen_bad.lock().unwrap().push(format!(
                        "{} bytes, {} resources",
                        t.len(),
                        t.matches("\nresource \"").count()
                    )),
                    Err(e) => seen_bad.lock().unwrap().push(format!("unreadable: {e}")),
                }
                reads += 1;
            }
            reads
        })
    };
    let styles: [(&str, Save); 5] = [
        ("truncate then write", truncate_then_write),
        ("temp then rename", temp_then_rename),
        ("backup by rename", backup_by_rename),
        ("delete and recreate", delete_and_recreate),
        ("backup by copy, chunks", backup_by_copy_then_chunks),
    ];
    let mut i = 0;
    for (name, save) in styles {
        for _ in 0..3 {
            i += 1;
            let v = i % 2;
            save(&script, &text(["a", "b"][v]));
            let want = expected[v].clone();
            wait_until(name, || fs::read_to_string(&main).ok() == Some(want.clone()), &watch.log);
        }
    }

    // An editor that truncates and then stalls: the empty script is read,
    // and its empty output is not written.
    let f = fs::OpenOptions::new().write(true).truncate(true).open(&script).unwrap();
    wait_for(&watch.log, "tsdsl::output::would_be_empty");
    drop(f);
    assert_eq!(fs::read_to_string(&main).unwrap(), expected[i % 2]);
    fs::write(&script, text(["a", "b"][(i + 1) % 2])).unwrap();
    let want = expected[(i + 1) % 2].clone();
    wait_until(
        "the save after the stall",
        || fs::read_to_string(&main).ok() == Some(want.clone()),
        &watch.log,
    );

    stop.store(true, Ordering::Relaxed);
    let reads = poller.join().unwrap();
    watch.child.kill().unwrap();
    watch.child.wait().unwrap();
    let bad = seen_bad.lock().unwrap();
    assert!(bad.is_empty(), "{} bad reads of {reads}: {:?}", bad.len(), &bad[..bad.len().min(3)]);
    assert!(reads > 100, "the poller read {reads} times");
}

/// A save that drops most of the resources is held back until the same
/// content is saved again.
#[test]
fn watch_holds_back_an_output_that_lost_most_resources_until_saved_again() {
    let work = tempdir();
    let work = work.path();
    let script = work.join("web.rhai");
    let full = fixture("web.rhai").replace("SIZE", "a");
    fs::write(&script, &full).unwrap();
    let mut watch = spawn_watch(work, "web.rhai");
    let main = work.join("out/main.tf");
    wait_for(&watch.log, ": written in");
    let before = fs::read_to_string(&main).unwrap();
    // What a save cut after its first statements would look like.
    let cut: String = full.lines().take(6).map(|l| format!("{l}\n")).collect();
    fs::write(&script, &cut).unwrap();
    wait_for(&watch.log, "the output would go from 8 to 1");
    // Not confirmed by the events of that same save.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(fs::read_to_string(&main).unwrap(), before);
    fs::write(&script, &cut).unwrap();
    wait_until(
        "the confirmed save",
        || fs::read_to_string(&main).is_ok_and(|t| t != before),
        &watch.log,
    );
    assert!(!fs::read_to_string(&main).unwrap().contains("aws_subnet"));
    watch.child.kill().unwrap();
    watch.child.wait().unwrap();
}

#[test]
fn watch_makes_the_output_folder_again_if_it_is_deleted() {
    let work = tempdir();
    let work = work.path();
    let script = work.join("web.rhai");
    fs::write(&script, fixture("web.rhai").replace("SIZE", "a")).unwrap();
    let mut watch = spawn_watch(work, "web.rhai");
    wait_for(&watch.log, ": written in");
    fs::remove_dir_all(work.join("out")).unwrap();
    fs::write(&script, fixture("web.rhai").replace("SIZE", "b")).unwrap();
    let main = work.join("out/main.tf");
    let rebuilt = || fs::read_to_string(&main).is_ok_and(|t| t.contains("assets-b"));
    wait_until("the output folder made again", rebuilt, &watch.log);
    // And it is locked again.
    refused(tsdsl(work, &["run", "web.rhai", "-o", "out"]), 2, &["another tsdsl is writing"]);
    watch.child.kill().unwrap();
    watch.child.wait().unwrap();
}

/// Blocks follow the call that makes them from file to file: `new.rhai`
/// makes the `logs` bucket with `s3::private_bucket`, so it leaves `main.tf`
/// for `s3.tf`; back to the raw call, the stale `s3.tf` goes. A
/// hand-written file stays, and one in the way of a new file is refused.
#[test]
fn blocks_move_between_files_with_their_call() {
    let work = tempdir();
    let work = work.path();
    let out = work.join("out");
    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    add_operator_files(&out);
    fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    let files = generated(&out);
    assert!(files["s3.tf"].contains("# s3::private_bucket \"logs\"\n"), "{files:?}");
    assert!(files["s3.tf"].contains("resource \"aws_s3_bucket\" \"logs\""));
    assert!(!files["main.tf"].contains("\"logs\""), "{}", files["main.tf"]);
    assert_operator_files(&out);

    fs::write(work.join("stack.rhai"), fixture("old.rhai")).unwrap();
    ok(tsdsl(work, &["run", "stack.rhai", "-o", "out"]));
    let files = generated(&out);
    assert!(!out.join("s3.tf").exists(), "the stale s3.tf goes: {files:?}");
    assert!(files["main.tf"].contains("resource \"aws_s3_bucket\" \"logs\""));
    assert_operator_files(&out);

    // The operator's own s3.tf is in the way of the generated one.
    let mine = "# mine\nlocals {\n  y = 2\n}\n";
    fs::write(out.join("s3.tf"), mine).unwrap();
    fs::write(work.join("stack.rhai"), fixture("new.rhai")).unwrap();
    let o = tsdsl(work, &["run", "stack.rhai", "-o", "out"]);
    refused(o, 2, &["refusing to replace `out/s3.tf`: tsdsl did not write it"]);
    assert_eq!(fs::read_to_string(out.join("s3.tf")).unwrap(), mine);
    assert!(generated(&out)["main.tf"].contains("\"logs\""), "the old output stays whole");
}

#[test]
fn a_file_name_the_file_system_refuses_is_refused_before_anything_moves() {
    let work = tempdir();
    let work = work.path();
    let stem = "a".repeat(250);
    fs::write(
        work.join(format!("{stem}.rhai")),
        "resource(\"aws_s3_bucket\", \"x\", #{ bucket: \"h\" });\n",
    )
    .unwrap();
    let script = format!(
        "import \"{stem}\" as m;\nresource(\"aws_s3_bucket\", \"main\", #{{ bucket: \"m\" }});\n"
    );
    fs::write(work.join("s.rhai"), script).unwrap();
    // `<250 a>.tf.json` is 258 bytes: one more than a name holds.
    let o = tsdsl(work, &["run", "s.rhai", "-o", "out", "--format", "json"]);
    refused(o, 2, &["tsdsl::output::file_name_too_long", "258 bytes"]);
    assert_eq!(leftovers(&work.join("out")), Vec::<String>::new());
    assert!(generated(&work.join("out")).is_empty());
    // `.tf` is short enough, and nothing is left to finish first.
    ok(tsdsl(work, &["run", "s.rhai", "-o", "out"]));
}

#[test]
fn a_fifo_in_the_output_folder_never_holds_the_run() {
    let work = tempdir();
    let work = work.path();
    fs::write(work.join("s.rhai"), fixture("old.rhai")).unwrap();
    fs::create_dir_all(work.join("out")).unwrap();
    let fifo = |name: &str| {
        let st = Command::new("mkfifo").arg(work.join("out").join(name)).status().unwrap();
        assert!(st.success());
    };
    // Opening a FIFO to read waits for a writer: the change summary and
    // the ownership check read every `.tf` of the folder.
    fifo("other.tf");
    let run = |args: &[&str]| {
        let mut child =
            command(work, args).stdin(Stdio::null()).stdout(Stdio::piped()).spawn().unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("`tsdsl {}` hangs on a FIFO in the output folder", args.join(" "));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    };
    ok(run(&["run", "s.rhai", "-o", "out"]));
    assert!(run(&["diff", "s.rhai", "-o", "out"]).status.code() == Some(0));
    fifo(".tsdsl-journal");
    refused(
        tsdsl(work, &["run", "s.rhai", "-o", "out"]),
        2,
        &["tsdsl::output::bad_journal", "not a regular file"],
    );
}
