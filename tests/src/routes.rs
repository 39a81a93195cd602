//! The route table in its three places — the `cargo lambda watch` router in `Cargo.toml`,
//! the HttpApi events of `template.yaml`, and the axum routers — and dispatch of a request
//! to the function that serves it, as API Gateway does.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
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

/// The path of the local router's catch-all, which stands for API Gateway's `$default`
/// route: every request no other route matches.
pub const CATCH_ALL: &str = "/{*path}";

/// The methods the catch-all takes.
pub const CATCH_ALL_METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// The catch-all routes of `function`.
fn catch_all(function: &str) -> impl Iterator<Item = Route> + '_ {
    CATCH_ALL_METHODS.iter().map(move |method| Route {
        function: function.to_owned(),
        method: (*method).to_owned(),
        path: CATCH_ALL.to_owned(),
    })
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
        ("console", console::router),
    ]
}

/// The functions invoked by events only (no routes), whose handlers tests call directly
/// over [`crate::app::TestApp::function_state`].
pub const EVENT_FUNCTIONS: [&str; 1] = ["image-variants"];

/// The paths of `[workspace.metadata.lambda.watch.router]` in `Cargo.toml`, each with the
/// one function that takes it (for every method).
pub fn watch_paths() -> Result<BTreeMap<String, String>, String> {
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
    router
        .try_into()
        .map_err(|error: toml::de::Error| error.to_string())
}

/// Each path of `routes` with the function that serves it; an error names a path two
/// functions share.
pub fn paths_of(routes: &BTreeSet<Route>) -> Result<BTreeMap<String, String>, String> {
    let mut paths = BTreeMap::new();
    for route in routes {
        if let Some(other) = paths.insert(route.path.clone(), route.function.clone()) {
            if other != route.function {
                return Err(format!(
                    "{} is served by {other} and {}",
                    route.path, route.function
                ));
            }
        }
    }
    Ok(paths)
}

/// Every event of every function in `template.yaml`: (the function's
/// `BuildProperties.Binary`, the event as written).
pub fn function_events() -> Result<Vec<(String, serde_yaml_ng::Value)>, String> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml"))
        .map_err(|error| error.to_string())?;
    let document: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|error| error.to_string())?;
    let resources = document
        .get("Resources")
        .and_then(|r| r.as_mapping())
        .ok_or("template.yaml has no Resources")?;
    let mut found = Vec::new();
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
            found.push((function.to_owned(), event.clone()));
        }
    }
    Ok(found)
}

/// The HttpApi events of every function in `template.yaml`, by the function's
/// `BuildProperties.Binary`.
pub fn template_routes() -> Result<BTreeSet<Route>, String> {
    let mut routes = BTreeSet::new();
    for (function, event) in function_events()? {
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
        match (field("Method"), field("Path")) {
            // No method and path: SAM's $default route.
            (None, None) => routes.extend(catch_all(&function)),
            (method, path) => {
                routes.insert(Route {
                    function,
                    method: method.unwrap_or_default().to_uppercase(),
                    path: path.unwrap_or_default(),
                });
            }
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
        // The router wrapped in `collapsing_slashes` is the one that takes the catch-all.
        if source.contains("collapsing_slashes(") {
            routes.extend(catch_all(function));
        }
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

/// Finds the function serving a request, the way API Gateway matches routes: a request no
/// route matches by path and method goes to the catch-all (`$default`).
pub struct Dispatcher {
    /// Each route path, with its methods and the function serving each.
    paths: matchit::Router<(String, BTreeMap<String, String>)>,
    catch_all: BTreeMap<String, String>,
}

/// The route key API Gateway gives a request that only the catch-all takes.
pub const DEFAULT_ROUTE_KEY: &str = "$default";

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
        let catch_all = by_path.remove(CATCH_ALL).unwrap_or_default();
        let mut paths = matchit::Router::new();
        for (path, methods) in by_path {
            paths
                .insert(path.clone(), (path, methods))
                .map_err(|error| error.to_string())?;
        }
        Ok(Dispatcher { paths, catch_all })
    }

    /// The function serving `method path`, if any.
    pub fn function(&self, method: &str, path: &str) -> Option<&str> {
        self.route(method, path).map(|(function, _)| function)
    }

    /// The function serving `method path` and the key of the route that matched it, as
    /// API Gateway reports it (`GET /v1/file/{id}`, or `$default` for the catch-all).
    pub fn route(&self, method: &str, path: &str) -> Option<(&str, String)> {
        let matched = self.paths.at(path).ok().and_then(|matched| {
            let (pattern, methods) = matched.value;
            let function = methods.get(method)?;
            Some((function.as_str(), format!("{method} {pattern}")))
        });
        matched.or_else(|| {
            self.catch_all
                .get(method)
                .map(|function| (function.as_str(), DEFAULT_ROUTE_KEY.to_owned()))
        })
    }
}

/// One operation of an API description: method and path, without the serving function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Operation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path with `{param}` segments.
    pub path: String,
}

impl From<&Route> for Operation {
    fn from(route: &Route) -> Self {
        Operation {
            method: route.method.clone(),
            path: route.path.clone(),
        }
    }
}

/// The HTTP methods an OpenAPI path item may hold operations under.
const OPENAPI_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `openapi.yaml` at the workspace root, parsed.
pub fn openapi_document() -> Result<serde_yaml_ng::Value, String> {
    let text = std::fs::read_to_string(workspace_root().join("openapi.yaml"))
        .map_err(|error| error.to_string())?;
    serde_yaml_ng::from_str(&text).map_err(|error| error.to_string())
}

/// Every operation `openapi.yaml` describes under `paths`.
pub fn openapi_operations(document: &serde_yaml_ng::Value) -> Result<BTreeSet<Operation>, String> {
    let paths = document
        .get("paths")
        .and_then(|p| p.as_mapping())
        .ok_or("openapi.yaml has no paths")?;
    let mut operations = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().ok_or("a path key is not a string")?;
        for method in OPENAPI_METHODS {
            if item.get(method).is_some() {
                operations.insert(Operation {
                    method: method.to_uppercase(),
                    path: path.to_owned(),
                });
            }
        }
    }
    Ok(operations)
}

/// What keeps `document` from being a well-formed OpenAPI 3.1 description: a wrong
/// version, missing `info`, an operation without responses or with a path parameter it
/// does not declare, and every `$ref` that does not resolve inside the document.
pub fn openapi_problems(document: &serde_yaml_ng::Value) -> Vec<String> {
    let mut problems = Vec::new();
    let version = document.get("openapi").and_then(|v| v.as_str());
    if !version.is_some_and(|v| v.starts_with("3.1.")) {
        problems.push(format!("openapi is {version:?}, not 3.1.x"));
    }
    for field in ["title", "version"] {
        if document
            .get("info")
            .and_then(|i| i.get(field))
            .and_then(|v| v.as_str())
            .is_none()
        {
            problems.push(format!("info.{field} is missing"));
        }
    }
    let paths = document.get("paths").and_then(|p| p.as_mapping());
    for (path, item) in paths.into_iter().flatten() {
        let path = path.as_str().unwrap_or_default();
        if !path.starts_with('/') {
            problems.push(format!("path {path:?} does not start with '/'"));
        }
        let templated: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for method in OPENAPI_METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            let responses = operation.get("responses").and_then(|r| r.as_mapping());
            if responses.is_none_or(|r| r.is_empty()) {
                problems.push(format!("{at} has no responses"));
            }
            let declared: BTreeSet<String> = [item.get("parameters"), operation.get("parameters")]
                .into_iter()
                .flatten()
                .filter_map(|list| list.as_sequence())
                .flatten()
                .map(|parameter| resolve(document, parameter))
                .filter(|p| p.get("in").and_then(|v| v.as_str()) == Some("path"))
                .filter_map(|p| p.get("name").and_then(|v| v.as_str()).map(str::to_owned))
                .collect();
            for name in &templated {
                if !declared.contains(*name) {
                    problems.push(format!("{at} does not declare path parameter {name}"));
                }
            }
        }
    }
    let mut references = Vec::new();
    collect_refs(document, &mut references);
    for reference in references {
        if lookup(document, &reference).is_none() {
            problems.push(format!("$ref {reference} does not resolve"));
        }
    }
    problems
}

/// `value`, or what its `$ref` points to when it is a reference.
fn resolve<'a>(
    document: &'a serde_yaml_ng::Value,
    value: &'a serde_yaml_ng::Value,
) -> &'a serde_yaml_ng::Value {
    value
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| lookup(document, r))
        .unwrap_or(value)
}

/// Every `$ref` string anywhere in `value`.
fn collect_refs(value: &serde_yaml_ng::Value, into: &mut Vec<String>) {
    match value {
        serde_yaml_ng::Value::Mapping(map) => {
            for (key, child) in map {
                match (key.as_str(), child.as_str()) {
                    (Some("$ref"), Some(target)) => into.push(target.to_owned()),
                    _ => collect_refs(child, into),
                }
            }
        }
        serde_yaml_ng::Value::Sequence(items) => {
            items.iter().for_each(|item| collect_refs(item, into))
        }
        _ => {}
    }
}

/// The value a local reference (`#/a/b`, JSON-pointer escaped) names.
fn lookup<'a>(
    document: &'a serde_yaml_ng::Value,
    reference: &str,
) -> Option<&'a serde_yaml_ng::Value> {
    let pointer = reference.strip_prefix("#/")?;
    pointer.split('/').try_fold(document, |node, token| {
        let token = token.replace("~1", "/").replace("~0", "~");
        match node {
            serde_yaml_ng::Value::Sequence(items) => items.get(token.parse::<usize>().ok()?),
            _ => node.get(token.as_str()),
        }
    })
}
