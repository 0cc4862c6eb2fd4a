//! Issue 12, items 1 and 2, as users meet them: `plan` and `apply` against the built-in
//! simulator (127.0.0.1, an ephemeral port) never delete a live customer because its file
//! was left out of the read or because its name was rewritten in another letter case.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SEED: &str = "\
hierarchy:
  - {path: sys.hcs.CS-P, type: provider, domain: cs-p.example}
  - {path: sys.hcs.CS-P.CS-R1, type: reseller, domain: r1.example}
admins:
  - {email: Admin@cs-p.example, password: provider-secret, hierarchy: sys.hcs.CS-P}
customers:
  - {hierarchy: sys.hcs.CS-P.CS-R1, name: Alpha}
  - {hierarchy: sys.hcs.CS-P.CS-R1, name: Bravo}
  - {hierarchy: sys.hcs.CS-P.CS-R1, name: Charlie}
  - {hierarchy: sys.hcs.CS-P.CS-R1, name: Wayne Enterprises}
";

const SCOPE: &str = "scopes:\n  - {hierarchy: sys.hcs.CS-P.CS-R1, prune: true}\n";

fn customers(names: &[&str]) -> String {
    let mut text = String::from("customers:\n");
    for name in names {
        text.push_str(&format!(
            "  - {{name: {name}, hierarchy: sys.hcs.CS-P.CS-R1}}\n"
        ));
    }
    text
}

fn run(args: &[&str], seed: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(args)
        .arg("--sim")
        .arg(seed)
        .env_remove("VOSS_URL")
        .output()
        .unwrap()
}

fn plan_json(dir: &Path, seed: &Path) -> (Option<i32>, Value, String) {
    let output = run(
        &["plan", &dir.display().to_string(), "--format", "json"],
        seed,
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let plan = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), plan, stderr)
}

/// (action, name, blocked?) of each change.
fn changes(plan: &Value) -> Vec<(String, String, bool)> {
    plan["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["action"].as_str().unwrap_or("").to_string(),
                c["name"].as_str().unwrap_or("").to_string(),
                c["blocked"].as_array().is_some_and(|b| !b.is_empty()),
            )
        })
        .collect()
}

#[test]
fn an_upper_case_extension_or_a_linked_directory_is_read_not_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    fs::write(&seed, SEED).unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    fs::write(
        d.join("scopes.yaml"),
        format!("{SCOPE}{}", customers(&["Alpha", "Wayne Enterprises"])),
    )
    .unwrap();
    fs::write(d.join("more.YAML"), customers(&["Bravo"])).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("c.yml"), customers(&["Charlie"])).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, d.join("linked")).unwrap();
    #[cfg(not(unix))]
    fs::copy(elsewhere.join("c.yml"), d.join("c.yml")).unwrap();

    let (code, plan, stderr) = plan_json(&d, &seed);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(changes(&plan), [], "{plan}");
    assert_eq!(plan["summary"]["unchanged"], 4, "{plan}");

    // A dangling `*.yaml` link stops the run before anything is read from the server.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("gone.yaml", d.join("delta.yaml")).unwrap();
        let (code, plan, stderr) = plan_json(&d, &seed);
        assert_eq!(code, Some(1));
        assert_eq!(plan, Value::Null);
        assert!(
            stderr.contains("error[file]: dangling symbolic link to `gone.yaml`")
                && stderr.contains("--> ")
                && stderr.contains("delta.yaml\n"),
            "{stderr}"
        );
    }
}

#[test]
fn a_name_rewritten_in_another_case_is_never_deleted_and_created() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    fs::write(&seed, SEED).unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    let file = d.join("customers.yaml");
    fs::write(
        &file,
        format!(
            "{SCOPE}{}",
            customers(&["Alpha", "Bravo", "Charlie", "WAYNE ENTERPRISES"])
        ),
    )
    .unwrap();
    let (code, plan, _) = plan_json(&d, &seed);
    assert_eq!(code, Some(1), "blocked changes fail the plan");
    assert_eq!(
        changes(&plan),
        [
            ("create".into(), "WAYNE ENTERPRISES".into(), true),
            ("delete".into(), "Wayne Enterprises".into(), true),
        ]
    );
    let reasons = plan["changes"][1]["blocked"][0].as_str().unwrap_or("");
    assert!(
        reasons.contains("add `renamed_from: Wayne Enterprises` to \"WAYNE ENTERPRISES\""),
        "{reasons}"
    );
    // apply deletes nothing.
    let output = run(&["apply", &d.display().to_string(), "--yes"], &seed);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !format!("{stdout}{stderr}").contains("done     delete"),
        "{stdout}{stderr}"
    );

    // Written as the hint says, it is a rename, and apply carries it out.
    fs::write(
        &file,
        format!(
            "{SCOPE}{}  - {{name: WAYNE ENTERPRISES, hierarchy: sys.hcs.CS-P.CS-R1, renamed_from: Wayne Enterprises}}\n",
            customers(&["Alpha", "Bravo", "Charlie"])
        ),
    )
    .unwrap();
    let (code, plan, stderr) = plan_json(&d, &seed);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        changes(&plan),
        [("rename".into(), "WAYNE ENTERPRISES".into(), false)]
    );
    let output = run(&["apply", &d.display().to_string(), "--yes"], &seed);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
