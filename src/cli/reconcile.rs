//! `reconcile PATHS --interval DURATION`: plan and apply in a loop (controller mode), one
//! JSON log line per cycle on stdout. The files are read again every cycle; deletes obey
//! the same limits as `apply`; after a failed cycle the wait doubles (up to 8× the
//! interval); SIGTERM or Ctrl-C ends the loop once the cycle in flight has finished.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::Exit;
use super::apply::cancel_on_signal;
use super::common::{emit, with_target};
use super::connection::Connection;
use crate::desired;
use crate::ops::apply::apply_plan;
use crate::ops::connect::Target;
use crate::ops::plan::make_plan;
use crate::plan::safety;

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
    /// Stop after this many cycles (default: run until SIGTERM).
    #[arg(long)]
    pub cycles: Option<u64>,
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

pub fn run(args: Args) -> Exit {
    with_target(&args.connection, async |target| {
        let cancel = CancellationToken::new();
        let watcher = cancel_on_signal(&cancel, None);
        let mut failures: u32 = 0;
        let mut refused;
        let mut cycle: u64 = 0;
        loop {
            cycle += 1;
            let line = run_cycle(target, &args, &cancel).await;
            let ok = line.get("ok").and_then(serde_json::Value::as_bool) == Some(true);
            refused = line.get("refused").is_some();
            emit(&format!(
                "{}\n",
                json!({"cycle": cycle, "at": unix_seconds(), "result": line})
            ));
            failures = if ok { 0 } else { failures.saturating_add(1) };
            if cancel.is_cancelled() || args.cycles.is_some_and(|n| cycle >= n) {
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
        if refused {
            Exit::Refused
        } else if failures == 0 {
            Exit::Ok
        } else {
            Exit::Error
        }
    })
}

/// One plan-and-apply cycle, summarised as a JSON value.
async fn run_cycle(target: &Target, args: &Args, cancel: &CancellationToken) -> serde_json::Value {
    let desired = match desired::load(&args.paths) {
        Ok(desired) => desired,
        Err(diagnostics) => {
            let first = diagnostics
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return json!({"ok": false, "error": "invalid files", "problems": diagnostics.len(), "first": first});
        }
    };
    let (plan, live) = match make_plan(&target.client, &desired).await {
        Ok(made) => made,
        Err(error) => return json!({"ok": false, "error": error.to_string()}),
    };
    if let Err(refusal) = safety::check(&plan, &live, args.max_deletes) {
        return json!({"ok": false, "refused": refusal.to_string()});
    }
    if plan.is_empty() {
        return json!({"ok": true, "changes": 0});
    }
    match apply_plan(&target.client, &plan, usize::from(args.concurrency), cancel).await {
        Err(missing) => json!({"ok": false, "error": missing.to_string()}),
        Ok(report) => {
            let counts = report.counts();
            json!({
                "ok": report.all_applied() && !plan.has_blocked(),
                "changes": plan.changes.len(),
                "applied": counts.applied,
                "uncertain": counts.uncertain,
                "failed": counts.failed,
                "blocked": plan.summary.blocked,
                "interrupted": report.interrupted,
            })
        }
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

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
}
