//! The step configuration (步骤配置表): the title and description of every step, stored
//! in the table and read once per cold start.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use super::workflow::Step;
use crate::error::ApiError;
use crate::store::Store;

/// One configured step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepConfig {
    /// Step id.
    pub step_id: u8,
    /// Title.
    pub step_title: String,
    /// Description.
    #[serde(default)]
    pub step_discript: String,
}

/// The seed's 14 titles (step 3 has none in the seed: "审核初稿", as step 8 is "审核终稿").
pub const DEFAULT_TITLES: [&str; 14] = [
    "发布",
    "抢单",
    "上传初稿",
    "审核初稿",
    "选初稿",
    "支付定金",
    "审核定金支付凭证",
    "上传终稿",
    "审核终稿",
    "选择终稿",
    "支付尾款",
    "审核尾款支付凭证",
    "上传施工图凭证",
    "审核完结",
];

/// The configuration the table is seeded with.
pub fn default_steps() -> Vec<StepConfig> {
    Step::ALL
        .iter()
        .zip(DEFAULT_TITLES)
        .map(|(step, title)| StepConfig {
            step_id: step.id(),
            step_title: title.to_owned(),
            step_discript: String::new(),
        })
        .collect()
}

/// The step configuration as stored: one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCatalogRecord {
    /// The steps, in order.
    pub steps: Vec<StepConfig>,
}

/// The step configuration, read from the table on first use and kept for the life of the
/// function instance (a cold start reads it once). A table without one shows the seed's.
#[derive(Debug, Clone, Default)]
pub struct StepCatalog(Arc<OnceCell<Vec<StepConfig>>>);

impl StepCatalog {
    /// The configured steps.
    pub async fn steps(&self, store: &Store) -> Result<&[StepConfig], ApiError> {
        self.0
            .get_or_try_init(|| async {
                Ok(store
                    .step_catalog()
                    .await?
                    .map_or_else(default_steps, |record| record.steps))
            })
            .await
            .map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_titled_steps() {
        let steps = default_steps();
        assert_eq!(steps.len(), 14);
        assert!(steps.iter().all(|step| !step.step_title.is_empty()));
        assert_eq!(steps[3].step_title, "审核初稿");
        assert_eq!(steps[13].step_id, 13);
    }
}
