//! Second labels, as rustc draws them: where a duplicate was first
//! declared, where the parser noticed an unclosed bracket. The JSON format
//! carries them as `related`.

use crate::support;

use support::Tsdsl;

fn related(stderr: &str) -> Vec<(String, u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(stderr.lines().next().unwrap_or("")).unwrap();
    v["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let label = r["label"].as_str().unwrap().to_owned();
            (
                label,
                r["location"]["line"].as_u64().unwrap(),
                r["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_duplicate_shows_the_first_declaration() {
    let out = Tsdsl::new()
        .script(
            "dup.rhai",
            "output(\"a\", 1);\nresource(\"aws_vpc\", \"main\", #{ cidr_block: \"10.0.0.0/16\" });\n\
             resource(\"aws_vpc\", \"main\", #{ cidr_block: \"10.1.0.0/16\" });\n",
        )
        .args(["check", "dup.rhai", "--message-format", "json"])
        .run();
    out.assert_status(1);
    assert_eq!(related(&out.stderr), vec![("first declared here".to_owned(), 2, 1)], "{out}");
}

#[test]
fn an_unclosed_bracket_shows_where_the_parser_noticed() {
    let out = Tsdsl::new()
        .script("open.rhai", "fn f(x) {\n    x + 1\n\nlet b = f(2);\n")
        .args(["check", "open.rhai", "--message-format", "json"])
        .run();
    out.assert_status(1);
    let v: serde_json::Value = serde_json::from_str(out.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(v["location"]["line"], 1, "{out}");
    assert_eq!(v["location"]["column"], 9, "{out}");
    let rel = related(&out.stderr);
    assert_eq!(rel.len(), 1, "{out}");
    assert!(rel[0].0.starts_with("noticed here"), "{out}");
    assert_eq!(rel[0].1, 4, "{out}");
}
