use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Largest page the API serves (contract §4).
pub const MAX_PAGE_SIZE: u32 = 100;

/// Deepest item a page may reach (`page × count`): a list is read from its start, so a
/// far page would read the whole list to answer nothing; past this it is 10000, unread.
pub const MAX_PAGE_END: u64 = 10_000;

/// A page number, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct PageNumber(pub u32);

impl TryFrom<i64> for PageNumber {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        u32::try_from(value)
            .ok()
            .filter(|page| *page >= 1)
            .map(PageNumber)
            .ok_or_else(|| "must be an integer >= 1".to_owned())
    }
}

/// Items per page, from 1 to [`MAX_PAGE_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct PageSize(pub u32);

impl TryFrom<i64> for PageSize {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        u32::try_from(value)
            .ok()
            .filter(|count| (1..=MAX_PAGE_SIZE).contains(count))
            .map(PageSize)
            .ok_or_else(|| format!("must be an integer from 1 to {MAX_PAGE_SIZE}"))
    }
}

/// `?status=&page=&count=` of an admin queue: the items in one status (required; a value
/// outside the status enum is 10000 naming `status`), newest first.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct QueueQuery<S> {
    /// The status listed.
    pub status: S,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

impl<S> QueueQuery<S> {
    /// The page asked for (10000 past [`MAX_PAGE_END`]).
    pub fn page(&self) -> Result<PageQuery, ApiError> {
        PageQuery::from_parts(self.page, self.count)
    }
}

/// `page` (from 1) and `count` (1–100) of a paged list; anything else is 10000. List routes
/// with filters put `page: PageNumber, count: PageSize` in their own query struct and call
/// [`PageQuery::from_parts`] (serde's `flatten` would lose the query-string number parsing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawPageQuery")]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page, 1–100.
    pub count: u32,
}

#[derive(Deserialize)]
struct RawPageQuery {
    page: PageNumber,
    count: PageSize,
}

impl TryFrom<RawPageQuery> for PageQuery {
    type Error = String;

    fn try_from(raw: RawPageQuery) -> Result<Self, String> {
        PageQuery::from_parts(raw.page, raw.count).map_err(|_| too_deep())
    }
}

fn too_deep() -> String {
    format!("page × count must not pass {MAX_PAGE_END} items")
}

impl PageQuery {
    /// Joins checked parts; a page reaching past [`MAX_PAGE_END`] items is 10000.
    pub fn from_parts(page: PageNumber, count: PageSize) -> Result<Self, ApiError> {
        if u64::from(page.0) * u64::from(count.0) > MAX_PAGE_END {
            return Err(ApiError::invalid("page", too_deep()));
        }
        Ok(PageQuery {
            page: page.0,
            count: count.0,
        })
    }

    /// Checks the bounds of `page` and `count`.
    pub fn new(page: i64, count: i64) -> Result<Self, ApiError> {
        let page = PageNumber::try_from(page).map_err(|e| ApiError::invalid("page", e))?;
        let count = PageSize::try_from(count).map_err(|e| ApiError::invalid("count", e))?;
        PageQuery::from_parts(page, count)
    }

    /// How many items precede this page.
    pub fn offset(&self) -> usize {
        (self.page as usize - 1) * self.count as usize
    }

    /// How many items must be read to fill this page (offset + count).
    pub fn end(&self) -> usize {
        self.offset() + self.count as usize
    }

    /// Cuts this page out of the first [`PageQuery::end`] items of a list.
    pub fn slice<T>(&self, mut items: Vec<T>) -> Vec<T> {
        let offset = self.offset().min(items.len());
        items.truncate(self.end());
        items.split_off(offset)
    }
}

/// A page of a list, in both page shapes clients use: the seed's examples
/// (`total, per_page, current_page, last_page, data`) and the contract's
/// (`page, count, total, has_more, data`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// Items in the whole list.
    pub total: u64,
    /// Items per page (seed name).
    pub per_page: u32,
    /// This page's number (seed name).
    pub current_page: u32,
    /// Number of the last page, at least 1.
    pub last_page: u64,
    /// This page's number.
    pub page: u32,
    /// Items per page.
    pub count: u32,
    /// Whether pages follow this one.
    pub has_more: bool,
    /// This page's items.
    pub data: Vec<T>,
}

impl<T> Page<T> {
    /// Builds the page `query` of a list of `total` items holding `data`.
    pub fn new(query: PageQuery, total: u64, data: Vec<T>) -> Self {
        let per_page = u64::from(query.count);
        let last_page = total.div_ceil(per_page).max(1);
        Page {
            total,
            per_page: query.count,
            current_page: query.page,
            last_page,
            page: query.page,
            count: query.count,
            has_more: u64::from(query.page) < last_page && total > 0,
            data,
        }
    }

    /// The same page with each item converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            total: self.total,
            per_page: self.per_page,
            current_page: self.current_page,
            last_page: self.last_page,
            page: self.page,
            count: self.count,
            has_more: self.has_more,
            data: self.data.into_iter().map(convert).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(PageQuery::new(1, 1).is_ok());
        assert!(PageQuery::new(1, 100).is_ok());
        assert!(PageQuery::new(0, 10).is_err());
        assert!(PageQuery::new(-1, 10).is_err());
        assert!(PageQuery::new(1, 0).is_err());
        assert!(PageQuery::new(1, 101).is_err());
        assert!(PageQuery::new(i64::MAX, 10).is_err());
        assert!(PageQuery::new(100, 100).is_ok(), "exactly the deepest page");
        assert!(PageQuery::new(101, 100).is_err());
        assert!(PageQuery::new(4_294_967_295, 100).is_err());
        let raw: Result<PageQuery, _> = serde_json::from_str(r#"{"page":10001,"count":1}"#);
        assert!(raw.unwrap_err().to_string().contains("10000 items"));
    }

    #[test]
    fn offsets_and_slices() {
        let query = PageQuery::new(3, 10).unwrap();
        assert_eq!((query.offset(), query.end()), (20, 30));
        let items: Vec<u32> = (0..25).collect();
        assert_eq!(query.slice(items), (20..25).collect::<Vec<_>>());
        let beyond = PageQuery::new(9, 10).unwrap();
        assert!(beyond.slice((0..25).collect::<Vec<u32>>()).is_empty());
    }

    #[test]
    fn page_math() {
        let page = Page::new(PageQuery::new(1, 10).unwrap(), 25, vec![1]);
        assert_eq!((page.last_page, page.has_more), (3, true));
        let last = Page::new(PageQuery::new(3, 10).unwrap(), 25, vec![1]);
        assert!(!last.has_more);
        let empty: Page<u8> = Page::new(PageQuery::new(1, 10).unwrap(), 0, vec![]);
        assert_eq!((empty.last_page, empty.has_more), (1, false));
        let exact = Page::new(PageQuery::new(2, 5).unwrap(), 10, vec![1]);
        assert_eq!((exact.last_page, exact.has_more), (2, false));
    }
}
