//! The set of provider schemas a run checks against: the embedded ones,
//! possibly replaced or extended by `--schema FILE`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;

use super::builtin;
use super::embedded::{EmbeddedProvider, EMBEDDED};
use super::types::{RawSchema, SchemaBlock};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::{closest, Code};
use crate::model::BlockKind;

/// Answer of [`Schemas::lookup_attribute`], for handles checking references
/// such as `aws_vpc.main.arn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrLookup {
    Found,
    UnknownType,
    Unknown { suggestion: Option<String> },
}

pub struct Schemas {
    /// Searched by type prefix; a loaded provider replaces an embedded one of the same name.
    providers: Vec<Source>,
    /// Types looked up so far, per [`BlockKind`]. Parsing is per type so a
    /// run pays only for the types its script uses, not for the 2,400 of
    /// the aws provider.
    cache: Mutex<[Cache; 3]>,
    /// The embedded types decoded, possibly shared with earlier runs.
    decoded: SchemaCache,
    parsed: AtomicUsize,
    /// Embedded types whose schema did not decode or parse, with why: a
    /// defect of the build, reported as such and not as an unknown type.
    broken: Mutex<Vec<(BlockKind, String, String)>>,
}

/// `None` remembers a type that does not exist, so suggestions stay cheap.
type Cache = HashMap<String, Option<Arc<SchemaBlock>>>;

fn slot(kind: BlockKind) -> usize {
    match kind {
        BlockKind::Resource => 0,
        BlockKind::Data => 1,
        BlockKind::Provider => 2,
    }
}

/// The embedded types decoded so far. The embedded schemas never change,
/// so a caller that builds again and again (`watch`) keeps one of these
/// and hands it to each run's [`Schemas::embedded_sharing`]: a type is then
/// decoded once per process, not once per build. Cloning shares it.
#[derive(Clone, Default)]
pub struct SchemaCache(Arc<Mutex<Decoded>>);

#[derive(Default)]
struct Decoded {
    /// By provider, kind and type name, all from the embedded index.
    blocks: HashMap<(&'static str, BlockKind, &'static str), Arc<SchemaBlock>>,
    /// Kept between types: a fresh one allocates its tables each time.
    decoder: ruzstd::decoding::FrameDecoder,
}

impl std::fmt::Debug for SchemaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|d| d.blocks.len()).unwrap_or(0);
        write!(f, "SchemaCache({n} types)")
    }
}

enum Source {
    Embedded(&'static EmbeddedProvider),
    Loaded(Loaded),
}

struct Loaded {
    name: String,
    address: String,
    provider: Option<Arc<SchemaBlock>>,
    resources: HashMap<String, Arc<SchemaBlock>>,
    data_sources: HashMap<String, Arc<SchemaBlock>>,
}

impl Source {
    fn name(&self) -> &str {
        match self {
            Source::Embedded(e) => e.name,
            Source::Loaded(l) => &l.name,
        }
    }
}

const BAD_FILE: Code = Code::SchemaBadSchemaFile;

impl Schemas {
    /// The schemas compiled into the binary. Cheap: nothing is decompressed
    /// or parsed until a type is looked up, and a type is decoded once per
    /// process (the embedded bytes never change), whichever run asks.
    pub fn embedded() -> Schemas {
        static PROCESS: std::sync::OnceLock<SchemaCache> = std::sync::OnceLock::new();
        Schemas::embedded_sharing(PROCESS.get_or_init(SchemaCache::default))
    }

    /// [`Schemas::embedded`], with the embedded types other runs decoded
    /// into `cache` (and this one's added to it).
    pub fn embedded_sharing(cache: &SchemaCache) -> Schemas {
        Schemas {
            providers: EMBEDDED.iter().map(Source::Embedded).collect(),
            decoded: cache.clone(),
            ..Schemas::empty()
        }
    }

    /// No provider at all, only Terraform's built-in types; for tests and
    /// for runs that bring every schema with `--schema`.
    pub fn empty() -> Schemas {
        Schemas {
            providers: Vec::new(),
            cache: Mutex::default(),
            decoded: SchemaCache::default(),
            parsed: AtomicUsize::new(0),
            broken: Mutex::new(Vec::new()),
        }
    }

    /// Adds the providers of a `terraform providers schema -json` file,
    /// replacing embedded or earlier ones with the same name.
    // the signature the CLI relies on; a bad file is one diagnostic, rarely built
    #[allow(clippy::result_large_err)]
    pub fn load_file(&mut self, path: &Path) -> Result<(), Diagnostic> {
        let bad = |detail: String| {
            Diagnostic::error(BAD_FILE, format!("cannot use `{}` as a provider schema file: {detail}", path.display()))
                .help("produce it with `terraform providers schema -json > FILE` in an initialised root module")
        };
        let text = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        self.load_bytes(path, &text)
    }

    /// [`Schemas::load_file`] on the file's content, already read (the
    /// pipeline reads it: regular files only, size capped).
    #[allow(clippy::result_large_err)]
    pub fn load_bytes(&mut self, path: &Path, text: &[u8]) -> Result<(), Diagnostic> {
        let bad = |detail: String| {
            Diagnostic::error(BAD_FILE, format!("cannot use `{}` as a provider schema file: {detail}", path.display()))
                .help("produce it with `terraform providers schema -json > FILE` in an initialised root module")
        };
        // Read into the shapes tsdsl uses, not a generic JSON tree: fields it
        // does not read are skipped unbuilt (a 200 MB array beside the
        // schemas needed a 4.8 GB tree), and a real provider's types cost
        // their schemas only.
        let doc: RawDoc = serde_json::from_slice(text).map_err(|e| bad(e.to_string()))?;
        self.load_doc(doc).map_err(bad)
    }

    /// The same as [`Schemas::load_file`] on an already parsed document.
    pub fn load_json(&mut self, doc: &Json) -> Result<(), String> {
        self.load_doc(RawDoc::deserialize(doc).map_err(|e| e.to_string())?)
    }

    fn load_doc(&mut self, doc: RawDoc) -> Result<(), String> {
        let Some(providers) = doc.provider_schemas else {
            return Err("no `provider_schemas` object".to_owned());
        };
        let mut loaded = Vec::new();
        for (address, s) in providers {
            let name = source_type(&address)?.to_owned();
            super::types::named(&name).map_err(|e| format!("provider `{address}`: {}", e.0))?;
            let provider = match s.provider {
                Some(p) => Some(Arc::new(
                    p.into_block().map_err(|e| format!("{address} provider: {}", e.0))?,
                )),
                None => None,
            };
            let mut maps = [HashMap::new(), HashMap::new()];
            for (m, types) in maps.iter_mut().zip([s.resource_schemas, s.data_source_schemas]) {
                let types = types.unwrap_or_default();
                for (t, raw) in types {
                    super::types::named(&t).map_err(|e| e.0)?;
                    let b = raw.into_block().map_err(|e| format!("{t}: {}", e.0))?;
                    m.insert(t, Arc::new(b));
                }
            }
            let [resources, data_sources] = maps;
            loaded.push(Loaded { name, address, provider, resources, data_sources });
        }
        for l in loaded {
            self.providers.retain(|p| p.name() != l.name);
            self.providers.push(Source::Loaded(l));
        }
        if let Ok(mut c) = self.cache.lock() {
            c.iter_mut().for_each(HashMap::clear);
        }
        Ok(())
    }

    /// The schema of a type (`Resource`/`Data`) or of a provider's
    /// configuration (`Provider`, by local name).
    pub fn block(&self, kind: BlockKind, type_name: &str) -> Option<Arc<SchemaBlock>> {
        if let Some(hit) =
            self.cache.lock().ok().and_then(|c| c[slot(kind)].get(type_name).cloned())
        {
            return hit;
        }
        let found = self.find(kind, type_name);
        if let Ok(mut c) = self.cache.lock() {
            c[slot(kind)].insert(type_name.to_owned(), found.clone());
        }
        found
    }

    fn find(&self, kind: BlockKind, type_name: &str) -> Option<Arc<SchemaBlock>> {
        match (kind, type_name) {
            (BlockKind::Data, "terraform_remote_state") => {
                return Some(Arc::new(builtin::remote_state()))
            }
            (BlockKind::Resource, "terraform_data") => {
                return Some(Arc::new(builtin::terraform_data()))
            }
            _ => {}
        }
        let source = match kind {
            BlockKind::Provider => self.providers.iter().rev().find(|p| p.name() == type_name)?,
            _ => self.provider_of(type_name)?,
        };
        match source {
            Source::Loaded(l) => match kind {
                BlockKind::Provider => l.provider.clone(),
                BlockKind::Resource => l.resources.get(type_name).cloned(),
                BlockKind::Data => l.data_sources.get(type_name).cloned(),
            },
            Source::Embedded(e) => {
                let (name, range) = match kind {
                    BlockKind::Provider => Some((e.name, e.provider)),
                    BlockKind::Resource => EmbeddedProvider::find(e.resources, type_name),
                    BlockKind::Data => EmbeddedProvider::find(e.data_sources, type_name),
                }?;
                let mut decoded = self.decoded.0.lock().ok()?;
                let key = (e.name, kind, name);
                if let Some(b) = decoded.blocks.get(&key) {
                    return Some(b.clone());
                }
                self.parsed.fetch_add(1, Ordering::Relaxed);
                let parsed = e
                    .bytes(range, &mut decoded.decoder)
                    .ok_or_else(|| "its compressed data does not decode".to_owned())
                    .and_then(|bytes| SchemaBlock::from_binary(&bytes).map_err(|e| e.0));
                match parsed {
                    Ok(block) => {
                        let block = Arc::new(block);
                        decoded.blocks.insert(key, block.clone());
                        Some(block)
                    }
                    Err(why) => {
                        if let Ok(mut b) = self.broken.lock() {
                            b.push((kind, type_name.to_owned(), why));
                        }
                        None
                    }
                }
            }
        }
    }

    /// The provider a type belongs to, by the longest matching name prefix
    /// (`aws_vpc` -> `aws`), as Terraform infers it.
    fn provider_of(&self, type_name: &str) -> Option<&Source> {
        self.providers
            .iter()
            .rev()
            .filter(|p| {
                type_name == p.name()
                    || type_name.strip_prefix(p.name()).is_some_and(|rest| rest.starts_with('_'))
            })
            .max_by_key(|p| p.name().len())
    }

    /// `registry.terraform.io/hashicorp/aws` for `aws`: the source address
    /// of the schema in use, for `required_providers`.
    pub fn provider_address(&self, name: &str) -> Option<&str> {
        self.providers.iter().rev().find(|p| p.name() == name).map(|p| match p {
            Source::Embedded(e) => e.address,
            Source::Loaded(l) => l.address.as_str(),
        })
    }

    /// The local name of the provider that serves `type_name`, if any.
    pub fn provider_name(&self, type_name: &str) -> Option<&str> {
        if type_name.starts_with("terraform_") {
            return Some("terraform");
        }
        self.provider_of(type_name).map(Source::name)
    }

    /// Why the embedded schema of a type that exists could not be read, if
    /// it could not: [`Schemas::block`] answers `None` for it as for an
    /// unknown type, and callers tell the two apart here.
    pub fn broken(&self, kind: BlockKind, type_name: &str) -> Option<String> {
        self.block(kind, type_name);
        let broken = self.broken.lock().ok()?;
        broken.iter().find(|(k, t, _)| *k == kind && t == type_name).map(|(_, _, why)| why.clone())
    }

    pub fn has_type(&self, kind: BlockKind, type_name: &str) -> bool {
        self.block(kind, type_name).is_some()
    }

    pub fn lookup_attribute(&self, kind: BlockKind, type_name: &str, attr: &str) -> AttrLookup {
        let Some(b) = self.block(kind, type_name) else {
            return AttrLookup::UnknownType;
        };
        if b.attributes.contains_key(attr) || b.block_types.contains_key(attr) {
            return AttrLookup::Found;
        }
        let names = b.attributes.keys().chain(b.block_types.keys()).map(String::as_str);
        AttrLookup::Unknown { suggestion: closest(attr, names).map(str::to_owned) }
    }

    /// The known type (or provider name) closest to a misspelt one.
    pub fn suggest_type(&self, kind: BlockKind, type_name: &str) -> Option<String> {
        closest(type_name, self.type_names(kind)).map(str::to_owned)
    }

    /// Every known name of that kind, across providers.
    pub fn type_names(&self, kind: BlockKind) -> Vec<&str> {
        let mut out: Vec<&str> = match kind {
            BlockKind::Resource => vec!["terraform_data"],
            BlockKind::Data => vec!["terraform_remote_state"],
            BlockKind::Provider => Vec::new(),
        };
        for p in &self.providers {
            match (p, kind) {
                (_, BlockKind::Provider) => out.push(p.name()),
                (Source::Embedded(e), BlockKind::Resource) => {
                    out.extend(e.resources.iter().map(|t| t.0))
                }
                (Source::Embedded(e), BlockKind::Data) => {
                    out.extend(e.data_sources.iter().map(|t| t.0))
                }
                (Source::Loaded(l), BlockKind::Resource) => {
                    out.extend(l.resources.keys().map(String::as_str))
                }
                (Source::Loaded(l), BlockKind::Data) => {
                    out.extend(l.data_sources.keys().map(String::as_str))
                }
            }
        }
        out
    }

    /// How many types were decompressed and parsed so far (embedded ones).
    pub fn parsed_types(&self) -> usize {
        self.parsed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
impl Schemas {
    /// Only the given embedded providers, for tests of a damaged build.
    pub(crate) fn with_embedded(providers: &'static [EmbeddedProvider]) -> Schemas {
        Schemas { providers: providers.iter().map(Source::Embedded).collect(), ..Schemas::empty() }
    }
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.providers.iter().map(Source::name)).finish()
    }
}

/// A `terraform providers schema -json` document, in the order written.
#[derive(Deserialize)]
struct RawDoc {
    provider_schemas: Option<IndexMap<String, RawProvider>>,
}

#[derive(Deserialize)]
struct RawProvider {
    provider: Option<RawSchema>,
    resource_schemas: Option<IndexMap<String, RawSchema>>,
    data_source_schemas: Option<IndexMap<String, RawSchema>>,
}

/// The type of a provider source address as `terraform providers schema
/// -json` writes it (`registry.terraform.io/hashicorp/aws` -> `aws`, the
/// prefix of its types). Anything else is refused rather than read: a key
/// such as `../../aws` would replace the built-in `aws` under another
/// source, and one such as `x` would load a provider no type reaches.
fn source_type(address: &str) -> Result<&str, String> {
    let refuse = |why: &str| {
        Err(format!(
            "provider `{}` is not a source address `HOST/NAMESPACE/TYPE` ({why}), as \
             `terraform providers schema -json` writes it",
            crate::diagnostics::printable(address, false)
        ))
    };
    let parts: Vec<&str> = address.split('/').collect();
    let [host, namespace, kind] = parts[..] else {
        return refuse(&format!("{} parts", parts.len()));
    };
    let (name, port) = host.split_once(':').unwrap_or((host, ""));
    let host_ok =
        !name.is_empty() && name.split('.').all(label) && port.chars().all(|c| c.is_ascii_digit());
    if !host_ok {
        return refuse(&format!(
            "`{}` is not a host name",
            crate::diagnostics::printable(host, false)
        ));
    }
    for (what, part) in [("namespace", namespace), ("type", kind)] {
        if !label(part) {
            return refuse(&format!(
                "its {what} `{}` is not lowercase letters, digits and inner dashes",
                crate::diagnostics::printable(part, false)
            ));
        }
    }
    Ok(kind)
}

/// A lowercase DNS label: letters, digits and dashes, not at either end.
fn label(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
