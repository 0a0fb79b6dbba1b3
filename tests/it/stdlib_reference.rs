//! The book's stdlib chapter is generated from the option declarations; this
//! test fails when it is stale, so the book always says what `options()`
//! enforces.

use crate::support;

use support::Tsdsl;

#[test]
fn book_stdlib_chapter_is_generated_from_the_declarations() {
    let out = Tsdsl::new().args(["stdlib", "--markdown"]).run();
    out.assert_success();
    let generated = out.stdout;
    let path = support::root().join("book/src/reference/stdlib.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == committed,
        "book/src/reference/stdlib.md is stale: run `cargo run --release -- stdlib --markdown > book/src/reference/stdlib.md`"
    );
}

#[test]
fn every_stdlib_module_is_listed_and_printable() {
    let out = Tsdsl::new().arg("stdlib").run();
    out.assert_success();
    for module in out.stdout.lines() {
        let shown = out.again().args(["stdlib", module]).run();
        shown.assert_success();
        let file = support::root().join(format!("stdlib/{module}.rhai"));
        assert_eq!(shown.stdout, std::fs::read_to_string(file).unwrap());
    }
    out.again().args(["stdlib", "aws/nope"]).run().assert_status(2);
}

#[test]
fn one_module_reference_lists_results_beside_options() {
    let out = Tsdsl::new().args(["stdlib", "aws/rds", "--markdown"]).run();
    out.assert_success();
    let text = &out.stdout;
    assert!(text.contains("### `rds::mysql`"), "{text}");
    assert!(text.contains("| `multi_az` | bool | `true` |  | no |"), "{text}");
    assert!(text.contains("| `master_user_secret_arn` | string |"), "{text}");
    assert!(!text.contains("### `ecr::repository`"), "only the module asked for: {text}");
    out.again()
        .args(["stdlib", "aws/rsd", "--markdown"])
        .run()
        .assert_status(2)
        .assert_stderr_contains("did you mean `aws/rds`?");
}

#[test]
fn every_stdlib_block_declares_its_results() {
    let out = Tsdsl::new().args(["stdlib", "--markdown"]).run();
    out.assert_success();
    let text = &out.stdout;
    let blocks = text.matches("\n### `").count();
    let results = text.matches("\nResults (what `").count();
    assert!(blocks > 0);
    assert_eq!(blocks, results, "a stdlib block without `results` in its declaration");
}
