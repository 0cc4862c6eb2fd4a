//! `plan` end to end: the binary against the simulator over real HTTP, as a user runs it.

mod e2e_support;

use e2e_support::*;
use serde_json::Value;

const WAYNE_ONLY: &str = "customers:
  - name: Wayne Enterprises
    hierarchy: sys.hcs.CS-P.CS-R2
    description: Wayne Enterprises, Gotham
    extended_name: WAYNE-ENT
    external_customer_id: EXT-4000
    domain: wayne.example
    public_sector: false
    inactive_billing: false
    account_id: A-400
    deal_ids: [D-400, D-401]
    prime_collaboration: PC-West
    shared_uc_apps: false
    number_management: true
";

/// The changes the example files make against the example seed (see the seed's comments).
fn expected_example_changes() -> Vec<String> {
    let mut expected: Vec<String> = [
        "create sys.hcs.CS-P Massive Dynamic",
        "create sys.hcs.CS-P.CS-R1 Acme Corp",
        "create sys.hcs.CS-P.CS-R1 Cyberdyne Systems",
        "create sys.hcs.CS-P.CS-R2 Initech",
        "migrate sys.hcs.CS-P.CS-R1 Legacy Co",
        "update sys.hcs.CS-P.CS-R1 Globex",
        "update sys.hcs.CS-P.CS-R1 Umbrella",
        "rename sys.hcs.CS-P.CS-R2 Stark Industries",
        "delete sys.hcs.CS-P.CS-R1 Hooli (blocked)",
        "delete sys.hcs.CS-P.CS-R2 Soylent",
    ]
    .map(str::to_owned)
    .to_vec();
    expected.sort();
    expected
}

fn quick_start(extra: &[&str]) -> Run {
    let customers = customers();
    let seed = seed();
    let mut args = vec![
        "plan",
        customers.to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&mut tool(&args))
}

#[test]
fn quick_start_shows_every_action_the_blocked_delete_and_the_dn_audit() {
    let run = quick_start(&[]);
    let out = &run.stdout;
    for line in [
        "+ create \"Acme Corp\" at sys.hcs.CS-P.CS-R1",
        "+ create \"Massive Dynamic\" at sys.hcs.CS-P",
        "> migrate \"Legacy Co\" from HCM-F (sys.hcs) to sys.hcs.CS-P.CS-R1",
        "~ update \"Globex\" at sys.hcs.CS-P.CS-R1",
        "~ description: \"Globex (old description)\" → \"Globex Corporation\"",
        "> rename \"Stark\" → \"Stark Industries\" at sys.hcs.CS-P.CS-R2",
        "- delete \"Soylent\" at sys.hcs.CS-P.CS-R2",
        "- delete \"Hooli\" at sys.hcs.CS-P.CS-R1",
        "blocked: still has 1 SSO identity provider, 3 devices, 1 site: remove them first",
        "follow-up: DN audit",
        "(sensitive, from $ACME_ADMIN_PASSWORD)",
        "Plan: 4 to create, 2 to update, 1 to migrate, 1 to rename, 2 to delete; 1 blocked.",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{}", run.all());
    }
    assert!(
        !out.contains("Wayne"),
        "an unchanged customer is shown:\n{out}"
    );
    assert_eq!(run.code, 1, "a blocked change exits 1\n{}", run.all());
    assert!(run.stderr.contains("blocked"), "{}", run.stderr);
}

#[test]
fn json_has_format_version_and_summary_and_out_file_holds_the_same_document() {
    let sim = Sim::start(&[]);
    let (code, json) = plan_json(&sim, &[&customers()]);
    assert_eq!(code, 1);
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["target"], sim.url.as_str());
    let summary: Value = serde_json::json!({
        "create": 4, "update": 2, "migrate": 1, "rename": 1, "delete": 2, "blocked": 1,
        "unchanged": 1
    });
    assert_eq!(json["summary"], summary);
    assert_eq!(changes(&json), expected_example_changes());
    let umbrella = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Umbrella")
        .unwrap();
    assert_eq!(umbrella["follow_up"], serde_json::json!(["dn_audit"]));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let text = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "plan",
            customers().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(text.code, 1, "{}", text.all());
    assert!(text.stdout.contains("Plan: 4 to create"), "{}", text.all());
    let saved = std::fs::read_to_string(&out).unwrap();
    assert_no_secret(&saved);
    let saved: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved, json, "--out differs from --format json");
}

#[test]
fn a_reseller_admin_planning_outside_its_subtree_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "r2.yaml",
        "customers:\n  - name: Nakatomi\n    hierarchy: sys.hcs.CS-P.CS-R2\n    description: not mine\n",
    );
    let seed = seed();
    let run = run(tool(&[
        "plan",
        file.to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
        "--username",
        RESELLER1.0,
    ])
    .env("VOSS_PASSWORD", RESELLER1.1));
    // Another reseller's node answers as a missing one (the simulator reveals nothing
    // outside the admin's subtree), so the create is blocked at that node.
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.all().contains("does not exist"), "{}", run.all());
    assert!(run.all().contains("sys.hcs.CS-P.CS-R2"), "{}", run.all());
}

#[test]
fn no_password_appears_in_any_format_or_the_plan_file() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "markdown", "json"] {
        let out = dir.path().join(format!("plan-{format}.json"));
        let run = run(&mut against(
            &sim,
            PROVIDER,
            &[
                "plan",
                customers().to_str().unwrap(),
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        assert_eq!(run.code, 1, "{}", run.all());
        assert!(
            run.stdout.contains("ACME_ADMIN_PASSWORD"),
            "{format}: the variable's name is shown\n{}",
            run.stdout
        );
        assert_no_secret(&std::fs::read_to_string(&out).unwrap());
    }
}

#[test]
fn plan_retries_through_injected_503s_and_429s_to_the_same_changes() {
    let clean = Sim::start(&[]);
    let (_, json) = plan_json(&clean, &[&customers()]);
    assert_eq!(changes(&json), expected_example_changes());
    let baseline = clean.stats()["requests"].as_u64().unwrap();
    // (faults, whether they must cost extra requests: 20 per second is above what this
    // small plan sends, 5 is not)
    for (faults, must_retry) in [
        (&["--fail-rate", "0.2", "--fault-seed", "7"][..], true),
        (&["--rate-limit", "20"][..], false),
        (&["--rate-limit", "5"][..], true),
    ] {
        let sim = Sim::start(faults);
        let (code, json) = plan_json(&sim, &[&customers()]);
        assert_eq!(code, 1, "{faults:?}");
        assert_eq!(changes(&json), expected_example_changes(), "{faults:?}");
        let requests = sim.stats()["requests"].as_u64().unwrap();
        if must_retry {
            assert!(
                requests > baseline,
                "{faults:?}: no fault was met ({requests})"
            );
        }
    }
}

#[test]
fn a_file_equal_to_live_has_no_changes_and_detailed_exitcode_tells_them_apart() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let wayne = write_file(dir.path(), "wayne.yaml", WAYNE_ONLY);
    let same = run(&mut against(
        &sim,
        PROVIDER,
        &["plan", wayne.to_str().unwrap(), "--detailed-exitcode"],
    ));
    assert_eq!(same.code, 0, "{}", same.all());
    assert!(same.stdout.contains("No changes"), "{}", same.all());

    let edited = write_file(
        dir.path(),
        "wayne.yaml",
        &WAYNE_ONLY.replace("Gotham", "Gotham City"),
    );
    let changed = run(&mut against(
        &sim,
        PROVIDER,
        &["plan", edited.to_str().unwrap(), "--detailed-exitcode"],
    ));
    assert_eq!(changed.code, 2, "{}", changed.all());
    assert!(
        changed.stdout.contains("~ update \"Wayne Enterprises\""),
        "{}",
        changed.all()
    );
    let plain = run(&mut against(
        &sim,
        PROVIDER,
        &["plan", edited.to_str().unwrap()],
    ));
    assert_eq!(
        plain.code,
        0,
        "without --detailed-exitcode: 0\n{}",
        plain.all()
    );
}

#[test]
fn a_new_customer_under_a_reseller_with_no_customers_is_a_create_not_a_missing_node() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write_file(
        dir.path(),
        "seed.yaml",
        "hierarchy:
  - {path: sys.hcs.P, type: provider, domain: p.example}
  - {path: sys.hcs.P.Empty, type: reseller, domain: empty.example}
admins:
  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}
",
    );
    let file = write_file(
        dir.path(),
        "c.yaml",
        "customers:\n  - {name: First Customer, hierarchy: sys.hcs.P.Empty}\n  - {name: Nowhere, hierarchy: sys.hcs.P.Missing}\n",
    );
    let run = run(&mut tool(&[
        "plan",
        file.to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let plan: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        changes(&plan),
        vec![
            "create sys.hcs.P.Empty First Customer".to_owned(),
            "create sys.hcs.P.Missing Nowhere (blocked)".to_owned(),
        ],
        "{}",
        run.all()
    );
}

#[test]
fn a_pruned_provider_scope_never_touches_its_resellers_customers() {
    // Lists include every node below [doc] and there is no `direct=true`: the provider's
    // list holds its resellers' customers too, and only its own may be pruned.
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "provider.yaml",
        "scopes:
  - hierarchy: sys.hcs.CS-P
    prune: true
customers:
  - name: Direct Co
    hierarchy: sys.hcs.CS-P
    description: the provider's own customer
",
    );
    let sim = Sim::start(&[]);
    let (code, plan) = plan_json(&sim, &[&file]);
    assert_eq!(code, 0, "{plan}");
    assert_eq!(changes(&plan), ["create sys.hcs.CS-P Direct Co"], "{plan}");
}

#[test]
fn a_server_that_refuses_pages_above_its_maximum_is_still_read_whole() {
    // `maximum_limit` 2 and a 400 for any larger `limit`: the first page is asked again
    // without a size, then at most 2 per page, and nothing is missed.
    let capped = Sim::start(&["--max-page", "2", "--over-limit", "refuse"]);
    let reference = Sim::start(&[]);
    let (code, plan) = plan_json(&capped, &[&customers()]);
    let (reference_code, expected) = plan_json(&reference, &[&customers()]);
    assert_eq!(code, reference_code, "{plan}");
    assert_eq!(changes(&plan), changes(&expected));
}
