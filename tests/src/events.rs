//! The sample events in `events/`: what kind each is, which function its file name names,
//! and the same events with real tokens in place of [`PLACEHOLDER`], for
//! `scripts/events-token` (which signs in through a running API) and the test that sends
//! every sample through the routers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::workspace_root;

/// What the samples carry where a token belongs.
pub const PLACEHOLDER: &str = "REPLACE_WITH_TOKEN";

/// The source of a sample event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An API Gateway HTTP API (payload 2.0) request.
    Http,
    /// S3 object notifications.
    S3,
    /// DynamoDB stream records.
    Table,
    /// SQS messages.
    Sqs,
}

impl Kind {
    /// The `Type` of the `template.yaml` function event that delivers this kind.
    pub fn template_type(self) -> &'static str {
        match self {
            Kind::Http => "HttpApi",
            Kind::S3 => "S3",
            Kind::Table => "DynamoDB",
            Kind::Sqs => "SQS",
        }
    }
}

/// The kind of `event`: an API Gateway v2 request (it has a `routeKey`), or records whose
/// first `eventSource` names S3, DynamoDB or SQS; `None` for anything else.
pub fn kind(event: &Value) -> Option<Kind> {
    if event.get("routeKey").is_some() && event["version"] == "2.0" {
        return Some(Kind::Http);
    }
    match event["Records"][0]["eventSource"].as_str()? {
        "aws:s3" => Some(Kind::S3),
        "aws:dynamodb" => Some(Kind::Table),
        "aws:sqs" => Some(Kind::Sqs),
        _ => None,
    }
}

/// The folder of the sample events.
pub fn events_dir() -> PathBuf {
    workspace_root().join("events")
}

/// Every file in `dir`, sorted by name, each parsed as JSON; a file that is not JSON is
/// an error naming it.
pub fn read_events(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| error.to_string())?;
        if entry.file_type().map_err(|e| e.to_string())?.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name))
                .map_err(|error| format!("{name}: {error}"))?;
            let event = serde_json::from_str(&text)
                .map_err(|error| format!("{name} is not JSON: {error}"))?;
            Ok((name, event))
        })
        .collect()
}

/// The functions of the workspace: the folders under `functions/`.
pub fn function_names() -> Result<BTreeSet<String>, String> {
    let dir = workspace_root().join("functions");
    let entries = std::fs::read_dir(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut names = BTreeSet::new();
    for entry in entries {
        let entry = entry.map_err(|error| error.to_string())?;
        if entry.path().join("Cargo.toml").is_file() {
            names.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// The function a sample is for: the longest function name that, followed by `-`, starts
/// the file name (`orders-place-order.json` → `orders`).
pub fn function_of<'a>(file_name: &str, functions: &'a BTreeSet<String>) -> Option<&'a str> {
    functions
        .iter()
        .filter(|function| {
            file_name
                .strip_prefix(function.as_str())
                .is_some_and(|rest| rest.starts_with('-'))
        })
        .max_by_key(|function| function.len())
        .map(String::as_str)
}

/// The tokens that replace [`PLACEHOLDER`]: `header` in headers and bodies (the
/// homemaking `token` header, `Authorization: Bearer`, `POST /v1/token/verify`), `cookie`
/// in the `token` cookie (the mobilization login).
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    /// A token from `POST /v1/token`.
    pub header: &'a str,
    /// A token from the mobilization login `POST /user`.
    pub cookie: &'a str,
}

/// Where `event` carries [`PLACEHOLDER`]: in its `token` cookie, and anywhere else.
pub fn placeholders(event: &Value) -> (bool, bool) {
    let in_cookies = cookie_values(event).any(|cookie| cookie.contains(PLACEHOLDER));
    let elsewhere = event["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("cookie"))
        .any(|(_, value)| value.as_str().is_some_and(|v| v.contains(PLACEHOLDER)))
        || event["body"]
            .as_str()
            .is_some_and(|body| body.contains(PLACEHOLDER));
    (in_cookies, elsewhere)
}

fn cookie_values(event: &Value) -> impl Iterator<Item = &str> {
    let listed = event["cookies"].as_array().into_iter().flatten();
    let header = event["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
        .map(|(_, value)| value);
    listed.chain(header).filter_map(Value::as_str)
}

/// `event` with [`PLACEHOLDER`] replaced: by `tokens.cookie` in its cookies (the `cookies`
/// list of payload 2.0, or a `cookie` header), by `tokens.header` in its other headers and
/// its body. Answers how many places were filled.
pub fn fill_tokens(event: &mut Value, tokens: Tokens<'_>) -> usize {
    let mut filled = 0;
    let mut replace = |value: &mut Value, token: &str| {
        if let Some(text) = value.as_str().filter(|text| text.contains(PLACEHOLDER)) {
            *value = Value::String(text.replace(PLACEHOLDER, token));
            filled += 1;
        }
    };
    if let Some(cookies) = event.get_mut("cookies").and_then(Value::as_array_mut) {
        cookies
            .iter_mut()
            .for_each(|cookie| replace(cookie, tokens.cookie));
    }
    if let Some(headers) = event.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, value) in headers.iter_mut() {
            let token = if name.eq_ignore_ascii_case("cookie") {
                tokens.cookie
            } else {
                tokens.header
            };
            replace(value, token);
        }
    }
    if let Some(body) = event.get_mut("body") {
        replace(body, tokens.header);
    }
    filled
}

/// The non-HTTP event sources of each function in `template.yaml`: (the function's
/// `BuildProperties.Binary`, the event's `Type`), e.g. `("image-variants", "S3")`.
pub fn template_event_sources() -> Result<BTreeSet<(String, String)>, String> {
    let mut sources = BTreeSet::new();
    for (function, event) in crate::routes::function_events()? {
        match event.get("Type").and_then(|t| t.as_str()) {
            Some("HttpApi") | None => {}
            Some(other) => {
                sources.insert((function, other.to_owned()));
            }
        }
    }
    Ok(sources)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds() {
        assert_eq!(
            kind(&json!({"version": "2.0", "routeKey": "GET /v1/user"})),
            Some(Kind::Http)
        );
        assert_eq!(
            kind(&json!({"Records": [{"eventSource": "aws:sqs"}]})),
            Some(Kind::Sqs)
        );
        assert_eq!(kind(&json!({"version": "1.0", "resource": "/x"})), None);
        assert_eq!(kind(&json!({"Records": []})), None);
    }

    #[test]
    fn the_longest_function_name_wins() {
        let functions: BTreeSet<String> = ["image", "image-variants", "orders"]
            .map(str::to_owned)
            .into();
        assert_eq!(
            function_of("image-variants-s3.json", &functions),
            Some("image-variants")
        );
        assert_eq!(function_of("orders-get.json", &functions), Some("orders"));
        assert_eq!(function_of("ordersx.json", &functions), None);
    }

    #[test]
    fn tokens_go_to_cookies_headers_and_bodies() {
        let mut event = json!({
            "headers": {"token": PLACEHOLDER, "Cookie": format!("a=1; token={PLACEHOLDER}")},
            "cookies": [format!("token={PLACEHOLDER}"), "b=2"],
            "body": format!("{{\"token\":\"{PLACEHOLDER}\"}}")
        });
        assert_eq!(placeholders(&event), (true, true));
        let filled = fill_tokens(
            &mut event,
            Tokens {
                header: "H",
                cookie: "C",
            },
        );
        assert_eq!(filled, 4);
        assert_eq!(event["headers"]["token"], "H");
        assert_eq!(event["headers"]["Cookie"], "a=1; token=C");
        assert_eq!(event["cookies"], json!(["token=C", "b=2"]));
        assert_eq!(event["body"], "{\"token\":\"H\"}");
        assert_eq!(placeholders(&event), (false, false));
    }
}
