//! `Deserialize` for the format's objects that keep members they do not know (docs/format.md:
//! "Unknown members MUST be kept"), without serde's `#[serde(flatten)]`.
//!
//! Why: `flatten` makes serde first copy every member of the object into an intermediate tree
//! (`serde::__private::de::Content`) and only then read the fields from it. On a journal that is
//! every entry of every week read twice over — measured in the worker as the largest part of
//! opening 100,000 entries — and the intermediate tree's code is tens of KB in each page's Wasm.
//! The macro below reads each member once, straight from the input, and puts unknown members
//! in the struct's `extra: Map<String, Value>`; `Serialize` stays derived (with `flatten`,
//! which costs nothing when writing).
//!
//! Behaviour matches the derived one: a missing required member, a repeated known member or a
//! wrongly typed value are errors; a missing optional member takes its default.

/// A member name: borrowed from the input when the format allows it (serde_json without escapes),
/// so known names cost no allocation.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub(crate) fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// `default_or!()` is the type's `Default`; `default_or!(expr)` is `expr`.
macro_rules! default_or {
    () => {
        Default::default()
    };
    ($default:expr) => {
        $default
    };
}
pub(crate) use default_or;

/// Implements `Deserialize` for `$ty`, whose fields are the `required` and `optional` members
/// (an optional one with `= expr` defaults to `expr`, otherwise to its type's `Default`) plus
/// `extra: serde_json::Map<String, serde_json::Value>` for every other member.
macro_rules! deserialize_keeping_unknown {
    (
        $ty:ident, $expecting:literal,
        required { $($required:ident : $required_ty:ty),* $(,)? }
        optional { $($optional:ident : $optional_ty:ty $(= $default:expr)?),* $(,)? }
    ) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct MembersVisitor;
                impl<'de> serde::de::Visitor<'de> for MembersVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        $(let mut $required: Option<$required_ty> = None;)*
                        $(let mut $optional: Option<$optional_ty> = None;)*
                        let mut extra = serde_json::Map::new();
                        while let Some(key) = map.next_key::<$crate::keep_unknown::Key<'de>>()? {
                            match key.as_str() {
                                $(stringify!($required) => {
                                    if $required.is_some() {
                                        return Err(serde::de::Error::duplicate_field(stringify!($required)));
                                    }
                                    $required = Some(map.next_value()?);
                                })*
                                $(stringify!($optional) => {
                                    if $optional.is_some() {
                                        return Err(serde::de::Error::duplicate_field(stringify!($optional)));
                                    }
                                    $optional = Some(map.next_value()?);
                                })*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($ty {
                            $($required: $required.ok_or_else(|| serde::de::Error::missing_field(stringify!($required)))?,)*
                            $($optional: $optional.unwrap_or_else(|| $crate::keep_unknown::default_or!($($default)?)),)*
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(MembersVisitor)
            }
        }
    };
}
pub(crate) use deserialize_keeping_unknown;

#[cfg(test)]
mod tests {
    use crate::entry::{Entry, Pattern};
    use crate::settings::Settings;
    use serde_json::{Value, json};

    const ID: &str = "000102030405060708090a0b0c0d0e0f";

    fn read(text: &str) -> Result<Entry, String> {
        serde_json::from_str::<Entry>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_known_members_keeps_unknown_ones_and_writes_them_back() {
        let text = format!(
            r#"{{"id":"{ID}","revision":2,"occurred_at":5,"utc_offset_minutes":-60,"intensity":0,"pattern":"comes_and_goes",
            "medications":[{{"name":"ibuprofen","relief":0,"form":"gel"}}],"future":{{"a":[1,2]}},"n\u00e9w":"escaped key","note":"x"}}"#
        );
        let e = read(&text).unwrap();
        assert_eq!((e.revision, e.occurred_at, e.utc_offset_minutes, e.intensity), (2, 5, -60, 0));
        assert_eq!(e.pattern, Some(Pattern::ComesAndGoes));
        assert_eq!(e.medications[0].relief, Some(0), "zero is a value");
        assert_eq!(e.medications[0].extra["form"], "gel");
        assert_eq!(e.extra["future"], json!({"a": [1, 2]}));
        assert_eq!(e.extra["néw"], "escaped key", "a key that cannot be borrowed is kept too");
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["future"], json!({"a": [1, 2]}));
        assert_eq!(back["medications"][0]["form"], "gel");
        // The same from an in-memory JSON tree (owned keys) and through a second round trip.
        assert_eq!(serde_json::from_value::<Entry>(back.clone()).unwrap(), e);
        assert_eq!(read(&back.to_string()).unwrap(), e);
    }

    #[test]
    fn refuses_what_the_derived_reader_refused() {
        let base = format!(r#""id":"{ID}","revision":1,"occurred_at":0,"utc_offset_minutes":0"#);
        let missing = read(&format!("{{{base}}}")).unwrap_err();
        assert!(missing.contains("missing field `intensity`"), "{missing}");
        let twice = read(&format!(r#"{{{base},"intensity":1,"note":"a","note":"b"}}"#)).unwrap_err();
        assert!(twice.contains("duplicate field `note`"), "{twice}");
        let twice_required = read(&format!(r#"{{{base},"intensity":1,"intensity":2}}"#)).unwrap_err();
        assert!(twice_required.contains("duplicate field `intensity`"), "{twice_required}");
        assert!(read(&format!(r#"{{{base},"intensity":"4"}}"#)).is_err(), "wrong type");
        assert!(read(&format!(r#"{{{base},"intensity":1,"regions":null}}"#)).is_err(), "null is not a list");
        assert!(read("[1,2]").is_err(), "not an object");
        // null for an optional value is its absence.
        assert_eq!(read(&format!(r#"{{{base},"intensity":1,"mood":null}}"#)).unwrap().mood, None);
        assert!(read(&format!(r#"{{{base},"intensity":1,"medications":[{{"dose":"1"}}]}}"#)).unwrap_err().contains("missing field `name`"));
    }

    #[test]
    fn settings_defaults_apply_member_by_member() {
        let s: Settings = serde_json::from_str(r#"{"lock_on_idle":false,"later":1}"#).unwrap();
        assert!(!s.lock_on_idle);
        assert_eq!((s.auto_lock_minutes, s.idle_minutes), (5, 5));
        assert!(s.context_menu_enabled);
        assert_eq!(s.context_menu_label, "Exit this page");
        assert_eq!(s.extra["later"], Value::from(1));
        assert_eq!(Settings::default(), serde_json::from_str::<Settings>("{}").unwrap());
    }
}
