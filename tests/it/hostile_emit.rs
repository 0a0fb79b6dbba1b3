//! Hostile input against the emitter: names that would write code, strings
//! whose meaning could change on the way to Terraform, and text that would
//! reach the terminal raw.
//!
//! The round-trip tests emit a table of tricky strings and map keys as HCL
//! and as JSON, let Terraform's own parser and evaluator read them back
//! (`tests/oracles/tf_values.py`: `terraform plan` in-process) and require
//! the operator's exact text. The reproducers under `tests/hostile/emit/`
//! each state the diagnostic they must get (`// expect: CODE`); the exact
//! ranges of the name diagnostics are checked by the fixtures under
//! `tests/fixtures/errors/`.

use crate::support;

use std::fs;
use std::path::PathBuf;

use support::Tsdsl;

/// Strings that have broken emitters: template introducers next to
/// interpolations, characters HCL or JSON treat specially, line and
/// paragraph separators, the markers tsdsl uses inside, a leading BOM.
const TRICKY_STRINGS: &[&str] = &[
    "",
    " ",
    "plain",
    "$",
    "$$",
    "$$$",
    "${",
    "$${",
    "$$${",
    "${x}",
    "$${x}",
    "$$${x}",
    "%",
    "%%",
    "%{",
    "%%{",
    "%{if true}x%{endif}",
    "%%{x}",
    "price: $",
    "100%",
    "a$b",
    "a%b",
    "{",
    "}",
    "{}",
    "${}",
    "$}",
    "\"",
    "\"\"",
    "\\",
    "\\\\",
    "\\n",
    "\\\"",
    "\\${x}",
    "\n",
    "\r",
    "\r\n",
    "\n\r",
    "a\rb",
    "\t",
    "\u{0}",
    "\u{1}",
    "\u{7}",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{200b}",
    "\u{202e}abc",
    "\u{feff}",
    "\u{feff}x",
    "x\u{feff}",
    "\u{e000}",
    "\u{e001}",
    "\u{e000}0\u{e001}",
    "\u{e000}1\u{e001}",
    "é",
    "e\u{301}",
    "日本語",
    "😀",
    "\u{10ffff}",
    "#",
    "# comment",
    "// comment",
    "/* c */",
    "*/",
    "<<EOT",
    "<<EOT\nx\nEOT",
    "\nEOT\n",
    "a = 1",
    "}\nresource \"x\" \"y\" {",
    "true",
    "null",
    "1",
    "-1",
    "1e3",
    "0x10",
    "18446744073709551615",
    "ends with $",
    "ends with %",
];

/// Map keys: what must stay quoted, what may be bare, and what is text to
/// Terraform although it looks like syntax.
const TRICKY_KEYS: &[&str] = &[
    "",
    " ",
    "a b",
    "a.b",
    "a/b",
    "kubernetes.io/role/elb",
    "1",
    "1a",
    "-a",
    "a-b",
    "_",
    "true",
    "false",
    "null",
    "for",
    "if",
    "in",
    "${x}",
    "%{x}",
    "$",
    "a\"b",
    "a\\b",
    "a\nb",
    "a\rb",
    "\t",
    "\u{feff}k",
    "é",
    "😀",
    "a=b",
    "a:b",
    "#",
    "//",
    "\u{e000}0\u{e001}",
    "UPPER",
];

/// `s` as a Rhai string literal.
fn rhai_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            ' '..='~' if c != '"' && c != '\\' => out.push(c),
            c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Every tricky string as itself, around an interpolation and after one,
/// and every tricky key in one map.
fn round_trip_script() -> String {
    let mut s = String::from("let v = variable(\"v\", #{ type: \"string\", default: \"L\" });\n");
    for (i, t) in TRICKY_STRINGS.iter().enumerate() {
        let lit = rhai_string(t);
        s.push_str(&format!("output(\"s{i}\", {lit});\n"));
        s.push_str(&format!("output(\"t{i}\", {lit} + v + {lit});\n"));
        s.push_str(&format!("output(\"u{i}\", `${{v}}` + {lit});\n"));
    }
    let entries: Vec<String> =
        TRICKY_KEYS.iter().enumerate().map(|(i, k)| format!("{}: {i}", rhai_string(k))).collect();
    s.push_str(&format!("output(\"keys\", #{{ {} }});\n", entries.join(", ")));
    // Numbers Terraform must read exactly as written.
    s.push_str("output(\"i64_max\", 9223372036854775807);\n");
    s.push_str("output(\"i64_min\", -9223372036854775808);\n");
    s.push_str("output(\"u64_max\", tf::expr(\"18446744073709551615\"));\n");
    s.push_str("output(\"tenth\", 0.1);\n");
    s.push_str("output(\"huge\", 1e300);\n");
    s
}

/// What Terraform holds for `s`: cty keeps every string in Unicode normal
/// form C, whatever the syntax (`"e\u0301"`, `join("", ["e", "\u0301"])`
/// alike), so a decomposed accent comes back composed, the same text to
/// Unicode. The table's one decomposed string is mapped here.
fn as_terraform_holds(s: &str) -> String {
    s.replace("e\u{301}", "\u{e9}")
}

fn expected() -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value as J;
    let mut want = serde_json::Map::new();
    for (i, t) in TRICKY_STRINGS.iter().enumerate() {
        let t = as_terraform_holds(t);
        want.insert(format!("s{i}"), J::String(t.to_string()));
        want.insert(format!("t{i}"), J::String(format!("{t}L{t}")));
        want.insert(format!("u{i}"), J::String(format!("L{t}")));
    }
    let keys = TRICKY_KEYS.iter().enumerate().map(|(i, k)| (k.to_string(), J::from(i))).collect();
    want.insert("keys".into(), J::Object(keys));
    want.insert("i64_max".into(), J::from(i64::MAX));
    want.insert("i64_min".into(), J::from(i64::MIN));
    want.insert("u64_max".into(), J::from(u64::MAX));
    want.insert("tenth".into(), J::from(0.1));
    want.insert("huge".into(), J::from(1e300));
    want
}

#[test]
fn tricky_strings_and_keys_mean_the_same_to_terraform_in_hcl_and_json() {
    let mut dirs = Vec::new();
    let keep = tempfile::tempdir().unwrap();
    for format in ["hcl", "json"] {
        let out = Tsdsl::new()
            .script("tricky.rhai", &round_trip_script())
            .args(["run", "tricky.rhai", "-o", "out", "--format", format])
            .run();
        out.assert_success();
        let dir = keep.path().join(format);
        fs::create_dir_all(&dir).unwrap();
        for f in fs::read_dir(out.path().join("out")).unwrap().flatten() {
            fs::copy(f.path(), dir.join(f.file_name())).unwrap();
        }
        dirs.push(dir);
    }
    // The text is what `terraform fmt` writes, and Terraform loads both folders.
    let mut fmt_args = vec![PathBuf::from("--load")];
    fmt_args.extend(dirs.iter().cloned());
    let fmt = support::oracle("fmt_check.py", &fmt_args);
    support::assert_oracle(&fmt);
    let run = support::oracle("tf_values.py", &dirs);
    support::assert_oracle(&run);
    let want = expected();
    for line in run.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let got = v["outputs"].as_object().unwrap();
        let mut wrong = Vec::new();
        for (name, w) in &want {
            if got.get(name) != Some(w) {
                wrong.push(format!("{name}: want {w}, Terraform read {:?}", got.get(name)));
            }
        }
        assert!(
            wrong.is_empty(),
            "{}: {} values changed meaning:\n{}",
            v["dir"],
            wrong.len(),
            wrong.join("\n")
        );
    }
}

/// `(file, expected code)` for every reproducer in `tests/hostile/emit/`.
fn reproducers() -> Vec<(PathBuf, String)> {
    let dir = support::root().join("tests/hostile/emit");
    let mut v: Vec<(PathBuf, String)> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .map(|p| {
            let src = fs::read_to_string(&p).unwrap();
            let code = src
                .lines()
                .find_map(|l| l.strip_prefix("// expect: "))
                .unwrap_or_else(|| panic!("{} has no `// expect:` line", p.display()))
                .trim()
                .to_owned();
            (p, code)
        })
        .collect();
    v.sort();
    v
}

/// Each hostile script fails with its diagnostic, exit 1, and writes
/// nothing (`ok` ones must build, and their output load in Terraform).
#[test]
fn every_hostile_reproducer_gets_its_diagnostic_and_writes_nothing() {
    let cases = reproducers();
    assert!(cases.len() >= 10, "{} reproducers", cases.len());
    let mut failures = Vec::new();
    for (path, code) in &cases {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = Tsdsl::new()
            .file(&name, fs::read(path).unwrap())
            .args(["run", &name, "-o", "out", "--message-format", "json"])
            .run();
        let wrote = out.path().join("out").exists();
        if code == "ok" {
            if out.status != Some(0) {
                failures.push(format!("{name}: expected success\n{out}"));
            }
            continue;
        }
        let codes: Vec<String> = out
            .stderr
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["code"].as_str().map(str::to_owned))
            .collect();
        if out.status != Some(1) || !codes.contains(code) || wrote {
            failures.push(format!("{name}: want {code}, exit 1, no output; got {codes:?}, exit {:?}, wrote: {wrote}\n{out}", out.status));
        }
        // Whatever the script held, nothing printed may drive the terminal.
        if out.stderr.contains('\u{1b}') || out.stdout.contains('\u{1b}') {
            failures.push(format!("{name}: an escape character reached the terminal"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Human, short and JSON diagnostics, and the summary line, show control
/// characters from names and file names as escapes.
#[test]
fn control_characters_never_reach_the_terminal() {
    let src = "let b = resource(\"aws_s3_bucket\", \"a\\x1b[2J\\x9bx\", #{});\n";
    for format in ["human", "short", "json"] {
        let out = Tsdsl::new()
            .script("esc.rhai", src)
            .args(["check", "esc.rhai", "--message-format", format])
            .env("NO_COLOR", "1")
            .run();
        out.assert_status(1);
        assert!(
            !out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{9b}'),
            "{format}: {out}"
        );
        assert!(out.stderr.contains("\\u{1b}"), "{format}: {out}");
    }
    let out = Tsdsl::new()
        .script("n\u{1b}[1m.rhai", "output(\"x\", 1);\n")
        .args(["check", "n\u{1b}[1m.rhai"])
        .run();
    out.assert_success();
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
}

/// A `--schema` file is input like a script: an argument name in it that is
/// not an identifier would be written as code, so the file is refused.
#[test]
fn schema_file_names_are_checked() {
    let schema = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/acme/acme":{
        "provider":{"version":0,"block":{}},
        "resource_schemas":{"acme_thing":{"version":0,"block":{"attributes":{
            "name = 1\n}\nresource \"x\" \"y\" {\n  z":{"type":"string","optional":true}}}}}}}}"#;
    let out = Tsdsl::new()
        .file("acme.json", schema)
        .script("s.rhai", "resource(\"acme_thing\", \"t\", #{});\n")
        .args(["run", "s.rhai", "--schema", "acme.json", "-o", "out"])
        .run();
    out.assert_status(2);
    out.assert_stderr_contains("is not a valid Terraform name");
    assert!(!out.stderr.contains("\nresource"), "the name is shown escaped: {out}");
    assert!(!out.path().join("out").exists());
    let bad_type = schema.replace("acme_thing", "acme_thing\\n}");
    Tsdsl::new()
        .file("acme.json", bad_type)
        .script("s.rhai", "output(\"x\", 1);\n")
        .args(["check", "s.rhai", "--schema", "acme.json"])
        .run()
        .assert_status(2);
}

/// A backend secret the producing stack accepted stays in that stack: the
/// consumer's `terraform_remote_state` gets every other setting.
#[test]
fn backend_secrets_are_not_copied_into_consumers() {
    let shared = r#"
backend("s3", #{ bucket: "state", key: "shared.tfstate", region: "eu-west-1",
    sse_customer_key: literal_secret("c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5MTIzNA==", "test estate") });
output("vpc_id", "vpc-123");
"#;
    let app = r#"
backend("s3", #{ bucket: "state", key: "app.tfstate", region: "eu-west-1" });
let shared = stack("shared");
output("vpc", shared.vpc_id);
"#;
    let out = Tsdsl::new()
        .script("shared.rhai", shared)
        .script("app.rhai", app)
        .args(["run", "app.rhai", "-o", "out"])
        .run();
    out.assert_success();
    let main = out.read("out/main.tf");
    assert!(main.contains("terraform_remote_state"), "{main}");
    assert!(main.contains("shared.tfstate"), "{main}");
    assert!(!main.contains("sse_customer_key") && !main.contains("c2VjcmV0"), "{main}");
}

/// What tsdsl refuses as a sensitive output, Terraform refuses too (and
/// accepts once the output says `sensitive = true`).
#[test]
fn sensitive_outputs_are_refused_as_terraform_refuses_them() {
    let script = |sensitive: bool| {
        format!(
            "let pw = variable(\"pw\", #{{ type: \"string\", sensitive: true }});\n\
             local(\"dsn\", \"db:\" + pw);\n\
             output(\"dsn\", tf::local(\"dsn\"), #{{ sensitive: {sensitive} }});\n"
        )
    };
    Tsdsl::new()
        .script("s.rhai", &script(false))
        .args(["check", "s.rhai"])
        .run()
        .assert_status(1)
        .assert_stderr_contains("tsdsl::secrets::sensitive_output");
    let out =
        Tsdsl::new().script("s.rhai", &script(true)).args(["run", "s.rhai", "-o", "out"]).run();
    out.assert_success();
    // Terraform's verdict on the same configuration with the output's flag
    // taken out (and a value for the variable, so that plan runs).
    let dir = tempfile::tempdir().unwrap();
    for f in ["main.tf", "outputs.tf"] {
        let text = out.read(&format!("out/{f}")).replace("  sensitive = true\n", "");
        fs::write(dir.path().join(f), text).unwrap();
    }
    fs::write(
        dir.path().join("variables.tf"),
        "variable \"pw\" {\n  type      = string\n  default   = \"x\"\n  sensitive = true\n}\n",
    )
    .unwrap();
    let run = support::oracle("tf_values.py", &[dir.path().to_path_buf()]);
    assert!(!run.success() && run.stdout.contains("Output refers to sensitive values"), "{run}");
}
