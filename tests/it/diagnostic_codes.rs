//! Every diagnostic code tsdsl can report is documented in the book's
//! diagnostics reference, and the book documents no code tsdsl does not
//! have: operators look a code up there, and tests and editors match on it.
//!
//! The codes are the variants of `tsdsl::diagnostics::Code`. The book lists
//! them in tables under a `` ## `tsdsl::<phase>::*` `` heading, one
//! backticked name (or several, comma-separated) per row; the whole-run
//! codes are written out whole in its prose.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use tsdsl::diagnostics::Code;

/// Whole codes written as literals: `"tsdsl::schema::unknown_attribute"`.
fn literal_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("\"tsdsl::") {
        let rest = &text[i + 1..];
        let end = rest.find(|c: char| !(c == ':' || c == '_' || c.is_ascii_alphanumeric()));
        let code = &rest[..end.unwrap_or(rest.len())];
        if !code.ends_with(':') && rest[code.len()..].starts_with('"') {
            out.push(code.to_owned());
        }
    }
    out
}

fn documented_codes() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/reference/diagnostics.md");
    let text = fs::read_to_string(path).expect("read the diagnostics reference");
    let mut codes = BTreeSet::new();
    let mut prefix: Option<String> = None;
    for line in text.lines() {
        // Tables under any other heading (the JSON fields...) list no codes.
        if let Some(heading) = line.strip_prefix("## ") {
            prefix = heading
                .strip_prefix('`')
                .and_then(|h| h.split('`').next())
                .and_then(|h| h.strip_suffix('*'))
                .map(str::to_owned);
            continue;
        }
        let (Some(prefix), Some(row)) = (&prefix, line.strip_prefix("| ")) else { continue };
        let first = row.split(" |").next().unwrap_or("");
        for name in first.split(',').map(str::trim) {
            if let Some(name) = name.strip_prefix('`').and_then(|n| n.strip_suffix('`')) {
                codes.insert(format!("{prefix}{name}"));
            }
        }
    }
    // Codes written out whole in the prose (the whole-run codes).
    codes.extend(literal_codes(&text.replace('`', "\"")));
    codes
}

#[test]
fn every_code_is_documented_in_the_book() {
    let codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(codes.len(), Code::ALL.len(), "two variants share a code");
    let documented = documented_codes();
    assert!(documented.len() > 50, "the book scan found too few codes to be right: {documented:?}");
    let missing: Vec<&String> = codes.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "codes of `Code` not documented in book/src/reference/diagnostics.md \
         (add a row under the heading of their phase):\n{}",
        missing.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
    );
    let unknown: Vec<&String> = documented.difference(&codes).collect();
    assert!(
        unknown.is_empty(),
        "codes documented in book/src/reference/diagnostics.md that `Code` does not have:\n{}",
        unknown.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scan_reads_literals() {
    let text = "d(\"tsdsl::schema::x_y\"); p(\"tsdsl::model::\")";
    assert_eq!(literal_codes(text), ["tsdsl::schema::x_y"]);
}
