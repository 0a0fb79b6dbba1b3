//! Pre-indexes the embedded provider schemas so that a run only parses the
//! types its script uses.
//!
//! For each `schemas/<provider>.json.zst` (Terraform's `providers schema
//! -json` shape) this writes `OUT_DIR/<provider>.bin`, the concatenation of
//! one zstd frame per type holding that type's minified schema JSON, and
//! `OUT_DIR/schema_index.rs`, sorted type names with the byte range of their
//! frame. At run time a lookup is a binary search plus decoding one frame.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

const PROVIDERS: &[&str] = &["aws", "kubernetes", "helm", "random"];

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
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
        let doc: serde_json::Value =
            serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{src}: {e}"));
        let (address, schemas) = doc["provider_schemas"]
            .as_object()
            .and_then(|m| m.iter().next())
            .unwrap_or_else(|| panic!("{src}: no provider_schemas"));

        let mut blob = Vec::new();
        let mut frame = |v: &serde_json::Value| -> (usize, usize) {
            let text = serde_json::to_vec(v).expect("serialising a parsed value");
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
