//! Keys come out in the order they were written, not Rhai's sorted order:
//! inside `tf::jsonencode(...)`, in maps the stdlib builds, and in maps an
//! operator builds in a function or a variable.

use std::fs;

use crate::support::Tsdsl;

/// Every `.tf` file the script wrote, in name order.
fn hcl_of(src: &str) -> String {
    let out = Tsdsl::new().script("main.rhai", src).args(["run", "main.rhai", "-o", "out"]).run();
    out.assert_success();
    let mut files: Vec<_> = fs::read_dir(out.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    files.iter().map(|p| fs::read_to_string(p).unwrap()).collect()
}

/// `words` appear in `text` in this order, each as `word =` at some
/// indentation, starting from `after`.
#[track_caller]
fn in_order(text: &str, after: &str, words: &[&str]) {
    let mut at = text.find(after).unwrap_or_else(|| panic!("no `{after}` in\n{text}"));
    for w in words {
        let found = text[at..]
            .match_indices(w)
            .find(|(i, _)| {
                let rest = text[at + i + w.len()..].trim_start_matches(' ');
                let before = text[..at + i].chars().next_back();
                rest.starts_with('=') && matches!(before, Some(' ' | '"'))
            })
            .unwrap_or_else(|| panic!("no `{w} =` after `{after}` in order {words:?}\n{text}"));
        at += found.0 + w.len();
    }
}

#[test]
fn a_stdlib_policy_reads_version_before_statement() {
    let hcl = hcl_of(
        r#"import "aws/kms" as kms;
kms::key(#{
    name: "logs",
    description: "logs",
    account_id: "123456789012",
    partition: "aws",
    statements: [kms::logs_use("eu-west-1", "aws", "123456789012", "/x/*")],
});
"#,
    );
    in_order(&hcl, "resource \"aws_kms_key\" \"logs\"", &["Version", "Statement"]);
    // The account's statement, then the one `logs_use` built in a function.
    let statement = ["Sid", "Effect", "Principal", "Action", "Resource"];
    in_order(&hcl, "Statement", &statement);
    in_order(
        &hcl,
        "CloudWatchLogsUse",
        &["Effect", "Principal", "Action", "Resource", "Condition"],
    );
}

#[test]
fn an_operators_jsonencode_keeps_its_keys_in_order() {
    // All constants: Rhai's optimizer would fold this map into a sorted one.
    let hcl = hcl_of(
        r#"resource("aws_iam_policy", "read", #{
    name: "read",
    policy: tf::jsonencode(#{
        Version: "2012-10-17",
        Statement: [#{ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
    }),
});
"#,
    );
    in_order(&hcl, "\"read\"", &["name", "policy", "Version", "Statement"]);
    in_order(&hcl, "Statement", &["Sid", "Effect", "Action", "Resource"]);
}

#[test]
fn maps_built_in_functions_and_variables_keep_their_order() {
    let hcl = hcl_of(
        r#"fn statement(action) {
    #{ Sid: "Write", Effect: "Allow", Action: action, Resource: "*" }
}
let policy = #{ Version: "2012-10-17", Statement: [] };
policy.Statement += [statement("s3:PutObject")];
resource("aws_iam_policy", "write", #{ policy: tf::jsonencode(policy), name: "write" });
"#,
    );
    in_order(&hcl, "\"write\"", &["policy", "Version", "Statement", "name"]);
    in_order(&hcl, "Statement", &["Sid", "Effect", "Action", "Resource"]);
}
