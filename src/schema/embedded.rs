//! The schemas compiled into the binary, pre-split per type by `build.rs`.

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
    pub fn find(
        list: &'static [(&'static str, usize, usize)],
        type_name: &str,
    ) -> Option<(usize, usize)> {
        list.binary_search_by(|(n, _, _)| (*n).cmp(type_name))
            .ok()
            .and_then(|i| list.get(i))
            .map(|(_, s, l)| (*s, *l))
    }

    /// One type in the binary form of `binary.rs`.
    pub fn bytes(&self, (start, len): (usize, usize)) -> Option<Vec<u8>> {
        use std::io::Read;
        let frame = self.blob.get(start..start.checked_add(len)?)?;
        let mut out = Vec::new();
        ruzstd::decoding::StreamingDecoder::new(frame).ok()?.read_to_end(&mut out).ok()?;
        Some(out)
    }
}
