//! Injected faults: latency, HTTP 503 on a share of requests, a rate limit (HTTP 429 with
//! `Retry-After`) and failed transactions. With a fault seed the same requests meet the
//! same faults.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::Sim;
use super::errors::ApiError;
use super::stats::STATS_PATH;

/// The fault options of `sim`.
#[derive(Debug)]
pub struct Faults {
    latency: Duration,
    fail_rate: f64,
    rate_limit: Option<u32>,
    txn_fail_rate: f64,
    request_rng: Mutex<fastrand::Rng>,
    txn_rng: Mutex<fastrand::Rng>,
    /// The start of the current one-second window and the requests counted in it.
    window: Mutex<(Instant, u32)>,
}

impl Faults {
    pub fn new(
        latency_ms: u64,
        fail_rate: f64,
        rate_limit: Option<u32>,
        txn_fail_rate: f64,
        seed: Option<u64>,
    ) -> Self {
        let rng = |salt: u64| match seed {
            Some(seed) => fastrand::Rng::with_seed(seed ^ salt),
            None => fastrand::Rng::new(),
        };
        Faults {
            latency: Duration::from_millis(latency_ms),
            fail_rate,
            rate_limit,
            txn_fail_rate,
            request_rng: Mutex::new(rng(0)),
            txn_rng: Mutex::new(rng(0x7478_6e5f_6661_696c)),
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    /// Whether the next transaction fails (draws only when the option is set).
    pub fn txn_fails(&self) -> bool {
        self.txn_fail_rate > 0.0
            && self
                .txn_rng
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .f64()
                < self.txn_fail_rate
    }

    fn request_fails(&self) -> bool {
        self.fail_rate > 0.0
            && self
                .request_rng
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .f64()
                < self.fail_rate
    }

    /// `Some(seconds to wait)` when this request is over the rate limit.
    fn over_limit(&self) -> Option<u64> {
        let limit = self.rate_limit?;
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.duration_since(window.0);
        if elapsed >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        if window.1 >= limit {
            let left = Duration::from_secs(1).saturating_sub(now.duration_since(window.0));
            return Some(left.as_secs_f64().ceil().max(1.0) as u64);
        }
        window.1 += 1;
        None
    }
}

/// The middleware: latency, then the rate limit, then the random 503s.
pub async fn layer(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if request.uri().path() == STATS_PATH {
        return next.run(request).await;
    }
    let faults = &sim.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if let Some(seconds) = faults.over_limit() {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            format!("rate limit exceeded: retry after {seconds} s (simulated, --rate-limit)"),
        );
        error.retry_after = Some(seconds);
        return error.into_response();
    }
    if faults.request_fails() {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "service unavailable (simulated, --fail-rate)",
        )
        .into_response();
    }
    next.run(request).await
}
