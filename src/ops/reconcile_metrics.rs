//! `reconcile --metrics-listen ADDR`: the reconciler as a service. Serves, over plain HTTP
//! with axum:
//!
//! - `GET /metrics`: Prometheus text format 0.0.4, every name prefixed `voss_customers_`;
//! - `GET /healthz`: 200 `ok` while the process serves (liveness);
//! - `GET /readyz`: 200 `ready` once the last finished cycle read the live system (its
//!   result is ok, applied in part, or refused by a safety rule); 503 with the reason before
//!   the first cycle ends and after a cycle that could not read the files or the server.
//!
//! The metrics are plain numbers set by the reconcile loop ([`Metrics::cycle_started`],
//! [`Metrics::cycle_finished`]); nothing here reads files or the server, and no text from a
//! file or a server reaches the metrics (labels are fixed words).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio_util::sync::CancellationToken;

use crate::apply::Counts;
use crate::plan::Summary;

/// How a cycle ended, as the `result` label of `voss_customers_cycles_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CycleOutcome {
    /// Nothing to do, or every step applied.
    Ok,
    /// Applied in part: a step failed, is uncertain, blocked or was not started.
    Incomplete,
    /// A safety rule refused the plan; nothing was written.
    Refused,
    /// The files are not valid.
    InvalidFiles,
    /// The live system could not be read, or a local admin password is missing.
    Error,
}

impl CycleOutcome {
    const ALL: [CycleOutcome; 5] = [
        CycleOutcome::Ok,
        CycleOutcome::Incomplete,
        CycleOutcome::Refused,
        CycleOutcome::InvalidFiles,
        CycleOutcome::Error,
    ];

    fn label(self) -> &'static str {
        match self {
            CycleOutcome::Ok => "ok",
            CycleOutcome::Incomplete => "incomplete",
            CycleOutcome::Refused => "refused",
            CycleOutcome::InvalidFiles => "invalid_files",
            CycleOutcome::Error => "error",
        }
    }

    /// The cycle read the files and the live system.
    fn read_live(self) -> bool {
        matches!(
            self,
            CycleOutcome::Ok | CycleOutcome::Incomplete | CycleOutcome::Refused
        )
    }
}

/// What one finished cycle did, as the loop knows it.
#[derive(Debug, Clone, Copy)]
pub struct CycleFacts {
    pub outcome: CycleOutcome,
    /// The plan's counts by action (`None` when no plan was made).
    pub plan: Option<Summary>,
    /// How the applied steps ended (`None` when nothing was applied).
    pub steps: Option<Counts>,
    /// How long the cycle took.
    pub duration: Duration,
}

#[derive(Debug, Default)]
struct Numbers {
    in_progress: bool,
    cycles: [u64; 5],
    last: Option<CycleOutcome>,
    drift: Option<Summary>,
    applied: u64,
    failed: u64,
    uncertain: u64,
    last_success: Option<f64>,
    last_duration: Option<f64>,
    duration_sum: f64,
}

/// The reconciler's metrics, shared by the loop and the HTTP server.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    numbers: Arc<Mutex<Numbers>>,
}

impl Metrics {
    fn lock(&self) -> MutexGuard<'_, Numbers> {
        // Plain numbers: a panic elsewhere cannot leave them half-written.
        self.numbers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A cycle begins.
    pub fn cycle_started(&self) {
        self.lock().in_progress = true;
    }

    /// A cycle ended with `facts`.
    pub fn cycle_finished(&self, facts: &CycleFacts) {
        let mut n = self.lock();
        n.in_progress = false;
        if let Some(i) = CycleOutcome::ALL.iter().position(|o| *o == facts.outcome) {
            n.cycles[i] += 1;
        }
        n.last = Some(facts.outcome);
        if facts.plan.is_some() {
            n.drift = facts.plan;
        }
        if let Some(steps) = facts.steps {
            n.applied += steps.applied as u64;
            n.failed += steps.failed as u64;
            n.uncertain += steps.uncertain as u64;
        }
        let seconds = facts.duration.as_secs_f64();
        n.last_duration = Some(seconds);
        n.duration_sum += seconds;
        if facts.outcome == CycleOutcome::Ok {
            n.last_success = Some(unix_now());
        }
    }

    /// `/readyz`: None when ready, else why not.
    pub fn not_ready(&self) -> Option<&'static str> {
        match self.lock().last {
            None => Some("no cycle has finished yet"),
            Some(o) if o.read_live() => None,
            Some(CycleOutcome::InvalidFiles) => Some("the last cycle found invalid files"),
            Some(_) => Some(
                "the last cycle stopped with an error before it could apply (the live system \
                 unreadable, or a local admin password variable not set): see its log line",
            ),
        }
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let n = self.lock();
        let mut out = String::new();
        family(
            &mut out,
            "drift",
            "gauge",
            "Changes the last plan found between the files and the live system, by kind.",
        );
        let d = n.drift.unwrap_or_default();
        for (kind, value) in [
            ("create", d.create),
            ("update", d.update),
            ("migrate", d.migrate),
            ("rename", d.rename),
            ("delete", d.delete),
            ("blocked", d.blocked),
        ] {
            let _ = writeln!(out, "voss_customers_drift{{kind=\"{kind}\"}} {value}");
        }
        let single = [
            (
                "changes_applied_total",
                "counter",
                "Changes (and follow-ups) applied since the start.",
                n.applied.to_string(),
            ),
            (
                "changes_failed_total",
                "counter",
                "Changes (and follow-ups) that failed since the start.",
                n.failed.to_string(),
            ),
            (
                "changes_uncertain_total",
                "counter",
                "Writes sent whose outcome stayed unknown, since the start.",
                n.uncertain.to_string(),
            ),
            (
                "last_success_timestamp_seconds",
                "gauge",
                "When the last cycle that left nothing to do ended (Unix seconds; 0: none yet).",
                n.last_success.map_or("0".to_owned(), |t| format!("{t:.3}")),
            ),
            (
                "last_cycle_duration_seconds",
                "gauge",
                "How long the last finished cycle took.",
                n.last_duration
                    .map_or("0".to_owned(), |t| format!("{t:.6}")),
            ),
            (
                "cycle_in_progress",
                "gauge",
                "1 while a cycle runs, else 0.",
                u8::from(n.in_progress).to_string(),
            ),
        ];
        for (name, kind, help, value) in single {
            family(&mut out, name, kind, help);
            let _ = writeln!(out, "voss_customers_{name} {value}");
        }
        family(
            &mut out,
            "cycle_duration_seconds",
            "summary",
            "How long the finished cycles took.",
        );
        let _ = writeln!(
            out,
            "voss_customers_cycle_duration_seconds_sum {:.6}",
            n.duration_sum
        );
        let _ = writeln!(
            out,
            "voss_customers_cycle_duration_seconds_count {}",
            n.cycles.iter().sum::<u64>()
        );
        family(
            &mut out,
            "cycles_total",
            "counter",
            "Finished cycles, by result.",
        );
        for (outcome, count) in CycleOutcome::ALL.iter().zip(n.cycles) {
            let _ = writeln!(
                out,
                "voss_customers_cycles_total{{result=\"{}\"}} {count}",
                outcome.label()
            );
        }
        out
    }
}

/// The `# HELP` and `# TYPE` lines of the family `voss_customers_NAME`.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP voss_customers_{name} {help}");
    let _ = writeln!(out, "# TYPE voss_customers_{name} {kind}");
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The metrics server could not start.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot serve metrics on {addr}: {source}: give --metrics-listen a free address, e.g. 0.0.0.0:9184"
)]
pub struct MetricsListenError {
    pub addr: SocketAddr,
    #[source]
    pub source: std::io::Error,
}

/// Binds `addr` and serves `/metrics`, `/healthz` and `/readyz` until `stop` is cancelled.
/// Returns the address bound (its port when `addr` asked for port 0) and the server task.
pub async fn serve(
    addr: SocketAddr,
    metrics: Metrics,
    stop: CancellationToken,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), MetricsListenError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsListenError { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| MetricsListenError { addr, source })?;
    let app = Router::new()
        .route("/metrics", get(metrics_page))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readiness))
        .with_state(metrics);
    let task = tokio::spawn(async move {
        let stopped = async move { stop.cancelled().await };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            eprintln!("voss-customers reconcile: the metrics server stopped: {error}");
        }
    });
    Ok((bound, task))
}

async fn metrics_page(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
}

async fn readiness(State(metrics): State<Metrics>) -> impl IntoResponse {
    match metrics.not_ready() {
        None => (StatusCode::OK, "ready\n".to_owned()),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_cycle_sets_drift_counters_and_readiness() {
        let metrics = Metrics::default();
        assert_eq!(metrics.not_ready(), Some("no cycle has finished yet"));
        metrics.cycle_started();
        assert!(
            metrics
                .render()
                .contains("voss_customers_cycle_in_progress 1\n")
        );
        metrics.cycle_finished(&CycleFacts {
            outcome: CycleOutcome::Incomplete,
            plan: Some(Summary {
                create: 4,
                delete: 2,
                blocked: 1,
                ..Summary::default()
            }),
            steps: Some(Counts {
                applied: 10,
                uncertain: 0,
                failed: 1,
                skipped: 1,
            }),
            duration: Duration::from_millis(1500),
        });
        let text = metrics.render();
        for line in [
            "voss_customers_drift{kind=\"create\"} 4\n",
            "voss_customers_drift{kind=\"delete\"} 2\n",
            "voss_customers_drift{kind=\"blocked\"} 1\n",
            "voss_customers_changes_applied_total 10\n",
            "voss_customers_changes_failed_total 1\n",
            "voss_customers_last_success_timestamp_seconds 0\n",
            "voss_customers_last_cycle_duration_seconds 1.500000\n",
            "voss_customers_cycle_in_progress 0\n",
            "voss_customers_cycles_total{result=\"incomplete\"} 1\n",
            "voss_customers_cycle_duration_seconds_count 1\n",
        ] {
            assert!(text.contains(line), "{line}missing from\n{text}");
        }
        assert_eq!(metrics.not_ready(), None);
        metrics.cycle_finished(&CycleFacts {
            outcome: CycleOutcome::Error,
            plan: None,
            steps: None,
            duration: Duration::from_millis(10),
        });
        assert_eq!(
            metrics.not_ready(),
            Some(
                "the last cycle stopped with an error before it could apply (the live system \
                 unreadable, or a local admin password variable not set): see its log line"
            )
        );
        // Every sample line belongs to a family announced with # TYPE.
        for line in metrics.render().lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            let family = name.trim_end_matches("_sum").trim_end_matches("_count");
            assert!(
                metrics.render().contains(&format!("# TYPE {family} ")),
                "{line}"
            );
        }
    }
}
