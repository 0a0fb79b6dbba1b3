//! Pre-indexes the embedded provider schemas so that a run only parses the
//! types its script uses.
//!
//! For each `schemas/<provider>.json.zst` (Terraform's `providers schema
//! -json` shape) this writes `OUT_DIR/<provider>.bin`, the concatenation of
//! one zstd frame per type holding that type's schema in the compact binary
//! form `src/schema/binary.rs` reads (no JSON parsing at run time), and
//! `OUT_DIR/schema_index.rs`, sorted type names with the byte range of their
//! frame. At run time a lookup is a binary search plus decoding one frame.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

const PROVIDERS: &[&str] = &["aws", "kubernetes", "helm", "random"];

/// The binary is position-independent (ASLR), so the loader patches every
/// pointer in its read-only data at start. Packed (DT_RELR, glibc 2.36 and
/// binutils 2.38 or later), the table of those patches shrinks from 0.9 MB
/// to a few KB that every run reads: 1 MB less memory and less start-up.
fn pack_relocations() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Lays out the functions a run executes side by side (lld's symbol ordering;
/// the list is `linker/hot-functions.txt`, written by `tools/hot-functions.py`).
/// The kernel maps code 64 KB around every page a run touches, so hot code
/// spread over the whole binary made a run of production touch 7.5 MB of code
/// for 2.4 MB executed: peak RSS 17.5 MB, 12.4 MB with the ordering.
/// Only where the linker is known to be lld (rustc 1.90 and later link
/// x86_64-unknown-linux-gnu with its own lld unless told otherwise): another
/// linker would refuse the option. Names the binary no longer has are skipped.
fn order_hot_functions() {
    let list = "linker/hot-functions.txt";
    println!("cargo:rerun-if-changed={list}");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let own_linker = !var("RUSTC_LINKER").is_empty()
        || var("CARGO_ENCODED_RUSTFLAGS").contains("link")
        || var("TARGET") != "x86_64-unknown-linux-gnu";
    if own_linker || !rustc_at_least(1, 90) || !Path::new(list).exists() {
        return;
    }
    let path = Path::new(&var("CARGO_MANIFEST_DIR")).join(list);
    println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", path.display());
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}

fn rustc_at_least(major: u32, minor: u32) -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc).arg("-V").output() else { return false };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().nth(1).unwrap_or("").split('.');
    let mut num = || parts.next().and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    (num(), num()) >= (major, minor)
}

fn main() {
    pack_relocations();
    order_hot_functions();
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=schemas/sensitive.txt");
    println!("cargo:rerun-if-changed=schemas/flag_sensitive.rs");
    let mut index = String::new();
    index.push_str("pub(crate) static EMBEDDED: &[EmbeddedProvider] = &[\n");
    for name in PROVIDERS {
        let src = format!("schemas/{name}.json.zst");
        println!("cargo:rerun-if-changed={src}");
        let file = std::fs::File::open(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let mut json = Vec::new();
        ruzstd::decoding::StreamingDecoder::new(file)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .read_to_end(&mut json)
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        let mut doc: serde_json::Value =
            serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{src}: {e}"));
        flag_sensitive(name, &mut doc);
        let (address, schemas) = doc["provider_schemas"]
            .as_object()
            .and_then(|m| m.iter().next())
            .unwrap_or_else(|| panic!("{src}: no provider_schemas"));

        let mut blob = Vec::new();
        let mut frame = |v: &serde_json::Value| -> (usize, usize) {
            let mut text = Vec::new();
            encode_block(&v["block"], &mut text);
            let z = ruzstd::encoding::compress_to_vec(
                &text[..],
                ruzstd::encoding::CompressionLevel::Fastest,
            );
            let start = blob.len();
            blob.extend_from_slice(&z);
            (start, z.len())
        };
        let (ps, pl) = frame(&schemas["provider"]);
        let mut lists = Vec::new();
        for key in ["resource_schemas", "data_source_schemas"] {
            let mut entries: Vec<(&String, &serde_json::Value)> =
                schemas[key].as_object().map(|m| m.iter().collect()).unwrap_or_default();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let mut list = String::from("&[");
            for (t, v) in entries {
                let (s, l) = frame(v);
                let _ = write!(list, "({t:?}, {s}, {l}),");
            }
            list.push(']');
            lists.push(list);
        }
        let bin = Path::new(&out_dir).join(format!("{name}.bin"));
        std::fs::write(&bin, &blob).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let _ = writeln!(
            index,
            "    EmbeddedProvider {{ name: {name:?}, address: {address:?}, blob: include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.bin\")), provider: ({ps}, {pl}), resources: {}, data_sources: {} }},",
            lists[0], lists[1]
        );
    }
    index.push_str("];\n");
    let path = Path::new(&out_dir).join("schema_index.rs");
    std::fs::write(&path, index).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("cargo:rerun-if-changed=build.rs");
    // The stdlib is embedded with include_dir, which cannot tell cargo to
    // watch it: a changed or added module must rebuild the crate.
    println!("cargo:rerun-if-changed=stdlib");
}

// `flag_sensitive`: also read by the test that compares the embedded schemas
// with their JSON (`src/schema/binary.rs`).
include!("schemas/flag_sensitive.rs");

// The binary form, read back by `src/schema/binary.rs` (keep the two in
// step). Numbers are LEB128 varints, strings a length then UTF-8 bytes.
// A block: its attributes (name, attribute) then its nested block types
// (name, nesting, min_items, max_items, byte length of the block, block:
// the length lets a reader leave a nested block undecoded), each list sorted by name
// as the JSON reader sorted them. An attribute: a flags byte (required 1,
// optional 2, computed 4, sensitive 8) then its type. A type: a tag byte,
// 0 string, 1 number, 2 bool, 3 dynamic, 4 list, 5 set, 6 map (then the
// element type), 7 object (fields in the JSON's order), 8 tuple (items),
// 9 nested attributes (nesting, then attributes as in a block).

fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    varint(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn sorted(v: &serde_json::Value) -> Vec<(&String, &serde_json::Value)> {
    let mut items: Vec<_> = v.as_object().map(|m| m.iter().collect()).unwrap_or_default();
    items.sort_by(|a, b| a.0.cmp(b.0));
    items
}

fn nesting(v: &serde_json::Value) -> u8 {
    match v.as_str() {
        Some("single") => 0,
        Some("group") => 1,
        Some("list") => 2,
        Some("set") => 3,
        Some("map") => 4,
        other => panic!("unknown nesting mode {other:?}"),
    }
}

fn encode_block(b: &serde_json::Value, out: &mut Vec<u8>) {
    encode_attributes(&b["attributes"], out);
    let types = sorted(&b["block_types"]);
    varint(types.len() as u64, out);
    for (name, bt) in types {
        string(name, out);
        out.push(nesting(&bt["nesting_mode"]));
        varint(bt["min_items"].as_u64().unwrap_or(0), out);
        varint(bt["max_items"].as_u64().unwrap_or(0), out);
        let mut nested = Vec::new();
        encode_block(&bt["block"], &mut nested);
        varint(nested.len() as u64, out);
        out.extend_from_slice(&nested);
    }
}

fn encode_attributes(attrs: &serde_json::Value, out: &mut Vec<u8>) {
    let attrs = sorted(attrs);
    varint(attrs.len() as u64, out);
    for (name, a) in attrs {
        string(name, out);
        let flag = |k: &str, bit: u8| if a[k].as_bool() == Some(true) { bit } else { 0 };
        out.push(
            flag("required", 1) | flag("optional", 2) | flag("computed", 4) | flag("sensitive", 8),
        );
        let present = |k: &str| a.get(k).filter(|v| !v.is_null());
        match (present("type"), present("nested_type")) {
            (Some(t), _) => encode_type(t, out),
            (None, Some(nt)) => {
                out.push(9);
                out.push(nesting(&nt["nesting_mode"]));
                encode_attributes(&nt["attributes"], out);
            }
            (None, None) => panic!("attribute `{name}` without `type` or `nested_type`"),
        }
    }
}

fn encode_type(t: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value as J;
    match t {
        J::String(s) => out.push(match s.as_str() {
            "string" => 0,
            "number" => 1,
            "bool" => 2,
            "dynamic" => 3,
            other => panic!("unknown type {other}"),
        }),
        J::Array(parts) => match (parts.first().and_then(J::as_str), parts.get(1)) {
            (Some(kind @ ("list" | "set" | "map")), Some(elem)) => {
                out.push(match kind {
                    "list" => 4,
                    "set" => 5,
                    _ => 6,
                });
                encode_type(elem, out);
            }
            (Some("object"), Some(J::Object(fields))) => {
                out.push(7);
                varint(fields.len() as u64, out);
                for (k, v) in fields {
                    string(k, out);
                    encode_type(v, out);
                }
            }
            (Some("tuple"), Some(J::Array(items))) => {
                out.push(8);
                varint(items.len() as u64, out);
                for v in items {
                    encode_type(v, out);
                }
            }
            _ => panic!("malformed type {t}"),
        },
        _ => panic!("malformed type {t}"),
    }
}
