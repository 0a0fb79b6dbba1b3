//! Every Terraform address the examples and environments declare, compared
//! with the committed list in `tests/fixtures/addresses.txt`. An address that
//! moves makes Terraform destroy and recreate the thing it names, so a stdlib
//! refactor must leave this list alone. When a change to a script or block
//! means to add, drop or rename an address, regenerate the list with
//! `TSDSL_BLESS_ADDRESSES=1 cargo test --test addresses` and review its diff.

use crate::support;

use std::fs;
use std::path::Path;

/// `resource TYPE NAME`, `data TYPE NAME`, `module NAME` lines of every
/// `.tf` file written to `out`.
fn addresses(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in support::read_tree(out) {
        if path.extension().and_then(|e| e.to_str()) != Some("tf") {
            continue;
        }
        for line in String::from_utf8_lossy(&bytes).lines() {
            let Some(kind) =
                ["resource ", "data ", "module "].iter().find(|k| line.starts_with(**k))
            else {
                continue;
            };
            let labels: Vec<&str> = line[kind.len()..]
                .split('"')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            found.push(format!("{}{}", kind, labels.join(" ")));
        }
    }
    found
}

#[test]
fn every_address_stays_where_it_was() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut scripts = support::examples();
    scripts.extend(support::environment_scripts());
    let mut actual = Vec::new();
    for (i, script) in scripts.iter().enumerate() {
        let out = tmp.path().join(i.to_string());
        support::run_script(script, &out);
        let rel = script.strip_prefix(support::root()).unwrap_or(script);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let mut list = addresses(&out);
        list.sort();
        actual.extend(list.into_iter().map(|a| format!("{rel} {a}")));
    }
    let actual = actual.join("\n") + "\n";
    let golden = support::root().join("tests/fixtures/addresses.txt");
    if std::env::var_os("TSDSL_BLESS_ADDRESSES").is_some() {
        fs::write(&golden, &actual).expect("writing tests/fixtures/addresses.txt");
        return;
    }
    let expected = fs::read_to_string(&golden).expect("reading tests/fixtures/addresses.txt");
    if actual != expected {
        let exp: Vec<&str> = expected.lines().collect();
        let act: Vec<&str> = actual.lines().collect();
        let gone: Vec<&&str> = exp.iter().filter(|l| !act.contains(l)).collect();
        let new: Vec<&&str> = act.iter().filter(|l| !exp.contains(l)).collect();
        panic!(
            "Terraform addresses moved (existing state would be destroyed and recreated)\n\
             gone: {gone:#?}\nnew: {new:#?}\n\
             if this is deliberate: TSDSL_BLESS_ADDRESSES=1 cargo test --test addresses"
        );
    }
}
