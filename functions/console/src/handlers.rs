use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;
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
/// their content's hash, so they are cached for good. Scripts and styles go gzipped to a
/// browser that takes it (API Gateway compresses nothing). 10008 for any other name.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !is_asset_name(&file) {
        return Err(ApiError::NotFound);
    }
    let asset = Built::get(&format!("assets/{file}")).ok_or(ApiError::NotFound)?;
    let content_type = HeaderValue::from_str(asset.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let compressible = file.ends_with(".js") || file.ends_with(".css");
    let mut response = if compressible && takes_gzip(&headers) {
        let mut response = gzipped(&file, &asset.data).into_response();
        response
            .headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        asset.data.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// Whether the request's `Accept-Encoding` lists gzip (not refused with `q=0`).
fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `data` gzipped, once per file for the life of the process.
fn gzipped(file: &str, data: &[u8]) -> Vec<u8> {
    static CACHE: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(file.to_owned())
        .or_insert_with(|| {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            // Writing into a Vec cannot fail.
            let _ = encoder.write_all(data);
            encoder.finish().unwrap_or_default()
        })
        .clone()
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
    fn gzip_is_taken_unless_refused() {
        for (accept, takes) in [
            ("gzip, deflate, br, zstd", true),
            ("br;q=1.0, gzip;q=0.8", true),
            ("*", true),
            ("gzip;q=0", false),
            ("identity", false),
            ("", false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
            assert_eq!(takes_gzip(&headers), takes, "{accept}");
        }
    }

    #[test]
    fn a_gzipped_asset_reads_back_as_itself() {
        use std::io::Read;
        let script = "console.log('控制台');".repeat(100);
        let packed = gzipped("test.js", script.as_bytes());
        assert!(packed.len() < script.len() / 5);
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, script);
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
