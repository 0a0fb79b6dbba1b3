//! The provider surface, swept: for a deterministic sample of resource types
//! of the embedded aws / kubernetes / helm / random schemas, a script sets
//! every required argument and block and a random half of the optional ones,
//! written as an operator would (blocks and objects as maps, partial objects
//! in list-of-object attributes). Every script must pass `tsdsl run` (no
//! false rejection) and Terraform's validate (no invalid output).
//!
//! `SWEEP_TYPES=N` changes the sample size (default 640), `SWEEP_KIND=data`
//! sweeps data sources instead.

use crate::support;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use tsdsl::model::{is_secret_name, BlockKind};
use tsdsl::pipeline::{self, BuildOptions, OutputFormat};
use tsdsl::schema::types::{AttrType, Attribute, BlockType, Nesting, SchemaBlock};
use tsdsl::schema::Schemas;

/// `SWEEP_KIND=data` sweeps data sources instead of resource types.
fn kind() -> BlockKind {
    match std::env::var("SWEEP_KIND").as_deref() {
        Ok("data") => BlockKind::Data,
        _ => BlockKind::Resource,
    }
}

/// splitmix64: small, fixed, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn half(&mut self) -> bool {
        self.next() & 1 == 0
    }
}

/// Names Rhai reads as keywords: written as quoted keys.
const RHAI_WORDS: &[&str] = &[
    "true",
    "false",
    "let",
    "const",
    "if",
    "else",
    "switch",
    "do",
    "while",
    "loop",
    "until",
    "for",
    "in",
    "continue",
    "break",
    "return",
    "throw",
    "try",
    "catch",
    "import",
    "export",
    "as",
    "private",
    "fn",
    "this",
    "global",
    "var",
    "static",
    "shared",
    "goto",
    "exit",
    "match",
    "case",
    "public",
    "protected",
    "new",
    "use",
    "with",
    "module",
    "package",
    "super",
    "thread",
    "spawn",
    "go",
    "sync",
    "async",
    "await",
    "yield",
    "default",
    "void",
    "null",
    "nil",
    "call",
    "curry",
    "type_of",
    "print",
    "debug",
    "eval",
    "Fn",
    "is_def_fn",
    "is_def_var",
    "is_shared",
];

fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RHAI_WORDS.contains(&k);
    if plain {
        k.to_owned()
    } else {
        format!("{k:?}")
    }
}

struct Gen {
    rng: Rng,
    /// Inside a secret (a `sensitive` argument, or one named like a secret):
    /// strings come from a sensitive variable, as the secrets check asks.
    secret: bool,
    /// Partial objects written in list/set-of-object attributes.
    partial_objects: usize,
}

impl Gen {
    /// A value of type `ty`; `full` when the surrounding value is written
    /// in attribute syntax, where objects need every attribute.
    fn value(&mut self, ty: &AttrType, full: bool, depth: usize) -> String {
        match ty {
            AttrType::String | AttrType::Dynamic if self.secret => "tf::var(\"secret\")".to_owned(),
            AttrType::String | AttrType::Dynamic => "\"v\"".to_owned(),
            AttrType::Number => "1".to_owned(),
            AttrType::Bool => "true".to_owned(),
            AttrType::List(e) | AttrType::Set(e) => match &**e {
                AttrType::Object(fields) if !full => {
                    self.partial_objects += 1;
                    format!("[{}]", self.object(fields, false, depth))
                }
                other => format!("[{}]", self.value(other, full, depth)),
            },
            AttrType::Map(e) => format!("#{{ k: {} }}", self.value(e, true, depth)),
            AttrType::Object(fields) => self.object(fields, true, depth),
            AttrType::Tuple(es) => {
                let items: Vec<String> = es.iter().map(|e| self.value(e, true, depth)).collect();
                format!("[{}]", items.join(", "))
            }
            AttrType::Nested { mode, attributes } => {
                let one = self.nested(attributes, depth);
                match mode {
                    Nesting::Single | Nesting::Group => one,
                    Nesting::List | Nesting::Set => format!("[{one}]"),
                    Nesting::Map => format!("#{{ k: {one} }}"),
                }
            }
        }
    }

    /// Every field when `full`, else a random half (at least one).
    fn object(
        &mut self,
        fields: &indexmap::IndexMap<String, AttrType>,
        full: bool,
        depth: usize,
    ) -> String {
        let mut parts = Vec::new();
        for (k, t) in fields {
            if full || self.rng.half() {
                let outer = self.secret;
                self.secret = outer || is_secret_name(k);
                parts.push(format!("{}: {}", key(k), self.value(t, full, depth + 1)));
                self.secret = outer;
            }
        }
        if parts.is_empty() {
            if let Some((k, t)) = fields.first() {
                let outer = self.secret;
                self.secret = outer || is_secret_name(k);
                parts.push(format!("{}: {}", key(k), self.value(t, full, depth + 1)));
                self.secret = outer;
            }
        }
        format!("#{{ {} }}", parts.join(", "))
    }

    fn nested(
        &mut self,
        attributes: &indexmap::IndexMap<String, Attribute>,
        depth: usize,
    ) -> String {
        let mut parts = Vec::new();
        for (k, a) in attributes {
            if a.is_output_only() {
                continue;
            }
            if a.required || (depth < 4 && self.rng.half()) {
                let v = self.attribute(k, a, depth);
                parts.push(format!("{}: {v}", key(k)));
            }
        }
        format!("#{{ {} }}", parts.join(", "))
    }

    fn attribute(&mut self, k: &str, a: &Attribute, depth: usize) -> String {
        // Sizes are checked against the EC2 / RDS / ElastiCache catalogs: an
        // operator writes a real one.
        let size = match k {
            "instance_type" => Some("t3.micro"),
            "instance_class" | "db_cluster_instance_class" => Some("db.t3.micro"),
            "node_type" => Some("cache.t3.micro"),
            "instance_types" => Some("t3.micro"),
            _ => None,
        };
        match (size, &a.ty) {
            (Some(v), AttrType::String) => return format!("\"{v}\""),
            (Some(v), AttrType::List(e) | AttrType::Set(e)) if **e == AttrType::String => {
                return format!("[\"{v}\"]")
            }
            _ => {}
        }
        let outer = self.secret;
        self.secret = outer || a.sensitive || is_secret_name(k);
        let v = self.value(&a.ty, false, depth + 1);
        self.secret = outer;
        v
    }

    fn body(&mut self, b: &SchemaBlock, depth: usize) -> String {
        let mut parts = Vec::new();
        for (k, a) in &b.attributes {
            if a.is_output_only() {
                continue;
            }
            // the attributes-as-blocks case is rare: always exercise it
            let objects = matches!(&a.ty, AttrType::List(e) | AttrType::Set(e)
                if matches!(**e, AttrType::Object(_)));
            if a.required || objects || (depth < 4 && self.rng.half()) {
                let v = self.attribute(k, a, depth);
                parts.push(format!("{}: {v}", key(k)));
            }
        }
        for (k, bt) in &b.block_types {
            if bt.min_items > 0 || (depth < 3 && self.rng.half()) {
                parts.push(format!("{}: {}", key(k), self.blocks(bt, depth + 1)));
            }
        }
        format!("#{{ {} }}", parts.join(", "))
    }

    fn blocks(&mut self, bt: &BlockType, depth: usize) -> String {
        let one = self.body(&bt.block, depth);
        match bt.nesting {
            Nesting::Map => format!("#{{ k: {one} }}"),
            _ if bt.is_single() && bt.min_items <= 1 => one,
            _ => {
                let mut items = vec![one];
                for _ in 1..bt.min_items.max(1) {
                    items.push(self.body(&bt.block, depth));
                }
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// The sample: every helm, random and kubernetes type and every aws type
/// with a list/set-of-object attribute (`aws_security_group`...), then aws
/// types drawn without replacement until `n`.
fn sample(schemas: &Schemas, n: usize, rng: &mut Rng) -> Vec<String> {
    let mut all: Vec<&str> = schemas.type_names(kind());
    all.retain(|t| !t.starts_with("terraform_"));
    all.sort_unstable();
    let objects = |t: &str| {
        schemas.block(kind(), t).is_some_and(|b| {
            b.attributes.values().any(|a| {
                !a.is_output_only()
                    && matches!(&a.ty, AttrType::List(e) | AttrType::Set(e)
                        if matches!(**e, AttrType::Object(_)))
            })
        })
    };
    let (mut picked, mut aws): (Vec<&str>, Vec<&str>) =
        all.into_iter().partition(|t| !t.starts_with("aws_") || objects(t));
    while picked.len() < n && !aws.is_empty() {
        let i = (rng.next() % aws.len() as u64) as usize;
        picked.push(aws.swap_remove(i));
    }
    picked.sort_unstable();
    picked.into_iter().map(str::to_owned).collect()
}

fn script_for(schemas: &Schemas, type_name: &str, gen: &mut Gen) -> String {
    let block = schemas.block(kind(), type_name).expect("a sampled type has a schema");
    let mut s = String::new();
    let _ = writeln!(s, "variable(\"secret\", #{{ type: \"string\", sensitive: true }});");
    let call = if kind() == BlockKind::Data { "data" } else { "resource" };
    let _ = writeln!(s, "{call}({type_name:?}, \"x\", {});", gen.body(&block, 0));
    s
}

#[test]
fn generated_scripts_pass_tsdsl_and_terraform() {
    let n: usize = std::env::var("SWEEP_TYPES").ok().and_then(|v| v.parse().ok()).unwrap_or(640);
    let schemas = Schemas::embedded();
    let mut rng = Rng(0x007a_5d51);
    let types = sample(&schemas, n, &mut rng);
    assert!(types.len() >= n.min(600), "only {} types to sample", types.len());
    let mut gen = Gen { rng, secret: false, partial_objects: 0 };
    let tmp = tempfile::tempdir().expect("tempdir");
    // SWEEP_KEEP=1 keeps the scripts and outputs for a look by hand
    let keep = std::env::var_os("SWEEP_KEEP").is_some();
    let tmp = if keep {
        let dir = tmp.keep();
        eprintln!("sweep folder: {}", dir.display());
        Tmp::Kept(dir)
    } else {
        Tmp::Temp(tmp)
    };
    let mut rejected = Vec::new();
    let mut batches: Vec<PathBuf> = Vec::new();
    let versions = "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n    kubernetes = { source = \"hashicorp/kubernetes\" }\n    helm = { source = \"hashicorp/helm\" }\n    random = { source = \"hashicorp/random\" }\n  }\n}\n";
    for (i, t) in types.iter().enumerate() {
        // each script is written as HCL and as JSON, in batches of 100 types
        let batch = tmp.path().join(format!("hcl{:02}", i / 100));
        let json = tmp.path().join(format!("json{:02}", i / 100));
        if i % 100 == 0 {
            for b in [&batch, &json] {
                fs::create_dir_all(b).expect("batch folder");
                fs::write(b.join("versions.tf"), versions).expect("versions.tf");
                // each script declares it; the batch folder holds it once
                let secret = "variable \"secret\" {\n  type      = string\n  sensitive = true\n}\n";
                fs::write(b.join("variables.tf"), secret).expect("variables.tf");
                batches.push(b.clone());
            }
        }
        let script = tmp.path().join(format!("{t}.rhai"));
        fs::write(&script, script_for(&schemas, t, &mut gen)).expect("script");
        for (format, dir, main, ext) in [
            (OutputFormat::Hcl, &batch, "main.tf", "tf"),
            (OutputFormat::Json, &json, "main.tf.json", "tf.json"),
        ] {
            match pipeline::build(&script, &BuildOptions { format, ..BuildOptions::default() }) {
                Ok(build) => {
                    for f in build.files.iter().filter(|f| f.name == main) {
                        fs::write(dir.join(format!("{t}.{ext}")), &f.contents).expect("write");
                    }
                }
                Err(f) => {
                    rejected.push(format!(
                        "{t}: {:?}\n{}",
                        f.error,
                        fs::read_to_string(&script).unwrap_or_default()
                    ));
                    break;
                }
            }
        }
    }
    eprintln!(
        "schema sweep: {} types sampled ({} partial objects in list/set-of-object attributes), \
         {} rejected by tsdsl",
        types.len(),
        gen.partial_objects,
        rejected.len(),
    );
    let run = support::tf_validate(&batches);
    let refused = refused_types(&run.stdout);
    eprintln!("schema sweep: {} types refused by Terraform", refused.len());
    assert!(rejected.is_empty(), "tsdsl rejected valid scripts:\n{}", rejected.join("\n"));
    assert!(run.success() && refused.is_empty(), "Terraform refused the output:\n{run}");
}

enum Tmp {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

impl Tmp {
    fn path(&self) -> &Path {
        match self {
            Tmp::Temp(t) => t.path(),
            Tmp::Kept(p) => p,
        }
    }
}

/// The types named by `FILE:LINE:COL: error:` lines of tf-validate.
fn refused_types(stdout: &str) -> Vec<String> {
    let mut out: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains(": error:"))
        .filter_map(|l| l.split(':').next())
        .filter_map(|f| Path::new(f.trim()).file_name().map(|s| s.to_string_lossy().into_owned()))
        .map(|f| f.split('.').next().unwrap_or_default().to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}
