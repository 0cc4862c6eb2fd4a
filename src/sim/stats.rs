//! `GET /_sim/stats`: `{"requests": N, "by_route": {"GET relation/HcsCustomerREL": N, ...}}`.
//! Every request to `/api/` counts, including those a fault answered.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::Sim;
use super::store::is_pkid;

pub const STATS_PATH: &str = "/_sim/stats";

#[derive(Debug, Default, Clone, Serialize)]
pub struct StatsBody {
    pub requests: u64,
    pub by_route: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct Stats(Mutex<StatsBody>);

impl Stats {
    fn count(&self, route: String) {
        let mut stats = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        stats.requests += 1;
        *stats.by_route.entry(route).or_default() += 1;
    }

    fn snapshot(&self) -> StatsBody {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// `METHOD model/type[/action]`: the path under `/api/` without pkids or transaction ids.
fn route_key(method: &str, path: &str) -> String {
    let rest = path.strip_prefix("/api/").unwrap_or(path);
    let parts: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty() && !is_pkid(s) && uuid::Uuid::try_parse(s).is_err())
        .collect();
    format!("{method} {}", parts.join("/"))
}

/// The middleware that counts requests.
pub async fn layer(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path != STATS_PATH {
        sim.stats.count(route_key(request.method().as_str(), path));
    }
    next.run(request).await
}

pub async fn handler(State(sim): State<Arc<Sim>>) -> Json<StatsBody> {
    Json(sim.stats.snapshot())
}

#[cfg(test)]
mod tests {
    use super::route_key;

    #[test]
    fn route_keys_drop_ids() {
        assert_eq!(
            route_key(
                "GET",
                "/api/relation/HcsCustomerREL/1c055772c0deab00da595101/"
            ),
            "GET relation/HcsCustomerREL"
        );
        assert_eq!(
            route_key(
                "GET",
                "/api/tool/Transaction/0b6c4b8e-3a3c-4a53-9f5e-2f8a8f0e4a11/poll/"
            ),
            "GET tool/Transaction/poll"
        );
    }
}
