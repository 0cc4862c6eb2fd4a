//! The fuzz targets' checks on the stable toolchain: every input under
//! `tests/fuzz_regressions/TARGET/` (each one a crash or a property failure the fuzzers
//! found, kept after the fix) and the seed inputs the corpora start from (the examples
//! and fixtures), run through the same checks as `fuzz/` (`tests/fuzz_support/mod.rs`).

mod fuzz_support;

use std::fs;
use std::path::{Path, PathBuf};

const TARGETS: [&str; 5] = [
    "desired_file",
    "sim_seed",
    "saved_plan",
    "api_answer",
    "profile",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (none when it does not exist), sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn replay(target: &str, files: &[PathBuf]) -> usize {
    let check = fuzz_support::check_of(target).expect("a known target");
    for file in files {
        let bytes = fs::read(file).expect("a readable input");
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            outcome.is_ok(),
            "{target} fails on {} (replay it with `cargo fuzz run {target} {}`)",
            file.display(),
            file.display()
        );
    }
    files.len()
}

#[test]
fn every_regression_input_passes_its_check() {
    let mut replayed = 0;
    for target in TARGETS {
        let files = files_below(&root().join("tests/fuzz_regressions").join(target));
        replayed += replay(target, &files);
    }
    assert!(
        replayed > 0,
        "no regression input found under tests/fuzz_regressions/"
    );
}

#[test]
fn the_example_files_pass_the_desired_file_and_seed_checks() {
    let files = files_below(&root().join("examples/customers"));
    assert!(replay("desired_file", &files) >= 3);
    let invalid = files_below(&root().join("examples/invalid"));
    assert!(replay("desired_file", &invalid) >= 20);
    assert_eq!(
        replay("sim_seed", &[root().join("examples/sim-seed.yaml")]),
        1
    );
}

#[test]
fn the_golden_plan_reads_back_equal() {
    assert_eq!(
        replay("saved_plan", &[root().join("tests/golden/plan.json")]),
        1
    );
}

#[test]
fn the_captured_api_answers_round_trip() {
    // The first byte picks the decoder (fuzz_support::ANSWERS); the poll's id comes first.
    let list = fs::read(root().join("tests/fixtures/api/customer_list.json")).unwrap();
    let poll = fs::read(root().join("tests/fixtures/api/poll.json")).unwrap();
    let poll_id = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&poll)
        .unwrap()
        .keys()
        .next()
        .cloned()
        .unwrap();
    let kind = |name: &str| {
        fuzz_support::ANSWERS
            .iter()
            .position(|n| *n == name)
            .unwrap() as u8
    };
    let mut list_input = vec![kind("list")];
    list_input.extend(&list);
    let mut poll_input = vec![kind("poll")];
    poll_input.extend(poll_id.as_bytes());
    poll_input.push(b'\n');
    poll_input.extend(&poll);
    fuzz_support::api_answer(&list_input);
    fuzz_support::api_answer(&poll_input);
    let profile = voss_customers::voss::profile::Profile::builtin().unwrap();
    let page = voss_customers::voss::fuzzing::list_answer(&list, &profile).unwrap();
    assert!(!page.records.is_empty());
    assert!(page.records.iter().all(|r| r.customer.is_ok()), "{page:#?}");
    let polled = voss_customers::voss::fuzzing::poll_answer(&poll, &poll_id, &profile).unwrap();
    assert!(polled.is_some());
}

#[test]
fn the_builtin_profile_prints_as_itself() {
    let text = fs::read(root().join("src/voss/profile.yaml")).unwrap();
    fuzz_support::profile(&text);
    fuzz_support::profile(b"");
}
