//! The image pipeline: on each S3 `ObjectCreated` under `uploads/`, validate the original,
//! write `variants/{file_id}/{ori,big,mid,sml}.jpg`, and mark the file `ready` or `failed`.
//! [`variants`] is the pure image code; [`pipeline`] is the S3 and table glue.

pub mod pipeline;
pub mod variants;

pub use pipeline::{handle, process, Outcome};
