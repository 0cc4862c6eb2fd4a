//! `plan --changed-since REV` for pull requests, against a simulator whose lists carry
//! only summary fields: instances are read only for the customers whose declaration
//! changed since REV, and the plan (text, Markdown, JSON) says it is partial and names
//! the customers it did not read. Without the flag every declared customer is read.

mod sim_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sim_support::{Harness, start};
use voss_customers::sim::SimConfig;

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");
const EMAIL: &str = "admin@p.example";
const PASSWORD: &str = "changed-since-secret";

/// Live: A, B (its description drifted: live `b-live`), C under R1; D under R2.
const SEED: &str = "\
hierarchy:
  - {path: sys.hcs.P, type: provider, domain: p.example}
  - {path: sys.hcs.P.R1, type: reseller}
  - {path: sys.hcs.P.R2, type: reseller}
admins:
  - {email: admin@p.example, password: changed-since-secret, hierarchy: sys.hcs.P}
customers:
  - {hierarchy: sys.hcs.P.R1, name: A, description: a}
  - {hierarchy: sys.hcs.P.R1, name: B, description: b-live}
  - {hierarchy: sys.hcs.P.R1, name: C, description: c}
  - {hierarchy: sys.hcs.P.R2, name: D, description: d}
";

const COMMITTED: &str = "\
scopes:
  - {hierarchy: sys.hcs.P.R1, prune: true}
customers:
  - {name: A, hierarchy: sys.hcs.P.R1, description: a}
  - {name: B, hierarchy: sys.hcs.P.R1, description: b}
  - {name: C, hierarchy: sys.hcs.P.R1, description: c}
  - {name: D, hierarchy: sys.hcs.P.R2, description: d}
";

/// The pull request: A's description changes and E is added; B, C and D do not change.
const WORKING: &str = "\
scopes:
  - {hierarchy: sys.hcs.P.R1, prune: true}
customers:
  - {name: A, hierarchy: sys.hcs.P.R1, description: a2}
  - {name: B, hierarchy: sys.hcs.P.R1, description: b}
  - {name: C, hierarchy: sys.hcs.P.R1, description: c}
  - {name: D, hierarchy: sys.hcs.P.R2, description: d}
  - {name: E, hierarchy: sys.hcs.P.R2, description: e}
";

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// A repository with COMMITTED at HEAD and WORKING in the working tree, and the seed.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.com"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    std::fs::create_dir_all(root.join("customers")).unwrap();
    std::fs::write(root.join("customers/all.yaml"), COMMITTED).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "live"]);
    std::fs::write(root.join("customers/all.yaml"), WORKING).unwrap();
    let seed = root.join("seed.yaml");
    std::fs::write(&seed, SEED).unwrap();
    (dir, seed)
}

/// Runs `plan customers ARGS` in `dir` against the simulator; (stdout, customer GETs).
async fn plan(h: &Harness, dir: &Path, args: &[&str]) -> (String, u64) {
    let before = instance_reads(&h.stats().await);
    let out = run_plan(h, dir, args).await;
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = instance_reads(&h.stats().await);
    (String::from_utf8(out.stdout).unwrap(), after - before)
}

/// `plan customers ARGS` in `dir` against the simulator, as the admin; its output.
async fn run_plan(h: &Harness, dir: &Path, args: &[&str]) -> std::process::Output {
    let (dir, url) = (dir.to_owned(), h.sim.url());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .current_dir(dir)
            .arg("plan")
            .arg("customers")
            .args(args)
            .env("VOSS_URL", url)
            .env("VOSS_USERNAME", EMAIL)
            .env("VOSS_PASSWORD", PASSWORD)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// GETs of customers so far, lists and instances (the simulator counts them under one
/// route).
fn instance_reads(stats: &Value) -> u64 {
    let routes: BTreeMap<String, Value> =
        serde_json::from_value(stats["by_route"].clone()).unwrap();
    routes
        .get("GET relation/HcsCustomerREL")
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

fn changes(plan: &Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_request_plan_reads_only_the_changed_customers_and_says_so() {
    let (dir, seed) = repo();
    let h = start(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;

    let (json, reads) = plan(
        &h,
        dir.path(),
        &["--format", "json", "--changed-since", "HEAD"],
    )
    .await;
    let partial: Value = serde_json::from_str(&json).unwrap();
    // Two lists (the customers at the provider, the HCM-F ones for E), then only A's
    // instance.
    assert_eq!(reads, 2 + 1, "only A's instance is read: {json}");
    // B's drift is not seen: its declaration did not change and it was not read.
    assert_eq!(
        changes(&partial),
        [("create", "E"), ("update", "A")].map(|(a, n)| (a.to_owned(), n.to_owned()))
    );
    assert_eq!(partial["summary"]["update"], 1);
    assert_eq!(partial["summary"]["unchanged"], 3);
    assert_eq!(partial["partial"]["changed_since"], "HEAD");
    let not_read: Vec<(&str, &str)> = partial["partial"]["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["hierarchy"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        not_read,
        [
            ("sys.hcs.P.R1", "B"),
            ("sys.hcs.P.R1", "C"),
            ("sys.hcs.P.R2", "D")
        ]
    );

    let (text, _) = plan(&h, dir.path(), &["--changed-since", "HEAD"]).await;
    assert!(
        text.contains("Partial plan (--changed-since HEAD): 3 customer(s)")
            && text.contains("B at sys.hcs.P.R1"),
        "{text}"
    );
    let (markdown, _) = plan(
        &h,
        dir.path(),
        &["--format", "markdown", "--changed-since", "HEAD"],
    )
    .await;
    assert!(markdown.contains("Partial plan"), "{markdown}");

    // Without the flag: every declared customer is read, B's drift shows, no `partial`.
    let (json, reads) = plan(&h, dir.path(), &["--format", "json"]).await;
    let whole: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(reads, 2 + 4, "A, B, C and D: {json}");
    assert!(whole.get("partial").is_none());
    assert!(changes(&whole).contains(&("update".to_owned(), "B".to_owned())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_revision_is_named_and_nothing_is_read() {
    let (dir, seed) = repo();
    let h = start(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    let out = run_plan(&h, dir.path(), &["--changed-since", "no-such-branch"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown git revision `no-such-branch`"),
        "{stderr}"
    );
    let total: u64 = h.stats().await["by_route"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(
        total, 0,
        "the revision is checked before the server is asked"
    );
}

/// A repository whose revision holds twelve files (more than the eight `git show` run
/// at once), one live customer each, plus `extra` at the revision only; in the working
/// tree customer 7's description changes and `extra` is gone.
fn many_files(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, seed) = repo();
    let root = dir.path();
    let live: String = (0..12)
        .map(|i| format!("  - {{hierarchy: sys.hcs.P.R2, name: M{i}, description: m}}\n"))
        .collect();
    std::fs::write(&seed, format!("{SEED}{live}")).unwrap();
    std::fs::remove_file(root.join("customers/all.yaml")).unwrap();
    for i in 0..12 {
        std::fs::write(
            root.join(format!("customers/f{i:02}.yaml")),
            format!("customers:\n  - {{name: M{i}, hierarchy: sys.hcs.P.R2, description: m}}\n"),
        )
        .unwrap();
    }
    std::fs::write(root.join("customers/extra.yaml"), extra).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "twelve files"]);
    std::fs::remove_file(root.join("customers/extra.yaml")).unwrap();
    std::fs::write(
        root.join("customers/f07.yaml"),
        "customers:\n  - {name: M7, hierarchy: sys.hcs.P.R2, description: m2}\n",
    )
    .unwrap();
    (dir, seed)
}

/// Every file at the revision is compared (twelve, fetched eight at a time), a file named
/// twice (`customers` and one of its files) counts once, and only the changed customer's
/// instance is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_files_at_the_revision_are_compared_once_each() {
    let (dir, seed) = many_files("customers: []\n");
    let h = start(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    // `customers` and one of its files: at the revision too, its customer is declared once.
    let (json, reads) = plan(
        &h,
        dir.path(),
        &[
            "customers/f03.yaml",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
        ],
    )
    .await;
    let partial: Value = serde_json::from_str(&json).unwrap();
    // The lists, then M7's instance only: the eleven others are unchanged at the revision.
    assert_eq!(partial["partial"]["not_read"].as_array().unwrap().len(), 11);
    assert_eq!(
        changes(&partial),
        [("update", "M7")].map(|(a, n)| (a.to_owned(), n.to_owned())),
        "{json}"
    );
    // The customers list, then M7's instance: nothing else.
    assert_eq!(reads, 1 + 1, "{json}");
}

/// Files at the revision that do not validate stop the plan, and are named as
/// `REV:path` with their line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_at_the_revision_that_do_not_validate_are_named_and_no_plan_is_made() {
    let (dir, seed) = many_files("customers:\n  - {name: Lost}\n");
    let h = start(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    let out = run_plan(&h, dir.path(), &["--changed-since", "HEAD"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HEAD:customers/extra.yaml:2:"), "{stderr}");
    assert!(stderr.contains("hierarchy"), "{stderr}");
    assert!(out.stdout.is_empty(), "no plan is printed");
}
