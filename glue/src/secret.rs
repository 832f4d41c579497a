//! [`Secret`]: what a person types to open the journal (a passphrase, a recovery code) as it
//! travels in a [`Request`](crate::protocol::Request).
//!
//! A plain `String` is freed without a wipe when the request is dropped, so the worker's Wasm
//! memory kept every passphrase typed since it started until the allocator reused the bytes.
//! A `Secret` wipes its bytes when dropped, and never prints them (`Debug` shows a placeholder).
//! On the wire it is an ordinary JSON string. What it cannot reach: the copies JavaScript
//! holds (the message object, the page's input fields), which no Wasm code can wipe.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// Typed text that opens the journal; wiped on drop, never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// The text, for the one use it is needed for (derive a key, parse a code).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Secret(Zeroizing::new(text))
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Secret(Zeroizing::new(text.to_owned()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // An owned string, moved in: no second copy is left behind.
        String::deserialize(deserializer).map(Secret::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_a_plain_string_on_the_wire_and_never_printed() {
        let secret = Secret::from("correct horse");
        assert_eq!(serde_json::to_value(&secret).unwrap(), serde_json::json!("correct horse"));
        let back: Secret = serde_json::from_str("\"correct horse\"").unwrap();
        assert_eq!(back, secret);
        assert_eq!(back.expose(), "correct horse");
        assert_eq!(format!("{secret:?}"), "Secret(…)");
    }
}
