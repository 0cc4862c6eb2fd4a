//! `reconcile PATHS --interval DURATION`: plan and apply in a loop (controller mode), one
//! JSON log line per cycle on stdout. The files are read again every cycle; deletes obey
//! the same limits as `apply`; after a failed cycle the wait doubles (up to 8× the
//! interval). SIGTERM or Ctrl-C cancels the token the cycles share (as for `apply`): no
//! further change starts, the cycle in flight finishes and logs its line, and the loop
//! ends without waiting for the interval.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::ser::SerializeMap;
use tokio_util::sync::CancellationToken;

use super::Exit;
use super::apply::cancel_on_signal;
use super::common::{emit, with_target};
use super::connection::Connection;
use crate::apply::Counts;
use crate::desired;
use crate::ops::apply::apply_plan;
use crate::ops::connect::Target;
use crate::ops::plan::make_plan;
use crate::ops::reconcile_metrics::{CycleFacts, CycleOutcome, Metrics, serve};
use crate::plan::{Refusal, Summary, safety};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  voss-customers reconcile customers/ --interval 5m --url https://voss.example.com"
)]
pub struct Args {
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Time between cycles, e.g. 30s, 5m, 1h.
    #[arg(long, value_parser = parse_duration)]
    pub interval: Duration,
    #[command(flatten)]
    pub connection: Connection,
    /// Refuse a cycle that deletes more customers than this.
    #[arg(long, default_value_t = 5)]
    pub max_deletes: usize,
    /// How many customers are changed at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Try a change that failed transiently up to this many more times in a cycle,
    /// reading the customer again before each retry (as `apply --retries`).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Stop after this many cycles, 1 or more (default: run until SIGTERM).
    #[arg(long, value_parser = parse_cycles)]
    pub cycles: Option<u64>,
    /// Serve Prometheus metrics on http://ADDR/metrics, with /healthz and /readyz, e.g.
    /// 0.0.0.0:9184 in a container (port 0 picks a free one; the address is printed on
    /// stderr as `metrics on http://ADDR/metrics`).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,
}

/// `--cycles N`: a whole number, at least 1 (0 cycles would do nothing and say nothing).
pub fn parse_cycles(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err(
            "0 cycles would do nothing: give 1 or more, or leave --cycles out to run until SIGTERM"
                .to_owned(),
        ),
        Ok(n) => Ok(n),
        Err(e) => Err(format!(
            "`{text}` is not a number of cycles ({e}): give 1 or more"
        )),
    }
}

/// A duration as users write it, read by humantime: `250ms`, `30s`, `5m`, `1h`, also
/// `1h 30m`, `90sec`, `2days`; more than zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration ({e}): write e.g. 30s, 5m or 1h"))?;
    if duration.is_zero() {
        return Err(format!(
            "`{text}` is no time at all: the interval must be more than zero, e.g. 30s, 5m or 1h"
        ));
    }
    Ok(duration)
}

/// One line of the reconcile log: the cycle's number, when it ended (Unix seconds) and
/// what it did. Serialised as `{"at": …, "cycle": …, "result": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// When the cycle ended, in seconds since 1970 (UTC).
    pub at: u64,
    /// The cycle's number, from 1.
    pub cycle: u64,
    /// What the cycle did.
    pub result: CycleResult,
}

/// What one plan-and-apply cycle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleResult {
    /// The files are not valid: how many problems, and the first one.
    InvalidFiles { problems: usize, first: String },
    /// The live system could not be read, or a local admin password is missing.
    Error { error: String },
    /// A safety rule refused the plan; nothing was written.
    Refused(Refusal),
    /// The live system already matches the files.
    UpToDate,
    /// The plan was carried out, in whole or in part.
    Applied(AppliedCycle),
}

/// A cycle that applied its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedCycle {
    /// The plan's changes, blocked ones included.
    pub changes: usize,
    /// How its steps ended.
    pub counts: Counts,
    /// The plan's blocked changes (also counted as skipped).
    pub blocked: usize,
    /// Ctrl-C or SIGTERM stopped it from starting further changes.
    pub interrupted: bool,
    /// The steps that needed more than one attempt (transient failures retried).
    pub retried: usize,
}

impl CycleResult {
    /// A healthy cycle: nothing to do, or every step applied.
    pub fn ok(&self) -> bool {
        match self {
            CycleResult::UpToDate => true,
            CycleResult::Applied(applied) => {
                let Counts {
                    uncertain,
                    failed,
                    skipped,
                    ..
                } = applied.counts;
                !applied.interrupted && applied.blocked == 0 && uncertain + failed + skipped == 0
            }
            CycleResult::InvalidFiles { .. }
            | CycleResult::Error { .. }
            | CycleResult::Refused(_) => false,
        }
    }
}

/// The log line's `result` object: `ok` and each variant's keys, in the order the log has
/// always had (sorted by name).
impl Serialize for CycleResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ok = self.ok();
        match self {
            CycleResult::InvalidFiles { problems, first } => {
                let mut map = serializer.serialize_map(Some(4))?;
                map.serialize_entry("error", "invalid files")?;
                map.serialize_entry("first", first)?;
                map.serialize_entry("ok", &ok)?;
                map.serialize_entry("problems", problems)?;
                map.end()
            }
            CycleResult::Error { error } => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("error", error)?;
                map.serialize_entry("ok", &ok)?;
                map.end()
            }
            CycleResult::Refused(refusal) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("ok", &ok)?;
                map.serialize_entry("refused", &refusal.to_string())?;
                map.end()
            }
            CycleResult::UpToDate => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("changes", &0)?;
                map.serialize_entry("ok", &ok)?;
                map.end()
            }
            CycleResult::Applied(applied) => {
                let mut map = serializer.serialize_map(Some(8))?;
                map.serialize_entry("applied", &applied.counts.applied)?;
                map.serialize_entry("blocked", &applied.blocked)?;
                map.serialize_entry("changes", &applied.changes)?;
                map.serialize_entry("failed", &applied.counts.failed)?;
                map.serialize_entry("interrupted", &applied.interrupted)?;
                map.serialize_entry("ok", &ok)?;
                map.serialize_entry("retried", &applied.retried)?;
                map.serialize_entry("uncertain", &applied.counts.uncertain)?;
                map.end()
            }
        }
    }
}

/// Runs cycles until `--cycles` is reached or a stop signal comes: exit 3 when the last
/// cycle was refused, 1 when it was not ok, else 0.
pub fn run(args: Args) -> Exit {
    with_target(&args.connection, async |target| {
        let cancel = CancellationToken::new();
        let metrics = Metrics::default();
        // The first cycle starts as soon as the server is up.
        metrics.cycle_started();
        let metrics_stop = CancellationToken::new();
        let server = match args.metrics_listen {
            None => None,
            Some(addr) => match serve(addr, metrics.clone(), metrics_stop.clone()).await {
                Ok((bound, task)) => {
                    eprintln!("metrics on http://{bound}/metrics");
                    Some(task)
                }
                Err(error) => return super::common::fail(error),
            },
        };
        let watcher = cancel_on_signal(&cancel, None);
        let mut failures: u32 = 0;
        let mut refused;
        let mut cycle: u64 = 0;
        loop {
            cycle += 1;
            metrics.cycle_started();
            let started = std::time::Instant::now();
            let mut summary = None;
            let result = run_cycle(target, &args, &cancel, &mut summary).await;
            metrics.cycle_finished(&facts(&result, summary, started.elapsed()));
            failures = if result.ok() {
                0
            } else {
                failures.saturating_add(1)
            };
            refused = matches!(result, CycleResult::Refused(_));
            let line = LogLine {
                at: unix_seconds(),
                cycle,
                result,
            };
            match serde_json::to_string(&line) {
                Ok(json) => emit(&format!("{json}\n")),
                Err(error) => eprintln!("error: cycle {cycle}: cannot write its log line: {error}"),
            }
            // A controller whose log cannot be written stops after the cycle it finished.
            if cancel.is_cancelled()
                || args.cycles.is_some_and(|n| cycle >= n)
                || super::common::output_failed()
            {
                break;
            }
            let wait = args
                .interval
                .saturating_mul(2u32.saturating_pow(failures.min(3)));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                () = cancel.cancelled() => break,
            }
        }
        watcher.abort();
        metrics_stop.cancel();
        if let Some(server) = server {
            let _ = server.await;
        }
        if refused {
            Exit::Refused
        } else if failures == 0 {
            Exit::Ok
        } else {
            Exit::Error
        }
    })
}

/// What the metrics count of a finished cycle; `summary` is its plan's, when it made one.
fn facts(result: &CycleResult, summary: Option<Summary>, duration: Duration) -> CycleFacts {
    let outcome = match result {
        _ if result.ok() => CycleOutcome::Ok,
        CycleResult::Applied(_) | CycleResult::UpToDate => CycleOutcome::Incomplete,
        CycleResult::Refused(_) => CycleOutcome::Refused,
        CycleResult::InvalidFiles { .. } => CycleOutcome::InvalidFiles,
        CycleResult::Error { .. } => CycleOutcome::Error,
    };
    let steps = match result {
        CycleResult::Applied(applied) => Some(applied.counts),
        _ => None,
    };
    CycleFacts {
        outcome,
        plan: summary,
        steps,
        duration,
    }
}

/// One plan-and-apply cycle; `summary` gets its plan's counts once the plan is made.
async fn run_cycle(
    target: &Target,
    args: &Args,
    cancel: &CancellationToken,
    summary: &mut Option<Summary>,
) -> CycleResult {
    let desired = match desired::load(&args.paths) {
        Ok(desired) => desired,
        Err(diagnostics) => {
            return CycleResult::InvalidFiles {
                problems: diagnostics.len(),
                first: diagnostics
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            };
        }
    };
    // Each cycle checks the names it is about to send before anything is written.
    if let Err(error) = crate::ops::preflight::for_desired(&target.client, &desired).await {
        return CycleResult::Error {
            error: error.to_string(),
        };
    }
    let (plan, live) = match make_plan(&target.client, &desired).await {
        Ok(made) => made,
        Err(error) => {
            return CycleResult::Error {
                error: error.to_string(),
            };
        }
    };
    *summary = Some(plan.summary);
    if let Err(refusal) = safety::check(&plan, &live, args.max_deletes) {
        return CycleResult::Refused(refusal);
    }
    if plan.is_empty() {
        return CycleResult::UpToDate;
    }
    let options = crate::apply::ApplyOptions {
        concurrency: usize::from(args.concurrency),
        retries: args.retries,
    };
    match apply_plan(&target.client, &plan, options, cancel).await {
        Err(missing) => CycleResult::Error {
            error: missing.to_string(),
        },
        Ok(report) => CycleResult::Applied(AppliedCycle {
            changes: plan.changes.len(),
            counts: report.counts(),
            blocked: plan.summary.blocked,
            interrupted: report.interrupted,
            retried: report.retried(),
        }),
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_cycles_are_refused() {
        assert_eq!(parse_cycles("3"), Ok(3));
        let error = parse_cycles("0").unwrap_err();
        assert!(error.contains("1 or more"), "{error}");
        assert!(parse_cycles("-1").is_err());
    }

    #[test]
    fn durations_read_as_users_write_them() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration(" 1h 30m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2days"), Ok(Duration::from_secs(172_800)));
    }

    #[test]
    fn a_duration_without_a_known_unit_or_of_zero_is_refused_with_an_example() {
        let no_unit = parse_duration("5").unwrap_err();
        assert!(no_unit.contains("`5` is not a duration"), "{no_unit}");
        assert!(no_unit.contains("time unit needed"), "{no_unit}");
        assert!(no_unit.contains("e.g. 30s"), "{no_unit}");
        let unknown = parse_duration("5 fortnights").unwrap_err();
        assert!(unknown.contains("unknown time unit"), "{unknown}");
        for zero in ["0s", "0"] {
            let error = parse_duration(zero).unwrap_err();
            assert!(error.contains("more than zero"), "{zero}: {error}");
        }
        assert!(parse_duration("").is_err());
    }

    fn line(result: CycleResult) -> String {
        serde_json::to_string(&LogLine {
            at: 1_700_000_000,
            cycle: 3,
            result,
        })
        .unwrap()
    }

    fn applied(counts: Counts, blocked: usize, interrupted: bool) -> CycleResult {
        CycleResult::Applied(AppliedCycle {
            changes: 11,
            counts,
            blocked,
            interrupted,
            retried: 2,
        })
    }

    #[test]
    fn each_cycle_result_keeps_the_log_lines_exact_keys() {
        let cases = [
            (
                CycleResult::InvalidFiles {
                    problems: 2,
                    first: "a.yaml:1:1: bad".into(),
                },
                r#"{"at":1700000000,"cycle":3,"result":{"error":"invalid files","first":"a.yaml:1:1: bad","ok":false,"problems":2}}"#,
            ),
            (
                CycleResult::Error {
                    error: "cannot reach".into(),
                },
                r#"{"at":1700000000,"cycle":3,"result":{"error":"cannot reach","ok":false}}"#,
            ),
            (
                CycleResult::Refused(Refusal::TooManyDeletes {
                    deletes: 2,
                    max_deletes: 0,
                }),
                r#"{"at":1700000000,"cycle":3,"result":{"ok":false,"refused":"refusing to delete 2 customers: --max-deletes allows 0; check the files and scopes, and if the deletes are intended run again with --max-deletes 2"}}"#,
            ),
            (
                CycleResult::UpToDate,
                r#"{"at":1700000000,"cycle":3,"result":{"changes":0,"ok":true}}"#,
            ),
            (
                applied(
                    Counts {
                        applied: 7,
                        uncertain: 1,
                        failed: 2,
                        skipped: 1,
                    },
                    1,
                    false,
                ),
                r#"{"at":1700000000,"cycle":3,"result":{"applied":7,"blocked":1,"changes":11,"failed":2,"interrupted":false,"ok":false,"retried":2,"uncertain":1}}"#,
            ),
        ];
        for (result, expected) in cases {
            assert_eq!(line(result), expected);
        }
    }

    #[test]
    fn a_cycle_is_ok_only_when_every_step_was_applied() {
        let all = Counts {
            applied: 11,
            ..Counts::default()
        };
        assert!(CycleResult::UpToDate.ok());
        assert!(applied(all, 0, false).ok());
        assert!(!applied(all, 0, true).ok(), "interrupted");
        let one = |f: fn(&mut Counts)| {
            let mut counts = all;
            f(&mut counts);
            counts
        };
        assert!(!applied(one(|c| c.uncertain = 1), 0, false).ok());
        assert!(!applied(one(|c| c.failed = 1), 0, false).ok());
        assert!(!applied(one(|c| c.skipped = 1), 1, false).ok(), "blocked");
        assert!(!CycleResult::Error { error: "x".into() }.ok());
    }
}
