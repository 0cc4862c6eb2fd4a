//! The HTTP routes: one file per family of model types, and what they share: query
//! parameters, write bodies, and running a write now or as a transaction.

mod customers;
mod inventory;
mod transactions;
mod tree;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::Value;

use crate::voss::routes::DEFAULT_PAGE_SIZE;
use crate::voss::wire::{AsyncWriteResponse, SyncWriteResponse};

use super::OverLimit;
use super::auth::Admin;
use super::body::MAX_BODY;
pub use super::body::parse_body;
use super::errors::ApiError;
use super::journal::Txn;
use super::resources::Window;
use super::rules::Op;
use super::{Sim, faults, session, stats};

pub fn router(sim: Arc<Sim>) -> Router {
    let mut app = Router::new();
    let mut served = vec![session::LOGIN_PATH.to_owned()];
    for (path, methods) in customers::routes()
        .into_iter()
        .chain(tree::routes())
        .chain(inventory::routes())
        .chain(transactions::routes())
    {
        let path = format!("/api/{path}");
        served.push(path.clone());
        app = app
            .route(&format!("{path}/"), methods.clone())
            .route(&path, methods);
    }
    // Literal paths first, so `add` is not taken for a `{pkid}`.
    served.sort_by_key(|route| route.contains('{'));
    sim.stats.serve(served);
    app.route(stats::STATS_PATH, get(stats::handler))
        .route(session::LOGIN_PATH, post(session::login))
        .fallback(|| async {
            ApiError::not_found("path", "no such model type or action in this API")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(from_fn_with_state(sim.clone(), super::conn::body_deadline))
        .layer(from_fn_with_state(sim.clone(), faults::layer))
        .layer(from_fn_with_state(sim.clone(), stats::layer))
        .with_state(sim)
}

/// A model type's routes: (path under `/api/` without the trailing slash, methods).
type Routes = Vec<(String, MethodRouter<Arc<Sim>>)>;

/// The query parameters the simulator reads; any other parameter is ignored, as real
/// servers do (`direct=true` among them: it was never documented).
#[derive(Debug, Clone)]
pub struct Params {
    pub hierarchy: Option<String>,
    pub window: Window,
    pub nowait: bool,
}

impl FromRequestParts<Arc<Sim>> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, ApiError> {
        let Query(query) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map_err(|e| ApiError::bad_request("query", format!("unreadable query: {e}")))?;
        match query.get("format").map(String::as_str) {
            Some("json") => {}
            _ => {
                return Err(ApiError::bad_request(
                    "format",
                    "format=json is required on every request",
                ));
            }
        }
        let number = |name: &str, default: u64| match query.get(name) {
            None => Ok(default),
            Some(text) => text.parse::<u64>().map_err(|_| {
                ApiError::bad_request(name, format!("{name} must be a whole number, not `{text}`"))
            }),
        };
        let flag = |name: &str, default: bool| match query.get(name).map(String::as_str) {
            None => Ok(default),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(ApiError::bad_request(
                name,
                format!("{name} must be true or false, not `{other}`"),
            )),
        };
        let maximum = sim.options.max_page;
        let limit = match number("limit", 0)? {
            0 => DEFAULT_PAGE_SIZE.min(maximum),
            n if n <= maximum => n,
            n => match sim.options.over_limit {
                OverLimit::Cap => maximum,
                OverLimit::Refuse => {
                    return Err(ApiError::bad_request(
                        "limit",
                        format!(
                            "limit {n} is above maximum_limit {maximum}: ask for at most {maximum} per page"
                        ),
                    ));
                }
            },
        };
        Ok(Params {
            hierarchy: query.get("hierarchy").filter(|h| !h.is_empty()).cloned(),
            window: Window {
                skip: number("skip", 0)?,
                limit,
                count: flag("count", true)?,
                maximum_limit: maximum,
            },
            nowait: flag("nowait", false)?,
        })
    }
}

impl Params {
    /// The `hierarchy=` node's path, which must be in the admin's subtree.
    /// Outside it, the answer is a missing node's (403 only above the admin's own).
    pub fn hierarchy_in(&self, sim: &Sim, admin: &Admin) -> Result<String, ApiError> {
        let path = self.resolve(sim)?;
        admin.require(&path, || self.unknown())?;
        Ok(path)
    }

    /// The answer for a `hierarchy=` that names no node.
    pub fn unknown(&self) -> ApiError {
        super::store::unknown_hierarchy(self.hierarchy.as_deref().unwrap_or_default())
    }

    /// The `hierarchy=` node's path, without the scope check.
    pub fn resolve(&self, sim: &Sim) -> Result<String, ApiError> {
        let hierarchy = self.hierarchy.as_deref().ok_or_else(|| {
            ApiError::bad_request("hierarchy", "hierarchy= (a node path or pkid) is required")
        })?;
        sim.with_store(|store| store.resolve_hierarchy(hierarchy))
    }
}

/// Runs a write now (`SyncWriteResponse`) or queues it as a transaction (`nowait=true`).
/// With `--drop-after-commit-rate`, a share of writes is carried out (a queued one waits
/// for its transaction to end) and then answered 503 ([`faults::lost_answer`]).
pub async fn write(sim: &Sim, admin: &Admin, hierarchy: &str, op: Op, nowait: bool) -> Response {
    if nowait {
        let (status, accepted) = queue(sim, admin, hierarchy, op);
        if sim.faults.drops_answer() {
            await_transaction(sim, &accepted.transaction_id).await;
            return faults::lost_answer();
        }
        return (status, accepted).into_response();
    }
    let response = write_now(sim, op).await;
    if response.status().is_success() && sim.faults.drops_answer() {
        return faults::lost_answer();
    }
    response
}

/// Waits (at most 30 s) until transaction `id` has ended and the state file holds it.
async fn await_transaction(sim: &Sim, id: &str) {
    for _ in 0..15_000 {
        let running = sim.with_store(|store| {
            store
                .transactions
                .get(id)
                .is_some_and(|t| !t.visible_status().is_final())
        });
        if !running {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

/// Runs a write now: its `SyncWriteResponse`, or the error.
async fn write_now(sim: &Sim, op: Op) -> Response {
    let done = sim.with_store(|store| {
        let applied = store.apply(&op)?;
        let meta = match store.customers.get(&applied.pkid) {
            Some(c) if applied.href.is_some() => {
                serde_json::to_value(super::resources::customer(store, c, true).meta)
                    .unwrap_or(Value::Null)
            }
            _ => serde_json::json!({"model_type": applied.model_type}),
        };
        Ok::<_, ApiError>((applied, meta))
    });
    let (applied, meta) = match done {
        Ok(done) => done,
        Err(e) => return sim.dialect.error_out(e).into_response(),
    };
    if let Err(e) = sim.save().await {
        return e.into_response();
    }
    Json(SyncWriteResponse {
        success: true,
        pkid: applied.pkid,
        model_type: applied.model_type.to_owned(),
        meta,
    })
    .into_response()
}

/// Queues `op` as a transaction; 202 with its id.
pub fn queue(
    sim: &Sim,
    admin: &Admin,
    hierarchy: &str,
    op: Op,
) -> (StatusCode, Json<AsyncWriteResponse>) {
    let id = uuid::Uuid::new_v4().to_string();
    let txn = Txn::new(id.clone(), &admin.email, hierarchy, op.describe());
    let href = txn.href();
    sim.with_store(|store| store.transactions.insert(id.clone(), txn));
    // The runner lives as long as the server: a send cannot fail while requests are served.
    let _ = sim.queue.send((id.clone(), op));
    (
        StatusCode::ACCEPTED,
        Json(AsyncWriteResponse {
            success: true,
            href,
            transaction_id: id,
        }),
    )
}

/// A pkid in a URL: 24 hex characters.
pub fn check_pkid(pkid: &str) -> Result<(), ApiError> {
    if super::store::is_pkid(pkid) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "pkid",
            format!("`{pkid}` is not a pkid (24 hexadecimal characters)"),
        ))
    }
}
