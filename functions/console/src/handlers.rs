use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use shared::{ApiError, AppState};

/// The built page: `index.html` and `assets/` (hashed names).
#[derive(RustEmbed)]
#[folder = "../../console/dist"]
struct Built;

/// `GET /console`: the page, never cached (it names the current assets), allowed to run
/// only its own scripts and to show photos from the asset host.
pub async fn page(State(state): State<AppState>) -> Result<Response, ApiError> {
    let file = Built::get("index.html").ok_or(ApiError::NotFound)?;
    let policy = content_security_policy(&state.config().asset_base_url);
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let policy = HeaderValue::from_str(&policy).map_err(|_| ApiError::NotFound)?;
    headers.insert(CONTENT_SECURITY_POLICY, policy);
    Ok(response)
}

/// `GET /console/assets/{file}`: a script, style or image of the page; their names carry
/// their content's hash, so they are cached for good. 10008 for any other name.
pub async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    if !is_asset_name(&file) {
        return Err(ApiError::NotFound);
    }
    let asset = Built::get(&format!("assets/{file}")).ok_or(ApiError::NotFound)?;
    let content_type = HeaderValue::from_str(asset.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = asset.data.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// A file name the build writes: letters, digits, `-`, `_` and dots, never `..`.
fn is_asset_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains("..")
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Scripts, styles and requests from this origin only; images also from the asset host
/// (the CDN when deployed, the local bridge in development).
fn content_security_policy(asset_base_url: &str) -> String {
    let asset_origin = origin_of(asset_base_url);
    format!(
        "default-src 'self'; img-src 'self' data: {asset_origin}; script-src 'self'; \
         style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of a URL (the whole text when it has no path).
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_are_single_plain_file_names() {
        for (name, plain) in [
            ("index-B2x_9Qa1.js", true),
            ("index-3f.css", true),
            ("..", false),
            ("..%2Fsecret", false),
            ("a/b.js", false),
            ("", false),
            ("x\\y.js", false),
        ] {
            assert_eq!(is_asset_name(name), plain, "{name}");
        }
    }

    #[test]
    fn the_policy_names_the_asset_origin_without_its_path() {
        for (base, origin) in [
            ("https://d1.cloudfront.net", "https://d1.cloudfront.net"),
            ("https://cdn.example.com/photos/", "https://cdn.example.com"),
            ("http://127.0.0.1:8015", "http://127.0.0.1:8015"),
        ] {
            assert_eq!(origin_of(base), origin);
            let policy = content_security_policy(base);
            assert!(
                policy.contains(&format!("img-src 'self' data: {origin};")),
                "{policy}"
            );
        }
    }
}
