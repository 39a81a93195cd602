//! The route table in its three places — the `cargo lambda watch` router in `Cargo.toml`,
//! the HttpApi events of `template.yaml`, and the axum routers — and dispatch of a request
//! to the function that serves it, as API Gateway does.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use serde::Deserialize;
use shared::AppState;

use crate::workspace_root;

/// One route: which function serves which method and path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// Function (crate) name.
    pub function: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path with `{param}` segments.
    pub path: String,
}

/// Builds a function's router over the shared state.
pub type RouterFn = fn(AppState) -> Router;

/// Every HTTP function: its name and its router.
pub fn functions() -> Vec<(&'static str, RouterFn)> {
    vec![
        ("auth", auth::router),
        ("users", users::router),
        ("catalog", catalog::router),
        ("admin", admin::router),
        ("design", design::router),
        ("services", services::router),
        ("orders", orders::router),
        ("refunds", refunds::router),
        ("ratings", ratings::router),
        ("mobilization", mobilization::router),
        ("files", files::router),
    ]
}

#[derive(Deserialize)]
struct WatchEntry {
    method: String,
    function: String,
}

/// The routes of `[workspace.metadata.lambda.watch.router]` in `Cargo.toml`.
pub fn watch_routes() -> Result<BTreeSet<Route>, String> {
    let text = std::fs::read_to_string(workspace_root().join("Cargo.toml"))
        .map_err(|error| error.to_string())?;
    let manifest: toml::Value = toml::from_str(&text).map_err(|error| error.to_string())?;
    let router = manifest
        .get("workspace")
        .and_then(|w| w.get("metadata"))
        .and_then(|m| m.get("lambda"))
        .and_then(|l| l.get("watch"))
        .and_then(|w| w.get("router"))
        .cloned()
        .ok_or("Cargo.toml has no [workspace.metadata.lambda.watch.router]")?;
    let table: BTreeMap<String, Vec<WatchEntry>> = router
        .try_into()
        .map_err(|error: toml::de::Error| error.to_string())?;
    Ok(table
        .into_iter()
        .flat_map(|(path, entries)| {
            entries.into_iter().map(move |entry| Route {
                function: entry.function,
                method: entry.method.to_uppercase(),
                path: path.clone(),
            })
        })
        .collect())
}

/// The HttpApi events of every function in `template.yaml`, by the function's
/// `BuildProperties.Binary`.
pub fn template_routes() -> Result<BTreeSet<Route>, String> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml"))
        .map_err(|error| error.to_string())?;
    let document: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|error| error.to_string())?;
    let resources = document
        .get("Resources")
        .and_then(|r| r.as_mapping())
        .ok_or("template.yaml has no Resources")?;
    let mut routes = BTreeSet::new();
    for resource in resources.values() {
        if resource.get("Type").and_then(|t| t.as_str()) != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(function) = resource
            .get("Metadata")
            .and_then(|m| m.get("BuildProperties"))
            .and_then(|b| b.get("Binary"))
            .and_then(|b| b.as_str())
        else {
            continue;
        };
        let events = resource
            .get("Properties")
            .and_then(|p| p.get("Events"))
            .and_then(|e| e.as_mapping());
        for event in events.into_iter().flat_map(|events| events.values()) {
            if event.get("Type").and_then(|t| t.as_str()) != Some("HttpApi") {
                continue;
            }
            let properties = event.get("Properties");
            let field = |name: &str| {
                properties
                    .and_then(|p| p.get(name))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            routes.insert(Route {
                function: function.to_owned(),
                method: field("Method").unwrap_or_default().to_uppercase(),
                path: field("Path").unwrap_or_default(),
            });
        }
    }
    Ok(routes)
}

/// The routes each function's `src/lib.rs` declares with `.route("path", get(..).put(..))`.
pub fn source_routes() -> Result<BTreeSet<Route>, String> {
    let mut routes = BTreeSet::new();
    for (function, _) in functions() {
        let path = workspace_root().join(format!("functions/{function}/src/lib.rs"));
        let source = std::fs::read_to_string(&path).map_err(|error| error.to_string())?;
        for declaration in source.split(".route(").skip(1) {
            let Some(rest) = declaration.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some((route_path, handlers)) = rest.split_once('"') else {
                continue;
            };
            let handlers = balanced_prefix(handlers);
            for method in ["get", "post", "put", "delete", "patch"] {
                let called = handlers
                    .match_indices(&format!("{method}("))
                    .any(|(at, _)| {
                        at == 0
                            || !handlers.as_bytes()[at - 1].is_ascii_alphanumeric()
                                && handlers.as_bytes()[at - 1] != b'_'
                    });
                if called {
                    routes.insert(Route {
                        function: function.to_owned(),
                        method: method.to_uppercase(),
                        path: route_path.to_owned(),
                    });
                }
            }
        }
    }
    Ok(routes)
}

/// The text up to the parenthesis that closes the `.route(` call.
fn balanced_prefix(text: &str) -> &str {
    let mut depth = 1usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..at];
                }
            }
            _ => {}
        }
    }
    text
}

/// Finds the function serving a request, the way API Gateway matches routes.
pub struct Dispatcher {
    paths: matchit::Router<BTreeMap<String, String>>,
}

impl Dispatcher {
    /// A dispatcher over `routes`.
    pub fn new(routes: &BTreeSet<Route>) -> Result<Self, String> {
        let mut by_path: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for route in routes {
            by_path
                .entry(route.path.clone())
                .or_default()
                .insert(route.method.clone(), route.function.clone());
        }
        let mut paths = matchit::Router::new();
        for (path, methods) in by_path {
            paths
                .insert(path, methods)
                .map_err(|error| error.to_string())?;
        }
        Ok(Dispatcher { paths })
    }

    /// The function serving `method path`, if any.
    pub fn function(&self, method: &str, path: &str) -> Option<&str> {
        let matched = self.paths.at(path).ok()?;
        matched.value.get(method).map(String::as_str)
    }
}
