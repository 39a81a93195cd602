//! Uploaded files and their image variants. Clients upload originals to
//! `uploads/{user_id}/{file_id}`; the `image-variants` function writes
//! `variants/{file_id}/{ori,big,mid,sml}.jpg` and marks the record `ready`.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Where a file is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Registered; the original is (being) uploaded, variants not yet written.
    Pending,
    /// Variants written; the file can be attached and shown.
    Ready,
    /// The original is not an acceptable image; `reason` says why.
    Failed,
}

/// The four variants every photo field shows, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Full size (metadata stripped, upright).
    Ori,
    /// Within 1920×1920.
    Big,
    /// Within 960×960.
    Mid,
    /// Within 320×320.
    Sml,
}

impl Variant {
    /// All four, in the order of the seed's `photo` objects.
    pub const ALL: [Variant; 4] = [Variant::Ori, Variant::Big, Variant::Mid, Variant::Sml];

    /// The variant's name in keys and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Ori => "ori",
            Variant::Big => "big",
            Variant::Mid => "mid",
            Variant::Sml => "sml",
        }
    }

    /// The bound on the long side, `None` for the original size.
    pub fn max_side(self) -> Option<u32> {
        match self {
            Variant::Ori => None,
            Variant::Big => Some(1920),
            Variant::Mid => Some(960),
            Variant::Sml => Some(320),
        }
    }
}

/// The object key of the original upload of file `id` owned by `owner_id`.
pub fn upload_key(owner_id: u64, id: u64) -> String {
    format!("uploads/{owner_id}/{id}")
}

/// The object key of `variant` of file `id`.
pub fn variant_key(id: u64, variant: Variant) -> String {
    format!("variants/{id}/{}.jpg", variant.name())
}

/// A stored file record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// File id.
    pub id: u64,
    /// The uploader; only they may attach the file.
    pub owner_id: u64,
    /// Object key of the original.
    pub key: String,
    /// Declared content type of the original.
    pub content_type: String,
    /// Declared size of the original, bytes.
    pub size: u64,
    /// Life-cycle state.
    pub status: FileStatus,
    /// Why the file failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// ETag of the original the variants were made from (idempotent processing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Pixel size of `ori`, once ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pixel size of `ori`, once ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Registered at, Unix seconds.
    pub created_at: i64,
}

/// A photo as the seeds show it: the variant URLs, plus the file id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// File id.
    pub id: u64,
    /// Full-size URL.
    pub ori: String,
    /// ≤ 1920 URL.
    pub big: String,
    /// ≤ 960 URL.
    pub mid: String,
    /// ≤ 320 URL.
    pub sml: String,
}

impl FileRecord {
    /// The public URL of `variant` under `asset_base_url`.
    pub fn variant_url(&self, asset_base_url: &str, variant: Variant) -> String {
        format!("{asset_base_url}/{}", variant_key(self.id, variant))
    }

    /// The four variant URLs.
    pub fn photo(&self, asset_base_url: &str) -> Photo {
        let url = |variant| self.variant_url(asset_base_url, variant);
        Photo {
            id: self.id,
            ori: url(Variant::Ori),
            big: url(Variant::Big),
            mid: url(Variant::Mid),
            sml: url(Variant::Sml),
        }
    }

    /// 10000 naming `field` unless `user_id` owns this file and it is ready.
    pub fn check_attachable(&self, user_id: u64, field: &str) -> Result<(), ApiError> {
        if self.owner_id != user_id {
            return Err(ApiError::invalid(
                field,
                format!("file {} is not yours", self.id),
            ));
        }
        match self.status {
            FileStatus::Ready => Ok(()),
            FileStatus::Pending => Err(ApiError::invalid(
                field,
                format!("file {} is still processing", self.id),
            )),
            FileStatus::Failed => Err(ApiError::invalid(
                field,
                format!("file {} is not a usable image", self.id),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: FileStatus) -> FileRecord {
        FileRecord {
            id: 9,
            owner_id: 2,
            key: upload_key(2, 9),
            content_type: "image/jpeg".into(),
            size: 10,
            status,
            reason: None,
            etag: None,
            width: None,
            height: None,
            created_at: 0,
        }
    }

    #[test]
    fn keys_and_urls() {
        assert_eq!(upload_key(2, 9), "uploads/2/9");
        let photo = record(FileStatus::Ready).photo("http://cdn");
        assert_eq!(photo.ori, "http://cdn/variants/9/ori.jpg");
        assert_eq!(photo.sml, "http://cdn/variants/9/sml.jpg");
    }

    #[test]
    fn only_the_owners_ready_files_attach() {
        assert!(record(FileStatus::Ready)
            .check_attachable(2, "photo")
            .is_ok());
        for (status, user) in [
            (FileStatus::Ready, 3),
            (FileStatus::Pending, 2),
            (FileStatus::Failed, 2),
        ] {
            let error = record(status).check_attachable(user, "photo").unwrap_err();
            assert!(error.to_string().contains("photo"));
        }
    }
}
