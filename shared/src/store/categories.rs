//! Categories: one partition, `PK = CATEGORY`, `SK = {id:020}` — the whole list is one Query.

use super::{id_sort_key, ItemKey, Store};
use crate::category::{display_order, Category};
use crate::error::ApiError;

const PARTITION: &str = "CATEGORY";

/// At most this many categories are listed (the list is a short menu).
pub const MAX_CATEGORIES: usize = 500;

/// Where category `id` is stored.
pub fn category_key(id: u64) -> ItemKey {
    ItemKey::new(PARTITION, id_sort_key(id))
}

impl Store {
    /// Every category in display order.
    pub async fn categories(&self) -> Result<Vec<Category>, ApiError> {
        let mut categories = self
            .query_partition(None, PARTITION, true, MAX_CATEGORIES)
            .await?;
        display_order(&mut categories);
        Ok(categories)
    }

    /// Category `id`, if it exists.
    pub async fn category(&self, id: u64) -> Result<Option<Category>, ApiError> {
        self.get(&category_key(id)).await
    }

    /// Stores a new category.
    pub async fn create_category(&self, category: &Category) -> Result<(), ApiError> {
        self.put_new(
            &category_key(category.id),
            category,
            ApiError::OperationFailed,
        )
        .await
    }

    /// Rewrites an existing category (10008 when there is none).
    pub async fn save_category(&self, category: &Category) -> Result<(), ApiError> {
        self.replace(&category_key(category.id), category, ApiError::NotFound)
            .await
    }
}
