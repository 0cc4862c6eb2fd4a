//! `import` writes a desired-state file that `plan` reads back as "no changes", against
//! the in-process simulator (each run starts it fresh from the same seed).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

/// A seed whose names and values YAML would misread if they were not quoted.
const TRICKY_SEED: &str = r#"
hierarchy:
  - {path: sys.hcs.P, type: provider, domain: p.example}
  - {path: sys.hcs.P.R1, type: reseller}
admins:
  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}
prime_collaboration: [PC-East]
hcmf_customers:
  - {name: Legacy Co}
customers:
  - {hierarchy: sys.hcs.P.R1, name: "NO", description: "a: b # not a comment", deal_ids: ["1e3", "007"]}
  - {hierarchy: sys.hcs.P.R1, name: "1e3", account_id: "null", domain: one.example, prime_collaboration: PC-East}
  - {hierarchy: sys.hcs.P.R1, name: "null", description: "Zürich – 東京 \"quoted\" \\ back", number_management: false}
  - {hierarchy: sys.hcs.P.R1, name: "007", extended_name: "- [x]", external_customer_id: "~", public_sector: true, inactive_billing: true, shared_uc_apps: true}
  - {hierarchy: sys.hcs.P, name: "true", description: "at the provider"}
"#;

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Imports `hierarchy` into `out`, then plans the file against the same seed.
fn round_trip(seed: &Path, hierarchy: &str, recursive: bool, out: &Path) -> Output {
    let mut args = vec![
        "import",
        "--hierarchy",
        hierarchy,
        "--sim",
        seed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if recursive {
        args.push("--recursive");
    }
    let imported = run(&args);
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        text(&imported.stderr)
    );
    run(&[
        "plan",
        out.to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
        "--detailed-exitcode",
    ])
}

fn assert_no_changes(plan: &Output) {
    assert_eq!(
        plan.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&plan.stdout),
        text(&plan.stderr)
    );
    assert!(
        text(&plan.stdout).contains("No changes"),
        "{}",
        text(&plan.stdout)
    );
}

#[test]
fn tricky_names_and_values_round_trip_to_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, TRICKY_SEED).unwrap();
    let out = dir.path().join("imported.yaml");
    assert_no_changes(&round_trip(&seed, "sys.hcs.P.R1", false, &out));

    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("# yaml-language-server: $schema="));
    assert!(written.contains("local_admin"));
    let names: Vec<&str> = written
        .lines()
        .filter_map(|l| l.strip_prefix("  - name: "))
        .collect();
    assert_eq!(
        names,
        ["\"007\"", "\"1e3\"", "\"NO\"", "\"null\""],
        "sorted by name"
    );
    assert!(
        !written.contains("\"true\""),
        "the provider's customer is not directly under R1"
    );
}

#[test]
fn recursive_import_includes_the_nodes_below_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, TRICKY_SEED).unwrap();
    let out = dir.path().join("all.yaml");
    assert_no_changes(&round_trip(&seed, "sys.hcs.P", true, &out));
    let written = std::fs::read_to_string(&out).unwrap();
    let hierarchies: Vec<&str> = written
        .lines()
        .filter_map(|l| l.strip_prefix("    hierarchy: "))
        .collect();
    assert_eq!(hierarchies.len(), 5, "{written}");
    assert_eq!(
        hierarchies[0], "\"sys.hcs.P\"",
        "the provider's customer first"
    );
    assert!(
        !written.contains("Legacy Co"),
        "HCM-F customers are not imported"
    );
}

#[test]
fn the_example_seed_round_trips_at_a_reseller_and_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml");
    let r2 = dir.path().join("r2.yaml");
    assert_no_changes(&round_trip(&seed, "sys.hcs.CS-P.CS-R2", false, &r2));
    let r2_text = std::fs::read_to_string(&r2).unwrap();
    assert!(r2_text.contains("name: \"Wayne Enterprises\""));
    assert!(!r2_text.contains("Globex"));

    let all = dir.path().join("all.yaml");
    assert_no_changes(&round_trip(&seed, "sys.hcs.CS-P", true, &all));
    let all_text = std::fs::read_to_string(&all).unwrap();
    assert!(all_text.contains("name: \"Globex\"") && all_text.contains("name: \"Stark\""));
}

#[test]
fn without_out_the_file_goes_to_stdout_and_is_deterministic() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml");
    let args = [
        "import",
        "--hierarchy",
        "sys.hcs.CS-P.CS-R1",
        "--sim",
        seed.to_str().unwrap(),
    ];
    let first = run(&args);
    let second = run(&args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("name: \"Umbrella\""));
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_missing_hierarchy_is_an_error_naming_it() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml");
    let output = run(&[
        "import",
        "--hierarchy",
        "sys.hcs.CS-P.NOPE",
        "--sim",
        seed.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("sys.hcs.CS-P.NOPE"),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn an_out_file_in_a_missing_directory_is_an_error_naming_it_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml");
    let out = dir.path().join("missing").join("imported.yaml");
    let output = run(&[
        "import",
        "--hierarchy",
        "sys.hcs.CS-P.CS-R1",
        "--sim",
        seed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("imported.yaml"), "{stderr}");
    assert!(stderr.contains("directory exists"), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_seed_without_admins_says_what_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    let no_admins: String = TRICKY_SEED
        .lines()
        .filter(|l| !l.starts_with("admins:") && !l.contains("provider-secret"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&seed, no_admins).unwrap();
    let output = run(&[
        "import",
        "--hierarchy",
        "sys.hcs.P.R1",
        "--sim",
        seed.to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("add one under `admins`"), "{stderr}");
}
