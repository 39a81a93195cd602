//! How request bodies are read: liberal where the real clients are (contract §11), strict
//! everywhere else. [`Lenient`] wraps any serde deserializer and changes three things, at
//! every depth of the input:
//!
//! - an integer field also takes a string of decimal digits (`"order_no": "2021030800000225"`);
//! - a boolean field also takes the numbers 0 and 1;
//! - a struct (a request object) refuses a JSON array: serde's derive would otherwise read
//!   `["admin-demo", 20260101]` as the fields of `{i_code, order_no}` in order.
//!
//! Everything else goes through unchanged, so any other malformed value is still refused
//! with serde's message, which the extractors turn into a 10000 naming the field.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

/// A deserializer that reads real clients' wire habits (see the module documentation).
pub struct Lenient<D>(pub D);

/// Forwards the visits a wrapper does not change to the visitor it wraps.
macro_rules! forward_leaf_visits {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
                self.0.$method(value)
            }
        )*
    };
}

/// Forwards what a scalar's visitor does not read itself (null, unit, sequences, maps) to the
/// visitor it wraps, unchanged: that visitor refuses them with its own message.
macro_rules! forward_other_visits {
    () => {
        fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
            self.0.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
            self.0.visit_unit()
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            self.0.visit_seq(seq)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            self.0.visit_map(map)
        }
    };
}

/// Forwards the `deserialize_*` methods [`Lenient`] does not change, wrapping the visitor so
/// that what it reads from inside (elements, fields, options) is read leniently too.
macro_rules! forward_wrapped {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(Nested(visitor))
            }
        )*
    };
}

/// Integer types: read through `deserialize_any`, so a string can be seen and parsed.
macro_rules! integers {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.deserialize_any(Digits(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    integers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
    );

    forward_wrapped!(
        deserialize_any,
        deserialize_i128,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Flag(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Nested(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Nested(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Nested(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Nested(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Object(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Nested(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A seed that deserializes leniently.
struct Seed<T>(T);

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

/// Sequence elements, read leniently.
struct Elements<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Map entries, read leniently.
struct Entries<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// An enum's variant, read leniently.
struct Variant<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Variant(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Nested(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Object(visitor))
    }
}

/// Visits the scalar and nested values of a visitor, the nested ones read leniently.
/// `$seq` says what a sequence becomes.
macro_rules! visit_all {
    ($wrapper:ident, |$this:ident, $seq_access:ident| $seq:expr) => {
        impl<'de, V: Visitor<'de>> Visitor<'de> for $wrapper<V> {
            type Value = V::Value;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                self.0.expecting(formatter)
            }

            forward_leaf_visits!(
                visit_bool(bool),
                visit_i8(i8),
                visit_i16(i16),
                visit_i32(i32),
                visit_i64(i64),
                visit_i128(i128),
                visit_u8(u8),
                visit_u16(u16),
                visit_u32(u32),
                visit_u64(u64),
                visit_u128(u128),
                visit_f32(f32),
                visit_f64(f64),
                visit_char(char),
                visit_str(&str),
                visit_borrowed_str(&'de str),
                visit_string(String),
                visit_bytes(&[u8]),
                visit_borrowed_bytes(&'de [u8]),
                visit_byte_buf(Vec<u8>),
            );

            fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
                self.0.visit_none()
            }

            fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
                self.0.visit_unit()
            }

            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<V::Value, D::Error> {
                self.0.visit_some(Lenient(deserializer))
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<V::Value, D::Error> {
                self.0.visit_newtype_struct(Lenient(deserializer))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, $seq_access: A) -> Result<V::Value, A::Error> {
                let $this = self;
                $seq
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
                self.0.visit_map(Entries(map))
            }

            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
                self.0.visit_enum(Variant(data))
            }
        }
    };
}

/// A visitor of anything but a request object: nested values are read leniently.
struct Nested<V>(V);
visit_all!(Nested, |this, seq| this.0.visit_seq(Elements(seq)));

/// The visitor of a request object: a JSON array is not one.
struct Object<V>(V);
visit_all!(Object, |this, _seq| Err(de::Error::invalid_type(
    Unexpected::Seq,
    &this
)));

/// The visitor of an integer: a string of decimal digits (with an optional `-`) is read as
/// the number it spells; any other string is refused as the type it is.
struct Digits<V>(V);

impl<V> Digits<V> {
    fn number<'de, E: de::Error>(self, text: &str) -> Result<V::Value, E>
    where
        V: Visitor<'de>,
    {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::invalid_type(Unexpected::Str(text), &self));
        }
        if let Ok(value) = text.parse::<u64>() {
            self.0.visit_u64(value)
        } else if let Ok(value) = text.parse::<i64>() {
            self.0.visit_i64(value)
        } else {
            Err(E::invalid_value(Unexpected::Str(text), &self))
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Digits<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(formatter)
    }

    forward_leaf_visits!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
    );

    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        self.number(text)
    }

    forward_other_visits!();
}

/// The visitor of a boolean: 0 and 1 are `false` and `true`.
struct Flag<V>(V);

impl<V> Flag<V> {
    fn number<'de, E: de::Error>(self, value: u64) -> Result<V::Value, E>
    where
        V: Visitor<'de>,
    {
        match value {
            0 => self.0.visit_bool(false),
            1 => self.0.visit_bool(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &self)),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Flag<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(formatter)
    }

    forward_leaf_visits!(visit_bool(bool), visit_f64(f64), visit_str(&str));

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<V::Value, E> {
        self.number(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<V::Value, E> {
        match u64::try_from(value) {
            Ok(value) => self.number(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    forward_other_visits!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Login {
        i_code: String,
        order_no: u64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Nest {
        flags: Vec<bool>,
        inner: Option<Inner>,
        ids: Vec<i32>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        count: u8,
        on: bool,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        T::deserialize(Lenient(&mut deserializer)).map_err(|error| error.to_string())
    }

    #[test]
    fn integers_take_digit_strings() {
        let login: Login = read(r#"{"i_code":"a","order_no":"2021030800000225"}"#).unwrap();
        assert_eq!(login.order_no, 2_021_030_800_000_225);
        assert_eq!(read::<i64>(r#""-12""#), Ok(-12));
        assert_eq!(read::<u64>("7"), Ok(7));
    }

    #[test]
    fn other_strings_stay_refused() {
        for bad in [
            r#""""#, r#""7a""#, r#""1.5""#, r#"" 7""#, r#""-""#, "1.5", "true",
        ] {
            assert!(read::<u64>(bad).is_err(), "{bad}");
        }
        assert!(read::<u8>(r#""300""#).is_err());
        assert!(read::<u32>(r#""-1""#).is_err());
        assert!(read::<u64>(r#""99999999999999999999999""#).is_err());
    }

    #[test]
    fn booleans_take_zero_and_one() {
        assert_eq!(read::<bool>("1"), Ok(true));
        assert_eq!(read::<bool>("0"), Ok(false));
        assert_eq!(read::<bool>("true"), Ok(true));
        for bad in ["2", "-1", r#""1""#, r#""true""#, "0.0"] {
            assert!(read::<bool>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn objects_refuse_arrays() {
        let error = read::<Login>(r#"["admin-demo", 20260101]"#).unwrap_err();
        assert!(error.contains("invalid type: sequence"), "{error}");
        assert!(read::<Nest>(r#"{"flags":[],"inner":[3, true],"ids":[]}"#).is_err());
    }

    #[test]
    fn leniency_reaches_every_depth() {
        let nest: Nest =
            read(r#"{"flags":[1,0,true],"inner":{"count":"3","on":1},"ids":["-4",5]}"#).unwrap();
        assert_eq!(
            nest,
            Nest {
                flags: vec![true, false, true],
                inner: Some(Inner { count: 3, on: true }),
                ids: vec![-4, 5],
            }
        );
    }
}
