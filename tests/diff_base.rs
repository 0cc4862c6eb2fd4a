//! `diff --base REV`: the declared customers' changes since a git revision, in a
//! throw-away git repository.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn commit(dir: &Path, file: &str, content: &str, message: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn diff(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .arg("diff")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const FIRST: &str = "\
customers:
  - {name: Globex, hierarchy: sys.hcs.P.R1, description: old, deal_ids: [D-1]}
  - {name: Hooli, hierarchy: sys.hcs.P.R1}
  - {name: Stark, hierarchy: sys.hcs.P.R2, description: Stark Industries}
  - {name: Umbrella, hierarchy: sys.hcs.P.R1, account_id: A-1}
";

const SECOND: &str = "\
customers:
  - {name: Globex, hierarchy: sys.hcs.P.R1, description: new, deal_ids: [D-1], domain: globex.example}
  - {name: Stark Industries, hierarchy: sys.hcs.P.R2, renamed_from: Stark, description: Stark Industries}
  - {name: Umbrella, hierarchy: sys.hcs.P.R1, state: absent}
  - {name: Acme Corp, hierarchy: sys.hcs.P.R1, description: Flagship}
";

/// A repository with `customers/all.yaml` committed twice (FIRST, then SECOND) and a
/// README that is not YAML.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.com"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    commit(root, "README.md", "not yaml\n", "readme");
    commit(root, "customers/all.yaml", FIRST, "first");
    commit(root, "customers/all.yaml", SECOND, "second");
    dir
}

#[test]
fn text_reports_added_removed_renamed_and_changed_customers() {
    let dir = repo();
    let out = diff(dir.path(), &["--base", "HEAD~1", "customers"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "+ Acme Corp at sys.hcs.P.R1: added",
        "    description: (not written) → \"Flagship\"",
        "~ Globex at sys.hcs.P.R1: changed",
        "    description: \"old\" → \"new\"",
        "    domain: (not written) → \"globex.example\"",
        "- Hooli at sys.hcs.P.R1: no longer declared",
        "> Stark Industries at sys.hcs.P.R2: renamed from Stark",
        "~ Umbrella at sys.hcs.P.R1: changed (state: present → absent)",
        "    account_id: \"A-1\" → (not written)",
        "Summary: 1 added, 1 removed, 1 renamed, 2 changed.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("deal_ids"),
        "unchanged fields are not shown:\n{text}"
    );
}

#[test]
fn json_lists_each_change_with_its_kind_and_fields() {
    let dir = repo();
    let out = diff(
        dir.path(),
        &["--base", "HEAD~1", "customers/all.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["base"], "HEAD~1");
    let kinds: Vec<(String, String)> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        ("added", "Acme Corp"),
        ("changed", "Globex"),
        ("removed", "Hooli"),
        ("changed", "Umbrella"),
        ("renamed", "Stark Industries"),
    ];
    assert_eq!(
        kinds,
        expect.map(|(k, n)| (k.to_owned(), n.to_owned())).to_vec()
    );
    let renamed = &value["changes"][4];
    assert_eq!(renamed["old_name"], "Stark");
    let umbrella = &value["changes"][3];
    assert_eq!(umbrella["state_before"], "present");
    assert_eq!(umbrella["state_after"], "absent");
    assert_eq!(umbrella["fields"][0]["field"], "account_id");
    assert_eq!(umbrella["fields"][0]["after"], Value::Null);
    assert_eq!(value["summary"]["changed"], 2);
}

#[test]
fn no_difference_exits_zero_and_files_new_since_the_base_are_all_added() {
    let dir = repo();
    let same = diff(dir.path(), &["--base", "HEAD", "customers"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(stdout(&same).contains("No changes"));

    // Before the first commit of the file, every customer is added.
    let all_new = diff(
        dir.path(),
        &["--base", "HEAD~2", "customers", "--format", "json"],
    );
    assert_eq!(all_new.status.code(), Some(2), "{}", stderr(&all_new));
    let value: Value = serde_json::from_str(&stdout(&all_new)).unwrap();
    assert_eq!(value["summary"]["added"], 4);
}

#[test]
fn paths_are_taken_relative_to_the_current_directory() {
    let dir = repo();
    let sub = dir.path().join("customers");
    let out = diff(&sub, &["--base", "HEAD~1", "all.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).contains("renamed from Stark"));
}

#[test]
fn an_unknown_revision_is_an_error_naming_it() {
    let dir = repo();
    let out = diff(dir.path(), &["--base", "no-such-branch", "customers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown git revision `no-such-branch`"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn an_invalid_base_is_reported_at_the_revision() {
    let dir = repo();
    commit(
        dir.path(),
        "customers/all.yaml",
        "customers: [{name: X}]\n",
        "broken",
    );
    commit(dir.path(), "customers/all.yaml", SECOND, "fixed");
    let out = diff(dir.path(), &["--base", "HEAD~1", "customers"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("HEAD~1:customers/all.yaml"), "{err}");
    assert!(
        err.contains("files at revision `HEAD~1` are not valid"),
        "{err}"
    );
}
