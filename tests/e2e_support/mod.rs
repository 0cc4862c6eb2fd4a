//! Helpers for the end-to-end tests: run the `voss-customers` binary as a user would, against
//! a standalone simulator process on 127.0.0.1:0 (or `--sim` in-process), and read the
//! simulator back over plain HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

pub const PROVIDER: (&str, &str) = ("Admin@cs-p.example", "provider-secret");
pub const RESELLER1: (&str, &str) = ("ops@r1.example", "reseller-secret");
pub const ACME_PASSWORD: &str = "acme-local-pw-4711";
pub const CYBERDYNE_PASSWORD: &str = "cyberdyne-local-pw-0815";
/// Every password a test hands to the tool: none may ever be printed or saved.
pub const SECRETS: [&str; 4] = [
    "provider-secret",
    "reseller-secret",
    ACME_PASSWORD,
    CYBERDYNE_PASSWORD,
];

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seed() -> PathBuf {
    root().join("examples/sim-seed.yaml")
}

/// The whole tour the end-to-end tests run: the README's two examples together,
/// `examples/customers` (the green first run) and `examples/blocked-delete` (Hooli's delete,
/// blocked by its dependents), as one directory of two links (the loader follows links to
/// directories), made once under the test target's temporary directory.
pub fn customers() -> PathBuf {
    let tour = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples-tour");
    std::fs::create_dir_all(&tour).unwrap();
    for name in ["customers", "blocked-delete"] {
        let link = tour.join(name);
        if std::fs::symlink_metadata(&link).is_err() {
            // Another test binary may make the same link at the same time: that is fine.
            if let Err(error) =
                std::os::unix::fs::symlink(root().join("examples").join(name), &link)
            {
                assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists, "{error}");
            }
        }
    }
    tour
}

/// What the simulator's lists carry in this test binary: every field in
/// `e2e_full_lists` (which runs every end-to-end scenario again), else only the summary
/// (`name`, `hierarchy_path`), the simulator's default and the harder case for the client.
pub fn list_fields() -> &'static str {
    if env!("CARGO_CRATE_NAME") == "e2e_full_lists" {
        "full"
    } else {
        "summary"
    }
}

/// A simulator process; killed when dropped.
pub struct Sim {
    child: Child,
    pub url: String,
}

impl Sim {
    /// Starts `voss-customers sim --seed examples/sim-seed.yaml --listen 127.0.0.1:0 EXTRA`
    /// and waits for its `listening on URL` line. Its lists carry [`list_fields`].
    pub fn start(extra: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
            .arg("sim")
            .arg("--seed")
            .arg(seed())
            .args(["--listen", "127.0.0.1:0"])
            .args(["--list-fields", list_fields()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from sim: {line:?}"))
            .to_owned();
        Sim { child, url }
    }

    /// Starts a simulator keeping its state in `state` (survives across processes).
    pub fn with_state(state: &Path, extra: &[&str]) -> Sim {
        let mut args = vec!["--state", state.to_str().unwrap()];
        args.extend_from_slice(extra);
        Sim::start(&args)
    }

    /// `GET PATH` as `who` (or without auth), retried a bounded number of times over the
    /// simulator's injected 503/429 answers; the body as JSON.
    pub fn get(&self, path: &str, who: Option<(&str, &str)>) -> Value {
        let addr = self.url.strip_prefix("http://").unwrap();
        for _ in 0..50 {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let auth = who
                .map(|(user, password)| {
                    let token = base64::engine::general_purpose::STANDARD
                        .encode(format!("{user}:{password}"));
                    format!("Authorization: Basic {token}\r\n")
                })
                .unwrap_or_default();
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
            )
            .unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            let (head, body) = response.split_once("\r\n\r\n").unwrap();
            if head.starts_with("HTTP/1.1 200") {
                let body = if head
                    .to_ascii_lowercase()
                    .contains("transfer-encoding: chunked")
                {
                    dechunk(body)
                } else {
                    body.to_owned()
                };
                return serde_json::from_str(&body).unwrap();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("GET {path} kept failing");
    }

    pub fn stats(&self) -> Value {
        self.get("/_sim/stats", None)
    }

    /// Every customer the provider admin sees: (hierarchy, name), in the sim's order (every
    /// page; a customer's hierarchy is its `data.hierarchy_path`).
    pub fn customers(&self) -> Vec<(String, String)> {
        let mut all = Vec::new();
        for page in 0..100 {
            let body = self.get(
                &format!(
                    "/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P&format=json&skip={}",
                    all.len()
                ),
                Some(PROVIDER),
            );
            let resources = body["resources"].as_array().unwrap();
            all.extend(resources.iter().map(|r| {
                (
                    r["data"]["hierarchy_path"].as_str().unwrap().to_owned(),
                    r["data"]["name"].as_str().unwrap().to_owned(),
                )
            }));
            if resources.is_empty()
                || all.len() as u64 >= body["pagination"]["total"].as_u64().unwrap()
            {
                break;
            }
            assert!(page < 99, "more pages than expected");
        }
        all
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tool, with a clean environment: no VOSS_* but those set here, the local admins'
/// passwords set.
pub fn tool(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_voss-customers"));
    command.args(args).stdin(Stdio::null());
    for (key, _) in std::env::vars() {
        if key.starts_with("VOSS_") {
            command.env_remove(key);
        }
    }
    command
        .env("ACME_ADMIN_PASSWORD", ACME_PASSWORD)
        .env("CYBERDYNE_ADMIN_PASSWORD", CYBERDYNE_PASSWORD)
        .env("NO_COLOR", "1");
    command
}

/// The tool pointed at `sim` as `who`.
pub fn against(sim: &Sim, who: (&str, &str), args: &[&str]) -> Command {
    let mut command = tool(args);
    command
        .env("VOSS_URL", &sim.url)
        .env("VOSS_USERNAME", who.0)
        .env("VOSS_PASSWORD", who.1);
    command
}

/// A finished run: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertion messages and searches.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    };
    assert_no_secret(&run.all());
    run
}

pub fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "a password leaked: {secret}\n{text}"
        );
    }
}

/// The plan as JSON from `plan PATHS --format json` against `sim` as the provider admin.
pub fn plan_json(sim: &Sim, paths: &[&Path]) -> (i32, Value) {
    let mut args = vec!["plan".to_owned()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_owned()));
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run(&mut against(sim, PROVIDER, &args));
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("plan JSON does not parse: {e}\n{}", run.all()));
    (run.code, json)
}

/// The plan's changes as `action name` lines, sorted, for comparing plans.
pub fn changes(plan: &Value) -> Vec<String> {
    let mut out: Vec<String> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}{}",
                c["action"].as_str().unwrap(),
                c["hierarchy"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                if c["blocked"].as_array().is_some_and(|b| !b.is_empty()) {
                    " (blocked)"
                } else {
                    ""
                }
            )
        })
        .collect();
    out.sort();
    out
}

/// Writes `text` as a desired-state file in `dir`; its path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}
