//! Issue 15, item 4: plans that explain themselves. Each delete says why (text, Markdown,
//! JSON `reason`); the header says "built-in simulator" with `--sim` and only then; apply
//! checks the local admins' passwords before it asks; each line is printed once; `plan`
//! with no server names `--sim` as the next step; the progress count ends at N/N.

mod e2e_support;

use std::sync::Arc;

use e2e_support::*;
use tokio_util::sync::CancellationToken;
use voss_customers::apply::{
    ApplyOptions, Observer, ProgressBarObserver, Secrets, execute, step_count,
};
use voss_customers::voss::{Client, ConnectSettings, Secret};

fn examples() -> [String; 2] {
    [
        root().join("examples/customers").display().to_string(),
        root().join("examples/blocked-delete").display().to_string(),
    ]
}

fn sim_plan(format: &str) -> Run {
    let [customers, blocked] = examples();
    let seed = seed().display().to_string();
    run(&mut tool(&[
        "plan", &customers, &blocked, "--sim", &seed, "--format", format,
    ]))
}

#[test]
fn every_delete_says_why_in_every_format() {
    let text = sim_plan("text");
    assert_eq!(text.code, 1, "{}", text.all());
    assert!(
        text.stdout.contains(
            "- delete \"Hooli\" at sys.hcs.CS-P.CS-R1\n    reason: declared `state: absent`\n    blocked:"
        ),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "- delete \"Soylent\" at sys.hcs.CS-P.CS-R2\n    reason: not declared in any file, and its hierarchy is a `prune: true` scope\n"
        ),
        "{}",
        text.stdout
    );

    let markdown = sim_plan("markdown");
    assert!(
        markdown
            .stdout
            .contains("- **Reason:** declared `state: absent`"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown.stdout.contains(
            "- **Reason:** not declared in any file, and its hierarchy is a `prune: true` scope"
        ),
        "{}",
        markdown.stdout
    );

    let json = sim_plan("json");
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let reasons: Vec<(String, serde_json::Value)> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["reason"].clone()))
        .filter(|(_, reason)| !reason.is_null())
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("Hooli".to_owned(), "state_absent".into()),
            ("Soylent".to_owned(), "pruned_scope".into())
        ]
    );
}

#[test]
fn the_header_names_the_built_in_simulator_only_for_sim() {
    let text = sim_plan("text");
    assert!(
        text.stdout.starts_with(
            "voss-customers will make these changes on the built-in simulator (http://127.0.0.1:"
        ),
        "{}",
        text.stdout
    );
    let markdown = sim_plan("markdown");
    assert!(
        markdown
            .stdout
            .contains("Against the built-in simulator at `http://127.0.0.1:"),
        "{}",
        markdown.stdout
    );
    let json: serde_json::Value = serde_json::from_str(&sim_plan("json").stdout).unwrap();
    assert_eq!(json["simulator"], true);

    // A server given by URL (here a standalone simulator) is just its URL.
    let sim = Sim::start(&[]);
    let [customers, _] = examples();
    let plain = run(&mut against(&sim, PROVIDER, &["plan", &customers]));
    assert!(
        plain.stdout.starts_with(&format!(
            "voss-customers will make these changes on {}:\n",
            sim.url
        )),
        "{}",
        plain.stdout
    );
    let (_, json) = plan_json(&sim, &[std::path::Path::new(&customers)]);
    assert!(json.get("simulator").is_none(), "{json}");
}

#[test]
fn plan_without_a_server_names_url_and_sim() {
    let [customers, _] = examples();
    let out = run(&mut tool(&["plan", &customers]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("pass --url or set VOSS_URL")
            && out
                .stderr
                .contains("--sim SEED (e.g. --sim examples/sim-seed.yaml)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_local_admin_password_is_reported_before_the_confirmation_prompt() {
    let sim = Sim::start(&[]);
    let [customers, _] = examples();
    // No --yes and no terminal: before the fix this asked for confirmation first and said
    // only "no terminal to confirm on".
    let out =
        run(against(&sim, PROVIDER, &["apply", &customers]).env_remove("CYBERDYNE_ADMIN_PASSWORD"));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .contains("CYBERDYNE_ADMIN_PASSWORD (local admin of"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("confirm"), "{}", out.stderr);
}

#[test]
fn each_step_line_is_printed_once_across_stdout_and_stderr() {
    let sim = Sim::start(&[]);
    let [customers, blocked] = examples();
    let out = run(&mut against(
        &sim,
        PROVIDER,
        &["apply", &customers, &blocked, "--yes"],
    ));
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    let skipped: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with("skipped") && l.contains("Hooli"))
        .collect();
    assert_eq!(skipped.len(), 1, "{all}");
    assert!(
        out.stdout.contains(skipped[0]),
        "the summary lists it: {all}"
    );
    let done: Vec<&str> = all.lines().filter(|l| l.starts_with("done")).collect();
    assert_eq!(
        done.len(),
        10,
        "9 changes and the DN audit, once each: {all}"
    );
}

#[test]
fn the_progress_count_ends_at_n_of_n() {
    let sim = Sim::start(&[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let settings = ConnectSettings::new(&sim.url, PROVIDER.0, Secret::new(PROVIDER.1)).unwrap();
        let client = Client::new(settings).unwrap();
        let [customers, blocked] = examples();
        let desired = voss_customers::desired::load(&[customers.into(), blocked.into()]).unwrap();
        let (plan, _) = voss_customers::ops::plan::make_plan(&client, &desired)
            .await
            .unwrap();
        let secrets = Secrets::read(&plan, |_| Some("walkthrough-local-pw".to_owned())).unwrap();
        // 10 changes (Hooli's blocked) and Umbrella's DN audit.
        assert_eq!(step_count(&plan), 11);
        let bar = Arc::new(ProgressBarObserver::drawn_on(
            step_count(&plan),
            indicatif::ProgressDrawTarget::hidden(),
        ));
        let observer: Arc<dyn Observer> = bar.clone();
        let report = execute(
            &client,
            &plan,
            &secrets,
            ApplyOptions {
                concurrency: 4,
                retries: 0,
            },
            observer,
            &CancellationToken::new(),
        )
        .await;
        assert_eq!(report.results.len(), 11);
        assert_eq!(bar.position(), (11, 11));
    });
}
