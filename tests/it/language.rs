//! The Terraform language beyond resources: `moved`, `import`, `removed`,
//! `check`, conditions, ephemeral values, `dynamic` blocks, conditionals,
//! operators, `for` expressions and splats.
//!
//! Every `tests/fixtures/language/*.rhai` is run in HCL and in JSON; the HCL
//! must come out of `terraform fmt` unchanged, and both must load in
//! Terraform and pass `terraform validate`. Key blocks are compared as text,
//! so a change of meaning fails here before it reaches an oracle.
//! (The error cases live in `tests/fixtures/errors/language_*.rhai`.)

use crate::support;

use std::fs;
use std::path::PathBuf;

use support::{assert_oracle, oracle, root, tf_validate, Tsdsl};

fn fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests").join("fixtures").join("language");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    v.sort();
    assert!(v.len() >= 4, "language fixtures are missing");
    v
}

/// Runs `fixture` with `--format format`; returns the kept tempdir and the
/// output folder inside it.
fn run(fixture: &PathBuf, format: &str) -> (support::Output, PathBuf) {
    let src = fs::read_to_string(fixture).unwrap();
    let out = Tsdsl::new()
        .script("main.rhai", &src)
        .args(["run", "main.rhai", "-o", "out", "--format", format])
        .run();
    out.assert_success();
    let dir = out.path().join("out");
    (out, dir)
}

fn main_tf(name: &str) -> String {
    let fixture = root().join("tests/fixtures/language").join(format!("{name}.rhai"));
    let (out, dir) = run(&fixture, "hcl");
    let text = fs::read_to_string(dir.join("main.tf")).unwrap();
    drop(out);
    text
}

#[test]
fn language_fixtures_pass_fmt_load_and_validate() {
    let mut keep = Vec::new();
    let (mut hcl, mut all) = (Vec::new(), Vec::new());
    for f in fixtures() {
        for format in ["hcl", "json"] {
            let (out, dir) = run(&f, format);
            if format == "hcl" {
                hcl.push(dir.clone());
            }
            all.push(dir);
            keep.push(out);
        }
    }
    assert_oracle(&oracle("fmt_check.py", &hcl));
    assert_oracle(&oracle("tf_load.py", &all));
    assert_oracle(&tf_validate(&all));
}

#[test]
fn refactoring_blocks_say_what_the_script_said() {
    let text = main_tf("refactoring");
    for block in [
        "moved {\n  from = aws_s3_bucket.old_logs\n  to   = aws_s3_bucket.logs\n}",
        "moved {\n  from = aws_s3_bucket.web_old[0]\n  to   = aws_s3_bucket.web[0]\n}",
        "moved {\n  from = module.legacy.aws_s3_bucket.web\n  to   = aws_s3_bucket.web[1]\n}",
        "import {\n  to = aws_s3_bucket.logs\n  id = \"shop-logs\"\n}",
        "  to = aws_s3_bucket.byname[each.key]\n  id = each.value\n}",
        "removed {\n  from = aws_s3_bucket.legacy\n\n  lifecycle {\n    destroy = false\n  }\n}",
        "removed {\n  from = module.gone\n}",
        "check \"logs_bucket\" {\n  data \"aws_s3_bucket\" \"probe\" {",
        "    postcondition {\n      condition     = self.bucket != \"\"",
        "import {\n  provider = aws.east\n  to       = aws_s3_bucket.east_assets\n",
        "import {\n  to = aws_s3_bucket.assets\n  identity = {\n    bucket = \"shop-assets\"\n  }\n}",
    ] {
        assert!(text.contains(block), "missing:\n{block}\n--- in ---\n{text}");
    }
    // the scoped data source is written inside its check only
    assert_eq!(text.matches("data \"aws_s3_bucket\" \"probe\"").count(), 1, "{text}");
}

#[test]
fn expressions_keep_their_grouping() {
    let text = main_tf("expressions");
    for line in [
        "count = var.env == \"prod\" ? 3 : 1",
        "bucket = \"web-${count.index + 1}\"",
        "names     = aws_s3_bucket.web[*].bucket",
        "upper_azs = [for item in var.azs : upper(item)]",
        "indexed   = [for key, item in var.azs : \"${key}:${item}\" if key > 0]",
        "roles     = { for key, item in var.users : key => item.role }",
        "admins    = { for key, item in var.users : key => item.role if item.role == \"admin\" && !(key == \"root\") }",
        "nested    = [for item in var.azs : [for item1 in var.azs : \"${item}-${item1}\"]]",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn operators_group_as_written() {
    let out = Tsdsl::new()
        .script(
            "main.rhai",
            r#"let a = variable("a", #{ type: "number" });
let b = variable("b", #{ type: "number" });
local("x", (a + b) * 2);
local("y", a - (b - 1));
local("z", tf::cond(a > b, tf::cond(a > 10, "big", "mid"), "small"));
local("w", tf::or(tf::and(a > 1, b > 1), tf::not(a == b)));
local("n", tf::cond(true, a, b));
"#,
        )
        .args(["run", "main.rhai", "-o", "out"])
        .run();
    out.assert_success();
    let text = fs::read_to_string(out.path().join("out/main.tf")).unwrap();
    for line in [
        "x = (var.a + var.b) * 2",
        "y = var.a - (var.b - 1)",
        "z = var.a > var.b ? (var.a > 10 ? \"big\" : \"mid\") : \"small\"",
        "w = var.a > 1 && var.b > 1 || !(var.a == var.b)",
        "n = var.a",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn dynamic_blocks_wrap_checked_content() {
    let text = main_tf("dynamic");
    for block in [
        "  dynamic \"ingress\" {\n    for_each = var.ports\n    iterator = item\n\n    content {",
        "      from_port   = item.value\n",
        "      description = item.key\n",
        "      dynamic \"condition\" {\n        for_each = [\"aws:SecureTransport\"]\n        iterator = item1\n",
        "  statement {\n    actions   = [\"s3:ListAllMyBuckets\"]",
    ] {
        assert!(text.contains(block), "missing:\n{block}\n--- in ---\n{text}");
    }
    // literal and dynamic blocks keep the order the script wrote them in
    let literal = text.find("  statement {").expect("literal statement");
    let dynamic = text.find("  dynamic \"statement\" {").expect("dynamic statement");
    assert!(literal < dynamic, "{text}");
}

#[test]
fn ephemeral_resources_are_written_before_what_reads_them() {
    let text = main_tf("ephemeral");
    let eph = text.find("ephemeral \"random_password\" \"db\" {").expect("ephemeral block");
    let db = text.find("resource \"aws_db_instance\" \"db\" {").expect("resource");
    assert!(eph < db, "{text}");
    assert!(text.contains("password_wo         = ephemeral.random_password.db.result"), "{text}");
}
