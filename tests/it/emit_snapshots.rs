//! Snapshots of everything `emit` writes for the hand-built fixture stacks.

use crate::emit_fixture;

use emit_fixture::HEADER;

fn joined(files: &[tsdsl::emit::OutFile]) -> String {
    files.iter().map(|f| format!("===== {} =====\n{}", f.name, f.contents)).collect()
}

#[test]
fn hcl_of_every_feature() {
    let (stack, shaped) = emit_fixture::everything();
    insta::assert_snapshot!(
        "emit_hcl_everything",
        joined(&tsdsl::emit::hcl(&stack, &shaped, HEADER))
    );
}

#[test]
fn json_of_every_feature() {
    let (stack, shaped) = emit_fixture::everything();
    insta::assert_snapshot!(
        "emit_json_everything",
        joined(&tsdsl::emit::json(&stack, &shaped, HEADER))
    );
}

#[test]
fn hcl_of_network() {
    let (stack, shaped) = emit_fixture::network();
    insta::assert_snapshot!("emit_hcl_network", joined(&tsdsl::emit::hcl(&stack, &shaped, HEADER)));
}

#[test]
fn output_is_deterministic_and_skips_empty_files() {
    let (stack, shaped) = emit_fixture::network();
    let a = tsdsl::emit::hcl(&stack, &shaped, HEADER);
    assert_eq!(a, tsdsl::emit::hcl(&stack, &shaped, HEADER));
    let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["versions.tf", "providers.tf", "variables.tf", "main.tf", "outputs.tf"]);
    let empty = tsdsl::model::Stack::new("empty");
    assert!(tsdsl::emit::hcl(&empty, &tsdsl::model::Shaped::default(), HEADER).is_empty());
    assert!(tsdsl::emit::json(&empty, &tsdsl::model::Shaped::default(), HEADER).is_empty());
    for f in &a {
        assert!(f.contents.ends_with("}\n") && !f.contents.ends_with("\n\n"), "{}", f.name);
        assert!(f.contents.starts_with(&format!("# {HEADER}\n\n")), "{}", f.name);
    }
}

#[test]
fn every_hcl_file_parses_again() {
    for (stack, shaped) in
        [emit_fixture::everything(), emit_fixture::network(), emit_fixture::edges()]
    {
        for f in tsdsl::emit::hcl(&stack, &shaped, HEADER) {
            if let Err(e) = hcl::parse(&f.contents) {
                panic!("{} does not parse: {e}\n{}", f.name, f.contents);
            }
        }
    }
}

#[test]
fn hcl_of_layout_edges() {
    let (stack, shaped) = emit_fixture::edges();
    insta::assert_snapshot!("emit_hcl_edges", joined(&tsdsl::emit::hcl(&stack, &shaped, HEADER)));
}

#[test]
fn json_of_network() {
    let (stack, shaped) = emit_fixture::network();
    insta::assert_snapshot!(
        "emit_json_network",
        joined(&tsdsl::emit::json(&stack, &shaped, HEADER))
    );
}
