//! `apply` and `drift` end to end: the binary against a simulator process whose state lives
//! in a temporary file, so that it survives across the tool's runs.

mod e2e_support;

use std::path::Path;
use std::time::{Duration, Instant};

use e2e_support::*;

const GLOBEX_EDITED: &str = "customers:
  - name: Globex
    hierarchy: sys.hcs.CS-P.CS-R1
    description: Globex, edited out of band
";

/// What is left after the examples are applied: the delete of Hooli, blocked by its devices.
fn only_blocked_hooli() -> Vec<String> {
    vec!["delete sys.hcs.CS-P.CS-R1 Hooli (blocked)".to_owned()]
}

/// The customers the examples leave live (sorted), each once.
fn converged_customers() -> Vec<(String, String)> {
    let mut expected: Vec<(String, String)> = [
        ("sys.hcs.CS-P", "Massive Dynamic"),
        ("sys.hcs.CS-P.CS-R1", "Acme Corp"),
        ("sys.hcs.CS-P.CS-R1", "Cyberdyne Systems"),
        ("sys.hcs.CS-P.CS-R1", "Globex"),
        ("sys.hcs.CS-P.CS-R1", "Hooli"),
        ("sys.hcs.CS-P.CS-R1", "Legacy Co"),
        ("sys.hcs.CS-P.CS-R1", "Umbrella"),
        ("sys.hcs.CS-P.CS-R2", "Initech"),
        ("sys.hcs.CS-P.CS-R2", "Stark Industries"),
        ("sys.hcs.CS-P.CS-R2", "Wayne Enterprises"),
    ]
    .map(|(h, n)| (h.to_owned(), n.to_owned()))
    .to_vec();
    expected.sort();
    expected
}

fn sorted(mut customers: Vec<(String, String)>) -> Vec<(String, String)> {
    customers.sort();
    customers
}

fn apply(sim: &Sim, paths: &[&Path], extra: &[&str]) -> Run {
    let mut args = vec!["apply".to_owned()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_owned()));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&mut against(sim, PROVIDER, &args))
}

/// The routes that wrote (anything but GET) in the sim's request counts.
fn writes(sim: &Sim) -> Vec<String> {
    sim.stats()["by_route"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|route| !route.starts_with("GET "))
        .cloned()
        .collect()
}

#[test]
fn apply_then_plan_leaves_only_the_blocked_delete_and_drift_only_hooli() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let applied = apply(&sim, &[&customers()], &["--yes"]);
    assert_eq!(applied.code, 1, "Hooli stays blocked\n{}", applied.all());
    assert!(
        applied
            .all()
            .contains("10 applied, 0 uncertain, 0 failed, 1 blocked, 0 skipped"),
        "{}",
        applied.all()
    );

    let (code, plan) = plan_json(&sim, &[&customers()]);
    assert_eq!(code, 1);
    assert_eq!(changes(&plan), only_blocked_hooli());
    assert_eq!(sorted(sim.customers()), converged_customers());

    let drift = run(&mut against(
        &sim,
        PROVIDER,
        &["drift", customers().to_str().unwrap()],
    ));
    assert_eq!(drift.code, 2, "{}", drift.all());
    assert!(
        drift
            .stdout
            .contains("Drift: 0 customers changed, 0 missing, 1 absent but live, 0 undeclared."),
        "{}",
        drift.all()
    );
    assert!(drift.stdout.contains("\"Hooli\""), "{}", drift.all());
}

#[test]
fn a_saved_plan_made_stale_by_a_concurrent_edit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let saved = dir.path().join("plan.json");
    let planned = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "plan",
            customers().to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    ));
    assert_eq!(planned.code, 1, "{}", planned.all());

    let edit = write_file(dir.path(), "globex.yaml", GLOBEX_EDITED);
    let edited = apply(&sim, &[&edit], &["--yes"]);
    assert_eq!(edited.code, 0, "{}", edited.all());
    let before = sorted(sim.customers());

    let stale = apply(&sim, &[], &["--plan", saved.to_str().unwrap(), "--yes"]);
    assert_eq!(stale.code, 3, "{}", stale.all());
    assert!(
        stale
            .stderr
            .contains("refused: the saved plan no longer matches the live system"),
        "{}",
        stale.all()
    );
    assert!(
        stale.stderr.contains("  stale: Globex at sys.hcs.CS-P."),
        "{}",
        stale.all()
    );
    assert_eq!(
        sorted(sim.customers()),
        before,
        "a refused plan changed something"
    );
}

#[test]
fn a_saved_plan_made_against_another_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let planned_on = Sim::with_state(&dir.path().join("a.json"), &[]);
    let other = Sim::with_state(&dir.path().join("b.json"), &[]);
    let saved = dir.path().join("plan.json");
    run(&mut against(
        &planned_on,
        PROVIDER,
        &[
            "plan",
            customers().to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    ));
    let refused = apply(&other, &[], &["--plan", saved.to_str().unwrap(), "--yes"]);
    assert_eq!(refused.code, 3, "{}", refused.all());
    let expected = format!(
        "refused: the plan was made against {}, not {}: make a plan against this server",
        planned_on.url, other.url
    );
    assert!(refused.stderr.contains(&expected), "{}", refused.all());
    assert_eq!(writes(&other), Vec::<String>::new());
}

#[test]
fn a_saved_plan_that_empties_a_pruned_scope_is_refused_like_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    // A file that owns CS-R2 with prune but declares none of its customers: the mistake
    // the rule exists for (a file left out, a bad merge).
    let scope_only = write_file(
        dir.path(),
        "r2.yaml",
        "scopes:\n  - {hierarchy: sys.hcs.CS-P.CS-R2, prune: true}\n",
    );
    let before = sorted(sim.customers());
    let fresh = apply(&sim, &[&scope_only], &["--yes"]);
    assert_eq!(fresh.code, 3, "{}", fresh.all());

    let saved = dir.path().join("plan.json");
    let planned = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "plan",
            scope_only.to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    ));
    assert!(
        planned.stderr.contains("apply will refuse"),
        "{}",
        planned.all()
    );
    let refused = apply(&sim, &[], &["--plan", saved.to_str().unwrap(), "--yes"]);
    assert_eq!(refused.code, 3, "{}", refused.all());
    assert!(
        refused.stderr.contains("sys.hcs.CS-P.CS-R2"),
        "{}",
        refused.all()
    );
    assert_eq!(writes(&sim), Vec::<String>::new());
    assert_eq!(sorted(sim.customers()), before);
}

#[test]
fn more_deletes_than_max_deletes_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let before = sorted(sim.customers());
    let refused = apply(&sim, &[&customers()], &["--yes", "--max-deletes", "0"]);
    assert_eq!(refused.code, 3, "{}", refused.all());
    assert!(
        refused.stderr.contains("--max-deletes"),
        "{}",
        refused.all()
    );
    assert_eq!(writes(&sim), Vec::<String>::new());
    assert_eq!(sorted(sim.customers()), before);
}

#[test]
fn apply_without_yes_and_without_a_terminal_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let refused = apply(&sim, &[&customers()], &[]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(refused.stderr.contains("--yes"), "{}", refused.all());
    assert_eq!(writes(&sim), Vec::<String>::new());
}

#[test]
fn a_missing_local_admin_password_stops_apply_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let customers_dir = customers();
    let args = ["apply", customers_dir.to_str().unwrap(), "--yes"];
    let refused = run(against(&sim, PROVIDER, &args).env_remove("ACME_ADMIN_PASSWORD"));
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.stderr.contains("ACME_ADMIN_PASSWORD"),
        "{}",
        refused.all()
    );
    assert!(
        refused.stderr.contains("nothing was changed"),
        "{}",
        refused.all()
    );
    assert_eq!(writes(&sim), Vec::<String>::new());

    let (_, plan) = plan_json(&sim, &[&customers()]);
    assert_eq!(
        plan["summary"]["create"], 4,
        "the creates are still pending"
    );
}

#[test]
fn a_few_applies_converge_under_faults_with_no_duplicate_and_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(
        &dir.path().join("state.json"),
        &[
            "--fail-rate",
            "0.2",
            "--txn-fail-rate",
            "0.1",
            "--rate-limit",
            "50",
            "--fault-seed",
            "3",
        ],
    );
    let mut runs = 0;
    loop {
        runs += 1;
        apply(&sim, &[&customers()], &["--yes"]);
        let (_, plan) = plan_json(&sim, &[&customers()]);
        if changes(&plan) == only_blocked_hooli() {
            break;
        }
        assert!(runs < 5, "not converged after 5 runs: {:?}", changes(&plan));
    }
    assert_eq!(sorted(sim.customers()), converged_customers());
}

#[test]
fn apply_killed_half_way_then_run_again_converges() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &["--latency-ms", "100"]);
    let customers_dir = customers();
    let mut child = against(
        &sim,
        PROVIDER,
        &["apply", customers_dir.to_str().unwrap(), "--yes"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    // Kill it once its first write has gone out, bounded in time.
    let deadline = Instant::now() + Duration::from_secs(15);
    while writes(&sim).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!writes(&sim).is_empty(), "apply wrote nothing in 15 s");
    child.kill().unwrap();
    child.wait().unwrap();
    // Half-way: deletes run after creates, so Soylent's is still pending.
    let (_, plan) = plan_json(&sim, &[&customers()]);
    assert!(
        changes(&plan).contains(&"delete sys.hcs.CS-P.CS-R2 Soylent".to_owned()),
        "apply finished before it was killed: {:?}",
        changes(&plan)
    );

    let mut runs = 0;
    loop {
        runs += 1;
        apply(&sim, &[&customers()], &["--yes"]);
        let (_, plan) = plan_json(&sim, &[&customers()]);
        if changes(&plan) == only_blocked_hooli() {
            break;
        }
        assert!(runs < 3, "not converged after 3 runs: {:?}", changes(&plan));
    }
    assert_eq!(sorted(sim.customers()), converged_customers());
}

#[test]
fn drift_reports_an_out_of_band_edit_with_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    apply(&sim, &[&customers()], &["--yes"]);
    let edit = write_file(dir.path(), "globex.yaml", GLOBEX_EDITED);
    assert_eq!(apply(&sim, &[&edit], &["--yes"]).code, 0);

    let drift = run(&mut against(
        &sim,
        PROVIDER,
        &["drift", customers().to_str().unwrap()],
    ));
    assert_eq!(drift.code, 2, "{}", drift.all());
    for text in [
        "~ \"Globex\" at sys.hcs.CS-P.CS-R1: changed live",
        "description: file \"Globex Corporation\", live \"Globex, edited out of band\"",
        "Drift: 1 customer changed, 0 missing, 1 absent but live, 0 undeclared.",
    ] {
        assert!(
            drift.stdout.contains(text),
            "missing {text:?}\n{}",
            drift.all()
        );
    }
}

#[test]
fn drift_finds_missing_and_undeclared_customers() {
    let seed = seed();
    let drift = run(&mut tool(&[
        "drift",
        customers().to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
    ]));
    assert_eq!(drift.code, 2, "{}", drift.all());
    for text in [
        "? \"Acme Corp\" at sys.hcs.CS-P.CS-R1: declared, missing live",
        "+ \"Soylent\" at sys.hcs.CS-P.CS-R2: live, declared in no file",
        "! \"Hooli\" at sys.hcs.CS-P.CS-R1: declared `state: absent`, still live",
        "~ \"Globex\" at sys.hcs.CS-P.CS-R1: changed live",
    ] {
        assert!(
            drift.stdout.contains(text),
            "missing {text:?}\n{}",
            drift.all()
        );
    }
}

#[test]
fn a_delete_waits_while_another_change_at_its_hierarchy_fails() {
    // Every transaction fails: Initech's create and Stark's rename at CS-R2 fail, so the
    // pruned delete of Soylent there (perhaps half of a replacement) is not sent.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &["--txn-fail-rate", "1"]);
    let run = apply(&sim, &[&customers()], &["--yes"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("skipped  delete Soylent at sys.hcs.CS-P.CS-R2: another change at this hierarchy was not applied"),
        "{}",
        run.all()
    );
    assert!(
        sim.customers()
            .contains(&("sys.hcs.CS-P.CS-R2".to_owned(), "Soylent".to_owned())),
        "Soylent was deleted"
    );
}

#[test]
fn a_write_whose_answer_is_lost_is_reported_uncertain_and_counted_apart_from_failures() {
    // The simulator answers a share of requests with 503 (`--fail-rate`): reads are retried,
    // writes are not, and a write answered so may or may not have been carried out as far
    // as the client can tell. With this fault seed and one change at a time, some are.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(
        &dir.path().join("state.json"),
        &["--fail-rate", "0.3", "--fault-seed", "1"],
    );
    // `--retries 0`: one attempt each, as before retries (a retry would settle them).
    let run = apply(
        &sim,
        &[&customers()],
        &["--yes", "--concurrency", "1", "--retries", "0"],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_secret(&run.stdout);
    assert_no_secret(&run.stderr);
    let uncertain: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("uncertain "))
        .collect();
    assert!(!uncertain.is_empty(), "no uncertain step: {}", run.all());
    for line in &uncertain {
        assert!(line.contains("is unknown"), "{line}");
    }
    // Counted apart: the summary's figure is the number of uncertain lines, and no unknown
    // outcome is printed as a failure.
    let summary = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Apply incomplete: "))
        .unwrap_or_else(|| panic!("no summary: {}", run.all()));
    assert!(
        summary.contains(&format!(", {} uncertain, ", uncertain.len())),
        "{summary}"
    );
    assert!(
        !run.stdout
            .lines()
            .any(|l| l.starts_with("failed") && l.contains("is unknown")),
        "{}",
        run.all()
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("UNCERTAIN "))
            .count(),
        uncertain.len(),
        "{}",
        run.all()
    );
}

#[test]
fn an_update_keeps_every_field_the_file_does_not_write_and_a_saved_plan_applies() {
    // The update replaces the whole record [doc], so the client sends it back whole: the
    // domain, account id, deal ids and Prime Collaboration set live (not in the file)
    // survive a change of the description. The saved plan still matches the live system
    // (its fingerprints are made from whole records in both list modes) and applies.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let edit = write_file(dir.path(), "globex.yaml", GLOBEX_EDITED);
    let saved = dir.path().join("plan.json");
    let planned = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "plan",
            edit.to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    ));
    assert_eq!(planned.code, 0, "{}", planned.all());
    let applied = apply(&sim, &[], &["--plan", saved.to_str().unwrap(), "--yes"]);
    assert_eq!(applied.code, 0, "{}", applied.all());

    let listed = sim.get(
        "/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P.CS-R1&format=json",
        Some(PROVIDER),
    );
    let pkid = listed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["data"]["name"] == "Globex")
        .and_then(|r| r["pkid"].as_str())
        .unwrap()
        .to_owned();
    let globex = sim.get(
        &format!("/api/relation/HcsCustomerREL/{pkid}/?format=json"),
        Some(PROVIDER),
    );
    let data = &globex["data"];
    assert_eq!(data["description"], "Globex, edited out of band", "{data}");
    assert_eq!(data["directoryDomain"], "globex.example", "{data}");
    assert_eq!(data["accountId"], "A-200", "{data}");
    assert_eq!(data["dealIds"], "D-300", "{data}");
    assert_eq!(data["primeCollaboration"], "PC-East", "{data}");
    assert_eq!(data["shared_uc_apps"], true, "{data}");
    let again = plan_json(&sim, &[&edit]);
    assert_eq!(again.0, 0, "{}", again.1);
}
