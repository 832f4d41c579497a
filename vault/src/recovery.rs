//! Recovery codes: 160 random bits written as 32 Crockford base32 characters in 8 groups of 4
//! (docs/format.md §2.4). Parsing forgives case, spaces, dashes and the I/L → 1, O → 0 confusions.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{RecoveryCodeError, VaultError};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code, excluding separators.
pub const CODE_CHARS: usize = 32;
/// Bytes of entropy in a code.
pub const CODE_BYTES: usize = 20;

/// A recovery code. Shown to the user once, via [`RecoveryCode::reveal`]; never printed by `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct RecoveryCode([u8; CODE_BYTES]);

impl core::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

fn symbol_value(c: char) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    let c = match c {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    ALPHABET.iter().position(|&a| char::from(a) == c).and_then(|p| u8::try_from(p).ok())
}

impl RecoveryCode {
    pub(crate) fn generate() -> Result<Self, VaultError> {
        Ok(Self(crate::keys::random_bytes::<CODE_BYTES>()?))
    }

    #[doc(hidden)]
    pub fn from_bytes_for_tests(bytes: [u8; CODE_BYTES]) -> Self {
        Self(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; CODE_BYTES] {
        &self.0
    }

    /// The code for display: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX` (Crockford base32, upper case).
    pub fn reveal(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_CHARS + 7));
        // 160 bits = 32 symbols of 5 bits, most significant bit first.
        for i in 0..CODE_CHARS {
            let mut v = 0u8;
            for b in 0..5 {
                let bit = i * 5 + b;
                let byte = self.0.get(bit / 8).copied().unwrap_or(0);
                v = (v << 1) | ((byte >> (7 - bit % 8)) & 1);
            }
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(ALPHABET.get(usize::from(v)).map_or('?', |&a| char::from(a)));
        }
        out
    }

    /// Parses what the user typed. Spaces, dashes and case are ignored; I and L read as 1, O as 0.
    pub fn parse(text: &str) -> Result<Self, RecoveryCodeError> {
        let mut bytes = Zeroizing::new([0u8; CODE_BYTES]);
        let mut count = 0usize;
        for (position, c) in text.chars().enumerate() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let v = symbol_value(c).ok_or(RecoveryCodeError::InvalidCharacter { position, character: c })?;
            if count < CODE_CHARS {
                for b in 0..5 {
                    let bit = count * 5 + b;
                    if (v >> (4 - b)) & 1 == 1
                        && let Some(byte) = bytes.get_mut(bit / 8) {
                            *byte |= 1 << (7 - bit % 8);
                        }
                }
            }
            count += 1;
        }
        if count != CODE_CHARS {
            return Err(RecoveryCodeError::WrongLength { found: count, expected: CODE_CHARS });
        }
        Ok(Self(*bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_encoding() {
        let code = RecoveryCode::from_bytes_for_tests([0; 20]);
        assert_eq!(code.reveal().as_str(), "0000-0000-0000-0000-0000-0000-0000-0000");
        let code = RecoveryCode::from_bytes_for_tests([0xff; 20]);
        assert_eq!(code.reveal().as_str(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let mut b = [0u8; 20];
        b[0] = 0b0000_1000; // second symbol = 0b00010 ... first = 0b00001
        assert!(RecoveryCode::from_bytes_for_tests(b).reveal().starts_with("1000"));
        let mut b = [0u8; 20];
        b[19] = 0x1f;
        assert!(RecoveryCode::from_bytes_for_tests(b).reveal().ends_with("000Z"));
    }

    #[test]
    fn forgiving_parse() {
        let code = RecoveryCode::from_bytes_for_tests([0x5a; 20]);
        let shown = code.reveal().to_string();
        let messy = shown.to_lowercase().replace('-', "  ").replace('1', "l").replace('0', "O");
        assert_eq!(RecoveryCode::parse(&messy).unwrap(), code);
        let i_for_one = shown.replace('1', "i");
        assert_eq!(RecoveryCode::parse(&i_for_one).unwrap(), code);
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            RecoveryCode::parse("ABCD"),
            Err(RecoveryCodeError::WrongLength { found: 4, expected: 32 })
        );
        assert_eq!(
            RecoveryCode::parse("ABCU"),
            Err(RecoveryCodeError::InvalidCharacter { position: 3, character: 'U' })
        );
        let long = "0".repeat(33);
        assert_eq!(RecoveryCode::parse(&long), Err(RecoveryCodeError::WrongLength { found: 33, expected: 32 }));
        assert_eq!(format!("{:?}", RecoveryCode::from_bytes_for_tests([1; 20])), "RecoveryCode(<redacted>)");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn reveal_parse_round_trip(bytes in any::<[u8; 20]>()) {
            let code = RecoveryCode::from_bytes_for_tests(bytes);
            prop_assert_eq!(RecoveryCode::parse(&code.reveal()).unwrap(), code);
        }

        #[test]
        fn parse_never_panics(text in ".{0,80}") {
            let _ = RecoveryCode::parse(&text);
        }
    }
}
