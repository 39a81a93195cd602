//! What the marketplace's four aggregates (services, orders, refunds, ratings) share: who
//! acts on them, the role filter of the "my" lists, photos, and the update-on-conflict loop.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::file::{variant_key, FileRecord, Variant};

/// Declares an enum whose JSON and stored form is the seed's number (`status: 2`): the
/// variants with their numbers, `ALL`, `code()`, and serde through the number; any other
/// number deserializes to an error naming the allowed values (a 10000 in a request).
#[macro_export]
macro_rules! numeric_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(into = "u8", try_from = "i64")]
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
    };
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
    /// The variant URLs of ready file `id`. Only ids checked attachable are ever stored,
    /// and variants are immutable once ready, so the URLs follow from the id alone.
    pub fn of(id: u64, asset_base_url: &str) -> PhotoView {
        let url = |variant| format!("{asset_base_url}/{}", variant_key(id, variant));
        PhotoView {
            id,
            path: url(Variant::Big),
            ori: url(Variant::Ori),
            big: url(Variant::Big),
            mid: url(Variant::Mid),
            sml: url(Variant::Sml),
        }
    }

    /// Photos of `ids`, in order.
    pub fn all(ids: &[u64], asset_base_url: &str) -> Vec<PhotoView> {
        ids.iter()
            .map(|id| PhotoView::of(*id, asset_base_url))
            .collect()
    }
}

/// Up to five photo ids (the seed's `illustration`: "最多 5 张"), no duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<u64>")]
pub struct Illustration(Vec<u64>);

impl TryFrom<Vec<u64>> for Illustration {
    type Error = String;

    fn try_from(ids: Vec<u64>) -> Result<Self, String> {
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        if ids.len() > 5 {
            Err("at most 5 photos".to_owned())
        } else if unique.len() != ids.len() || ids.contains(&0) {
            Err("must be distinct file ids".to_owned())
        } else {
            Ok(Illustration(ids))
        }
    }
}

impl Illustration {
    /// The file ids, in the client's order.
    pub fn ids(&self) -> &[u64] {
        &self.0
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
        let photo = PhotoView::of(7, "http://cdn");
        assert_eq!(photo.path, "http://cdn/variants/7/big.jpg");
        assert_eq!(photo.sml, "http://cdn/variants/7/sml.jpg");
    }

    #[test]
    fn illustration_bounds() {
        assert!(Illustration::try_from(vec![1, 2, 3, 4, 5]).is_ok());
        assert!(Illustration::try_from(vec![1, 2, 3, 4, 5, 6]).is_err());
        assert!(Illustration::try_from(vec![1, 1]).is_err());
        assert!(Illustration::try_from(vec![0]).is_err());
        assert!(MarketRole::try_from(3).is_err());
    }
}
