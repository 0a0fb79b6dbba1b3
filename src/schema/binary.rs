//! The embedded schemas' binary form (written by `build.rs`, which
//! documents the layout): decoding it is a walk over bytes, with none of
//! the JSON tokenising, map building and type-notation matching that made
//! the first lookup of a large type (`aws_wafv2_web_acl`) the bulk of a run.
//!
//! A type's top level is checked as it is decoded when it is looked up (a
//! damaged build is reported then, as an internal error), and each nested
//! block as it is decoded when first read: `aws_wafv2_web_acl` is 80 KB of
//! nested rule statements, of which a script touches a handful, and no run
//! needs the rest walked. The test
//! `every_embedded_type_is_whole` walks every type of every provider to
//! the bottom, so the bytes a build ships are known whole.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

use super::types::{AttrType, Attribute, BlockType, Nesting, ParseError, SchemaBlock};

type Result<T> = std::result::Result<T, ParseError>;

/// Types nest a few levels in real schemas; this bounds a corrupt blob.
const MAX_DEPTH: usize = 64;

impl SchemaBlock {
    /// From the bytes `build.rs` wrote for one type: its top level checked
    /// as it is decoded, its nested blocks left to decode (and so check) on
    /// first use.
    pub(crate) fn from_binary(bytes: &[u8]) -> Result<SchemaBlock> {
        let bytes: Arc<[u8]> = Arc::from(bytes);
        let mut r = Reader { bytes: &bytes, at: 0 };
        let block = r.block(&bytes)?;
        if r.at != bytes.len() {
            return Err(ParseError("trailing bytes in an embedded schema".into()));
        }
        Ok(block)
    }
}

/// The schema of a nested block type: given (JSON schemas, built-in types)
/// or still bytes of an embedded type, decoded the first time it is read.
pub struct NestedBlock(Inner);

enum Inner {
    Ready(SchemaBlock),
    Lazy { bytes: Arc<[u8]>, at: usize, decoded: OnceLock<SchemaBlock> },
}

impl From<SchemaBlock> for NestedBlock {
    fn from(b: SchemaBlock) -> Self {
        NestedBlock(Inner::Ready(b))
    }
}

impl Deref for NestedBlock {
    type Target = SchemaBlock;

    fn deref(&self) -> &SchemaBlock {
        match &self.0 {
            Inner::Ready(b) => b,
            Inner::Lazy { bytes, at, decoded } => decoded.get_or_init(|| decode(bytes, *at)),
        }
    }
}

impl Clone for NestedBlock {
    fn clone(&self) -> Self {
        match &self.0 {
            Inner::Ready(b) => NestedBlock(Inner::Ready(b.clone())),
            Inner::Lazy { bytes, at, decoded } => {
                NestedBlock(Inner::Lazy { bytes: bytes.clone(), at: *at, decoded: decoded.clone() })
            }
        }
    }
}

impl PartialEq for NestedBlock {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for NestedBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// The nested block at `at`: its attributes, and its block types as
/// [`NestedBlock`]s still to decode. Decoding checks every byte it reads
/// and the extent of every nested block. The test that walks every
/// embedded type whole means this cannot fail on bytes a build made; if it
/// did, the block would read as empty, and every attribute set in it would
/// be refused as unknown.
fn decode(bytes: &Arc<[u8]>, at: usize) -> SchemaBlock {
    Reader { bytes, at }.block(bytes).unwrap_or_default()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn corrupt() -> ParseError {
    ParseError("corrupt embedded schema".into())
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.bytes.get(self.at).ok_or_else(corrupt)?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(corrupt())
    }

    fn len(&mut self) -> Result<usize> {
        let n = usize::try_from(self.varint()?).map_err(|_| corrupt())?;
        // Every item takes at least a byte: a larger count is corrupt.
        if n > self.bytes.len() - self.at {
            return Err(corrupt());
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&str> {
        let n = self.len()?;
        let s = self.bytes.get(self.at..self.at + n).ok_or_else(corrupt)?;
        self.at += n;
        std::str::from_utf8(s).map_err(|_| corrupt())
    }

    fn string(&mut self) -> Result<String> {
        self.str().map(str::to_owned)
    }

    fn nesting(&mut self) -> Result<Nesting> {
        Ok(match self.byte()? {
            0 => Nesting::Single,
            1 => Nesting::Group,
            2 => Nesting::List,
            3 => Nesting::Set,
            4 => Nesting::Map,
            _ => return Err(corrupt()),
        })
    }

    /// Walks a block and everything in it, allocating nothing: what the
    /// test that checks every embedded type whole uses.
    #[cfg(test)]
    fn skip_block(&mut self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(corrupt());
        }
        self.skip_attributes(depth)?;
        for _ in 0..self.len()? {
            self.str()?;
            self.nesting()?;
            self.varint()?;
            self.varint()?;
            let n = self.len()?;
            let end = self.at + n;
            self.skip_block(depth + 1)?;
            if self.at != end {
                return Err(corrupt());
            }
        }
        Ok(())
    }

    #[cfg(test)]
    fn skip_attributes(&mut self, depth: usize) -> Result<()> {
        for _ in 0..self.len()? {
            self.str()?;
            self.byte()?;
            self.skip_ty(depth + 1)?;
        }
        Ok(())
    }

    #[cfg(test)]
    fn skip_ty(&mut self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(corrupt());
        }
        match self.byte()? {
            0..=3 => {}
            4..=6 => self.skip_ty(depth + 1)?,
            7 => {
                for _ in 0..self.len()? {
                    self.str()?;
                    self.skip_ty(depth + 1)?;
                }
            }
            8 => {
                for _ in 0..self.len()? {
                    self.skip_ty(depth + 1)?;
                }
            }
            9 => {
                self.nesting()?;
                self.skip_attributes(depth + 1)?;
            }
            _ => return Err(corrupt()),
        }
        Ok(())
    }

    /// One block of `whole` (the bytes this reader reads), its nested
    /// blocks left as byte offsets.
    fn block(&mut self, whole: &Arc<[u8]>) -> Result<SchemaBlock> {
        let attributes = self.attributes(0)?;
        let n = self.len()?;
        let mut block_types = IndexMap::with_capacity(n);
        for _ in 0..n {
            let name = self.string()?;
            let nesting = self.nesting()?;
            let min_items = self.varint()?;
            let max_items = self.varint()?;
            let len = self.len()?;
            let block = NestedBlock(Inner::Lazy {
                bytes: whole.clone(),
                at: self.at,
                decoded: OnceLock::new(),
            });
            self.at += len;
            block_types.insert(name, BlockType { nesting, block, min_items, max_items });
        }
        Ok(SchemaBlock { attributes, block_types })
    }

    fn attributes(&mut self, depth: usize) -> Result<IndexMap<String, Attribute>> {
        let n = self.len()?;
        let mut attrs = IndexMap::with_capacity(n);
        for _ in 0..n {
            let name = self.string()?;
            let flags = self.byte()?;
            let ty = self.ty(depth + 1)?;
            attrs.insert(
                name,
                Attribute {
                    ty,
                    required: flags & 1 != 0,
                    optional: flags & 2 != 0,
                    computed: flags & 4 != 0,
                    sensitive: flags & 8 != 0,
                },
            );
        }
        Ok(attrs)
    }

    fn ty(&mut self, depth: usize) -> Result<AttrType> {
        if depth > MAX_DEPTH {
            return Err(corrupt());
        }
        Ok(match self.byte()? {
            0 => AttrType::String,
            1 => AttrType::Number,
            2 => AttrType::Bool,
            3 => AttrType::Dynamic,
            4 => AttrType::List(Box::new(self.ty(depth + 1)?)),
            5 => AttrType::Set(Box::new(self.ty(depth + 1)?)),
            6 => AttrType::Map(Box::new(self.ty(depth + 1)?)),
            7 => {
                let n = self.len()?;
                let mut fields = IndexMap::with_capacity(n);
                for _ in 0..n {
                    let k = self.string()?;
                    fields.insert(k, self.ty(depth + 1)?);
                }
                AttrType::Object(fields)
            }
            8 => {
                let n = self.len()?;
                let items = (0..n).map(|_| self.ty(depth + 1)).collect::<Result<_>>()?;
                AttrType::Tuple(items)
            }
            9 => {
                let mode = self.nesting()?;
                let attributes = self.attributes(depth + 1)?;
                AttrType::Nested { mode, attributes }
            }
            _ => return Err(corrupt()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::SchemaBlock;
    use crate::model::BlockKind;
    use crate::schema::Schemas;
    use std::io::Read;

    include!("../../schemas/flag_sensitive.rs");

    /// Every embedded type of the small providers decodes to exactly what
    /// the JSON reader makes of the schema file it was built from, and
    /// the largest aws types too.
    #[test]
    fn binary_matches_the_json_it_was_built_from() {
        let schemas = Schemas::embedded();
        for provider in ["random", "helm", "kubernetes"] {
            let path = format!("{}/schemas/{provider}.json.zst", env!("CARGO_MANIFEST_DIR"));
            let file = std::fs::File::open(&path).unwrap();
            let mut json = Vec::new();
            ruzstd::decoding::StreamingDecoder::new(file).unwrap().read_to_end(&mut json).unwrap();
            let mut doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
            // The flags build.rs adds to the file's.
            flag_sensitive(provider, &mut doc);
            let (_, s) = doc["provider_schemas"].as_object().unwrap().iter().next().unwrap();
            let want = SchemaBlock::from_schema_json(&s["provider"]).unwrap();
            assert_eq!(*schemas.block(BlockKind::Provider, provider).unwrap(), want);
            for (key, kind) in [
                ("resource_schemas", BlockKind::Resource),
                ("data_source_schemas", BlockKind::Data),
            ] {
                for (name, entry) in s[key].as_object().unwrap() {
                    let text = serde_json::to_vec(entry).unwrap();
                    let want = SchemaBlock::from_schema_slice(&text).unwrap();
                    let got = schemas.block(kind, name).unwrap();
                    assert_eq!(*got, want, "{name}");
                }
            }
        }
    }

    /// A caller keeps the cache across builds, each on its own thread.
    #[test]
    fn the_schema_cache_crosses_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<crate::schema::SchemaCache>();
    }

    /// The nested blocks of a type are decoded when read, and once.
    #[test]
    fn nested_blocks_decode_on_first_read() {
        let schemas = Schemas::embedded();
        let acl = schemas.block(BlockKind::Resource, "aws_wafv2_web_acl").unwrap();
        let rule = &acl.block_types["rule"].block;
        let statement = &rule.block_types["statement"];
        assert!(statement.block.block_types.contains_key("and_statement"));
        assert!(std::ptr::eq(&**rule, &*acl.block_types["rule"].block));
    }

    #[test]
    fn corrupt_bytes_are_an_error_not_a_panic() {
        // The last two: a nested block longer, then shorter, than its length says.
        for bytes in [
            &[][..],
            &[1],
            &[0x80; 20],
            &[1, 3, b'a', b'b', b'c', 0, 9, 7],
            &[0, 1, 200, 1, b'x'],
            &[0, 1, 1, b'b', 0, 0, 0, 3, 0, 0],
            &[0, 1, 1, b'b', 0, 0, 0, 1, 0, 0],
        ] {
            assert!(whole(bytes).is_err(), "{bytes:?}");
        }
        assert!(whole(&[0, 0]).is_ok());
        assert!(whole(&[0, 1, 1, b'b', 0, 0, 0, 2, 0, 0]).is_ok());
        // A lookup checks the top level and the extents of nested blocks.
        assert!(SchemaBlock::from_binary(&[1, 3, b'a', b'b', b'c', 0, 9, 7]).is_err());
        let lazy = SchemaBlock::from_binary(&[0, 1, 1, b'b', 0, 0, 0, 1, 0, 0]);
        assert!(lazy.is_err(), "a byte after the last extent");
    }

    /// Checks bytes as a whole type, to the bottom.
    fn whole(bytes: &[u8]) -> super::Result<()> {
        let mut r = super::Reader { bytes, at: 0 };
        r.skip_block(0)?;
        if r.at != bytes.len() {
            return Err(super::corrupt());
        }
        Ok(())
    }

    /// Every type of every embedded provider, walked to the bottom: what
    /// makes checking only the top level at lookup safe.
    #[test]
    fn every_embedded_type_is_whole() {
        let mut decoder = ruzstd::decoding::FrameDecoder::new();
        let mut count = 0;
        for p in crate::schema::embedded::EMBEDDED {
            let types = p.resources.iter().chain(p.data_sources.iter());
            let frames = std::iter::once(p.provider).chain(types.map(|(_, s, l)| (*s, *l)));
            for frame in frames {
                let bytes = p.bytes(frame, &mut decoder).expect("a whole zstd frame");
                whole(&bytes).unwrap_or_else(|e| panic!("{}: {frame:?}: {}", p.name, e.0));
                count += 1;
            }
        }
        assert!(count > 1500, "{count} types");
    }
}
