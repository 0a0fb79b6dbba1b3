//! No literal secret in anything tsdsl writes: every example and environment
//! is generated and scanned. A password, token or key may only ever be a
//! reference (to Secrets Manager, a generated value...), never text.

use crate::support;

use std::fs;
use std::path::Path;

/// Argument names that hold secrets, as `_`-separated words: `password`
/// and `master_password` match, `http_tokens` (an IMDSv2 setting) does not.
const SECRET_WORDS: &[&[&str]] = &[
    &["password"],
    &["passwd"],
    &["token"],
    &["secret", "string"],
    &["private", "key"],
    &["secret", "key"],
    &["access", "key"],
    &["api", "key"],
];

fn is_secret_name(name: &str) -> bool {
    let words: Vec<&str> = name.split(['_', '-', '.']).collect();
    SECRET_WORDS.iter().any(|w| words.windows(w.len()).any(|win| win == *w))
}

/// Literal values that are secrets whatever their argument is called.
fn looks_like_a_credential(text: &str) -> Option<&'static str> {
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("a PEM private key");
    }
    let bytes = text.as_bytes();
    for i in 0..bytes.len().saturating_sub(19) {
        let id = &text[i..i + 20];
        if (id.starts_with("AKIA") || id.starts_with("ASIA"))
            && id[4..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    None
}

/// `name = "literal"` lines whose name says secret and whose value is plain
/// text (no interpolation).
fn literal_secrets(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some((name, value)) = line.split_once('=') else { continue };
        let name = name.trim().trim_matches('"').to_lowercase();
        let value = value.trim();
        let secret_name = is_secret_name(&name);
        let literal = value.starts_with('"') && !value.contains("${") && value.len() > 2;
        if secret_name && literal && !name.contains("arn") && !name.contains("_id") {
            found.push(format!("line {}: {}", n + 1, line.trim()));
        }
    }
    if let Some(what) = looks_like_a_credential(text) {
        found.push(format!("contains {what}"));
    }
    found
}

fn scan(dir: &Path, problems: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        for p in literal_secrets(&text) {
            problems.push(format!("{}: {p}", entry.path().display()));
        }
    }
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    assert_eq!(literal_secrets("  password = \"hunter2\"\n").len(), 1);
    assert_eq!(literal_secrets("  master_password = \"SuperSecurePassword456!\"\n").len(), 1);
    assert!(literal_secrets("  password = random_password.db.result\n").is_empty());
    assert!(literal_secrets("  token = data.aws_eks_cluster_auth.cluster.token\n").is_empty());
    assert!(literal_secrets("  secret_arn = \"arn:aws:secretsmanager:...\"\n").is_empty());
    assert_eq!(literal_secrets("x = \"AKIAABCDEFGHIJKLMNOP\"").len(), 1);
    assert!(literal_secrets("  http_tokens = \"required\"\n").is_empty());
    assert_eq!(literal_secrets("  DB_PASSWD = \"x1\"\n").len(), 1);
}

#[test]
fn no_output_holds_a_literal_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let scripts: Vec<_> =
        support::examples().into_iter().chain(support::environment_scripts()).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        let out = tmp.path().join(script.file_stem().unwrap());
        support::run_script(&script, &out);
        scan(&out, &mut problems);
    }
    assert!(problems.is_empty(), "literal secrets in the output:\n{}", problems.join("\n"));
}
