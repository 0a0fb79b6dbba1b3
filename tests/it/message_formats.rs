//! `--message-format json|short` holds for every failure, not only script
//! diagnostics: an unreadable script or a refused command line comes out in
//! the requested format too, with exit code 2.

use crate::support;

use support::Tsdsl;

/// Every line of stderr parses as one JSON diagnostic; returns them.
#[track_caller]
fn json_lines(stderr: &str) -> Vec<serde_json::Value> {
    assert!(!stderr.trim().is_empty(), "no output");
    stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

#[test]
fn a_missing_script_is_json_with_json() {
    let out = Tsdsl::new().args(["check", "nope.rhai", "--message-format", "json"]).run();
    out.assert_status(2);
    let v = json_lines(&out.stderr);
    assert_eq!(v.len(), 1, "{out}");
    assert_eq!(v[0]["code"], "tsdsl::cli::io", "{out}");
    assert_eq!(v[0]["severity"], "error");
    assert!(v[0]["message"].as_str().unwrap().contains("nope.rhai"), "{out}");
    assert!(v[0]["location"].is_null());
}

#[test]
fn a_missing_script_is_one_line_with_short() {
    let out = Tsdsl::new().args(["run", "nope.rhai", "--message-format=short"]).run();
    out.assert_status(2);
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr.starts_with("error[tsdsl::cli::io]: cannot read the script `nope.rhai`"),
        "{out}"
    );
}

#[test]
fn a_refused_command_line_is_json_with_json() {
    for args in [
        vec!["check", "x.rhai", "--bogus", "--message-format", "json"],
        vec!["check", "--message-format", "json"],
        vec!["check", "x.rhai", "--timeout", "soon", "--message-format=json"],
    ] {
        let out = Tsdsl::new().args(&args).run();
        out.assert_status(2);
        let v = json_lines(&out.stderr);
        assert_eq!(v.len(), 1, "{out}");
        assert_eq!(v[0]["code"], "tsdsl::cli::usage", "{out}");
        let msg = v[0]["message"].as_str().unwrap();
        assert!(!msg.is_empty() && !msg.starts_with("error"), "{out}");
    }
}

#[test]
fn a_refused_command_line_is_one_line_with_short() {
    let out = Tsdsl::new().args(["check", "x.rhai", "--bogus", "--message-format", "short"]).run();
    out.assert_status(2);
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr.starts_with("error[tsdsl::cli::usage]: unexpected argument '--bogus'"),
        "{out}"
    );
}

#[test]
fn human_stays_human() {
    let out = Tsdsl::new().args(["check", "nope.rhai"]).run();
    out.assert_status(2);
    assert!(out.stderr.starts_with("error: cannot read the script `nope.rhai`"), "{out}");
    let out = Tsdsl::new().args(["check", "x.rhai", "--bogus"]).run();
    out.assert_status(2);
    assert!(out.stderr.contains("Usage:"), "{out}");
}
