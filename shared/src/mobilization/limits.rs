//! Bounds of the mobilization routes: how much one request may make the service read or
//! write. Each bound is a named constant; a request past one is 400 `{cnmsg}` naming what
//! is too large, and nothing is written.

use serde::Deserialize;

use super::error::TaskError;
use crate::http::{parse_query, PageNumber, PageQuery, PageSize, MAX_PAGE_SIZE};

/// Deepest item a paged list reads to (`per page × page`): the lists page by offset, so a
/// deeper page would read every item before it.
pub const MAX_PAGE_DEPTH: u64 = crate::http::MAX_PAGE_END;

/// Most common gathering places one unit may hold (imported and created with
/// `place_id: -1` together).
pub const MAX_UNIT_PLACES: usize = 50;

/// Most members one task may reach (one assignment each).
pub const MAX_TASK_MEMBERS: usize = 10_000;

/// Most targets (offices, organisations and individuals together) one task may name: the
/// task item keeps them, and an item holds at most 400 KB.
pub const MAX_TASK_TARGETS: usize = 2_000;

/// Most units a task may be listed under (its launching unit and every unit commanding
/// it): publishing writes an entry and a counter per unit in one transaction, and
/// finishing updates both, within DynamoDB's 100 items per transaction.
pub const MAX_TASK_SCOPE: usize = 45;

/// Most members the trees of `/task/orgs` and `/task/offices` list (the seed lists every
/// member of the scope in one answer).
pub const MAX_TREE_MEMBERS: usize = 10_000;

/// A page of `size` items at page `number`: 400 unless it ends within [`MAX_PAGE_DEPTH`]
/// items (the bound every paged list keeps, [`crate::http::MAX_PAGE_END`]); `fields` names
/// the request's page fields.
pub fn page(number: PageNumber, size: PageSize, fields: &str) -> Result<PageQuery, TaskError> {
    PageQuery::from_parts(number, size).map_err(|_| {
        TaskError::invalid(
            fields,
            format!("最多翻到第 {MAX_PAGE_DEPTH} 条（每页条数 × 页码 ≤ {MAX_PAGE_DEPTH}）"),
        )
    })
}

#[derive(Deserialize)]
struct RawTargetPage {
    #[serde(default)]
    pc: Option<PageSize>,
    #[serde(default)]
    pn: Option<PageNumber>,
}

/// The optional `pc`/`pn` of `/task/detail/mem` (the seed sends neither): 1–100 members per
/// page (100 when absent) and page ≥ 1 (1 when absent), within [`MAX_PAGE_DEPTH`].
pub fn target_page(query: Option<&str>) -> Result<PageQuery, TaskError> {
    let raw: RawTargetPage = parse_query(query.unwrap_or_default())?;
    page(
        raw.pn.unwrap_or(PageNumber(1)),
        raw.pc.unwrap_or(PageSize(MAX_PAGE_SIZE)),
        "pc×pn",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_end_within_the_depth() {
        let at = |pn: u32, pc: u32| page(PageNumber(pn), PageSize(pc), "pc×pn");
        assert!(at(100, 100).is_ok());
        assert!(at(10_000, 1).is_ok());
        let refused = at(101, 100).unwrap_err();
        assert!(refused.to_string().starts_with("pc×pn: "), "{refused}");
        assert!(at(u32::MAX, 100).is_err());
    }

    #[test]
    fn target_pages_default_to_the_first_hundred() {
        assert_eq!(
            target_page(None).unwrap(),
            PageQuery {
                page: 1,
                count: 100
            }
        );
        assert_eq!(
            target_page(Some("pc=10&pn=3")).unwrap(),
            PageQuery { page: 3, count: 10 }
        );
        assert_eq!(
            target_page(Some("pn=2")).unwrap(),
            PageQuery {
                page: 2,
                count: 100
            }
        );
        for bad in ["pc=0", "pc=101", "pn=0", "pc=x", "pc=100&pn=101"] {
            assert!(target_page(Some(bad)).is_err(), "{bad}");
        }
    }
}
