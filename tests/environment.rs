//! The environment as users leave it: an empty `VOSS_*=` is unset (as an empty
//! `VOSS_URL=` always was), `reconcile --cycles 0` is refused, and `--timeout` bounds one
//! request. The real binary; the simulator and a silent listener on 127.0.0.1:0 only.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");
const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sim-seed.yaml");
const CUSTOMERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/customers");

/// Every variable this tool reads through clap.
const VARIABLES: &[&str] = &[
    "VOSS_CA_CERT",
    "VOSS_AUTH",
    "VOSS_PROFILE",
    "VOSS_RELEASE",
    "VOSS_PAGE_SIZE",
    "VOSS_READ_CONCURRENCY",
    "VOSS_UPDATE_METHOD",
    "VOSS_URL",
    "VOSS_USERNAME",
];

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).stdin(Stdio::null());
    for name in VARIABLES {
        command.env_remove(name);
    }
    command.env_remove("VOSS_PASSWORD");
    command
}

/// Runs with a 60 s bound.
fn output(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The plan's text without its first line (it names the simulator's random port).
fn body(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().skip(1).collect::<Vec<_>>().join("\n")
}

#[test]
fn an_empty_variable_is_unset() {
    let plain = output(command(&["plan", CUSTOMERS, "--sim", SEED]));
    assert!(body(&plain).contains("create"), "{}", text(&plain));
    for name in VARIABLES {
        let mut empty = command(&["plan", CUSTOMERS, "--sim", SEED]);
        empty.env(name, "");
        let out = output(empty);
        assert_eq!(
            out.status.code(),
            plain.status.code(),
            "with {name}= : {}",
            text(&out)
        );
        assert_eq!(body(&out), body(&plain), "with {name}= : {}", text(&out));
    }
}

#[test]
fn a_set_variable_is_still_read() {
    let mut bad = command(&["plan", CUSTOMERS, "--sim", SEED]);
    bad.env("VOSS_PAGE_SIZE", "0");
    let out = output(bad);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--page-size"), "{}", text(&out));
}

#[test]
fn zero_cycles_are_refused() {
    let out = output(command(&[
        "reconcile",
        CUSTOMERS,
        "--sim",
        SEED,
        "--interval",
        "1s",
        "--cycles",
        "0",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("0 cycles would do nothing"),
        "{}",
        text(&out)
    );
    assert!(out.stdout.is_empty(), "no cycle ran: {}", text(&out));
}

#[test]
fn a_timeout_bounds_each_request_to_a_silent_server() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(16) {
            open.push(stream);
        }
    });
    let mut plan = command(&["plan", CUSTOMERS, "--url", &url, "--timeout", "300ms"]);
    plan.env("VOSS_USERNAME", "admin@cs-p.example")
        .env("VOSS_PASSWORD", "pw");
    let started = Instant::now();
    let out = output(plan);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("0.3 s"), "{}", text(&out));
    assert!(took < Duration::from_secs(20), "{took:?}");
    drop(held);

    for bad in ["0s", "forever"] {
        let out = output(command(&[
            "plan",
            CUSTOMERS,
            "--sim",
            SEED,
            "--timeout",
            bad,
        ]));
        assert_eq!(out.status.code(), Some(1), "{bad}: {}", text(&out));
        assert!(text(&out).contains("--timeout"), "{}", text(&out));
    }
}
