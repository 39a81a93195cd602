//! The homemaking error codes (seed appendix "错误码") as one typed enum.
//!
//! Every `/v1/` route answers failures with `{error_code, message, request}`; the `request`
//! part is filled in by [`crate::http::envelope_layer`], which knows the method and path.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// One error of the homemaking API: a seed error code, its HTTP status and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 9999 — the credential pair (`i_code`, `order_no`) is not registered.
    #[error("慕课网防盗版校验不通过")]
    CredentialRejected,
    /// 10000 — malformed or invalid request; the text names the field.
    #[error("请求参数错误: {0}")]
    Validation(String),
    /// 10001 — no token in the `token` header, `Authorization: Bearer` or `token` cookie.
    #[error("请求 header 中未携带 token 令牌")]
    MissingToken,
    /// 10002 — the token is malformed, forged, of another algorithm or expired.
    #[error("token令牌无效或已过期")]
    InvalidToken,
    /// 10003 — a multipart upload carried no file.
    #[error("未获取到上传的文件资源")]
    NoFile,
    /// 10004 — the file type is not allowed.
    #[error("上传的文件扩展名不合法")]
    FileType,
    /// 10005 — too many files in one request.
    #[error("上传的文件数量超过限制")]
    TooManyFiles,
    /// 10006 — a file is larger than allowed.
    #[error("上传的文件体积超过限制")]
    FileTooLarge,
    /// 10007 — storing the file failed.
    #[error("文件保存失败")]
    FileSaveFailed,
    /// 10008 — no such resource (or route).
    #[error("访问的资源不存在")]
    NotFound,
    /// 10009 — the operation is not allowed in the resource's current state.
    #[error("操作失败")]
    OperationFailed,
    /// 10010 — the caller lacks the role or relation the route needs.
    #[error("请求权限不足")]
    Forbidden,
    /// 10011 — the target service is not published.
    #[error("目标服务不在已发布状态")]
    ServiceNotPublished,
    /// 10012 — the caller may not change this order.
    #[error("没有权限修改该订单")]
    OrderNotYours,
    /// 10013 — the order already has an open refund.
    #[error("同一订单存在尚未完结的退款申请")]
    RefundAlreadyOpen,
    /// 10014 — only the publisher may agree to or refuse a refund.
    #[error("没有权限同意或拒绝该订单的退款申请")]
    RefundNotPublisher,
    /// 10015 — the publisher may only agree or refuse.
    #[error("服务提供者只允许操作同意或拒绝退款申请")]
    RefundPublisherAction,
    /// 10016 — the refund cannot take this action now.
    #[error("退款申请处理失败")]
    RefundFailed,
    /// 10017 — the order cannot take this action now.
    #[error("订单状态更新失败")]
    OrderUpdateFailed,
    /// 10018 — a publisher cannot rate their own service.
    #[error("服务提供者不能给自己的服务评价")]
    RateOwnService,
    /// 10019 — the rating's order belongs to another consumer.
    #[error("评价关联订单的消费者不是当前用户")]
    RatingNotConsumer,
    /// 10020 — the rated service does not match the order's service.
    #[error("待评价服务与订单关联服务信息不符")]
    RatingServiceMismatch,
    /// 10021 — the order was already rated.
    #[error("您已评价过该订单")]
    AlreadyRated,
    /// 10022 — the order cannot be rated now.
    #[error("订单评价失败")]
    RatingFailed,
    /// 10023 — only a paid, unconfirmed order can be refunded.
    #[error("未支付或已确认的订单不允许退款")]
    RefundNotAllowed,
    /// 10024 — the order's consumer is not the caller.
    #[error("该订单消费者不是当前请求用户")]
    NotOrderConsumer,
    /// 10025 — an internal fault; the detail goes to the log, never to the client.
    #[error("云函数内部异常，请查看控制台日志")]
    Internal(String),
    /// 10026 — a second check-in.
    #[error("重复签到")]
    DuplicateCheckIn,
    /// 10027 — check-in refused (not accepted, or the task is over).
    #[error("签到失败")]
    CheckInFailed,
    /// 429 with the sign-in failure's code (9999) — too many failed logins from this
    /// address or with this `i_code`; the number is the seconds until the window closes.
    #[error("登录失败次数过多，请{0}秒后再试")]
    LoginThrottled(i64),
    /// 10028 — check-in refused: farther from the gathering place than the radius.
    #[error("签到失败")]
    CheckInTooFar,
    /// 10009 with HTTP 429 — the caller used up an allowance (files presigned per hour).
    /// The seed has no throttling code; its "operation failed" code keeps the clients'
    /// error handling as it is, and the status tells a retrying client to wait.
    #[error("操作过于频繁，请稍后再试")]
    TooManyRequests,
}

impl ApiError {
    /// The seed's numeric error code.
    pub fn code(&self) -> u32 {
        use ApiError::*;
        match self {
            CredentialRejected | LoginThrottled(_) => 9999,
            Validation(_) => 10000,
            MissingToken => 10001,
            InvalidToken => 10002,
            NoFile => 10003,
            FileType => 10004,
            TooManyFiles => 10005,
            FileTooLarge => 10006,
            FileSaveFailed => 10007,
            NotFound => 10008,
            OperationFailed | TooManyRequests => 10009,
            Forbidden => 10010,
            ServiceNotPublished => 10011,
            OrderNotYours => 10012,
            RefundAlreadyOpen => 10013,
            RefundNotPublisher => 10014,
            RefundPublisherAction => 10015,
            RefundFailed => 10016,
            OrderUpdateFailed => 10017,
            RateOwnService => 10018,
            RatingNotConsumer => 10019,
            RatingServiceMismatch => 10020,
            AlreadyRated => 10021,
            RatingFailed => 10022,
            RefundNotAllowed => 10023,
            NotOrderConsumer => 10024,
            Internal(_) => 10025,
            DuplicateCheckIn => 10026,
            CheckInFailed => 10027,
            CheckInTooFar => 10028,
        }
    }

    /// The HTTP status the seed pairs with this kind of failure
    /// (400 input/operation, 401 token, 403 permission, 404 missing, 500 server), and 429
    /// for a used-up allowance.
    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            MissingToken | InvalidToken => StatusCode::UNAUTHORIZED,
            Forbidden | OrderNotYours | RefundNotPublisher | RatingNotConsumer
            | NotOrderConsumer | RateOwnService => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Internal(_) | FileSaveFailed => StatusCode::INTERNAL_SERVER_ERROR,
            LoginThrottled(_) => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// Shorthand for a 10000 naming the field at fault.
    pub fn invalid(field: &str, problem: impl std::fmt::Display) -> Self {
        ApiError::Validation(format!("{field}: {problem}"))
    }

    /// Shorthand for a 10025 that keeps the cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }
}

/// The code and message of a failed response, left in the response's extensions for the
/// envelope layer, which adds the `request` part.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// Seed error code.
    pub error_code: u32,
    /// Message shown to the client.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error_code = 10025, cause = %cause, "internal error");
        }
        let mut response = self.status().into_response();
        if let ApiError::LoginThrottled(seconds) = &self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, (*seconds).max(1).into());
        }
        response.extensions_mut().insert(ErrorBody {
            error_code: self.code(),
            message: self.to_string(),
        });
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_statuses_follow_the_seed() {
        let all = [
            ApiError::CredentialRejected,
            ApiError::Validation("x".into()),
            ApiError::MissingToken,
            ApiError::InvalidToken,
            ApiError::NoFile,
            ApiError::FileType,
            ApiError::TooManyFiles,
            ApiError::FileTooLarge,
            ApiError::FileSaveFailed,
            ApiError::NotFound,
            ApiError::OperationFailed,
            ApiError::Forbidden,
            ApiError::ServiceNotPublished,
            ApiError::OrderNotYours,
            ApiError::RefundAlreadyOpen,
            ApiError::RefundNotPublisher,
            ApiError::RefundPublisherAction,
            ApiError::RefundFailed,
            ApiError::OrderUpdateFailed,
            ApiError::RateOwnService,
            ApiError::RatingNotConsumer,
            ApiError::RatingServiceMismatch,
            ApiError::AlreadyRated,
            ApiError::RatingFailed,
            ApiError::RefundNotAllowed,
            ApiError::NotOrderConsumer,
            ApiError::Internal("x".into()),
            ApiError::DuplicateCheckIn,
            ApiError::CheckInFailed,
            ApiError::CheckInTooFar,
        ];
        let mut codes: Vec<u32> = all.iter().map(ApiError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert_eq!(codes.first(), Some(&9999));
        assert_eq!(codes.last(), Some(&10028));
        assert_eq!(ApiError::MissingToken.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(ApiError::Forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(ApiError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            ApiError::internal("boom").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(ApiError::OperationFailed.status(), StatusCode::BAD_REQUEST);
        let throttled = ApiError::LoginThrottled(60);
        assert_eq!(
            (throttled.status(), throttled.code()),
            (StatusCode::TOO_MANY_REQUESTS, 9999),
            "the sign-in failure's body, with 429"
        );
    }

    #[test]
    fn a_used_up_allowance_is_10009_with_429() {
        assert_eq!(ApiError::TooManyRequests.code(), 10009);
        assert_eq!(
            ApiError::TooManyRequests.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    #[test]
    fn internal_cause_never_reaches_the_message() {
        let error = ApiError::internal("secret detail");
        assert!(!error.to_string().contains("secret detail"));
    }

    #[test]
    fn invalid_names_the_field() {
        assert_eq!(
            ApiError::invalid("order_no", "must be positive").to_string(),
            "请求参数错误: order_no: must be positive"
        );
    }
}
