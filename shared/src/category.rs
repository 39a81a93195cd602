//! Service categories (分类).

use serde::{Deserialize, Serialize};

use crate::text::{BoundedText, PositiveInt};

/// A stored category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Category id.
    pub id: u64,
    /// Name, e.g. 保洁.
    pub name: String,
    /// Icon URL, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Display order: lower first, then by id.
    #[serde(default)]
    pub sort: i64,
}

/// `{id, name}` as the seed lists categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    /// Category id.
    pub id: u64,
    /// Name.
    pub name: String,
}

impl From<&Category> for CategoryView {
    fn from(category: &Category) -> Self {
        CategoryView {
            id: category.id,
            name: category.name.clone(),
        }
    }
}

/// `POST /v1/admin/category` and `PUT /v1/admin/category/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct CategoryInput {
    /// Name, 1–20 characters.
    pub name: BoundedText<1, 20>,
    /// Icon URL, up to 500 characters.
    #[serde(default)]
    pub icon: Option<BoundedText<0, 500>>,
    /// Display order, -1,000,000 to 1,000,000 (default 0).
    #[serde(default)]
    pub sort: Option<SortOrder>,
}

/// The `category_id` filter of a list: a category id, or 0 for every category, which the
/// clients' "全部" tab sends (contract §11).
pub fn category_filter<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<PositiveInt>, D::Error> {
    let id = Option::<u64>::deserialize(deserializer)?;
    Ok(id.and_then(PositiveInt::new))
}

/// A display order within ±1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct SortOrder(i64);

impl TryFrom<i64> for SortOrder {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        if (-1_000_000..=1_000_000).contains(&value) {
            Ok(SortOrder(value))
        } else {
            Err("must be between -1000000 and 1000000".to_owned())
        }
    }
}

impl CategoryInput {
    /// The category `id` holding these fields.
    pub fn into_category(self, id: u64) -> Category {
        Category {
            id,
            name: self.name.into_inner(),
            icon: self
                .icon
                .map(BoundedText::into_inner)
                .filter(|icon| !icon.is_empty()),
            sort: self.sort.map_or(0, |sort| sort.0),
        }
    }
}

/// Orders categories for display: by `sort`, then by id.
pub fn display_order(categories: &mut [Category]) {
    categories.sort_by_key(|category| (category.sort, category.id));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_by_sort_then_id() {
        let make = |id, sort| Category {
            id,
            name: id.to_string(),
            icon: None,
            sort,
        };
        let mut list = vec![make(3, 0), make(1, 5), make(2, 0)];
        display_order(&mut list);
        assert_eq!(list.iter().map(|c| c.id).collect::<Vec<_>>(), vec![2, 3, 1]);
    }

    #[test]
    fn input_bounds() {
        assert!(serde_json::from_str::<CategoryInput>(r#"{"name":""}"#).is_err());
        assert!(serde_json::from_str::<CategoryInput>(r#"{"name":"a","sort":9999999}"#).is_err());
        let input: CategoryInput = serde_json::from_str(r#"{"name":"宠物","sort":2}"#).unwrap();
        assert_eq!(input.into_category(5).sort, 2);
    }
}
