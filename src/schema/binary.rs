//! The embedded schemas' binary form (written by `build.rs`, which
//! documents the layout): decoding it is a walk over bytes, with none of
//! the JSON tokenising, map building and type-notation matching that made
//! the first lookup of a large type (`aws_wafv2_web_acl`) the bulk of a run.

use indexmap::IndexMap;

use super::types::{AttrType, Attribute, Block, BlockType, Nesting, ParseError};

type Result<T> = std::result::Result<T, ParseError>;

/// Types nest a few levels in real schemas; this bounds a corrupt blob.
const MAX_DEPTH: usize = 64;

impl Block {
    /// From the bytes `build.rs` wrote for one type.
    pub(crate) fn from_binary(bytes: &[u8]) -> Result<Block> {
        let mut r = Reader { bytes, at: 0 };
        let b = r.block(0)?;
        if r.at != bytes.len() {
            return Err(ParseError("trailing bytes in an embedded schema".into()));
        }
        Ok(b)
    }
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

    fn string(&mut self) -> Result<String> {
        let n = self.len()?;
        let s = self.bytes.get(self.at..self.at + n).ok_or_else(corrupt)?;
        self.at += n;
        String::from_utf8(s.to_vec()).map_err(|_| corrupt())
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

    fn block(&mut self, depth: usize) -> Result<Block> {
        if depth > MAX_DEPTH {
            return Err(corrupt());
        }
        let attributes = self.attributes(depth)?;
        let n = self.len()?;
        let mut block_types = IndexMap::with_capacity(n);
        for _ in 0..n {
            let name = self.string()?;
            let nesting = self.nesting()?;
            let min_items = self.varint()?;
            let max_items = self.varint()?;
            let block = self.block(depth + 1)?;
            block_types.insert(name, BlockType { nesting, block, min_items, max_items });
        }
        Ok(Block { attributes, block_types })
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
    use super::super::types::Block;
    use crate::model::BlockKind;
    use crate::schema::Schemas;
    use std::io::Read;

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
            let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let (_, s) = doc["provider_schemas"].as_object().unwrap().iter().next().unwrap();
            let want = Block::from_schema_json(&s["provider"]).unwrap();
            assert_eq!(*schemas.block(BlockKind::Provider, provider).unwrap(), want);
            for (key, kind) in [
                ("resource_schemas", BlockKind::Resource),
                ("data_source_schemas", BlockKind::Data),
            ] {
                for (name, entry) in s[key].as_object().unwrap() {
                    let text = serde_json::to_vec(entry).unwrap();
                    let want = Block::from_schema_slice(&text).unwrap();
                    let got = schemas.block(kind, name).unwrap();
                    assert_eq!(*got, want, "{name}");
                }
            }
        }
    }

    #[test]
    fn corrupt_bytes_are_an_error_not_a_panic() {
        for bytes in
            [&[][..], &[1], &[0x80; 20], &[1, 3, b'a', b'b', b'c', 0, 9, 7], &[0, 1, 200, 1, b'x']]
        {
            assert!(Block::from_binary(bytes).is_err(), "{bytes:?}");
        }
        assert!(Block::from_binary(&[0, 0]).is_ok());
    }
}
