//! The shop's three stacks: they say what the seed specifies, and an
//! operator's mistake in an environment's parameters is reported at their
//! own line in `staging.rhai` or `production.rhai`, with the fix.

use crate::support;

use std::fs;

use support::Tsdsl;

fn build(script: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    support::run_script(&support::root().join("scripts").join(script), &out);
    // Every generated file: the blocks are spread over network.tf, eks.tf, ...
    support::read_tree(&out)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect()
}

/// `attribute = value` appears in the output, whatever the alignment.
fn has(main: &str, attr: &str, value: &str) -> bool {
    main.lines().any(|l| {
        let mut parts = l.splitn(2, '=');
        matches!((parts.next(), parts.next()), (Some(a), Some(v)) if a.trim() == attr && v.trim() == value)
    })
}

#[test]
fn production_is_sized_for_ticket_sales() {
    let main = build("production.rhai");
    assert!(has(&main, "capacity_type", "\"SPOT\""), "a SPOT node group");
    assert!(has(&main, "capacity_type", "\"ON_DEMAND\""), "an on-demand base");
    assert!(has(&main, "instance_types", "[\"c5.large\", \"c5.xlarge\"]"));
    assert!(has(&main, "multi_az", "true"), "Multi-AZ primary");
    assert_eq!(main.matches("replicate_source_db").count(), 2, "two read replicas");
    assert!(has(&main, "min_replicas", "2") && has(&main, "max_replicas", "50"), "HPA 2-50");
    assert!(has(&main, "threshold", "0.2"), "p95 alarm at 200 ms");
    assert!(
        has(&main, "manage_master_user_password", "true"),
        "password managed by Secrets Manager"
    );
    assert!(has(&main, "minimum_protocol_version", "\"TLSv1.2_2021\""));
}

#[test]
fn staging_is_sized_for_cost() {
    let main = build("staging.rhai");
    assert!(has(&main, "instance_types", "[\"t3.medium\"]"));
    assert!(!main.contains("\"SPOT\""));
    assert!(has(&main, "instance_class", "\"db.t3.micro\""));
    assert!(has(&main, "multi_az", "false"));
    assert!(has(&main, "backup_retention_period", "1"));
    assert!(!main.contains("replicate_source_db"));
    assert!(has(&main, "min_replicas", "1") && has(&main, "max_replicas", "3"), "HPA 1-3");
    assert!(has(&main, "threshold", "0.5"), "p95 alarm at 500 ms");
}

#[test]
fn environments_read_the_shared_stack() {
    let main = build("staging.rhai");
    assert!(main.contains("data \"terraform_remote_state\" \"shared\""));
    assert!(main.contains("data.terraform_remote_state.shared.outputs.zone_id"));
    assert!(main.contains("data.terraform_remote_state.shared.outputs.ecr_repository_url"));
}

/// Copies scripts/ to a tempdir with `edit` applied to one script and
/// returns the short diagnostics of `tsdsl check`.
fn check_with(script: &str, edit: impl Fn(&str) -> String) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(support::root().join("scripts")).unwrap().flatten() {
        fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    let path = tmp.path().join(script);
    let src = fs::read_to_string(&path).unwrap();
    let edited = edit(&src);
    assert_ne!(src, edited, "the edit changed nothing");
    fs::write(&path, edited).unwrap();
    let out = Tsdsl::in_dir(tmp.path()).args(["check", script, "--message-format", "short"]).run();
    (out.status, out.stderr)
}

fn line_of(script: &str, needle: &str) -> usize {
    let src = fs::read_to_string(support::root().join("scripts").join(script)).unwrap();
    src.lines().position(|l| l.contains(needle)).expect("needle in script") + 1
}

#[test]
fn typos_in_an_environment_are_reported_at_the_operators_line() {
    let db_line = line_of("staging.rhai", "db_instance_class:");
    let node_line = line_of("staging.rhai", "node_max:");
    let (status, stderr) = check_with("staging.rhai", |s| {
        s.replace("\"db.t3.micro\"", "\"db.t3.mirco\"").replace("node_max:", "node_maxx:")
    });
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr
            .contains(&format!("staging.rhai:{db_line}:24: error[tsdsl::stdlib::invalid_option]")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `db.t3.micro`?"), "{stderr}");
    assert!(
        stderr
            .contains(&format!("staging.rhai:{node_line}:5: error[tsdsl::stdlib::unknown_option]")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `node_max`?"), "{stderr}");
}

#[test]
fn a_wrong_instance_type_in_production_is_caught_with_a_suggestion() {
    let line = line_of("production.rhai", "node_instance_types:");
    let (status, stderr) = check_with("production.rhai", |s| {
        s.replace("[\"c5.large\", \"c5.xlarge\"]", "[\"c5.largee\", \"c5.xlarge\"]")
    });
    assert_eq!(status, Some(1));
    assert!(stderr.contains(&format!("production.rhai:{line}:")), "{stderr}");
    assert!(stderr.contains("did you mean `c5.large`?"), "{stderr}");
}

#[test]
fn pods_min_above_pods_max_names_both() {
    let (status, stderr) =
        check_with("staging.rhai", |s| s.replace("pods_min: 1,", "pods_min: 5,"));
    assert_eq!(status, Some(1));
    assert!(
        stderr.contains("tsdsl::stdlib::out_of_order") && stderr.contains("pods_min"),
        "{stderr}"
    );
    assert!(stderr.contains("staging.rhai:"), "{stderr}");
}

#[test]
fn a_missing_parameter_points_at_the_environment_call() {
    let line = line_of("staging.rhai", "shop::environment(");
    let (_, stderr) = check_with("staging.rhai", |s| s.replace("    p95_ms: 500,\n", ""));
    assert!(
        stderr.contains(&format!("staging.rhai:{line}:1: error[tsdsl::stdlib::missing_option]")),
        "{stderr}"
    );
}
