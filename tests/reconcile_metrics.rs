//! `reconcile --metrics-listen ADDR` (issue 15, item 6): Prometheus metrics, `/healthz` and
//! `/readyz`, scraped during the first cycle and after it, against a simulator on
//! 127.0.0.1:0; the metrics server binds 127.0.0.1:0 too.

mod e2e_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use e2e_support::*;

/// `GET path` on `addr`: (status code, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// The value of the sample line `name` (with its labels) in a scrape.
fn sample(scrape: &str, name: &str) -> f64 {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{scrape}"))
        .parse()
        .unwrap()
}

#[test]
fn metrics_health_and_readiness_during_and_after_a_cycle() {
    let sim = Sim::start(&["--latency-ms", "100"]);
    let customers = root().join("examples/customers");
    let mut child = against(
        &sim,
        PROVIDER,
        &[
            "reconcile",
            customers.to_str().unwrap(),
            "--interval",
            "1h",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("metrics on http://")
        .and_then(|rest| rest.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("unexpected first stderr line: {line:?}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });

    // During the first cycle (each of its requests waits 100 ms): alive, not ready yet.
    assert_eq!(get(&addr, "/healthz"), (200, "ok\n".to_owned()));
    let (status, during) = get(&addr, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        sample(&during, "voss_customers_cycle_in_progress"),
        1.0,
        "{during}"
    );
    assert_eq!(
        sample(&during, "voss_customers_cycles_total{result=\"ok\"}"),
        0.0
    );
    let (status, why) = get(&addr, "/readyz");
    assert_eq!(
        (status, why.as_str()),
        (503, "not ready: no cycle has finished yet\n")
    );

    // After it: its log line, then the numbers of what it did.
    let logged = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the first cycle logged its line");
    assert!(logged.contains("\"ok\":true"), "{logged}");
    let (status, after) = get(&addr, "/metrics");
    assert_eq!(status, 200);
    for (name, value) in [
        ("voss_customers_drift{kind=\"create\"}", 4.0),
        ("voss_customers_drift{kind=\"update\"}", 2.0),
        ("voss_customers_drift{kind=\"migrate\"}", 1.0),
        ("voss_customers_drift{kind=\"rename\"}", 1.0),
        ("voss_customers_drift{kind=\"delete\"}", 1.0),
        ("voss_customers_drift{kind=\"blocked\"}", 0.0),
        // 9 changes and Umbrella's DN audit.
        ("voss_customers_changes_applied_total", 10.0),
        ("voss_customers_changes_failed_total", 0.0),
        ("voss_customers_cycle_in_progress", 0.0),
        ("voss_customers_cycles_total{result=\"ok\"}", 1.0),
        ("voss_customers_cycle_duration_seconds_count", 1.0),
    ] {
        assert_eq!(sample(&after, name), value, "{name}\n{after}");
    }
    assert!(sample(&after, "voss_customers_last_cycle_duration_seconds") > 0.5);
    assert!(sample(&after, "voss_customers_last_success_timestamp_seconds") > 1.7e9);
    assert_eq!(get(&addr, "/readyz"), (200, "ready\n".to_owned()));

    // SIGTERM: the loop ends, the metrics server with it, exit 0.
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        TcpStream::connect(&addr).is_err(),
        "the metrics server stopped"
    );
}

#[test]
fn a_metrics_address_in_use_is_a_clear_error_before_any_cycle() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let sim = Sim::start(&[]);
    let customers = root().join("examples/customers");
    let out = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "reconcile",
            customers.to_str().unwrap(),
            "--interval",
            "1h",
            "--metrics-listen",
            &addr,
        ],
    ));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .contains(&format!("error: cannot serve metrics on {addr}")),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "no cycle ran");
    // Nothing was written to the server.
    assert!(
        sim.stats()["by_route"]
            .as_object()
            .unwrap()
            .keys()
            .all(|route| route.starts_with("GET ")),
        "{}",
        sim.stats()
    );
}
