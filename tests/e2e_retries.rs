//! Retries within one run (`--retries`, issue 13): against a simulator that fails a share
//! of requests (503), of transactions and rate-limits, one `apply` converges with no
//! customer made twice; a write whose answer is lost after it was made
//! (`--drop-after-commit-rate`) is not sent again; a refusal is attempted once;
//! `--retries 0` tries each change once.

mod e2e_support;

use std::collections::BTreeMap;
use std::path::Path;

use e2e_support::*;

/// How many customers the reconcile test creates.
const CREATES: usize = 40;

/// How many customers one apply under faults creates (the test).
const MANY: usize = 200;

/// A file of `n` new customers at CS-R1 (no scope: nothing is pruned).
fn creates(dir: &Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from("customers:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  - name: Retry Co {i:03}\n    hierarchy: sys.hcs.CS-P.CS-R1\n    description: made under faults\n"
        ));
    }
    write_file(dir, "creates.yaml", &text)
}

fn apply(sim: &Sim, path: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["apply", path.to_str().unwrap(), "--yes"];
    args.extend_from_slice(extra);
    run(&mut against(sim, PROVIDER, &args))
}

/// The number of requests the simulator saw by `METHOD route` whose route starts so.
fn requests(sim: &Sim, prefix: &str) -> u64 {
    sim.stats()["by_route"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| route.starts_with(prefix))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum()
}

/// The live customers named `name` counted by name (every name the API lists).
fn names(sim: &Sim) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, name) in sim.customers() {
        *counts.entry(name).or_default() += 1;
    }
    counts
}

/// One apply of `MANY` creates under the faults (and `extra` ones) converges: it exits 0, the next plan, against the same faulty
/// simulator, finds nothing to do, and every name is there once.
fn converges_in_one_run(seed: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut faults = vec![
        "--fail-rate",
        "0.2",
        "--txn-fail-rate",
        "0.1",
        "--rate-limit",
        "50",
        "--fault-seed",
        seed,
    ];
    faults.extend_from_slice(extra);
    let sim = Sim::start(&faults);
    let file = creates(dir.path(), MANY);
    // Each attempt fails about 3 times in 10 under these faults (503 on the write, which
    // is not sent again blindly, or a failed transaction; 429s spend no attempt): with the
    // default 3 retries about one change in 120 fails all 4 (seed 11 left 4 of 200), with
    // 8 such a change is unlikely.
    let run = apply(&sim, &file, &["--retries", "8"]);
    assert_eq!(run.code, 0, "seed {seed}: one run converges\n{}", run.all());
    assert!(
        run.stdout.contains(&format!(
            "Apply complete: {MANY} applied, 0 uncertain, 0 failed, 0 blocked, 0 skipped."
        )),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains(" attempts)"),
        "seed {seed}: no change needed a retry, the faults did not bite\n{}",
        run.all()
    );
    let (code, plan) = plan_json(&sim, &[&file]);
    assert_eq!(code, 0, "seed {seed}: {plan}");
    assert_eq!(changes(&plan), Vec::<String>::new(), "seed {seed}");
    let counts = names(&sim);
    for i in 0..MANY {
        let name = format!("Retry Co {i:03}");
        assert_eq!(counts.get(&name), Some(&1), "seed {seed}: {name}");
    }
    assert!(
        counts.values().all(|n| *n == 1),
        "seed {seed}: a name twice: {counts:?}"
    );
}

#[test]
fn one_apply_converges_under_faults_for_several_seeds() {
    // The runs wait on their simulators' rate limits far more than they compute: they run
    // side by side. Seed 29 also loses the answer of one write in ten after making it. The
    // simulator's lists give summaries: each plan reads every one of the 200 customers.
    let runs: [(&str, &[&str]); 3] = [
        ("3", &[]),
        ("11", &[]),
        ("29", &["--drop-after-commit-rate", "0.1"]),
    ];
    let threads: Vec<_> = runs
        .into_iter()
        .map(|(seed, extra)| std::thread::spawn(move || converges_in_one_run(seed, extra)))
        .collect();
    let failed: Vec<_> = threads
        .into_iter()
        .filter_map(|thread| thread.join().err())
        .collect();
    if let Some(panic) = failed.into_iter().next() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_create_made_whose_answer_was_lost_is_not_sent_again() {
    // Every write is carried out and then answered 503: each create is looked up and
    // found, never sent a second time.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&["--drop-after-commit-rate", "1"]);
    let file = creates(dir.path(), 5);
    let run = apply(&sim, &file, &["--retries", "3"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout
            .contains("Apply complete: 5 applied, 0 uncertain, 0 failed, 0 blocked, 0 skipped."),
        "{}",
        run.all()
    );
    assert_eq!(
        run.stderr
            .matches("its answer was lost, but the customer exists now")
            .count(),
        5,
        "{}",
        run.all()
    );
    assert_eq!(requests(&sim, "POST relation/HcsCustomerREL"), 5);
    let counts = names(&sim);
    for i in 0..5 {
        assert_eq!(
            counts.get(&format!("Retry Co {i:03}")),
            Some(&1),
            "{counts:?}"
        );
    }
    let (code, plan) = plan_json(&sim, &[&file]);
    assert_eq!(code, 0, "{plan}");
    assert_eq!(changes(&plan), Vec::<String>::new());
}

#[test]
fn an_update_and_a_delete_made_whose_answers_were_lost_are_done_not_sent_again() {
    // Every write is carried out and then answered 503: the retry reads first, finds the
    // update made and the customer gone, and writes nothing more.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&["--drop-after-commit-rate", "1"]);
    let file = write_file(
        dir.path(),
        "lost.yaml",
        "customers:
  - name: Wayne Enterprises
    hierarchy: sys.hcs.CS-P.CS-R2
    description: Wayne Enterprises, edited once
    extended_name: WAYNE-ENT
  - name: Stark
    hierarchy: sys.hcs.CS-P.CS-R2
    state: absent
",
    );
    let (_, before) = plan_json(&sim, &[&file]);
    assert_eq!(
        changes(&before),
        vec![
            "delete sys.hcs.CS-P.CS-R2 Stark",
            "update sys.hcs.CS-P.CS-R2 Wayne Enterprises"
        ]
    );
    let run = apply(&sim, &file, &["--retries", "3"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout
            .contains("Apply complete: 2 applied, 0 uncertain, 0 failed, 0 blocked, 0 skipped."),
        "{}",
        run.all()
    );
    assert!(run.stderr.contains("(2 attempts)"), "{}", run.all());
    assert_eq!(requests(&sim, "PUT relation/HcsCustomerREL"), 1);
    assert_eq!(requests(&sim, "DELETE relation/HcsCustomerREL"), 1);
    let (code, plan) = plan_json(&sim, &[&file]);
    assert_eq!(code, 0, "{plan}");
    assert_eq!(changes(&plan), Vec::<String>::new());
}

#[test]
fn a_refused_create_is_attempted_once() {
    // The Prime Collaboration application does not exist (the plan cannot check it): the
    // simulator's transaction fails by its rule (a 400 inside the transaction), the same
    // way every time. It is not retried.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&[]);
    let file = write_file(
        dir.path(),
        "refused.yaml",
        "customers:
  - name: No Such Role Co
    hierarchy: sys.hcs.CS-P.CS-R1
    prime_collaboration: PC-Nowhere
",
    );
    let before = requests(&sim, "POST ");
    let run = apply(&sim, &file, &["--retries", "3"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("failed   create No Such Role Co"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains(" attempts)"), "{}", run.all());
    assert_eq!(requests(&sim, "POST ") - before, 1, "{}", run.all());
}

#[test]
fn retries_zero_keeps_a_single_attempt() {
    // Every transaction fails ("nothing was changed", a passing cause): with --retries 0
    // each create is sent once; with --retries 2, three times.
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&["--txn-fail-rate", "1"]);
    let file = write_file(
        dir.path(),
        "one.yaml",
        "customers:
  - name: Once Co
    hierarchy: sys.hcs.CS-P.CS-R1
",
    );
    let run0 = apply(&sim, &file, &["--retries", "0"]);
    assert_eq!(run0.code, 1, "{}", run0.all());
    assert_eq!(requests(&sim, "POST "), 1, "{}", run0.all());
    assert!(!run0.all().contains(" attempts)"), "{}", run0.all());
    assert!(
        run0.stdout
            .contains("0 applied, 0 uncertain, 1 failed, 0 blocked, 0 skipped. Run plan"),
        "{}",
        run0.all()
    );

    let run2 = apply(&sim, &file, &["--retries", "2"]);
    assert_eq!(run2.code, 1, "{}", run2.all());
    assert_eq!(requests(&sim, "POST "), 4, "{}", run2.all());
    assert!(
        run2.stdout.contains("failed   create Once Co") && run2.stdout.contains("(3 attempts)"),
        "{}",
        run2.all()
    );
    assert_eq!(names(&sim).get("Once Co"), None);
}

#[test]
fn a_reconcile_cycle_retries_and_counts_the_changes_retried() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(&["--txn-fail-rate", "0.3", "--fault-seed", "5"]);
    let file = creates(dir.path(), CREATES);
    let run = run(&mut against(
        &sim,
        PROVIDER,
        &[
            "reconcile",
            file.to_str().unwrap(),
            "--interval",
            "100ms",
            "--cycles",
            "1",
            "--retries",
            "8",
        ],
    ));
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let result = &line["result"];
    assert_eq!(result["ok"], true, "{}", run.all());
    assert_eq!(result["applied"], CREATES, "{}", run.all());
    let retried = result["retried"].as_u64().unwrap();
    assert!(retried > 0, "no change was retried: {}", run.all());
    assert_eq!(
        retried as usize,
        run.stderr.matches(" attempts)").count(),
        "{}",
        run.all()
    );
    assert!(names(&sim).values().all(|n| *n == 1));
}
