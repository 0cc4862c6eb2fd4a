//! Issue 12, item 12: control characters from files or from a server never reach the
//! terminal raw: a key holding a newline cannot print a line that GitHub Actions reads as
//! a workflow command, and an ESC sequence is shown escaped, in every text output.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn run(args: &[&str]) -> (String, String) {
    let output: Output = Command::new(BIN)
        .args(args)
        .env_remove("VOSS_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// No line of `text` is a workflow command, and no ESC or other control character but
/// the newline is in it.
fn assert_safe(text: &str) {
    for line in text.lines() {
        assert!(
            !line.starts_with("::"),
            "a workflow command line: {line:?}\n{text}"
        );
        assert!(
            !line.chars().any(char::is_control),
            "a control character: {line:?}"
        );
    }
}

const HOSTILE_FILE: &str = "customers:\n  - name: \"Alpha\\n::error file=x.yaml,line=1::injected\"\n    hierarchy: sys.hcs.CS-P\n    \"bad\\n::error file=k::key\": 1\n  - name: \"Esc\\e[31mRED\"\n    hierarchy: sys.hcs.CS-P\n";

fn hostile(dir: &Path) -> String {
    let path = dir.join("c.yaml");
    std::fs::write(&path, HOSTILE_FILE).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn validate_text_and_json_never_print_a_raw_newline_or_esc_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile(dir.path());
    let (out, err) = run(&["validate", &file]);
    assert_safe(&out);
    assert_safe(&err);
    let all = format!("{out}{err}");
    assert!(
        all.contains("unknown key `bad\\n::error file=k::key`"),
        "{all}"
    );
    assert!(all.contains("\\u{1b}"), "{all}");
}

#[test]
fn validate_github_prints_one_command_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = hostile(dir.path());
    let (out, _) = run(&["validate", &file, "--format", "github"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.starts_with("::error file="), "{line:?}\n{out}");
        assert!(!line.starts_with("::error file=k"), "{line:?}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
}

#[test]
fn plan_and_drift_show_server_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n  - {path: sys.hcs.P.R1, type: reseller}\n\
         admins:\n  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}\n\
         customers:\n  - {hierarchy: sys.hcs.P.R1, name: Evil, description: \"one\\ntwo\\e[31m\\n::error file=a.yaml::pwned\"}\n",
    )
    .unwrap();
    let file = dir.path().join("c.yaml");
    std::fs::write(
        &file,
        "customers:\n  - {name: Evil, hierarchy: sys.hcs.P.R1, description: \"y\"}\n",
    )
    .unwrap();
    let (seed, file) = (seed.to_str().unwrap(), file.to_str().unwrap());
    for format in ["text", "markdown"] {
        let (out, err) = run(&["plan", file, "--sim", seed, "--format", format]);
        assert_safe(&out);
        assert_safe(&err);
        assert!(out.contains("two\\u{1b}[31m"), "{out}");
    }
    for format in ["text", "markdown"] {
        let (out, err) = run(&["drift", file, "--sim", seed, "--format", format]);
        assert_safe(&out);
        assert_safe(&err);
    }
}

#[test]
fn an_error_that_quotes_a_name_shows_it_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "hierarchy:\n  - {path: sys.hcs.P, type: provider}\n\
         admins:\n  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}\n\
         customers:\n  - {hierarchy: sys.hcs.P, name: \"E\\e[2J\\n::error file=a::b\"}\n",
    )
    .unwrap();
    let dir_file = dir.path().join("c.yaml");
    std::fs::write(&dir_file, "customers: []\n").unwrap();
    let (out, err) = run(&[
        "plan",
        dir_file.to_str().unwrap(),
        "--sim",
        seed.to_str().unwrap(),
    ]);
    assert_safe(&out);
    assert_safe(&err);
    assert!(err.contains("E\\u{1b}[2J\\n::error file=a::b"), "{err}");
}
