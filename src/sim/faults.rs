//! Injected faults: latency, HTTP 503 on a share of requests, a rate limit (HTTP 429 with
//! `Retry-After`), failed transactions, and writes whose answer is lost after they were
//! carried out ([`Faults::drops_answer`], [`lost_answer`]). With a fault seed the same
//! requests meet the same faults.

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
    drop_after_commit_rate: f64,
    request_rng: Mutex<fastrand::Rng>,
    txn_rng: Mutex<fastrand::Rng>,
    drop_rng: Mutex<fastrand::Rng>,
    /// The start of the current one-second window and the requests counted in it.
    window: Mutex<(Instant, u32)>,
}

/// The fault options, as `sim` takes them.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultOptions {
    /// Delay every answer by this many milliseconds.
    pub latency_ms: u64,
    /// The share of requests (0 to 1) answered 503 before they are handled.
    pub fail_rate: f64,
    /// Requests per second before 429.
    pub rate_limit: Option<u32>,
    /// The share of transactions (0 to 1) that fail, changing nothing.
    pub txn_fail_rate: f64,
    /// The share of writes (0 to 1) carried out whose answer is then lost (a 503).
    pub drop_after_commit_rate: f64,
    /// The same seed gives the same faults.
    pub seed: Option<u64>,
}

impl Faults {
    pub fn new(options: FaultOptions) -> Self {
        let FaultOptions {
            latency_ms,
            fail_rate,
            rate_limit,
            txn_fail_rate,
            drop_after_commit_rate,
            seed,
        } = options;
        let rng = |salt: u64| match seed {
            Some(seed) => fastrand::Rng::with_seed(seed ^ salt),
            None => fastrand::Rng::new(),
        };
        Faults {
            latency: Duration::from_millis(latency_ms),
            fail_rate,
            rate_limit,
            txn_fail_rate,
            drop_after_commit_rate,
            request_rng: Mutex::new(rng(0)),
            txn_rng: Mutex::new(rng(0x7478_6e5f_6661_696c)),
            drop_rng: Mutex::new(rng(0x6472_6f70_5f61_6e73)),
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

    /// Whether the answer to the next write is lost once the write was carried out (draws
    /// only when `--drop-after-commit-rate` is set).
    pub fn drops_answer(&self) -> bool {
        self.drop_after_commit_rate > 0.0
            && self
                .drop_rng
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .f64()
                < self.drop_after_commit_rate
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

/// The answer a client gets for a write that was carried out but whose answer was lost
/// (`--drop-after-commit-rate`): a 503, like a proxy or load balancer that lost the
/// server's answer. The client cannot tell it from a 503 that came before the write.
pub fn lost_answer() -> Response {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        "service unavailable (simulated, --drop-after-commit-rate)",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(drop_after_commit_rate: f64, seed: u64) -> Faults {
        Faults::new(FaultOptions {
            drop_after_commit_rate,
            seed: Some(seed),
            ..FaultOptions::default()
        })
    }

    #[test]
    fn lost_answers_follow_the_rate_and_the_seed() {
        let draws = |f: &Faults| (0..200).map(|_| f.drops_answer()).collect::<Vec<_>>();
        assert!(draws(&faults(0.0, 1)).iter().all(|d| !d));
        assert!(draws(&faults(1.0, 1)).iter().all(|d| *d));
        let some = draws(&faults(0.1, 7));
        let lost = some.iter().filter(|d| **d).count();
        assert!((5..=40).contains(&lost), "{lost} of 200");
        assert_eq!(
            some,
            draws(&faults(0.1, 7)),
            "the same seed, the same faults"
        );
        // Its own generator: turning it on does not move the other faults.
        let with = Faults::new(FaultOptions {
            txn_fail_rate: 0.5,
            drop_after_commit_rate: 0.5,
            seed: Some(3),
            ..FaultOptions::default()
        });
        let without = Faults::new(FaultOptions {
            txn_fail_rate: 0.5,
            seed: Some(3),
            ..FaultOptions::default()
        });
        for _ in 0..50 {
            with.drops_answer();
            assert_eq!(with.txn_fails(), without.txn_fails());
        }
    }
}
