//! Issue 12, items 6 to 8, end to end: what `apply` would refuse is in every format of
//! `plan` (exit 3); blocked changes are never promised to converge, and a create next to a
//! blocked pruned delete gets a rename hint; a Prime Collaboration that could not be checked
//! is said so, and a create under a customer's own node is blocked at plan time.

mod e2e_support;

use std::path::Path;

use e2e_support::*;
use serde_json::Value;

const SCOPE_ONLY: &str = "scopes:\n  - {hierarchy: sys.hcs.CS-P.CS-R2, prune: true}\n";

const REFUSED: &str = "refusing to delete all 3 live customers under sys.hcs.CS-P.CS-R2, a \
                       scope with `prune: true`: check that the files declaring them were read; \
                       if they must all go, set `prune: false` on that scope and declare them \
                       `state: absent`";

fn plan(sim: &Sim, path: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["plan", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&mut against(sim, PROVIDER, &args))
}

fn apply(sim: &Sim, path: &Path) -> Run {
    run(&mut against(
        sim,
        PROVIDER,
        &["apply", path.to_str().unwrap(), "--yes"],
    ))
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

fn node_lookups(sim: &Sim) -> u64 {
    sim.stats()["by_route"]["GET data/HierarchyNode"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_plan_apply_would_refuse_says_so_in_every_format_and_exits_3() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let scope_only = write_file(dir.path(), "r2.yaml", SCOPE_ONLY);
    let saved = dir.path().join("plan.json");

    let text = plan(&sim, &scope_only, &["--out", saved.to_str().unwrap()]);
    assert_eq!(text.code, 3, "{}", text.all());
    assert!(
        text.stdout.contains(&format!(
            "Apply will refuse this plan (exit 3) and change nothing:\n  refused: {REFUSED}\n"
        )),
        "{}",
        text.all()
    );
    assert!(
        text.stderr
            .contains(&format!("error: apply will refuse this plan: {REFUSED}")),
        "{}",
        text.all()
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(file["refusals"], serde_json::json!([REFUSED]));

    let md = plan(&sim, &scope_only, &["--format", "markdown"]);
    assert_eq!(md.code, 3, "{}", md.all());
    assert!(
        md.stdout.contains(&format!("> - {REFUSED}\n")),
        "{}",
        md.all()
    );

    let json = plan(&sim, &scope_only, &["--format", "json"]);
    assert_eq!(json.code, 3, "{}", json.all());
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["refusals"], serde_json::json!([REFUSED]));
    assert_eq!(doc["format_version"], 1);
}

#[test]
fn the_deletion_limit_refusal_outranks_the_blocked_exit_code() {
    let sim = Sim::start(&[]);
    let refused = plan(
        &sim,
        &customers(),
        &["--max-deletes", "1", "--format", "json"],
    );
    assert_eq!(refused.code, 3, "{}", refused.all());
    let doc: Value = serde_json::from_str(&refused.stdout).unwrap();
    assert_eq!(
        doc["refusals"],
        serde_json::json!([
            "refusing to delete 2 customers: --max-deletes allows 1; check the files and \
             scopes, and if the deletes are intended run again with --max-deletes 2"
        ])
    );
    // Within the limit: no refusal, the blocked delete of Hooli exits 1 as before.
    let within = plan(&sim, &customers(), &["--format", "json"]);
    assert_eq!(within.code, 1, "{}", within.all());
    let doc: Value = serde_json::from_str(&within.stdout).unwrap();
    assert!(doc.get("refusals").is_none(), "{}", within.stdout);
}

#[test]
fn a_saved_plan_apply_accepts_is_applied_whatever_plan_judged() {
    // `plan --max-deletes 1` writes the refusal; `apply --plan` judges with its own limit.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let r2 = write_file(
        dir.path(),
        "r2.yaml",
        "scopes:\n  - {hierarchy: sys.hcs.CS-P.CS-R2, prune: true}\ncustomers:\n  - {name: Wayne Enterprises, hierarchy: sys.hcs.CS-P.CS-R2}\n",
    );
    let saved = dir.path().join("plan.json");
    let planned = plan(
        &sim,
        &r2,
        &["--max-deletes", "1", "--out", saved.to_str().unwrap()],
    );
    assert_eq!(planned.code, 3, "{}", planned.all());
    let applied = run(&mut against(
        &sim,
        PROVIDER,
        &["apply", "--plan", saved.to_str().unwrap(), "--yes"],
    ));
    assert_eq!(applied.code, 0, "{}", applied.all());
    assert!(
        !applied.stdout.contains("Apply will refuse"),
        "apply showed plan's refusal although it applies the plan:\n{}",
        applied.all()
    );
}

#[test]
fn only_blocked_changes_left_are_never_promised_to_converge() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let first = apply(&sim, &customers());
    assert_eq!(first.code, 1, "{}", first.all());
    assert!(
        !first.stdout.contains("apply again converges"),
        "{}",
        first.all()
    );
    assert!(
        first.stdout.contains(
            "The blocked change is not made until it is unblocked, however often apply runs: \
             its reason above says what unblocks it."
        ),
        "{}",
        first.all()
    );

    let left = plan(&sim, &customers(), &[]);
    assert_eq!(left.code, 1, "{}", left.all());
    assert!(
        left.stdout.ends_with(
            "Only blocked changes are left: apply changes nothing, and running it again does \
             not converge until it is unblocked; its `blocked` reason says what unblocks it.\n"
        ),
        "{}",
        left.all()
    );

    let before = writes(&sim);
    let again = apply(&sim, &customers());
    assert_eq!(again.code, 1, "{}", again.all());
    assert!(
        again
            .stderr
            .contains("error: nothing was applied: only blocked changes are left (1)"),
        "{}",
        again.all()
    );
    assert_eq!(
        writes(&sim),
        before,
        "an apply of only blocked changes wrote"
    );
}

#[test]
fn a_create_next_to_a_blocked_pruned_delete_gets_a_rename_hint() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "r1.yaml",
        "scopes:\n  - {hierarchy: sys.hcs.CS-P.CS-R1, prune: true}\ncustomers:\n  - {name: Globex, hierarchy: sys.hcs.CS-P.CS-R1}\n  - {name: Umbrella, hierarchy: sys.hcs.CS-P.CS-R1}\n  - {name: Hooli Inc, hierarchy: sys.hcs.CS-P.CS-R1}\n",
    );
    let run = plan(&sim, &file, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains(
            "! \"Hooli Inc\" at sys.hcs.CS-P.CS-R1: the pruned scope's delete of \"Hooli\" here \
             is blocked by its dependents: if \"Hooli Inc\" is \"Hooli\" under a new name, add \
             `renamed_from: Hooli` to \"Hooli Inc\""
        ),
        "{}",
        run.all()
    );
}

#[test]
fn a_prime_collaboration_that_could_not_be_checked_is_a_warning_on_its_change() {
    // The provider admin may not list the applications at sys.hcs (403).
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "nova.yaml",
        "customers:\n  - {name: Nova, hierarchy: sys.hcs.CS-P.CS-R2, prime_collaboration: PC-Nowhere}\n",
    );
    let run = plan(&sim, &file, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc["warnings"],
        serde_json::json!([{
            "hierarchy": "sys.hcs.CS-P.CS-R2",
            "name": "Nova",
            "message": "Prime Collaboration \"PC-Nowhere\" was not checked: the applications \
                        synced from HCM-F could not be read (the admin may not see them), so a \
                        wrong name is found only when apply sends it: check the name in VOSS, \
                        or plan as an admin who can see them"
        }])
    );
}

#[test]
fn a_create_under_a_customers_own_node_is_blocked_at_plan_time() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with_state(&dir.path().join("state.json"), &[]);
    let reason = "blocked: sys.hcs.CS-P.CS-R1.Globex is the node of customer \"Globex\", not a \
                  provider or reseller node: customers are added under a provider or reseller; \
                  set `hierarchy` to sys.hcs.CS-P.CS-R1 (or the reseller meant)";
    // Alone: its list holds no customer, so its node is looked up (one request).
    let alone = write_file(
        dir.path(),
        "alone.yaml",
        "customers:\n  - {name: Sub Co, hierarchy: sys.hcs.CS-P.CS-R1.Globex}\n",
    );
    let lookups = node_lookups(&sim);
    let run = plan(&sim, &alone, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains(reason), "{}", run.all());
    assert_eq!(node_lookups(&sim), lookups + 1, "one node lookup");

    // With its parent declared: the parent's customers name it, no lookup needed.
    let with_parent = write_file(
        dir.path(),
        "with-parent.yaml",
        "customers:\n  - {name: Sub Co, hierarchy: sys.hcs.CS-P.CS-R1.Globex}\n  - {name: Globex, hierarchy: sys.hcs.CS-P.CS-R1}\n",
    );
    let run = plan(&sim, &with_parent, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains(reason), "{}", run.all());

    // apply sends nothing for it.
    let applied = apply(&sim, &alone);
    assert_eq!(applied.code, 1, "{}", applied.all());
    assert_eq!(writes(&sim), Vec::<String>::new());
}

#[test]
fn hierarchies_whose_lists_hold_customers_cost_no_node_lookup() {
    let sim = Sim::start(&[]);
    let run = plan(&sim, &customers(), &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(node_lookups(&sim), 0, "{}", sim.stats());
}
