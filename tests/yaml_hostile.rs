//! Hostile YAML through the real binary: nesting deep enough to overflow a recursive
//! reader (block and flow style) in every command that reads YAML, and the YAML details
//! of tags, tabs and `.nan`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");
const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sim-seed.yaml");
const CUSTOMERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/customers");

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env_remove("VOSS_URL")
        .env_remove("VOSS_PROFILE")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Bounded: a command that does not stop within 60 s is a failure, not a hang.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// 60,000 levels (120 KB), as block sequences, flow sequences and flow mappings.
fn deep_files(dir: &Path) -> Vec<(String, &'static str)> {
    let n = 60_000;
    let files = [
        (
            "block.yaml",
            format!("customers:\n{}x\n", "- ".repeat(n)),
            "block.yaml:2:",
        ),
        (
            "flow.yaml",
            format!("customers: {}{}\n", "[".repeat(n), "]".repeat(n)),
            "flow.yaml:1:",
        ),
        (
            "mapping.yaml",
            format!("customers: {}{}\n", "{a: ".repeat(n), "}".repeat(n)),
            "mapping.yaml:1:",
        ),
        (
            "indented.yaml",
            (0..2_000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>(),
            "indented.yaml:65:",
        ),
    ];
    files
        .into_iter()
        .map(|(name, content, place)| {
            fs::write(dir.join(name), content).unwrap();
            (name.to_owned(), place)
        })
        .collect()
}

fn assert_too_deep(out: &Output, place: &str, what: &str) {
    let all = text(out);
    assert_eq!(out.status.code(), Some(1), "{what}: {all}");
    assert!(
        all.contains(place) && all.contains(": nesting too deep"),
        "{what}: wanted `{place}...: nesting too deep`: {all}"
    );
}

#[test]
fn deep_nesting_is_an_error_in_validate_plan_and_sim() {
    let dir = tempfile::tempdir().unwrap();
    for (file, place) in deep_files(dir.path()) {
        let out = run(dir.path(), &["validate", &file]);
        assert_too_deep(&out, place, "validate");
        let out = run(dir.path(), &["plan", &file, "--sim", SEED]);
        assert_too_deep(&out, place, "plan");
        let out = run(
            dir.path(),
            &["sim", "--seed", &file, "--listen", "127.0.0.1:0"],
        );
        assert_too_deep(&out, place, "sim --seed");
        let out = run(
            dir.path(),
            &["plan", CUSTOMERS, "--sim", SEED, "--profile", &file],
        );
        assert_too_deep(&out, place, "plan --profile");
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

#[test]
fn deep_nesting_is_an_error_in_diff_base() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "test@example.com"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    let files = deep_files(root);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "deep"]);
    for (file, _) in &files {
        fs::write(root.join(file), "customers: []\n").unwrap();
    }
    for (file, _) in files {
        let out = run(root, &["diff", "--base", "HEAD", &file]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "diff --base {file}: {all}");
        assert!(
            all.contains("nesting too deep"),
            "diff --base {file}: {all}"
        );
    }
}

/// `validate` of a file `c.yaml` holding `content`: the exit code, and the report with
/// each rustc-like diagnostic first flattened to a `FILE:L:C: message` line (then the
/// report as printed, for its help lines).
fn validate(content: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("c.yaml"), content).unwrap();
    let out = run(dir.path(), &["validate", "c.yaml"]);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut flat = String::new();
    let mut title = None;
    for line in report.lines() {
        if let Some((_, message)) = line
            .strip_prefix("error[")
            .and_then(|rest| rest.split_once("]: "))
        {
            title = Some(message);
        } else if let Some(place) = line.trim_start().strip_prefix("--> ")
            && let Some(message) = title.take()
        {
            flat.push_str(&format!("{place}: {message}\n"));
        }
    }
    (out.status.code(), format!("{flat}\n{report}"))
}

#[test]
fn unknown_and_mismatched_tags_are_refused_at_their_place() {
    for (value, wanted) in [
        (
            "!!binary aGVsbG8=",
            "c.yaml:2:11: the tag `!!binary` is not supported",
        ),
        (
            "!custom x",
            "c.yaml:2:11: the tag `!custom` is not supported",
        ),
        (
            "!!int hello",
            "c.yaml:2:11: this value does not fit its tag `!!int`",
        ),
    ] {
        let (code, out) = validate(&format!(
            "customers:\n  - name: {value}\n    hierarchy: sys.hcs.CS-P.CS-R1\n"
        ));
        assert_eq!(code, Some(1), "{value}: {out}");
        assert!(out.contains(wanted), "{value}: wanted {wanted}: {out}");
    }
    for tag in ["!!str", "!<tag:yaml.org,2002:str>"] {
        let (code, out) = validate(&format!(
            "customers:\n  - name: {tag} 12\n    hierarchy: sys.hcs.CS-P.CS-R1\n"
        ));
        assert_eq!(code, Some(0), "{tag}: {out}");
    }
}

#[test]
fn a_tab_after_a_colon_is_valid_and_an_indenting_tab_is_reported_at_its_line() {
    let (code, out) =
        validate("customers:\n  - name:\tAlpha\n    hierarchy:\t\tsys.hcs.CS-P.CS-R1\n");
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = validate("customers:\n  - name: Alpha\n\thierarchy: sys.hcs.CS-P.CS-R1\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("c.yaml:3:1: a tab used as indentation"),
        "{out}"
    );
}

#[test]
fn nan_and_inf_in_text_fields_are_not_text_and_other_problems_still_show() {
    let (code, out) = validate(
        "customers:\n  - name: .NaN\n    hierarchy: .inf\n    bogus: 1\n  - name: -.INF\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
    );
    assert_eq!(code, Some(1), "{out}");
    for wanted in [
        "c.yaml:2:11: Customer Name must be text, not a number",
        "c.yaml:3:16: `hierarchy` must be text, not a number",
        "c.yaml:4:5: unknown key `bogus`",
        "c.yaml:5:11: Customer Name must be text, not a number",
    ] {
        assert!(out.contains(wanted), "wanted {wanted}: {out}");
    }
    assert!(
        out.contains("put the value in quotes to make it text"),
        "{out}"
    );
    assert!(!out.contains("1.7976931348623157e308"), "{out}");
}

/// A password whose tag does not fit it is refused without being shown: neither the
/// message nor the source excerpt names it, in any format.
#[test]
fn a_tagged_password_that_does_not_fit_its_tag_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("c.yaml"),
        "customers:\n  - name: A\n    hierarchy: sys.hcs.P\n    local_admin: {cloned_role: R, password: !!int hunter2}\n",
    )
    .unwrap();
    for format in ["text", "json", "github", "sarif"] {
        let out = run(dir.path(), &["validate", "c.yaml", "--format", format]);
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {shown}");
        assert!(
            shown.contains("does not fit its tag `!!int`"),
            "{format}: {shown}"
        );
        assert!(!shown.contains("hunter2"), "{format}: {shown}");
    }
}
