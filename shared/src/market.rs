//! What the marketplace's four aggregates (services, orders, refunds, ratings) share: who
//! acts on them, the role filter of the "my" lists, photos, and the update-on-conflict loop.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::file::{FileRecord, Variant, VariantFolder};
use crate::text::BoundedVec;

/// Declares an enum whose JSON and stored form is the seed's number (`status: 2`): the
/// variants with their numbers, `ALL`, `code()`, and serde through the number; any other
/// number deserializes to an error naming the allowed values (a 10000 in a request). An
/// enum of exactly 0 and 1 is a flag and also reads `false` and `true` (contract §11:
/// `designated_place: true`).
#[macro_export]
macro_rules! numeric_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(into = "u8", try_from = "crate::market::Code")]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the seed's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The seed's number.
            pub fn code(self) -> u8 {
                match self { $($name::$variant => $value),+ }
            }
        }

        impl From<$name> for u8 {
            fn from(value: $name) -> u8 {
                value.code()
            }
        }

        impl TryFrom<i64> for $name {
            type Error = String;

            fn try_from(value: i64) -> Result<Self, String> {
                match value {
                    $($value => Ok($name::$variant),)+
                    _ => Err(format!("must be one of {:?}", [$($value),+])),
                }
            }
        }

        impl TryFrom<$crate::market::Code> for $name {
            type Error = String;

            fn try_from(code: $crate::market::Code) -> Result<Self, String> {
                code.number([$($value),+].as_slice()).and_then($name::try_from)
            }
        }
    };
}

/// A [`numeric_enum`]'s value as it arrives: a number (or, through the lenient request
/// reader, a digit string), or a boolean, which only a 0/1 flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A number.
    Number(i64),
    /// `true` or `false`.
    Flag(bool),
}

impl Code {
    /// The number this code stands for among an enum's `values`: a boolean is 1 or 0 when
    /// the values are exactly 0 and 1, and refused otherwise.
    pub fn number(self, values: &[i64]) -> Result<i64, String> {
        match self {
            Code::Number(number) => Ok(number),
            Code::Flag(flag) if values == [0, 1] => Ok(i64::from(flag)),
            Code::Flag(_) => Err(format!("must be one of {values:?}")),
        }
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;

        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = Code;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an integer")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Code, E> {
                Ok(Code::Number(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Code, E> {
                i64::try_from(value)
                    .map(Code::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Code, E> {
                Ok(Code::Flag(value))
            }
        }

        // Through `deserialize_i64`, so the lenient reader turns digit strings into numbers.
        deserializer.deserialize_i64(CodeVisitor)
    }
}

/// Who performs an action, relative to the record acted on. Every state machine of the
/// marketplace decides on (state, action, actor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The service's owner (发布者).
    Publisher,
    /// The order's buyer (消费者).
    Consumer,
    /// A platform operator acting through an admin route.
    Admin,
    /// Anyone else.
    Stranger,
}

impl Actor {
    /// Every actor, for exhaustive table tests.
    pub const ALL: [Actor; 4] = [
        Actor::Publisher,
        Actor::Consumer,
        Actor::Admin,
        Actor::Stranger,
    ];

    /// The caller's relation to a record with this publisher and consumer.
    pub fn of(user_id: u64, publisher_id: u64, consumer_id: u64) -> Actor {
        if user_id == publisher_id {
            Actor::Publisher
        } else if user_id == consumer_id {
            Actor::Consumer
        } else {
            Actor::Stranger
        }
    }
}

/// The `role` filter of the seed's "my" lists and counts: 1 publisher (发布者), 2 consumer
/// (消费者).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub enum MarketRole {
    /// 1: the records of services I published.
    Publisher,
    /// 2: the records I bought.
    Consumer,
}

impl TryFrom<i64> for MarketRole {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            1 => Ok(MarketRole::Publisher),
            2 => Ok(MarketRole::Consumer),
            _ => Err("must be 1 (publisher) or 2 (consumer)".to_owned()),
        }
    }
}

impl MarketRole {
    /// The letter used in keys and counter names.
    pub fn letter(self) -> char {
        match self {
            MarketRole::Publisher => 'P',
            MarketRole::Consumer => 'C',
        }
    }
}

/// A photo as the marketplace shows it: the seed's `cover_image` `{id, path}` (with `path`
/// the `big` variant) plus the four variant URLs every other photo field of the product has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    /// File id.
    pub id: u64,
    /// The seed's single URL: the `big` variant (within 1920×1920).
    pub path: String,
    /// Full-size URL.
    pub ori: String,
    /// ≤ 1920 URL.
    pub big: String,
    /// ≤ 960 URL.
    pub mid: String,
    /// ≤ 320 URL.
    pub sml: String,
}

impl PhotoView {
    /// The variant URLs of ready file `id` whose variants are in `folder`. Only files
    /// checked attachable are ever stored (with their folder's token), and variants are
    /// immutable once ready, so the URLs follow from what the record holds.
    pub fn of(id: u64, folder: &VariantFolder, asset_base_url: &str) -> PhotoView {
        let url = |variant| folder.url(asset_base_url, variant);
        PhotoView {
            id,
            path: url(Variant::Big),
            ori: url(Variant::Ori),
            big: url(Variant::Big),
            mid: url(Variant::Mid),
            sml: url(Variant::Sml),
        }
    }
}

/// One screenshot of an `illustration`: an `http(s)://` URL of 12–500 characters with no
/// blanks or control characters. The course clients send the `path`s `POST /v1/file`
/// answered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageUrl(String);

impl TryFrom<String> for ImageUrl {
    type Error = String;

    fn try_from(url: String) -> Result<Self, String> {
        let url = url.trim();
        let scheme = url.starts_with("http://") || url.starts_with("https://");
        let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if scheme && clean && (12..=500).contains(&url.chars().count()) {
            Ok(ImageUrl(url.to_owned()))
        } else {
            Err("must be an http(s) image URL of at most 500 characters".to_owned())
        }
    }
}

impl From<ImageUrl> for String {
    fn from(url: ImageUrl) -> String {
        url.0
    }
}

/// The seed's `illustration` (refunds, ratings): "由可访问的外网图片 url 组成的数组 … 最多 5
/// 张", up to five image URLs, stored and answered as the strings sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Illustration(BoundedVec<ImageUrl, 0, 5>);

impl Illustration {
    /// The URLs, in the client's order.
    pub fn into_urls(self) -> Vec<String> {
        self.0.into_inner().into_iter().map(String::from).collect()
    }
}

/// 10000 naming `field` unless every id of `ids` is among `files` and attachable by `user_id`.
pub fn check_attachable(
    files: &[FileRecord],
    ids: &[u64],
    user_id: u64,
    field: &str,
) -> Result<(), ApiError> {
    for id in ids {
        let file = files
            .iter()
            .find(|file| file.id == *id)
            .ok_or_else(|| ApiError::invalid(field, format!("file {id} does not exist")))?;
        file.check_attachable(user_id, field)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_of() {
        assert_eq!(Actor::of(1, 1, 2), Actor::Publisher);
        assert_eq!(Actor::of(2, 1, 2), Actor::Consumer);
        assert_eq!(Actor::of(3, 1, 2), Actor::Stranger);
    }

    #[test]
    fn photo_path_is_big() {
        let token = "00112233445566778899aabbccddeeff";
        let photo = PhotoView::of(7, &VariantFolder::of(7, Some(token)), "http://cdn");
        assert_eq!(photo.path, format!("http://cdn/variants/{token}/big.jpg"));
        assert_eq!(photo.sml, format!("http://cdn/variants/{token}/sml.jpg"));
        let legacy = PhotoView::of(7, &VariantFolder::of(7, None), "http://cdn");
        assert_eq!(legacy.sml, "http://cdn/variants/7/sml.jpg");
    }

    #[test]
    fn illustration_bounds() {
        let read = |json: &str| serde_json::from_str::<Illustration>(json);
        let url = "\"http://127.0.0.1:8015/variants/1/ori.jpg\"";
        let five = format!("[{}]", [url; 5].join(","));
        assert_eq!(read(&five).unwrap().into_urls().len(), 5);
        assert!(read(&format!("[{}]", [url; 6].join(","))).is_err());
        assert!(read("[]").unwrap().into_urls().is_empty());
        for bad in [
            "[1]",
            "[\"ftp://example.com/a.png\"]",
            "[\"https://exa mple.com/a.png\"]",
            "[\"/variants/1/ori.jpg\"]",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        let long = format!("[\"https://example.com/{}\"]", "a".repeat(500));
        assert!(read(&long).is_err());
        assert!(MarketRole::try_from(3).is_err());
    }

    #[test]
    fn only_flags_take_booleans() {
        use crate::service::{DesignatedPlace, ServiceType};
        let read = |json: &str| crate::http::parse_json::<DesignatedPlace>(json.as_bytes());
        assert_eq!(read("true"), Ok(DesignatedPlace::Yes));
        assert_eq!(read("false"), Ok(DesignatedPlace::No));
        assert_eq!(read("\"1\""), Ok(DesignatedPlace::Yes));
        assert!(read("2").is_err());
        assert!(crate::http::parse_json::<ServiceType>(b"true").is_err());
        assert_eq!(
            crate::http::parse_json::<ServiceType>(b"\"2\""),
            Ok(ServiceType::Seeking)
        );
    }
}
