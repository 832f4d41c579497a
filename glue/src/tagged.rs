//! Enums that travel as `{"type": "<variant>", …fields}` (serde's internally tagged form), read
//! without serde's buffering.
//!
//! serde's derive reads an internally tagged enum by first copying the whole object into its
//! private `Content` tree (the tag may come last), then reading the variant out of that copy. In
//! Wasm that machinery, instantiated for every variant's fields, was ~85 KB of the popup, and
//! every message was copied once more on its way in. [`tagged_enum!`] keeps serde's derived
//! `Serialize` (the JSON stays exactly serde's), and reads with [`TypeFirst`]: the `type`
//! member first, then the rest of the same object straight into the variant's fields.
//!
//! - `serde_wasm_bindgen` (pages and worker) reads a struct by looking its members up by name,
//!   in the order it is given them, and `type` is given first: any member order works.
//! - Deserializers that read in document order (serde_json text) need `type` first, which is
//!   where serde's serializer, and every Sotto sender, puts it. Otherwise the error says so.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, IntoDeserializer, MapAccess, VariantAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The member that names the variant.
pub const TAG: &str = "type";

/// Declares a `pub enum` of unit and struct variants that serializes as serde's
/// `#[serde(tag = "type", rename_all = "snake_case")]` and deserializes through [`TypeFirst`].
///
/// Write the enum as usual, without `Serialize`/`Deserialize` in its derives and without the
/// `tag`/`rename_all` attribute (the macro adds both halves, so they cannot disagree). Field
/// attributes (`#[serde(default, …)]`) apply to both. Members are read by their field names, so
/// a field must not be renamed (`protocol` tests check every member is found).
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident $({
                    $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$variant_meta])* $variant $({ $( $(#[$field_meta])* $field: $ty ),* })? ),*
        }

        const _: () = {
            // The same variants, externally tagged: serde's derive reads that form without
            // buffering, from the tag that `TypeFirst` read and the rest of the object. It lives
            // only while a message is read, so its variants' sizes do not matter.
            #[allow(clippy::large_enum_variant)]
            #[derive(serde::Deserialize)]
            #[serde(rename_all = "snake_case")]
            enum Wire {
                $( $(#[$variant_meta])* $variant $({ $( $(#[$field_meta])* $field: $ty ),* })? ),*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let visitor = $crate::tagged::TypeFirst::<Wire>::new(stringify!($name));
                    let wire = deserializer.deserialize_struct(stringify!($name), $name::members(), visitor)?;
                    Ok(match wire {
                        $( Wire::$variant $({ $($field),* })? => $name::$variant $({ $($field),* })? ),*
                    })
                }
            }
        };

        impl $name {
            /// Every member a variant may have, `type` first, each once: a deserializer that
            /// looks members up by name (`serde_wasm_bindgen`) is given this list.
            #[doc(hidden)]
            pub fn members() -> &'static [&'static str] {
                static MEMBERS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
                MEMBERS.get_or_init(|| $crate::tagged::members(&[$($($(stringify!($field),)*)?)*]))
            }

            /// The variants' names as written in Rust (tests check every one is exercised).
            #[doc(hidden)]
            pub const VARIANTS: &'static [&'static str] = &[$(stringify!($variant)),*];
        }
    };
}
pub(crate) use tagged_enum;

/// `type` followed by `fields` without repeats.
pub fn members(fields: &[&'static str]) -> Vec<&'static str> {
    let mut members = vec![TAG];
    for field in fields {
        if !members.contains(field) {
            members.push(field);
        }
    }
    members
}

/// Reads `type` (which must come first), then hands its value and the rest of the object to
/// `W`, an externally tagged enum of the same variants.
pub struct TypeFirst<W> {
    name: &'static str,
    wire: PhantomData<W>,
}

impl<W> TypeFirst<W> {
    pub fn new(name: &'static str) -> Self {
        TypeFirst { name, wire: PhantomData }
    }
}

impl<'de, W: de::Deserialize<'de>> Visitor<'de> for TypeFirst<W> {
    type Value = W;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} object whose first member is \"{TAG}\"", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<W, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == TAG => {}
            Some(key) => {
                return Err(de::Error::custom(format_args!(
                    "a {} needs its \"{TAG}\" member first, before \"{key}\"",
                    self.name
                )));
            }
            None => return Err(de::Error::missing_field(TAG)),
        }
        let tag: String = map.next_value()?;
        W::deserialize(Variant { tag, rest: map })
    }
}

/// An externally tagged enum's view of the tag already read and the members left.
struct Variant<A> {
    tag: String,
    rest: A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Variant<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Rest<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Rest<A>), A::Error> {
        let variant = seed.deserialize(self.tag.into_deserializer())?;
        Ok((variant, Rest(self.rest)))
    }
}

/// The members after `type`: the variant's fields.
struct Rest<A>(A);

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Rest<A> {
    type Error = A::Error;

    /// As serde's internally tagged unit variants: other members are ignored.
    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::TupleVariant, &"a variant with named fields"))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}
