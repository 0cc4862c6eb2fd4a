//! `reconcile` and graceful stops end to end: the binary against a simulator that keeps
//! its state, as a controller and as an operator pressing Ctrl-C would see them.

mod e2e_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use e2e_support::*;
use serde_json::Value;

/// The keys of a JSON object (sorted).
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for `child` to exit, at most `limit`; its exit code.
fn wait_at_most(child: &mut Child, limit: Duration) -> i32 {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn reconcile_applies_then_finds_only_the_blocked_change_one_json_line_per_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let customers = customers();
    let run = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "reconcile",
            customers.to_str().unwrap(),
            "--interval",
            "100ms",
            "--cycles",
            "2",
        ],
    ));
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.all());
    assert!(run.stdout.starts_with(r#"{"at":"#), "{}", run.all());
    for line in &lines {
        assert_eq!(keys(line), ["at", "cycle", "result"]);
        assert_eq!(
            keys(&line["result"]),
            [
                "applied",
                "blocked",
                "changes",
                "failed",
                "interrupted",
                "ok",
                "retried",
                "uncertain"
            ]
        );
    }
    assert_eq!(lines[0]["cycle"], 1);
    assert_eq!(lines[0]["result"]["uncertain"], 0);
    assert_eq!(lines[0]["result"]["retried"], 0, "no fault, no retry");
    assert_eq!(lines[0]["result"]["applied"], 10, "{}", run.all());
    assert_eq!(lines[0]["result"]["failed"], 0);
    // The second cycle finds only Hooli's delete, still blocked by its dependents.
    assert_eq!(lines[1]["result"]["changes"], 1, "{}", run.all());
    assert_eq!(lines[1]["result"]["blocked"], 1);
    assert_eq!(lines[1]["result"]["applied"], 0);
    // A blocked change keeps the controller unhealthy.
    assert_eq!(run.code, 1);
}

#[test]
fn reconcile_refuses_a_cycle_beyond_the_deletion_limit() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let customers = customers();
    let run = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "reconcile",
            customers.to_str().unwrap(),
            "--interval",
            "100ms",
            "--cycles",
            "1",
            "--max-deletes",
            "0",
        ],
    ));
    let line: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(keys(&line["result"]), ["ok", "refused"]);
    assert_eq!(line["result"]["ok"], false);
    assert!(
        line["result"]["refused"]
            .as_str()
            .unwrap()
            .contains("--max-deletes"),
        "{}",
        run.all()
    );
    assert_eq!(run.code, 3, "refused by a safety rule: {}", run.all());
    // Nothing was written: the plan still has every change.
    let (_, plan) = plan_json(&sim, &[&customers]);
    assert_eq!(plan["summary"]["create"], 4);
}

#[test]
fn sigterm_stops_reconcile_between_cycles_without_waiting_for_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let customers = customers();
    let mut child = against(
        &sim,
        PROVIDER,
        &["reconcile", customers.to_str().unwrap(), "--interval", "1h"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let line: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(line["cycle"], 1);
    terminate(&child);
    wait_at_most(&mut child, Duration::from_secs(10));
}

#[test]
fn sigterm_during_apply_starts_nothing_new_and_reports_what_was_left() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &["--latency-ms", "150"]);
    let customers = customers();
    let mut child = against(
        &sim,
        PROVIDER,
        &[
            "apply",
            customers.to_str().unwrap(),
            "--yes",
            "--concurrency",
            "1",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Stop it once its first write has reached the simulator, bounded in time.
    let deadline = Instant::now() + Duration::from_secs(15);
    let wrote = || {
        let stats = sim.stats();
        stats["by_route"]
            .as_object()
            .is_some_and(|routes| routes.keys().any(|r| r.starts_with("POST")))
    };
    while !wrote() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(wrote(), "apply wrote nothing in 15 s");
    terminate(&child);
    let code = wait_at_most(&mut child, Duration::from_secs(30));
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_no_secret(&stdout);
    assert_no_secret(&stderr);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
    assert!(stdout.contains("Apply interrupted"), "{stdout}");
    assert!(
        stdout.contains("not started: apply was interrupted"),
        "{stdout}"
    );
    // Some changes are left, and a second apply converges.
    let (_, plan) = plan_json(&sim, &[&customers]);
    assert!(changes(&plan).len() > 1, "{:?}", changes(&plan));
    let second = run(&mut against(
        &sim,
        PROVIDER,
        &["apply", customers.to_str().unwrap(), "--yes"],
    ));
    assert!(second.stdout.contains("0 failed"), "{}", second.all());
    let (_, plan) = plan_json(&sim, &[&customers]);
    assert_eq!(
        changes(&plan),
        vec!["delete sys.hcs.CS-P.CS-R1 Hooli (blocked)".to_owned()]
    );
}
