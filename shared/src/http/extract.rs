use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::lenient::Lenient;
use crate::error::ApiError;
use crate::text::PositiveInt;

/// A JSON request body. Any malformed JSON, wrong type, missing or out-of-range field is a
/// 10000 whose message names the field (path) at fault. The content type is not checked:
/// mini-program clients send `application/json;charset=utf-8`, some send nothing.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(request, state).await.map(JsonBody)
    }
}

/// Reads a request's body as JSON with [`parse_json`]; an empty body reads as `{}`.
pub async fn read_json<S: Send + Sync, T: DeserializeOwned>(
    request: Request,
    state: &S,
) -> Result<T, ApiError> {
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| ApiError::Validation(rejection.body_text()))?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    parse_json(bytes)
}

/// Parses JSON as the real clients send it ([`Lenient`]: digit strings for integers, 0/1
/// for booleans, no arrays for objects), naming the path of the first bad field in the
/// error. Clients with another error format (mobilization) map the [`ApiError::Validation`]
/// into theirs.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    let value =
        serde_path_to_error::deserialize(Lenient(&mut *deserializer)).map_err(naming_the_field)?;
    deserializer
        .end()
        .map_err(|error| ApiError::Validation(error.to_string()))?;
    Ok(value)
}

/// Query-string parameters, with the same 10000 rule as [`JsonBody`].
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(QueryParams)
    }
}

/// Parses a query string, naming the first bad parameter in the error (like [`parse_json`]).
/// A parameter with an empty value is not given: clients send `category_id=&type=` and
/// `status=` for "all" (contract §11).
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let given = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            form_urlencoded::parse(query.as_bytes()).filter(|(_, value)| !value.is_empty()),
        )
        .finish();
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(given.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(naming_the_field)
}

/// A 10000 naming the path of the field at fault (or the whole input when it is unreadable).
fn naming_the_field<E: std::fmt::Display>(error: serde_path_to_error::Error<E>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if path == "." {
        ApiError::Validation(inner.to_string())
    } else {
        ApiError::invalid(&path, inner)
    }
}

/// A positive integer id from the route's single `{id}` segment; anything else is 10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPath(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::Validation(rejection.body_text()))?;
        PositiveInt::parse(&raw)
            .map(|id| IdPath(id.get()))
            .ok_or_else(|| ApiError::invalid("id", "must be a positive integer"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Login {
        i_code: String,
        order_no: u64,
    }

    fn message(result: Result<Login, ApiError>) -> String {
        match result {
            Err(ApiError::Validation(message)) => message,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_the_field() {
        let text = message(parse_json(br#"{"i_code":"a","order_no":"x"}"#));
        assert!(text.starts_with("order_no: invalid type"), "{text}");
    }

    #[test]
    fn missing_field_is_named() {
        let text = message(parse_json(br#"{"i_code":"a"}"#));
        assert!(text.contains("missing field `order_no`"), "{text}");
    }

    #[test]
    fn malformed_json_is_a_validation_error() {
        let text = message(parse_json(br#"{"i_code":"#));
        assert!(text.contains("EOF"), "{text}");
    }

    #[test]
    fn digit_strings_and_trailing_text() {
        let login: Login = parse_json(br#"{"i_code":"a","order_no":"7"}"#).unwrap();
        assert_eq!(login.order_no, 7);
        let text = message(parse_json(br#"{"i_code":"a","order_no":7} x"#));
        assert!(text.contains("trailing"), "{text}");
        let text = message(parse_json(br#"["admin-demo",20260101]"#));
        assert!(text.contains("invalid type: sequence"), "{text}");
    }

    #[test]
    fn empty_query_values_are_not_given() {
        #[derive(Debug, Deserialize)]
        struct Filter {
            category_id: Option<u64>,
            page: u32,
        }
        let filter: Filter = parse_query("category_id=&type=&page=2").unwrap();
        assert_eq!((filter.category_id, filter.page), (None, 2));
        match parse_query::<Filter>("category_id=x&page=1") {
            Err(ApiError::Validation(text)) => assert!(text.starts_with("category_id"), "{text}"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn valid_json_parses() {
        let login: Login = parse_json(br#"{"i_code":"a","order_no":7}"#).unwrap();
        assert_eq!(login.order_no, 7);
    }
}
