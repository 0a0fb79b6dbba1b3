//! Every fixture under `tests/fixtures/errors/` states the diagnostics it
//! must produce, as `// error: LINE:COL-LINE:COL code` comments (after
//! typst's test notes). The test fails on a missing, extra or misplaced
//! diagnostic, so "points at the exact token" is checked, not hoped for.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use support::Tsdsl;

fn fixtures() -> Vec<PathBuf> {
    let dir = support::root().join("tests/fixtures/errors");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/fixtures/errors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    v.sort();
    v
}

/// `(code, "L:C-L:C")` expected by the fixture, and extra CLI arguments.
fn expectations(src: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut want = Vec::new();
    let mut args = Vec::new();
    for line in src.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("// error: ") {
            let mut parts = rest.split_whitespace();
            let range = parts.next().unwrap_or_default().to_owned();
            let code = parts.next().unwrap_or_default().to_owned();
            want.push((code, range));
        } else if let Some(rest) = line.strip_prefix("// args: ") {
            args.extend(rest.split_whitespace().map(str::to_owned));
        }
    }
    want.sort();
    (want, args)
}

fn run(fixture: &Path, args: &[String]) -> (Option<i32>, String, String) {
    let dir = fixture.parent().unwrap();
    let name = fixture.file_name().unwrap();
    let out = Tsdsl::in_dir(dir)
        .arg("check")
        .arg(name)
        .args(["--message-format", "json"])
        .args(args)
        .run();
    (out.status, out.stdout, out.stderr)
}

/// Words of Rhai or Rust that must never reach an operator.
const INTERNAL: &[&str] = &[
    "TfExpr",
    "anon$",
    "i64",
    "ImmutableString",
    "Dynamic",
    "rhai::",
    "tsdsl::engine",
    "setter is not registered",
    "EvalAltResult",
];

#[test]
fn every_error_fixture_reports_exactly_its_annotated_diagnostics() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let src = fs::read_to_string(&fixture).unwrap();
        let (want, args) = expectations(&src);
        assert!(!want.is_empty(), "{} has no `// error:` annotation", fixture.display());
        let (status, _, stderr) = run(&fixture, &args);
        let mut got = Vec::new();
        for line in stderr.lines().filter(|l| l.starts_with('{')) {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSON {line}: {e}"));
            let loc = &v["location"];
            let range = format!(
                "{}:{}-{}:{}",
                loc["line"], loc["column"], loc["end_line"], loc["end_column"]
            );
            got.push((v["code"].as_str().unwrap_or_default().to_owned(), range));
            // The operator's terms, never the engine's.
            let said = format!("{} {} {}", v["message"], v["label"], v["helps"]);
            if let Some(word) = INTERNAL.iter().find(|w| said.contains(*w)) {
                failures.push(format!(
                    "{}: says `{word}`: {said}",
                    fixture.file_name().unwrap().to_string_lossy()
                ));
            }
        }
        got.sort();
        // `L:*` matches any place on line L (a time-out stops wherever it is).
        for (w, g) in want.iter().zip(got.iter_mut()) {
            if let Some(line) = w.1.strip_suffix(":*") {
                if w.0 == g.0 && g.1.starts_with(&format!("{line}:")) {
                    g.1 = w.1.clone();
                }
            }
        }
        if status != Some(1) || got != want {
            failures.push(format!(
                "{}: exit {status:?}\n  want {want:?}\n  got  {got:?}\n  stderr: {stderr}",
                fixture.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The human rendering of a few fixtures, reviewed with `cargo insta review`.
#[test]
fn human_rendering_snapshots() {
    for name in [
        "unknown_reference",
        "undefined_variable",
        "unknown_lifecycle_option",
        "nothing_in_place_method",
        "unclosed_map",
        "duplicate_name",
        // A note (where inside the stdlib) on its own line, apart from the help.
        "plan_time_count",
    ] {
        let fixture = support::root().join(format!("tests/fixtures/errors/{name}.rhai"));
        let out = Tsdsl::in_dir(fixture.parent().unwrap())
            .args(["check", &format!("{name}.rhai"), "--color", "never"])
            .run();
        insta::assert_snapshot!(name, out.stderr);
    }
}
