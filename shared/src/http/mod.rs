//! HTTP plumbing for the homemaking-style `/v1/` routes: the response envelope, request
//! extraction that turns bad input into 10000, the token extractor and pagination.

mod audit;
mod envelope;
mod extract;
mod fallback;
mod identity;
mod lenient;
mod page;
mod source_ip;
mod status;

pub use audit::{audit_layer, mark_privileged, AuditTarget};
pub use envelope::{created, envelope_layer, no_such_route, ok, with_envelope, Created, Envelope};
pub use extract::{parse_json, parse_query, read_json, IdPath, JsonBody, QueryParams};
pub use fallback::{collapse_slashes, collapsing_slashes, unmatched};
pub use identity::{
    authenticate, bearer_token, cookie_write_allowed, live_user, login_cookie, logout_cookie,
    verified_claims, AdminUser, Carrier, CurrentUser, MaybeUser,
};
pub use lenient::Lenient;
pub use page::{Page, PageNumber, PageQuery, PageSize, QueueQuery, MAX_PAGE_END, MAX_PAGE_SIZE};
pub use source_ip::SourceIp;
pub use status::{with_status_errors, StatusError};
