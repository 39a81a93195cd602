use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::http::{
    created, ok, AdminUser, CurrentUser, IdPath, JsonBody, PageQuery, QueryParams, QueueQuery,
};
use shared::rating::{
    NewRating, OrderIdQuery, RatingStatus, RatingStatusInput, ServiceRatingsQuery,
};
use shared::user::Reader;
use shared::{ApiError, AppState};

/// `POST /v1/rating` `{order_id, score, content, illustration?, service_id?}` → 201
/// `{id: "2", score: "2", content, illustration, create_time}`.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<NewRating>,
) -> Result<impl IntoResponse, ApiError> {
    let rating = state
        .store()
        .rate_order(user.id, input, state.now())
        .await?;
    Ok(created(rating.created()))
}

/// `GET /v1/rating/order?order_id=`: the order's rating; 10008 when there is none, or when
/// it is not shown and the caller did not write it. The author's `real_name` and `tel` only
/// for the author and admins.
pub async fn of_order(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<OrderIdQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let rating = state
        .store()
        .rating_of_order(query.order_id.get())
        .await?
        .filter(|rating| rating.status == RatingStatus::Shown || rating.author.id == user.id)
        .ok_or(ApiError::NotFound)?;
    Ok(ok(rating.view_for(Reader::of(Some(&user)))))
}

/// `GET /v1/rating/service?service_id=&page=&count=`: the service's shown ratings; an
/// author's `real_name` and `tel` only for that author and admins.
pub async fn of_service(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<ServiceRatingsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageQuery::from_parts(query.page, query.count)?;
    let ratings = state
        .store()
        .service_ratings(query.service_id.get(), page)
        .await?;
    let reader = Reader::of(Some(&user));
    Ok(ok(ratings.map(|rating| rating.view_for(reader))))
}

/// `POST /v1/admin/rating/{id}/status` `{status}`: hide, hold or show a rating.
pub async fn moderate(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<RatingStatusInput>,
) -> Result<impl IntoResponse, ApiError> {
    state.store().moderate_rating(id, input.status).await?;
    Ok(ok(json!({ "result": true })))
}

/// `GET /v1/admin/ratings?status=&page=&count=`: the ratings in one status, newest first,
/// with the author's contacts and the rated service (1 waits for moderation).
pub async fn queue(
    State(state): State<AppState>,
    admin: AdminUser,
    QueryParams(query): QueryParams<QueueQuery<RatingStatus>>,
) -> Result<impl IntoResponse, ApiError> {
    let ratings = state
        .store()
        .ratings_in(query.status, query.page()?)
        .await?;
    let (base, reader) = (&state.config().asset_base_url, Reader::of(Some(&admin.0)));
    Ok(ok(ratings.map(|rating| rating.queue_item(base, reader))))
}
