//! The manifest (docs/format.md §3.5): which stored copy of every record is the current one, in
//! two levels so that one save rewrites a bounded part of it.
//!
//! ```text
//! v:m            root:  format, revision, the header's revision and digest, the settings' digest,
//!                       one line per chunk (an ISO week-year that has entries)
//! v:i: + 32 hex  chunk: one line per segment part of the weeks of one ISO week-year
//! ```
//!
//! A save rewrites its segment part, its year's chunk (at most 53 weeks) and the root (one line
//! per year, ~70 bytes): the same work with 10 entries or 100,000. Changes are staged in a
//! [`Staged`] and applied to the in-memory [`Manifest`] only once the store has accepted the
//! write, so a failed write leaves memory matching storage.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::calendar::IsoWeek;
use crate::error::{Component, RecordName, VaultError};

/// Storage key of the manifest root.
pub const ROOT_KEY: &str = "v:m";
/// Prefix of the manifest chunks' storage keys.
pub const CHUNK_PREFIX: &str = "v:i:";
/// The root's JSON `format` this build writes and reads.
pub const MANIFEST_FORMAT: u32 = 2;

/// A segment part: its ISO week and part number.
pub(crate) type PartKey = (IsoWeek, u16);

/// Hex of the first 16 bytes of SHA-256 over a stored value: what the manifest pins.
pub(crate) fn digest_hex(value: &[u8]) -> String {
    let d = Sha256::digest(value);
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// One segment part as listed in its year's chunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SegmentRef {
    pub week: String,
    pub part: u16,
    pub revision: u64,
    /// Hex of the first 16 bytes of SHA-256 over the stored value.
    pub digest: String,
    /// Entries (tombstones included) in the part.
    pub entries: u32,
}

/// A record pinned by its revision and the digest of its stored value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecordRef {
    pub revision: u64,
    pub digest: String,
}

/// One chunk as listed in the root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChunkRef {
    pub year: i32,
    /// The root revision that wrote this chunk.
    pub revision: u64,
    pub digest: String,
}

#[derive(Serialize)]
struct RootDoc {
    format: u32,
    revision: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<RecordRef>,
    chunks: Vec<ChunkRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<RecordRef>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

crate::keep_unknown::deserialize_keeping_unknown! {
    RootDoc, "a manifest root (a JSON object)",
    required { format: u32, revision: u64, chunks: Vec<ChunkRef> }
    optional { header: Option<RecordRef>, settings: Option<RecordRef> }
}

#[derive(Serialize)]
struct ChunkDoc {
    year: i32,
    revision: u64,
    segments: Vec<SegmentRef>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

crate::keep_unknown::deserialize_keeping_unknown! {
    ChunkDoc, "a manifest chunk (a JSON object)",
    required { year: i32, revision: u64, segments: Vec<SegmentRef> }
    optional {}
}

/// The manifest in memory: the root's fields, plus every chunk's segment lines merged into one
/// map (unlock reads every chunk: one value per year, never an entry).
#[derive(Clone, Debug, Default)]
pub(crate) struct Manifest {
    pub revision: u64,
    /// The header this vault last wrote: its revision and the digest of its bytes.
    pub header: Option<RecordRef>,
    pub chunks: BTreeMap<i32, ChunkRef>,
    pub settings: Option<RecordRef>,
    pub segments: BTreeMap<PartKey, SegmentRef>,
    /// Unknown root members, kept on rewrite.
    extra: Map<String, Value>,
    /// Unknown members of each chunk, kept on rewrite.
    chunk_extra: BTreeMap<i32, Map<String, Value>>,
}

/// What one atomic write changes in the manifest.
#[derive(Debug, Default)]
pub(crate) struct Staged {
    /// The root revision this write produces (also the revision of every chunk it writes).
    pub revision: u64,
    pub segments: BTreeMap<PartKey, SegmentRef>,
    pub settings: Option<RecordRef>,
    pub header: Option<RecordRef>,
    pub chunks: BTreeMap<i32, ChunkRef>,
}

impl Manifest {
    /// Starts the changes of one write.
    pub fn stage(&self) -> Staged {
        Staged { revision: self.revision.saturating_add(1), ..Staged::default() }
    }

    /// Parses the root. The chunks it names are added with [`Self::add_chunk`].
    pub fn from_root_json(bytes: &[u8]) -> Result<Manifest, VaultError> {
        let corrupt = || VaultError::Corrupt { record: RecordName::Manifest };
        let value: Value = serde_json::from_slice(bytes).map_err(|_| corrupt())?;
        let format = value.get("format").and_then(Value::as_u64).ok_or_else(corrupt)?;
        if format != u64::from(MANIFEST_FORMAT) {
            return Err(VaultError::UnsupportedVersion {
                what: Component::Record(RecordName::Manifest),
                found: u32::try_from(format).unwrap_or(u32::MAX),
                supported: MANIFEST_FORMAT,
            });
        }
        let doc: RootDoc = serde_json::from_value(value).map_err(|_| corrupt())?;
        if doc.header.is_none() {
            return Err(corrupt());
        }
        let mut chunks = BTreeMap::new();
        for c in doc.chunks {
            if chunks.insert(c.year, c).is_some() {
                return Err(corrupt());
            }
        }
        Ok(Manifest { revision: doc.revision, header: doc.header, chunks, settings: doc.settings, extra: doc.extra, ..Manifest::default() })
    }

    /// Adds the segment lines of the chunk of `year`, opened from a stored value whose digest is
    /// `stored_digest`. A chunk that is not the one the root pins was rolled back or replaced.
    pub fn add_chunk(&mut self, year: i32, stored_digest: &str, plain: &[u8]) -> Result<(), VaultError> {
        let record = RecordName::ManifestChunk { year };
        let corrupt = || VaultError::Corrupt { record: record.clone() };
        let doc: ChunkDoc = serde_json::from_slice(plain).map_err(|_| corrupt())?;
        if doc.year != year {
            return Err(corrupt());
        }
        let pinned = self.chunks.get(&year).ok_or_else(corrupt)?;
        if pinned.revision != doc.revision || pinned.digest != stored_digest {
            return Err(VaultError::RolledBack { record });
        }
        for s in doc.segments {
            let week = IsoWeek::parse(&s.week).filter(|w| w.year == year).ok_or_else(corrupt)?;
            self.segments.insert((week, s.part), s);
        }
        self.chunk_extra.insert(year, doc.extra);
        Ok(())
    }

    /// The JSON of every chunk this write touches, by year.
    pub fn chunk_payloads(&self, staged: &Staged) -> Vec<(i32, Vec<u8>)> {
        let years: std::collections::BTreeSet<i32> = staged.segments.keys().map(|(w, _)| w.year).collect();
        years
            .into_iter()
            .map(|year| {
                let range = (IsoWeek { year, week: 0 }, 0)..=(IsoWeek { year, week: u8::MAX }, u16::MAX);
                let mut lines: BTreeMap<PartKey, &SegmentRef> = self.segments.range(range.clone()).map(|(k, s)| (*k, s)).collect();
                lines.extend(staged.segments.range(range).map(|(k, s)| (*k, s)));
                let doc = ChunkDoc {
                    year,
                    revision: staged.revision,
                    segments: lines.into_values().cloned().collect(),
                    extra: self.chunk_extra.get(&year).cloned().unwrap_or_default(),
                };
                (year, serde_json::to_vec(&doc).unwrap_or_default())
            })
            .collect()
    }

    /// The root's JSON after this write (the staged chunks must already be in `staged`).
    pub fn root_payload(&self, staged: &Staged) -> Vec<u8> {
        let mut chunks = self.chunks.clone();
        chunks.extend(staged.chunks.iter().map(|(y, c)| (*y, c.clone())));
        let doc = RootDoc {
            format: MANIFEST_FORMAT,
            revision: staged.revision,
            header: staged.header.clone().or_else(|| self.header.clone()),
            chunks: chunks.into_values().collect(),
            settings: staged.settings.clone().or_else(|| self.settings.clone()),
            extra: self.extra.clone(),
        };
        serde_json::to_vec(&doc).unwrap_or_default()
    }

    /// Applies a write the store has accepted.
    pub fn apply(&mut self, staged: Staged) {
        self.revision = staged.revision;
        self.segments.extend(staged.segments);
        self.chunks.extend(staged.chunks);
        if let Some(settings) = staged.settings {
            self.settings = Some(settings);
        }
        if let Some(header) = staged.header {
            self.header = Some(header);
        }
    }

    /// The part numbers of `week`, ascending.
    pub fn parts_of(&self, week: IsoWeek) -> impl Iterator<Item = u16> + '_ {
        self.segments.range((week, 0)..=(week, u16::MAX)).map(|((_, p), _)| *p)
    }
}

/// Decodes `data` as a root and as a chunk (for the fuzz targets).
pub(crate) fn fuzz_decode(data: &[u8]) {
    if let Ok(mut m) = Manifest::from_root_json(data) {
        let staged = m.stage();
        let _ = Manifest::from_root_json(&m.root_payload(&staged));
        let years: Vec<i32> = m.chunks.keys().copied().collect();
        for year in years {
            let _ = m.add_chunk(year, "", data);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(week: IsoWeek, part: u16, revision: u64) -> SegmentRef {
        SegmentRef { week: week.to_string(), part, revision, digest: "d".into(), entries: 1 }
    }

    #[test]
    fn a_write_touches_only_its_years_chunk() {
        let mut m = Manifest::default();
        for year in 2000..2050 {
            let mut staged = m.stage();
            let w = IsoWeek { year, week: 10 };
            staged.segments.insert((w, 0), seg(w, 0, 1));
            for (y, _) in m.chunk_payloads(&staged) {
                staged.chunks.insert(y, ChunkRef { year: y, revision: staged.revision, digest: format!("c{y}") });
            }
            m.apply(staged);
        }
        let mut staged = m.stage();
        let w = IsoWeek { year: 2049, week: 11 };
        staged.segments.insert((w, 0), seg(w, 0, 1));
        let chunks = m.chunk_payloads(&staged);
        assert_eq!(chunks.len(), 1);
        let (year, json) = &chunks[0];
        assert_eq!(*year, 2049);
        let doc: ChunkDoc = serde_json::from_slice(json).unwrap();
        assert_eq!(doc.segments.iter().map(|s| s.week.as_str()).collect::<Vec<_>>(), ["2049-W10", "2049-W11"]);
        assert_eq!(doc.revision, 51);
        let root = m.root_payload(&staged);
        assert!(root.len() < 50 * 80, "one short line per year: {} bytes", root.len());
    }

    /// docs/format.md §3.5: the root's revision increases by one with every write, across
    /// unlocks too (a cargo-mutants survivor: the parsed revision could have been dropped).
    #[test]
    fn the_revision_counts_on_from_the_stored_root() {
        let m = Manifest::from_root_json(br#"{"format":2,"revision":42,"header":{"revision":2,"digest":"ee"},"chunks":[]}"#).unwrap();
        let mut staged = m.stage();
        assert_eq!(staged.revision, 43);
        let w = IsoWeek { year: 2026, week: 10 };
        staged.segments.insert((w, 0), seg(w, 0, 1));
        let (_, chunk_json) = m.chunk_payloads(&staged).remove(0);
        assert_eq!(serde_json::from_slice::<ChunkDoc>(&chunk_json).unwrap().revision, 43);
        let again = Manifest::from_root_json(&m.root_payload(&staged)).unwrap();
        assert_eq!(again.stage().revision, 44);
    }

    #[test]
    fn chunks_are_checked_against_the_root() {
        let mut m = Manifest::from_root_json(br#"{"format":2,"revision":4,"header":{"revision":1,"digest":"ee"},"chunks":[{"year":2026,"revision":4,"digest":"ab"}],"x":1}"#).unwrap();
        let chunk = br#"{"year":2026,"revision":4,"segments":[{"week":"2026-W10","part":0,"revision":2,"digest":"cd","entries":3}],"y":2}"#;
        let wrong_week = br#"{"year":2026,"revision":4,"segments":[{"week":"2025-W10","part":0,"revision":2,"digest":"cd","entries":3}]}"#;
        let record = RecordName::ManifestChunk { year: 2026 };
        assert_eq!(m.clone().add_chunk(2026, "zz", chunk), Err(VaultError::RolledBack { record: record.clone() }));
        assert_eq!(m.clone().add_chunk(2026, "ab", wrong_week), Err(VaultError::Corrupt { record: record.clone() }));
        assert_eq!(m.clone().add_chunk(2025, "ab", chunk), Err(VaultError::Corrupt { record: RecordName::ManifestChunk { year: 2025 } }));
        m.add_chunk(2026, "ab", chunk).unwrap();
        assert_eq!(m.parts_of(IsoWeek { year: 2026, week: 10 }).collect::<Vec<_>>(), [0]);
        // Unknown members survive a rewrite of the root and of the chunk.
        let mut staged = m.stage();
        let w = IsoWeek { year: 2026, week: 11 };
        staged.segments.insert((w, 0), seg(w, 0, 1));
        let (_, chunk_json) = m.chunk_payloads(&staged).remove(0);
        assert!(String::from_utf8(chunk_json).unwrap().contains(r#""y":2"#));
        assert!(String::from_utf8(m.root_payload(&staged)).unwrap().contains(r#""x":1"#));
        assert_eq!(
            Manifest::from_root_json(br#"{"format":2,"revision":1,"chunks":[]}"#).err(),
            Some(VaultError::Corrupt { record: RecordName::Manifest }),
            "a root must pin the header"
        );
        assert!(matches!(
            Manifest::from_root_json(br#"{"format":3,"revision":1,"chunks":[]}"#),
            Err(VaultError::UnsupportedVersion { found: 3, .. })
        ));
        assert_eq!(
            Manifest::from_root_json(br#"{"format":2,"revision":1,"header":{"revision":1,"digest":""},"chunks":[{"year":1,"revision":1,"digest":""},{"year":1,"revision":1,"digest":""}]}"#).err(),
            Some(VaultError::Corrupt { record: RecordName::Manifest })
        );
    }
}
