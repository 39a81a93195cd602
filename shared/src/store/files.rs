//! File records: `PK = FILE#{id}`, `SK = FILE`.

use super::{ItemKey, Store};
use crate::error::ApiError;
use crate::file::FileRecord;

/// Where file `id` is recorded.
pub fn file_key(id: u64) -> ItemKey {
    ItemKey::new(format!("FILE#{id}"), "FILE")
}

impl Store {
    /// File `id`, if recorded.
    pub async fn file(&self, id: u64) -> Result<Option<FileRecord>, ApiError> {
        self.get(&file_key(id)).await
    }

    /// The files among `ids` that exist, in one BatchGetItem round (per 100 ids).
    pub async fn files(&self, ids: &[u64]) -> Result<Vec<FileRecord>, ApiError> {
        let keys: Vec<ItemKey> = ids.iter().map(|id| file_key(*id)).collect();
        self.batch_get(&keys).await
    }

    /// Records a new file.
    pub async fn create_file(&self, file: &FileRecord) -> Result<(), ApiError> {
        self.put_new(&file_key(file.id), file, ApiError::FileSaveFailed)
            .await
    }
}
