//! Services. Main item `PK = SERVICE#{id}`, `SK = SERVICE`; copy `SK = LISTING` for the
//! published lists (see `docs/storage.md`). Tallies: `svc-my-{publisher}-T{type}` (`all`,
//! `s{status}`), `svc-pub` (`all`, `T{type}`, `C{category}`, `C{category}T{type}`) and
//! `svc-queue` (`s{status}`, every status but published, which `svc-pub` `all` counts).

use super::aggregate::{retry, Aggregate};
use super::backfill::Queued;
use super::categories::category_key;
use super::files::file_key;
use super::{id_sort_key, Index, ItemKey, Store};
use crate::category::{Category, CategoryView};
use crate::error::ApiError;
use crate::file::FileRecord;
use crate::http::{Page, PageQuery};
use crate::market::{check_attachable, Actor};
use crate::service::{Service, ServiceAction, ServiceInput, ServiceStatus, ServiceType};
use crate::user::{User, UserView};

/// Where service `id` is read by id.
pub fn service_key(id: u64) -> ItemKey {
    ItemKey::new(format!("SERVICE#{id}"), "SERVICE")
}

fn listing_key(id: u64) -> ItemKey {
    ItemKey::new(format!("SERVICE#{id}"), "LISTING")
}

/// Tally of a publisher's services of one type, by status.
pub fn my_services_counter(publisher_id: u64, service_type: ServiceType) -> String {
    format!("svc-my-{publisher_id}-T{}", service_type.code())
}

/// Tally of published services, by filter.
pub const PUBLISHED_COUNTER: &str = "svc-pub";

/// Tally of the services in each status but published (`s{status}`), for the admin queue.
pub const QUEUE_COUNTER: &str = "svc-queue";

/// The admin queue of services in `status`, newest first: on the main item's GSI3, which
/// published services already fill with `SVC#PUB`; with its tally (counter, field).
fn queue_source(status: ServiceStatus) -> (String, String, String) {
    match status {
        ServiceStatus::Published => (
            "SVC#PUB".to_owned(),
            PUBLISHED_COUNTER.to_owned(),
            "all".to_owned(),
        ),
        other => (
            format!("SVC#ST{}", other.code()),
            QUEUE_COUNTER.to_owned(),
            format!("s{}", other.code()),
        ),
    }
}

impl Aggregate for Service {
    fn keys(&self) -> Vec<ItemKey> {
        let sort = id_sort_key(self.id);
        let (owner, kind, status) = (
            self.publisher.id,
            self.service_type.code(),
            self.status.code(),
        );
        let category = self.category.id;
        let mut main = service_key(self.id)
            .with(Index::Gsi1, format!("SVC#MY#{owner}#T{kind}"), &sort)
            .with(
                Index::Gsi2,
                format!("SVC#MY#{owner}#T{kind}#S{status}"),
                &sort,
            );
        let mut listing = listing_key(self.id);
        main = main.with(Index::Gsi3, queue_source(self.status).0, &sort);
        if self.status == ServiceStatus::Published {
            listing = listing
                .with(Index::Gsi1, format!("SVC#PUB#T{kind}"), &sort)
                .with(Index::Gsi2, format!("SVC#PUB#C{category}"), &sort)
                .with(Index::Gsi3, format!("SVC#PUB#C{category}#T{kind}"), &sort);
        }
        vec![main, listing]
    }

    fn tallies(&self) -> Vec<(String, String)> {
        let mine = my_services_counter(self.publisher.id, self.service_type);
        let mut tallies = vec![
            (mine.clone(), "all".to_owned()),
            (mine, format!("s{}", self.status.code())),
        ];
        if self.queue_counted && self.status != ServiceStatus::Published {
            tallies.push((QUEUE_COUNTER.to_owned(), format!("s{}", self.status.code())));
        }
        if self.status == ServiceStatus::Published {
            let (kind, category) = (self.service_type.code(), self.category.id);
            for field in [
                "all".to_owned(),
                format!("T{kind}"),
                format!("C{category}"),
                format!("C{category}T{kind}"),
            ] {
                tallies.push((PUBLISHED_COUNTER.to_owned(), field));
            }
        }
        tallies
    }

    fn version(&self) -> u64 {
        self.version
    }
}

/// Both items of service `id`, for score and sales updates that do not rewrite it.
pub fn service_items(id: u64) -> [ItemKey; 2] {
    [service_key(id), listing_key(id)]
}

/// The published-list filters of `GET /v1/service/list`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishedFilter {
    /// Only this category.
    pub category_id: Option<u64>,
    /// Only this type.
    pub service_type: Option<ServiceType>,
}

impl PublishedFilter {
    /// The index partition and the tally field that serve this filter.
    fn source(self) -> (Index, String, String) {
        match (self.category_id, self.service_type.map(ServiceType::code)) {
            (None, None) => (Index::Gsi3, "SVC#PUB".to_owned(), "all".to_owned()),
            (None, Some(kind)) => (Index::Gsi1, format!("SVC#PUB#T{kind}"), format!("T{kind}")),
            (Some(category), None) => (
                Index::Gsi2,
                format!("SVC#PUB#C{category}"),
                format!("C{category}"),
            ),
            (Some(category), Some(kind)) => (
                Index::Gsi3,
                format!("SVC#PUB#C{category}#T{kind}"),
                format!("C{category}T{kind}"),
            ),
        }
    }
}

impl Store {
    /// Service `id`, if it exists (one GetItem).
    pub async fn service(&self, id: u64) -> Result<Option<Service>, ApiError> {
        self.get(&service_key(id)).await
    }

    /// The category (10000 when missing) and the cover file's variant token (10000 unless
    /// a ready file of the publisher's, or one nobody owns, which they claim) of a service
    /// input, in one BatchGetItem; the publisher is the caller as authenticated.
    async fn service_parts(
        &self,
        user: &User,
        input: &ServiceInput,
    ) -> Result<(CategoryView, UserView, Option<String>), ApiError> {
        let cover = input.cover_image_id.get();
        let category_at = category_key(input.category_id.get());
        let fetched = self
            .get_many(&[category_at.clone(), file_key(cover)])
            .await?;
        let category: Category = fetched
            .take(&category_at)?
            .ok_or_else(|| ApiError::invalid("category_id", "no such category"))?;
        let files: Vec<FileRecord> = fetched.take(&file_key(cover))?.into_iter().collect();
        check_attachable(&files, &[cover], user.id, "cover_image_id")?;
        self.claim_files(&files, user.id, "cover_image_id").await?;
        let cover_token = files.into_iter().find_map(|file| file.variant_token);
        Ok((
            CategoryView::from(&category),
            UserView::from(user),
            cover_token,
        ))
    }

    /// Creates a service of `user` in status 0 (pending audit); answers it.
    pub async fn create_service(
        &self,
        user: &User,
        input: ServiceInput,
        now: i64,
    ) -> Result<Service, ApiError> {
        input.check()?;
        let (category, publisher, cover_token) = self.service_parts(user, &input).await?;
        let id = self.next_id("service").await?;
        let service = input.into_service(id, category, publisher, cover_token, now);
        self.insert_service(&service).await?;
        Ok(service)
    }

    /// Stores a new service (and counts it).
    pub async fn insert_service(&self, service: &Service) -> Result<(), ApiError> {
        let mut txn = self.txn();
        txn.write(None, service)?;
        if txn.commit().await? {
            Ok(())
        } else {
            Err(ApiError::OperationFailed)
        }
    }

    /// Applies `action` to service `id` on behalf of `user_id` (`None`: an admin), with the
    /// `reason` of an audit or take-down; 10008 when there is no such service.
    pub async fn act_on_service(
        &self,
        id: u64,
        user_id: Option<u64>,
        action: ServiceAction,
        reason: Option<String>,
    ) -> Result<Service, ApiError> {
        let reason = &reason;
        retry(
            || async move {
                let service = self.service(id).await?.ok_or(ApiError::NotFound)?;
                let actor = user_id.map_or(Actor::Admin, |user| service.actor(user));
                let mut next = service.apply(action, actor)?;
                if reason.is_some() {
                    next.reason = reason.clone();
                }
                self.save_service(&service, &next).await
            },
            ApiError::OperationFailed,
        )
        .await
    }

    /// `PUT /v1/service/{id}`: rewrites the publisher's service and sends it back to audit.
    pub async fn edit_service(
        &self,
        id: u64,
        user: &User,
        input: ServiceInput,
    ) -> Result<Service, ApiError> {
        input.check()?;
        let user_id = user.id;
        let (category, publisher, cover_token) = self.service_parts(user, &input).await?;
        let (input, category, publisher, cover_token) =
            (&input, &category, &publisher, &cover_token);
        retry(
            || async move {
                let service = self.service(id).await?.ok_or(ApiError::NotFound)?;
                let mut next = service.apply(ServiceAction::Edit, service.actor(user_id))?;
                next.publisher = publisher.clone();
                let next = input
                    .clone()
                    .apply_to(next, category.clone(), cover_token.clone());
                self.save_service(&service, &next).await
            },
            ApiError::OperationFailed,
        )
        .await
    }

    async fn save_service(
        &self,
        old: &Service,
        new: &Service,
    ) -> Result<Option<Service>, ApiError> {
        let mut txn = self.txn();
        txn.write(Some(old), new)?;
        Ok(txn.commit().await?.then(|| new.clone()))
    }

    /// A page of published services, newest first.
    pub async fn published_services(
        &self,
        filter: PublishedFilter,
        query: PageQuery,
    ) -> Result<Page<Service>, ApiError> {
        let (index, partition, field) = filter.source();
        self.page_of(index, &partition, PUBLISHED_COUNTER, &field, query)
            .await
    }

    /// A page of a publisher's services of one type (optionally one status), newest first.
    pub async fn my_services(
        &self,
        publisher_id: u64,
        service_type: ServiceType,
        status: Option<ServiceStatus>,
        query: PageQuery,
    ) -> Result<Page<Service>, ApiError> {
        let counter = my_services_counter(publisher_id, service_type);
        let kind = service_type.code();
        match status {
            None => {
                self.page_of(
                    Index::Gsi1,
                    &format!("SVC#MY#{publisher_id}#T{kind}"),
                    &counter,
                    "all",
                    query,
                )
                .await
            }
            Some(status) => {
                let status = status.code();
                self.page_of(
                    Index::Gsi2,
                    &format!("SVC#MY#{publisher_id}#T{kind}#S{status}"),
                    &counter,
                    &format!("s{status}"),
                    query,
                )
                .await
            }
        }
    }

    /// `GET /v1/admin/services?status=`: a page of the services in `status`, newest first
    /// (one Query on GSI3 and the tally GetItem, concurrently).
    pub async fn services_in(
        &self,
        status: ServiceStatus,
        query: PageQuery,
    ) -> Result<Page<Service>, ApiError> {
        let (partition, counter, field) = queue_source(status);
        self.page_of(Index::Gsi3, &partition, &counter, &field, query)
            .await
    }
}

impl Queued for Service {
    const MAIN_SK: &'static str = "SERVICE";

    fn main_key(id: u64) -> ItemKey {
        service_key(id)
    }

    fn counted(&self) -> Option<Self> {
        (!self.queue_counted).then(|| Service {
            queue_counted: true,
            version: self.version + 1,
            ..self.clone()
        })
    }
}
