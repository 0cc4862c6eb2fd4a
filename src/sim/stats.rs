//! `GET /_sim/stats`: `{"requests": N, "by_route": {"GET relation/HcsCustomerREL": N, ...}}`.
//! Every request to `/api/` counts, including those a fault answered.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::Sim;

pub const STATS_PATH: &str = "/_sim/stats";

#[derive(Debug, Default, Clone, Serialize)]
pub struct StatsBody {
    pub requests: u64,
    pub by_route: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct Stats {
    body: Mutex<StatsBody>,
    /// The routes the router serves (paths under `/` with `{param}` segments), set once
    /// when the router is built: requests are counted by these patterns only.
    routes: OnceLock<Vec<String>>,
}

impl Stats {
    /// The route patterns the router serves, e.g. `/api/relation/HcsCustomerREL/{pkid}`.
    pub fn serve(&self, routes: Vec<String>) {
        let _ = self.routes.set(routes);
    }

    fn count(&self, method: &str, path: &str) {
        let routes = self.routes.get().map(Vec::as_slice).unwrap_or_default();
        let key = route_key(method, matching(routes, path));
        let mut stats = self.body.lock().unwrap_or_else(PoisonError::into_inner);
        stats.requests += 1;
        *stats.by_route.entry(key).or_default() += 1;
    }

    fn snapshot(&self) -> StatsBody {
        self.body
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The key of a request that matched no route: one key for them all, so that any number
/// of unknown paths keeps the table at its size.
const UNKNOWN_ROUTE: &str = "(no such route)";

/// `METHOD model/type[/action]`: the route's pattern under `/api/` without its
/// parameters (pkids, transaction ids), so the table has one key per route and method,
/// whatever paths clients send. A method outside HTTP's usual ones counts as `OTHER`.
fn route_key(method: &str, pattern: Option<&str>) -> String {
    let method = match method {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" => method,
        _ => "OTHER",
    };
    let Some(pattern) = pattern else {
        return format!("{method} {UNKNOWN_ROUTE}");
    };
    let rest = pattern.strip_prefix("/api/").unwrap_or(pattern);
    let parts: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    format!("{method} {}", parts.join("/"))
}

/// The pattern among `routes` that `path` matches (a `{param}` segment matches any one
/// segment; a trailing slash is ignored).
fn matching<'a>(routes: &'a [String], path: &str) -> Option<&'a str> {
    let segments = |text: &'a str| text.trim_matches('/').split('/');
    let path = path.trim_matches('/');
    routes
        .iter()
        .find(|route| {
            let mut given = path.split('/');
            let mut wanted = segments(route);
            loop {
                match (wanted.next(), given.next()) {
                    (None, None) => return true,
                    (Some(w), Some(g)) if w.starts_with('{') || w == g => {}
                    _ => return false,
                }
            }
        })
        .map(String::as_str)
}

/// The middleware that counts requests.
pub async fn layer(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path != STATS_PATH {
        sim.stats.count(request.method().as_str(), path);
    }
    next.run(request).await
}

pub async fn handler(State(sim): State<Arc<Sim>>) -> Json<StatsBody> {
    Json(sim.stats.snapshot())
}

#[cfg(test)]
mod tests {
    use super::{Stats, matching, route_key};

    #[test]
    fn route_keys_drop_parameters_and_bound_methods() {
        assert_eq!(
            route_key("GET", Some("/api/relation/HcsCustomerREL/{pkid}/")),
            "GET relation/HcsCustomerREL"
        );
        assert_eq!(
            route_key("GET", Some("/api/tool/Transaction/{id}/poll")),
            "GET tool/Transaction/poll"
        );
        assert_eq!(
            route_key("POST", Some("/noninteractivelogin/")),
            "POST noninteractivelogin"
        );
        assert_eq!(route_key("GET", None), "GET (no such route)");
        assert_eq!(route_key("BREW", None), "OTHER (no such route)");
    }

    #[test]
    fn paths_match_patterns_segment_by_segment() {
        let routes = vec![
            "/api/relation/HcsCustomerREL/{pkid}".to_owned(),
            "/api/relation/HcsCustomerREL/add".to_owned(),
            "/api/relation/HcsCustomerREL".to_owned(),
        ];
        assert_eq!(
            matching(&routes, "/api/relation/HcsCustomerREL/"),
            Some("/api/relation/HcsCustomerREL")
        );
        assert_eq!(
            matching(&routes, "/api/relation/HcsCustomerREL/abc/"),
            Some("/api/relation/HcsCustomerREL/{pkid}")
        );
        assert_eq!(matching(&routes, "/api/relation/HcsCustomerREL/a/b/"), None);
        assert_eq!(matching(&routes, "/api/nothing"), None);
    }

    #[test]
    fn any_number_of_unknown_paths_and_methods_keeps_the_table_small() {
        let stats = Stats::default();
        stats.serve(vec!["/api/relation/HcsCustomerREL/{pkid}".to_owned()]);
        for i in 0..20_000 {
            stats.count("GET", &format!("/api/unknown-{i}/"));
            stats.count(
                &format!("M{i}"),
                &format!("/api/relation/HcsCustomerREL/{i}/"),
            );
        }
        let body = stats.snapshot();
        assert_eq!(body.requests, 40_000);
        assert_eq!(body.by_route.len(), 2, "{:?}", body.by_route);
        assert_eq!(body.by_route["OTHER relation/HcsCustomerREL"], 20_000);
    }
}
