//! Uploaded files and their image variants. Clients upload originals to
//! `uploads/{user_id}/{file_id}`; the `image-variants` function writes
//! `variants/{token}/{ori,big,mid,sml}.jpg`, `token` a random name that cannot be guessed
//! from the file id ([`VariantFolder`]), and marks the record `ready`.
//!
//! The record's life is a state machine ([`transition`]): `pending` → `processing` (one
//! delivery of the upload event claims it) → `ready` | `failed`, both final: a presigned
//! upload is used once.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::quota::HourlyQuota;
use crate::text::BoundedText;

/// At most this many files per presign request or multipart upload (else 10005).
pub const MAX_FILES: usize = 9;
/// At most this many bytes per original (else 10006); the pipeline refuses larger objects.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// At most this many bytes of files in one multipart `POST /v1/file` (else 10006). API
/// Gateway's HTTP API hands a multipart body to Lambda base64-encoded (4 bytes for 3), and
/// a synchronous invocation's payload is at most 6 MB: 4 MiB of files, their framing and
/// the event's headers make about 5.8 MB.
pub const MAX_MULTIPART_BYTES: u64 = 4 * 1024 * 1024;
/// Room for the multipart framing (boundaries, part headers) around the files.
pub const MULTIPART_FRAMING_BYTES: u64 = 64 * 1024;
/// Lambda's limit on a synchronous invocation's request payload.
pub const LAMBDA_PAYLOAD_BYTES: u64 = 6 * 1024 * 1024;
/// Room for what the API Gateway event carries besides the body (headers, request context).
pub const EVENT_ENVELOPE_BYTES: u64 = 64 * 1024;

const _: () = assert!(
    (MAX_MULTIPART_BYTES + MULTIPART_FRAMING_BYTES).div_ceil(3) * 4 + EVENT_ENVELOPE_BYTES
        <= LAMBDA_PAYLOAD_BYTES,
    "a multipart upload at the limit must fit a Lambda payload once base64-encoded"
);
/// At most this many pixels in an original (40 MP); larger images fail before decoding.
pub const MAX_PIXELS: u64 = 40_000_000;
/// How long an upload sent without a token waits for a signed-in user to use it before its
/// record expires (DynamoDB TTL on `expires_at`) and its variants are deleted: one day.
pub const UNCLAIMED_TTL_SECONDS: i64 = 24 * 60 * 60;
/// How long a presigned file may stay `pending` (its URL never used, or its upload event
/// never delivered) before its record expires (DynamoDB TTL on `expires_at`): a day, as
/// the bucket keeps an unprocessed original. Claiming the file ends the expiry.
pub const PENDING_TTL_SECONDS: i64 = 24 * 60 * 60;
/// Lifetime of a presigned upload URL, seconds (15 minutes).
pub const PRESIGN_TTL_SECONDS: u64 = 15 * 60;
/// At most this many files presigned per user per clock hour; past it `POST
/// /v1/file/presign` answers 429 (10009) and registers nothing.
pub const PRESIGNS_PER_HOUR: u64 = 100;
/// The hourly allowance of presigned files per user.
pub const PRESIGN_QUOTA: HourlyQuota = HourlyQuota::new("presign", PRESIGNS_PER_HOUR);
/// Random bytes in a variant token: 128 bits, from the operating system's generator.
pub const VARIANT_TOKEN_BYTES: usize = 16;
/// How long a claim on a file lasts before another delivery may take it over: longer than
/// the pipeline function's timeout (30 s), so a live claim is never stolen, and shorter
/// than Lambda's first retry of a failed event (1 min), so the retry finds it expired.
pub const CLAIM_LEASE_SECONDS: i64 = 45;

/// The image types accepted for upload (10004 for anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/webp`.
    Webp,
}

impl ImageType {
    /// The type named by a MIME content type (parameters ignored, case-insensitive).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(ImageType::Jpeg),
            "image/png" => Some(ImageType::Png),
            "image/webp" => Some(ImageType::Webp),
            _ => None,
        }
    }

    /// The type named by a file name's extension (multipart clients often send
    /// `application/octet-stream`).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(ImageType::Jpeg),
            "png" => Some(ImageType::Png),
            "webp" => Some(ImageType::Webp),
            _ => None,
        }
    }

    /// The canonical content type, the one a presigned URL signs.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }
}

/// One file of `POST /v1/file/presign`: the client's label for it, its type and size.
#[derive(Debug, Clone, Deserialize)]
pub struct PresignFile {
    /// The client's label, echoed back (like the multipart field name).
    pub key: BoundedText<1, 64>,
    /// MIME type of the file to upload.
    pub content_type: String,
    /// Exact size in bytes; the URL signs it.
    pub size: u64,
}

/// The body of `POST /v1/file/presign`.
#[derive(Debug, Clone, Deserialize)]
pub struct PresignRequest {
    /// The files to upload.
    pub files: Vec<PresignFile>,
}

/// An upload the limits allow: label, type, size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSpec {
    /// The client's label.
    pub key: String,
    /// Its type.
    pub image_type: ImageType,
    /// Its size in bytes.
    pub size: u64,
}

/// Checks an upload against the limits: 10004 for a type other than JPEG/PNG/WebP, 10006
/// above [`MAX_FILE_BYTES`], 10000 for an empty file.
pub fn check_upload(
    key: String,
    image_type: Option<ImageType>,
    size: u64,
) -> Result<UploadSpec, ApiError> {
    let image_type = image_type.ok_or(ApiError::FileType)?;
    if size == 0 {
        return Err(ApiError::invalid("size", format!("{key} is empty")));
    }
    if size > MAX_FILE_BYTES {
        return Err(ApiError::FileTooLarge);
    }
    Ok(UploadSpec {
        key,
        image_type,
        size,
    })
}

/// 10003 for no file, 10005 for more than [`MAX_FILES`].
pub fn check_count(count: usize) -> Result<(), ApiError> {
    match count {
        0 => Err(ApiError::NoFile),
        n if n > MAX_FILES => Err(ApiError::TooManyFiles),
        _ => Ok(()),
    }
}

impl PresignRequest {
    /// The uploads, in request order, once every limit holds.
    pub fn into_uploads(self) -> Result<Vec<UploadSpec>, ApiError> {
        check_count(self.files.len())?;
        self.files
            .into_iter()
            .map(|file| {
                let image_type = ImageType::from_content_type(&file.content_type);
                check_upload(file.key.into_inner(), image_type, file.size)
            })
            .collect()
    }
}

/// Where a file is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Registered; the original is (being) uploaded, variants not yet written.
    Pending,
    /// One delivery of the upload event has claimed the file and is writing variants.
    Processing,
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

/// A new variant token: [`VARIANT_TOKEN_BYTES`] bytes from the operating system's random
/// generator, as lowercase hex (32 characters).
pub fn new_variant_token() -> Result<String, ApiError> {
    crate::auth::random_hex::<VARIANT_TOKEN_BYTES>()
}

/// Where a file's four variants live: `variants/{folder}/{ori,big,mid,sml}.jpg`. The folder
/// is the file's random token; files recorded before tokens existed have none and keep
/// their variants under their id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantFolder(String);

impl VariantFolder {
    /// The folder of file `id` recorded with `token` (`None`: a file from before tokens).
    pub fn of(id: u64, token: Option<&str>) -> VariantFolder {
        VariantFolder(token.map_or_else(|| id.to_string(), str::to_owned))
    }

    /// The object key of `variant`.
    pub fn key(&self, variant: Variant) -> String {
        format!("variants/{}/{}.jpg", self.0, variant.name())
    }

    /// The public URL of `variant` under `asset_base_url`.
    pub fn url(&self, asset_base_url: &str, variant: Variant) -> String {
        format!("{asset_base_url}/{}", self.key(variant))
    }
}

/// A stored file record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// File id.
    pub id: u64,
    /// The uploader, who alone may attach the file. `None` for an upload sent without a
    /// token (`POST /v1/file`): the first signed-in user who attaches it claims it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<u64>,
    /// Object key of the original (for an upload through the API, which keeps no
    /// original, the key of `ori`).
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
    /// The claim of the delivery processing the file (a random token), while `processing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// Until when that claim holds, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_until: Option<i64>,
    /// When an unowned upload expires (the table's TTL attribute), Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The random name of the variants' folder ([`VariantFolder`]); absent on files
    /// recorded before tokens existed, whose variants live under their id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_token: Option<String>,
}

/// What can happen to a file record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// A delivery of the upload event for an original not processed yet claims the file.
    /// Only a `pending` file can be claimed: a `ready` or `failed` one is final, so a second
    /// object under its key (a presigned URL used again) is never processed.
    Claim,
    /// A delivery takes over a claim whose lease ran out (its holder died).
    TakeOver,
    /// The claim holder wrote the variants.
    Complete,
    /// The claim holder found the original unusable.
    Fail,
    /// Lambda gave up on the upload event (its retries ran out, the event landed in the
    /// failure queue): the file will never be processed.
    GiveUp,
}

/// A transition the file's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {status:?} file cannot {action:?}")]
pub struct FileTransitionError {
    /// The state the file was in.
    pub status: FileStatus,
    /// The refused action.
    pub action: FileAction,
}

/// The file state machine: the next state after `action`, or why not. Only the image
/// pipeline acts on files, so there is no actor to check. `ready` and `failed` are final.
pub fn transition(
    status: FileStatus,
    action: FileAction,
) -> Result<FileStatus, FileTransitionError> {
    use FileAction::*;
    use FileStatus::*;
    match (status, action) {
        (Pending, Claim) => Ok(Processing),
        (Processing, TakeOver) => Ok(Processing),
        (Processing, Complete) => Ok(Ready),
        (Processing, Fail) => Ok(Failed),
        (Pending | Processing, GiveUp) => Ok(Failed),
        _ => Err(FileTransitionError { status, action }),
    }
}

/// What a delivery of the upload event for an original with a given ETag should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Claim the file by this action and process the original.
    Process(FileAction),
    /// Nothing: this original was processed, or is being processed right now.
    Skip,
    /// Nothing, ever: another object arrived under the key of a file already done with
    /// (its presigned URL used a second time); the file and its variants stay as they are.
    Refuse,
    /// Another original is being processed under this key: fail so the event is retried
    /// once that claim is over.
    Retry,
}

/// What to do with a file whose upload event Lambda gave up on, after every retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exhausted {
    /// Mark it failed: nobody is processing it any more.
    GiveUp,
    /// Another delivery holds a live claim on it: ask again once that claim is over.
    Wait,
    /// Nothing: it is `ready` or `failed` already.
    Nothing,
}

/// The parts of an original's object key, `uploads/{owner_id}/{file_id}`.
pub fn parse_upload_key(key: &str) -> Option<(u64, u64)> {
    let rest = key.strip_prefix("uploads/")?;
    let (owner, id) = rest.split_once('/')?;
    Some((owner.parse().ok()?, id.parse().ok()?))
}

/// `GET /v1/file/{id}`: `{id, key, status, path, photo}`; `path` and `photo` once ready,
/// `reason` when failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileView {
    /// File id.
    pub id: u64,
    /// Object key of the original.
    pub key: String,
    /// Life-cycle state.
    pub status: FileStatus,
    /// URL of the full-size variant (`null` until ready).
    pub path: Option<String>,
    /// The four variant URLs (`null` until ready).
    pub photo: Option<Photo>,
    /// Why the file failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
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
    /// A new `pending` record for an upload by `owner_id`, its variants to be written under
    /// `variant_token`.
    pub fn pending(
        id: u64,
        owner_id: u64,
        upload: &UploadSpec,
        variant_token: String,
        now: i64,
    ) -> Self {
        FileRecord {
            id,
            owner_id: Some(owner_id),
            key: upload_key(owner_id, id),
            content_type: upload.image_type.content_type().to_owned(),
            size: upload.size,
            status: FileStatus::Pending,
            reason: None,
            etag: None,
            width: None,
            height: None,
            created_at: now,
            claim: None,
            claimed_until: None,
            expires_at: Some(now + PENDING_TTL_SECONDS),
            variant_token: Some(variant_token),
        }
    }

    /// The record of an upload through the API whose variants are written already under
    /// `variant_token`: `ready`, `width`×`height` pixels, owned by `owner_id`, or by nobody
    /// for a day.
    pub fn uploaded(
        id: u64,
        owner_id: Option<u64>,
        upload: &UploadSpec,
        variant_token: String,
        (width, height): (u32, u32),
        now: i64,
    ) -> Self {
        let folder = VariantFolder::of(id, Some(&variant_token));
        FileRecord {
            id,
            owner_id,
            key: folder.key(Variant::Ori),
            content_type: upload.image_type.content_type().to_owned(),
            size: upload.size,
            status: FileStatus::Ready,
            reason: None,
            etag: None,
            width: Some(width),
            height: Some(height),
            created_at: now,
            claim: None,
            claimed_until: None,
            expires_at: owner_id.is_none().then_some(now + UNCLAIMED_TTL_SECONDS),
            variant_token: Some(variant_token),
        }
    }

    /// What a delivery for the original with `etag`, arriving at `now`, should do: a
    /// redelivery of a processed original and a duplicate of one in flight do nothing; a
    /// new object under the key of a finished file is refused (the state machine allows no
    /// second claim).
    pub fn delivery(&self, etag: &str, now: i64) -> Delivery {
        let same = self.etag.as_deref() == Some(etag);
        let claim_live = self.claimed_until.is_some_and(|until| until > now);
        match (self.status, same) {
            (FileStatus::Processing, _) if !claim_live => Delivery::Process(FileAction::TakeOver),
            (FileStatus::Processing, true) => Delivery::Skip,
            (FileStatus::Processing, false) => Delivery::Retry,
            (FileStatus::Ready | FileStatus::Failed, true) => Delivery::Skip,
            (status, false) => match transition(status, FileAction::Claim) {
                Ok(_) => Delivery::Process(FileAction::Claim),
                Err(_) => Delivery::Refuse,
            },
            (FileStatus::Pending, true) => Delivery::Process(FileAction::Claim),
        }
    }

    /// What to do, at `now`, with this file once Lambda gave up on an upload event of it
    /// sent in the invocation `request_id` (claims are taken as `{request_id}#{record}`, and
    /// an asynchronous invocation keeps its request id across retries). A claim of that
    /// invocation, or one whose lease ran out, is dead; another live claim is left to
    /// finish.
    pub fn when_retries_exhausted(&self, request_id: &str, now: i64) -> Exhausted {
        let claimed_by_it = self.claim.as_deref().is_some_and(|claim| {
            claim
                .strip_prefix(request_id)
                .is_some_and(|rest| rest.starts_with('#'))
        });
        let claim_live = self.claimed_until.is_some_and(|until| until > now);
        match transition(self.status, FileAction::GiveUp) {
            Err(_) => Exhausted::Nothing,
            Ok(_) if self.status == FileStatus::Processing && claim_live && !claimed_by_it => {
                Exhausted::Wait
            }
            Ok(_) => Exhausted::GiveUp,
        }
    }

    /// Where this file's variants live.
    pub fn variant_folder(&self) -> VariantFolder {
        VariantFolder::of(self.id, self.variant_token.as_deref())
    }

    /// What `GET /v1/file/{id}` shows.
    pub fn view(&self, asset_base_url: &str) -> FileView {
        let ready = self.status == FileStatus::Ready;
        FileView {
            id: self.id,
            key: self.key.clone(),
            status: self.status,
            path: ready.then(|| self.variant_url(asset_base_url, Variant::Ori)),
            photo: ready.then(|| self.photo(asset_base_url)),
            reason: self.reason.clone(),
        }
    }

    /// The public URL of `variant` under `asset_base_url`.
    pub fn variant_url(&self, asset_base_url: &str, variant: Variant) -> String {
        self.variant_folder().url(asset_base_url, variant)
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

    /// 10010 unless the caller owns the file or is an admin. An unowned upload (sent
    /// without a token) is an admin's only: ids are sequential, and its uploader already
    /// has its URLs from the upload's answer.
    pub fn check_readable(&self, user_id: u64, is_admin: bool) -> Result<(), ApiError> {
        match self.owner_id {
            _ if is_admin => Ok(()),
            Some(owner) if owner == user_id => Ok(()),
            None | Some(_) => Err(ApiError::Forbidden),
        }
    }

    /// Whether `user_id` must claim this file before attaching it: an upload nobody owns.
    pub fn needs_claim(&self) -> bool {
        self.owner_id.is_none()
    }

    /// 10000 naming `field` unless this file is ready and `user_id` owns it or may claim it.
    pub fn check_attachable(&self, user_id: u64, field: &str) -> Result<(), ApiError> {
        if self.owner_id.is_some_and(|owner| owner != user_id) {
            return Err(ApiError::invalid(
                field,
                format!("file {} is not yours", self.id),
            ));
        }
        match self.status {
            FileStatus::Ready => Ok(()),
            FileStatus::Pending | FileStatus::Processing => Err(ApiError::invalid(
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
            owner_id: Some(2),
            key: upload_key(2, 9),
            content_type: "image/jpeg".into(),
            size: 10,
            status,
            reason: None,
            etag: None,
            width: None,
            height: None,
            created_at: 0,
            claim: None,
            claimed_until: None,
            expires_at: None,
            variant_token: Some(TOKEN.into()),
        }
    }

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn transition_table() {
        use FileAction::*;
        use FileStatus::*;
        let states = [Pending, Processing, Ready, Failed];
        let actions = [Claim, TakeOver, Complete, Fail, GiveUp];
        // Ready and Failed are final: a second object under a finished file's key (its
        // presigned URL used again) cannot claim it.
        let expected = |status, action| match (status, action) {
            (Pending, Claim) => Some(Processing),
            (Processing, TakeOver) => Some(Processing),
            (Processing, Complete) => Some(Ready),
            (Processing, Fail) => Some(Failed),
            (Pending | Processing, GiveUp) => Some(Failed),
            _ => None,
        };
        let mut allowed = 0;
        for status in states {
            for action in actions {
                let got = transition(status, action).ok();
                assert_eq!(got, expected(status, action), "{status:?} {action:?}");
                allowed += usize::from(got.is_some());
            }
        }
        assert_eq!(allowed, 6);
    }

    #[test]
    fn a_file_whose_event_lambda_gave_up_on() {
        let at = |status, claim: Option<&str>, claimed_until| FileRecord {
            claim: claim.map(str::to_owned),
            claimed_until,
            ..record(status)
        };
        use FileStatus::*;
        let cases = [
            (at(Pending, None, None), Exhausted::GiveUp),
            (
                at(Processing, Some("req-1#0"), Some(150)),
                Exhausted::GiveUp,
            ),
            (
                at(Processing, Some("req-1#3"), Some(150)),
                Exhausted::GiveUp,
            ),
            (at(Processing, Some("req-10#0"), Some(150)), Exhausted::Wait),
            (at(Processing, Some("req-2#0"), Some(150)), Exhausted::Wait),
            (
                at(Processing, Some("req-2#0"), Some(100)),
                Exhausted::GiveUp,
            ),
            (at(Ready, None, None), Exhausted::Nothing),
            (at(Failed, None, None), Exhausted::Nothing),
        ];
        for (file, expected) in cases {
            assert_eq!(
                file.when_retries_exhausted("req-1", 100),
                expected,
                "{:?} {:?} {:?}",
                file.status,
                file.claim,
                file.claimed_until
            );
        }
    }

    #[test]
    fn a_presigned_file_expires_unless_claimed() {
        let spec = check_upload("a".into(), Some(ImageType::Jpeg), 10).unwrap();
        let file = FileRecord::pending(9, 2, &spec, TOKEN.into(), 100);
        assert_eq!(file.expires_at, Some(100 + PENDING_TTL_SECONDS));
    }

    #[test]
    fn deliveries() {
        let mut file = record(FileStatus::Pending);
        assert_eq!(
            file.delivery("e1", 100),
            Delivery::Process(FileAction::Claim)
        );
        file.etag = Some("e1".into());
        file.status = FileStatus::Processing;
        file.claimed_until = Some(150);
        assert_eq!(file.delivery("e1", 100), Delivery::Skip);
        assert_eq!(file.delivery("e2", 100), Delivery::Retry);
        assert_eq!(
            file.delivery("e1", 150),
            Delivery::Process(FileAction::TakeOver)
        );
        for status in [FileStatus::Ready, FileStatus::Failed] {
            file.status = status;
            assert_eq!(file.delivery("e1", 100), Delivery::Skip);
            assert_eq!(file.delivery("e2", 100), Delivery::Refuse, "{status:?}");
        }
        assert_eq!(parse_upload_key("uploads/2/9"), Some((2, 9)));
        assert_eq!(parse_upload_key("variants/9/ori.jpg"), None);
        assert_eq!(parse_upload_key("uploads/x/9"), None);
    }

    #[test]
    fn upload_limits() {
        let jpeg = Some(ImageType::Jpeg);
        assert!(check_upload("a".into(), jpeg, MAX_FILE_BYTES).is_ok());
        assert_eq!(
            check_upload("a".into(), jpeg, MAX_FILE_BYTES + 1),
            Err(ApiError::FileTooLarge)
        );
        assert_eq!(check_upload("a".into(), None, 1), Err(ApiError::FileType));
        assert!(check_upload("a".into(), jpeg, 0).is_err());
        assert_eq!(check_count(0), Err(ApiError::NoFile));
        assert_eq!(check_count(MAX_FILES + 1), Err(ApiError::TooManyFiles));
        assert!(check_count(MAX_FILES).is_ok());
    }

    #[test]
    fn image_types() {
        assert_eq!(
            ImageType::from_content_type("IMAGE/PNG; charset=x"),
            Some(ImageType::Png)
        );
        assert_eq!(ImageType::from_content_type("image/gif"), None);
        assert_eq!(ImageType::from_file_name("a.b.JPG"), Some(ImageType::Jpeg));
        assert_eq!(ImageType::from_file_name("webp"), None);
    }

    #[test]
    fn view_shows_urls_once_ready() {
        let pending = record(FileStatus::Pending).view("http://cdn");
        assert!(pending.path.is_none() && pending.photo.is_none());
        let ready = record(FileStatus::Ready).view("http://cdn");
        assert_eq!(
            ready.path,
            Some(format!("http://cdn/variants/{TOKEN}/ori.jpg"))
        );
    }

    #[test]
    fn keys_and_urls() {
        assert_eq!(upload_key(2, 9), "uploads/2/9");
        let photo = record(FileStatus::Ready).photo("http://cdn");
        assert_eq!(photo.ori, format!("http://cdn/variants/{TOKEN}/ori.jpg"));
        assert_eq!(photo.sml, format!("http://cdn/variants/{TOKEN}/sml.jpg"));
        // A file recorded before tokens existed keeps its variants under its id.
        let mut legacy = record(FileStatus::Ready);
        legacy.variant_token = None;
        assert_eq!(
            legacy.photo("http://cdn").mid,
            "http://cdn/variants/9/mid.jpg"
        );
        assert_eq!(
            VariantFolder::of(9, Some(TOKEN)).key(Variant::Big),
            format!("variants/{TOKEN}/big.jpg")
        );
    }

    #[test]
    fn variant_tokens_are_128_random_bits() {
        let tokens: Vec<String> = (0..64).map(|_| new_variant_token().unwrap()).collect();
        for token in &tokens {
            assert_eq!(token.len(), 2 * VARIANT_TOKEN_BYTES);
            assert!(token
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
        let mut unique = tokens.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), tokens.len());
    }

    #[test]
    fn unowned_uploads_are_for_admins_to_read() {
        let spec = check_upload("file1".into(), Some(ImageType::Png), 10).unwrap();
        let unowned = FileRecord::uploaded(9, None, &spec, TOKEN.into(), (4, 3), 100);
        assert_eq!(unowned.check_readable(5, false), Err(ApiError::Forbidden));
        assert!(unowned.check_readable(5, true).is_ok());
        let owned = record(FileStatus::Ready);
        assert!(owned.check_readable(2, false).is_ok());
        assert_eq!(owned.check_readable(3, false), Err(ApiError::Forbidden));
        assert!(owned.check_readable(3, true).is_ok());
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

    #[test]
    fn unowned_uploads_are_claimed_by_their_first_user() {
        let spec = check_upload("file1".into(), Some(ImageType::Png), 10).unwrap();
        let unowned = FileRecord::uploaded(9, None, &spec, TOKEN.into(), (4, 3), 100);
        assert_eq!(unowned.status, FileStatus::Ready);
        assert_eq!(unowned.expires_at, Some(100 + UNCLAIMED_TTL_SECONDS));
        assert!(unowned.needs_claim());
        assert!(unowned.check_attachable(5, "cover_image_id").is_ok());
        let owned = FileRecord::uploaded(9, Some(2), &spec, TOKEN.into(), (4, 3), 100);
        assert_eq!((owned.expires_at, owned.needs_claim()), (None, false));
        assert!(owned.check_attachable(5, "cover_image_id").is_err());
        assert_eq!(owned.key, format!("variants/{TOKEN}/ori.jpg"));
    }
}
