//! The schemas compiled into the binary, pre-split per type by `build.rs`.

use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// One provider's types: each is a zstd frame inside `blob`, found by
/// binary search over the sorted names.
pub(crate) struct EmbeddedProvider {
    /// The local name and type prefix: `aws`.
    pub name: &'static str,
    /// `registry.terraform.io/hashicorp/aws`
    pub address: &'static str,
    pub blob: &'static [u8],
    pub provider: (usize, usize),
    pub resources: &'static [(&'static str, usize, usize)],
    pub data_sources: &'static [(&'static str, usize, usize)],
}

include!(concat!(env!("OUT_DIR"), "/schema_index.rs"));

impl EmbeddedProvider {
    /// The type's name as the index holds it, and its frame.
    pub fn find(
        list: &'static [(&'static str, usize, usize)],
        type_name: &str,
    ) -> Option<(&'static str, (usize, usize))> {
        list.binary_search_by(|(n, _, _)| (*n).cmp(type_name))
            .ok()
            .and_then(|i| list.get(i))
            .map(|(n, s, l)| (*n, (*s, *l)))
    }

    /// One type in the binary form of `binary.rs`, decompressed with
    /// `decoder` (reused: a fresh one allocates its tables each time).
    pub fn bytes(
        &self,
        (start, len): (usize, usize),
        decoder: &mut FrameDecoder,
    ) -> Option<Vec<u8>> {
        let mut frame = self.blob.get(start..start.checked_add(len)?)?;
        decoder.reset(&mut frame).ok()?;
        decoder.decode_blocks(&mut frame, BlockDecodingStrategy::All).ok()?;
        // The frame must be whole and nothing may follow it.
        if !decoder.is_finished() || !frame.is_empty() {
            return None;
        }
        decoder.collect()
    }
}
