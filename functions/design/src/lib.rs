//! Interior-design orders: tasks, grabs, the 14-step process, and `getTaskProcess`.
//!
//! The `/v1/` routes answer in the homemaking envelope; the two process reads answer the
//! design seed's own `{process, message, status}` body and `{message, status}` errors.

mod handlers;

use axum::routing::{get, post};
use axum::{Extension, Router};
use shared::design::steps::StepCatalog;
use shared::http::{with_envelope, with_status_errors};
use shared::AppState;

/// The design routes; the step configuration is read once per instance.
pub fn router(state: AppState) -> Router {
    let enveloped = Router::new()
        .route("/v1/design/task", post(handlers::publish))
        .route("/v1/design/task/{id}", get(handlers::task))
        .route("/v1/design/tasks", get(handlers::open_tasks))
        .route("/v1/design/my/tasks", get(handlers::my_tasks))
        .route("/v1/admin/design/tasks", get(handlers::tasks_in))
        .route("/v1/admin/design/processes", get(handlers::platform_audits))
        .route(
            "/v1/design/company/processes",
            get(handlers::company_audits),
        )
        .route("/v1/admin/design/task/{id}/audit", post(handlers::audit))
        .route("/v1/design/task/{id}/grab", post(handlers::grab))
        .route(
            "/v1/design/task/{id}/process/{designer_id}/{step}",
            post(handlers::step),
        )
        .with_state(state.clone());
    let seed_format = Router::new()
        .route(
            "/v1/design/task/{id}/process/{designer_id}",
            get(handlers::process),
        )
        .route("/getTaskProcess", post(handlers::get_task_process))
        .layer(Extension(StepCatalog::default()))
        .with_state(state);
    with_envelope(enveloped).merge(with_status_errors(seed_format))
}
