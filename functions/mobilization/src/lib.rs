//! The task mobilization client (`/task`, bare JSON, cookie login at `/user`).

mod handlers;

use axum::routing::{get, post, put};
use axum::Router;
use shared::mobilization::http::with_task_errors;
use shared::AppState;

/// Every `/task` route and the cookie login.
pub fn router(state: AppState) -> Router {
    with_task_errors(
        Router::new()
            .route(
                "/user",
                get(handlers::session)
                    .post(handlers::login)
                    .delete(handlers::logout),
            )
            .route("/task", post(handlers::publish))
            .route("/task/info", get(handlers::info))
            .route("/task/finish", put(handlers::finish))
            .route("/task/orgs", get(handlers::orgs))
            .route("/task/offices", get(handlers::offices))
            .route("/task/directory", put(handlers::import_directory))
            .route("/task/working/{n}/{page}", get(handlers::working))
            .route("/task/done/{n}/{page}", get(handlers::done))
            .route("/task/mine/{n}/{page}", get(handlers::mine))
            .route("/task/detail/{id}", get(handlers::detail))
            .route("/task/detail/mem/{id}", get(handlers::detail_members))
            .route("/task/response/{id}", get(handlers::responses))
            .route("/task/gather/{id}", get(handlers::gathering))
            .route("/task/respond/{id}", post(handlers::respond))
            .route("/task/checkin/{id}", post(handlers::check_in))
            .with_state(state),
    )
}
