//! Every diagnostic code tsdsl can report is documented in the book's
//! diagnostics reference: operators look a code up there, and tests and
//! editors match on it.
//!
//! The codes are read out of `src/`: every literal `"tsdsl::…"` string, and
//! the short names passed to the helpers that prefix them (the schema
//! phase's `self.error("wrong_type", …)`, the reference checker's
//! `problem("bad_type", …)`). The book lists them in tables under a
//! `` ## `tsdsl::<phase>::*` `` heading, one backticked name (or several,
//! comma-separated) per row.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The quoted identifier-like strings that follow `call` in `text`:
/// `self.error("wrong_type"` gives `wrong_type`, also when the argument is
/// on the next line.
fn names_after<'a>(text: &'a str, call: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(call) {
        let rest = text[i + call.len()..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else { continue };
        let Some(end) = rest.find('"') else { continue };
        let name = &rest[..end];
        if !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_lowercase()) {
            out.push(name);
        }
    }
    out
}

/// Whole codes written as literals: `"tsdsl::schema::unknown_attribute"`.
/// A string that ends in `::` is a prefix that a helper completes.
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

fn used_codes() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut codes = BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("read source");
        // Unit tests make up codes of their own.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        codes.extend(literal_codes(text));
        let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        // The helpers that complete a code from its short name.
        let helpers: &[(&str, &[&str], &str)] = &[
            ("src/schema/shape.rs", &["self.error(", "self.diag("], "tsdsl::schema::"),
            ("src/schema/dynamic.rs", &["self.error(", "self.diag("], "tsdsl::schema::"),
            ("src/schema/references/", &["problem("], "tsdsl::model::"),
        ];
        for (path, calls, prefix) in helpers {
            if rel.starts_with(path) {
                for call in *calls {
                    codes.extend(
                        names_after(text, call).into_iter().map(|n| format!("{prefix}{n}")),
                    );
                }
            }
        }
    }
    codes
}

fn documented_codes() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/reference/diagnostics.md");
    let text = fs::read_to_string(path).expect("read the diagnostics reference");
    let mut codes = BTreeSet::new();
    let mut prefix: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## `") {
            prefix = heading.split('`').next().and_then(|h| h.strip_suffix('*')).map(str::to_owned);
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
fn every_code_in_the_source_is_documented_in_the_book() {
    let used = used_codes();
    assert!(used.len() > 50, "the scan found too few codes to be right: {used:?}");
    for expected in ["tsdsl::schema::wrong_type", "tsdsl::model::bad_type", "tsdsl::cli::usage"] {
        assert!(used.contains(expected), "the scan misses `{expected}`");
    }
    let documented = documented_codes();
    let missing: Vec<&String> = used.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "codes used in src/ but not documented in book/src/reference/diagnostics.md \
         (add a row under the heading of their phase):\n{}",
        missing.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scan_reads_literals_and_helpers() {
    let text = "d(\"tsdsl::schema::x_y\"); p(\"tsdsl::model::\"); self.error(\n  \"too_few\", m)";
    assert_eq!(literal_codes(text), ["tsdsl::schema::x_y"]);
    assert_eq!(names_after(text, "self.error("), ["too_few"]);
}
