//! Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) for record payloads and bundle payloads
//! (docs/format.md §3.2, §8), compressed before they are encrypted.
//!
//! Why: every large cost of a big journal — storage reads and writes, base64, AES-GCM, SHA-256,
//! the backup file's size — is proportional to bytes, and entry JSON is repetitive (field names,
//! vocabulary keys, similar notes): level 1 shrinks it 5–6×. DEFLATE because every language's
//! standard library reads it (Python: `zlib.decompressobj(-15)`).
//!
//! Both directions keep the data they produce in buffers that are wiped when dropped (and when
//! they grow): a compressed journal is as private as the journal.

use zeroize::Zeroizing;

use miniz_oxide::deflate::core::{CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params};
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

/// miniz's fastest level: 5–6× on journal JSON at ~300 MB/s natively; higher levels gain ~20 %
/// in size for 2–6× the time, and this runs on every save and on whole-journal exports.
pub const LEVEL: u8 = 1;

/// Why a compressed payload did not inflate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// Not one complete raw DEFLATE stream: bad block, cut short, or bytes after its end.
    Invalid,
    /// It inflates to more than the caller's limit.
    TooLarge,
}

/// Replaces `buffer` with a zero-filled one of `len` bytes holding the same first bytes; the old
/// one is wiped as it drops (a `Vec` that grows in place would leave its old copy unwiped).
fn grow(buffer: &mut Zeroizing<Vec<u8>>, len: usize) {
    let mut bigger = Zeroizing::new(vec![0u8; len]);
    for (new, old) in bigger.iter_mut().zip(buffer.iter()) {
        *new = *old;
    }
    *buffer = bigger;
}

/// Compresses `data` as one raw DEFLATE stream at [`LEVEL`].
pub fn deflate(data: &[u8]) -> Zeroizing<Vec<u8>> {
    let flags = create_comp_flags_from_zip_params(i32::from(LEVEL), -15, 0);
    let mut compressor = Box::new(CompressorOxide::new(flags));
    // Level 1 on JSON needs about a fifth; stored blocks (incompressible data) need the input plus
    // 5 bytes per 64 KiB block: start generous, grow rarely.
    let mut out = Zeroizing::new(vec![0u8; data.len() / 2 + 64]);
    let mut out_pos = 0;
    let mut input = data;
    loop {
        let room = out.get_mut(out_pos..).unwrap_or_default();
        let (status, read, written) = compress(&mut compressor, input, room, TDEFLFlush::Finish);
        out_pos += written;
        input = input.get(read..).unwrap_or_default();
        match status {
            TDEFLStatus::Done => break,
            // Out of room: give it more and go on where it stopped.
            // (`out` starts at 64 bytes or more, so doubling always makes room.)
            TDEFLStatus::Okay => {
                let len = out.len().saturating_mul(2);
                grow(&mut out, len);
            }
            // Only a misuse of the API (a finished or failed compressor) gives anything else; a
            // fresh compressor with valid flags and Finish never does.
            TDEFLStatus::BadParam | TDEFLStatus::PutBufFailed => {
                unreachable!("miniz_oxide refused a fresh compressor: {status:?}")
            }
        }
    }
    out.truncate(out_pos);
    out
}

/// Inflates exactly one complete raw DEFLATE stream that fills all of `data`, to at most `limit`
/// bytes. Never panics, whatever the input.
pub fn inflate(data: &[u8], limit: usize) -> Result<Zeroizing<Vec<u8>>, InflateError> {
    // The whole output is the decompressor's window (no copy of it inside the decompressor).
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut decompressor = Box::<DecompressorOxide>::default();
    let mut out = Zeroizing::new(vec![0u8; data.len().saturating_mul(4).max(1024).min(limit.max(1))]);
    let mut out_pos = 0;
    let mut input = data;
    loop {
        let (status, read, written) = decompress(&mut decompressor, input, &mut out, out_pos, flags);
        out_pos += written;
        input = input.get(read..).ok_or(InflateError::Invalid)?;
        match status {
            TINFLStatus::Done if input.is_empty() => break,
            TINFLStatus::HasMoreOutput => {
                if out.len() >= limit {
                    return Err(InflateError::TooLarge);
                }
                let len = out.len().saturating_mul(2).min(limit);
                grow(&mut out, len);
            }
            // A stream that ended with bytes after it, was cut short, or is not DEFLATE.
            _ => return Err(InflateError::Invalid),
        }
    }
    out.truncate(out_pos);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_empty_small_large_and_incompressible() {
        let json = br#"{"id":"0011","revision":1,"regions":[{"region":"lower_back_left"}]}"#.repeat(3000);
        let mut noise = vec![0u8; 200_000];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for b in &mut noise {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        for data in [&b""[..], b"x", &json, &noise] {
            let packed = deflate(data);
            assert_eq!(&inflate(&packed, data.len().max(1)).unwrap()[..], data);
        }
        assert!(deflate(&json).len() * 20 < json.len(), "repetitive JSON shrinks");
    }

    #[test]
    fn output_is_raw_deflate_readable_by_any_inflater() {
        // "hello" as one fixed-Huffman block, as zlib.compressobj(wbits=-15) writes it.
        let known = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        assert_eq!(&inflate(&known, 100).unwrap()[..], b"hello");
        assert_eq!(&inflate(&deflate(b"hello"), 100).unwrap()[..], b"hello");
    }

    #[test]
    fn refuses_cut_extended_garbage_and_oversized_streams() {
        let data = b"a journal entry, a journal entry, a journal entry".repeat(100);
        let packed = deflate(&data);
        for cut in 0..packed.len() {
            assert_eq!(inflate(&packed[..cut], 1 << 20), Err(InflateError::Invalid), "cut at {cut}");
        }
        let mut extended = packed.to_vec();
        extended.push(0);
        assert_eq!(inflate(&extended, 1 << 20), Err(InflateError::Invalid));
        assert_eq!(inflate(&[0xff; 64], 1 << 20), Err(InflateError::Invalid));
        assert_eq!(inflate(&packed, data.len() - 1), Err(InflateError::TooLarge));
        assert_eq!(inflate(&packed, data.len()).map(|d| d.len()), Ok(data.len()));
    }
}
