//! The image pipeline: on each S3 `ObjectCreated` under `uploads/`, validate the original,
//! write `variants/{token}/{ori,big,mid,sml}.jpg` (the file record's random token), and mark
//! the file `ready` or `failed` (a second object under a finished file's key is refused);
//! on each file record the table expired, delete its variants ([`expiry`]); on each upload
//! event Lambda gave up on (its failure queue), mark the file failed ([`failures`]).
//! [`variants`] is the pure image code; [`pipeline`] is the S3 and table glue. The `files`
//! function links this library for the multipart `POST /v1/file`, which makes its variants
//! before it answers ([`make_variants`]); no other function does.

pub mod expiry;
pub mod failures;
pub mod metrics;
pub mod pipeline;
pub mod variants;

pub use expiry::handle_expired;
pub use failures::handle_failed;
pub use pipeline::{handle, make_variants, process, Outcome};
pub use variants::Rejection;
