//! The README's quick start and walkthrough, run exactly as written (issue 15, item 1): a new
//! user copies them from a fresh clone. Every `cargo run --release -- ARGS` line runs this
//! test's build of the tool with ARGS (a `cargo` on PATH that refuses any other invocation);
//! each line must exit 0, or the `# exit N` its comment states. The walkthrough must leave
//! nothing behind: no process still running and nothing in the temporary directory.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn readme() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap()
}

/// The `sh` code blocks of the section that starts with `heading` (up to the next `## `).
fn sh_blocks(heading: &str) -> Vec<String> {
    let readme = readme();
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &readme[start + heading.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    section
        .split("```sh\n")
        .skip(1)
        .map(|block| block[..block.find("```").unwrap()].to_owned())
        .collect()
}

/// One block as a script that checks each line's exit code.
fn checked_script(block: &str) -> String {
    let mut script = String::new();
    for (number, line) in block.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with("cargo test") {
            // `cargo test` is the command running this test.
            continue;
        }
        assert!(
            !line.ends_with('\\'),
            "keep README commands on one line: {line}"
        );
        if line.ends_with('&') {
            script.push_str(line);
            script.push('\n');
            continue;
        }
        let (command, expected) = match line.split_once("# exit ") {
            Some((command, code)) => (command.trim_end(), code.trim().parse::<i32>().unwrap()),
            None => (line, 0),
        };
        let quoted = line.replace('\'', "'\\''");
        script.push_str(&format!(
            "{command}\nrc=$?\nif [ $rc -ne {expected} ]; then echo 'README line {}: {quoted}' \"exited $rc, expected {expected}\" >&2; exit 99; fi\n",
            number + 1
        ));
    }
    script
}

struct Run {
    code: Option<i32>,
    output: String,
}

/// Runs `script` with bash in the repository, with the `cargo` shim first on PATH and an
/// empty TMPDIR; asserts that no process it started is left and TMPDIR is empty again.
fn run_script(script: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let shim = bin.join("cargo");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\nif [ \"$1 $2 $3\" != 'run --release --' ]; then echo \"README runs cargo $*\" >&2; exit 98; fi\nshift 3\nexec '{BIN}' \"$@\"\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .args(["-c", script])
        .current_dir(ROOT)
        .env("PATH", path)
        .env("TMPDIR", &tmp)
        .env("NO_COLOR", "1")
        .env_remove("VOSS_URL")
        .env_remove("VOSS_USERNAME")
        .env_remove("VOSS_PASSWORD")
        .env_remove("ACME_ADMIN_PASSWORD")
        .env_remove("CYBERDYNE_ADMIN_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let group = child.id().to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let timed_out = child.try_wait().unwrap().is_none();
    // Whatever the script left running is still in its process group.
    let left_running = Command::new("kill")
        .args(["-0", "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if left_running {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .status();
    }
    let out = child.wait_with_output().unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !timed_out,
        "the README's commands did not finish in 120 s\n{output}"
    );
    assert!(
        !left_running,
        "the README's commands left a process running (stop what you start)\n{output}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(
        leftovers.is_empty(),
        "the README's commands left {leftovers:?} in the temporary directory\n{output}"
    );
    Run {
        code: out.status.code(),
        output,
    }
}

#[test]
fn the_quick_start_main_job_ends_green_and_the_blocked_example_says_why() {
    let blocks = sh_blocks("## Quick start");
    assert!(
        blocks.len() >= 3,
        "quick start, tests, blocked example, walkthrough"
    );
    assert!(
        blocks[1].trim() == "cargo test --locked",
        "the second command is the tests: {:?}",
        blocks[1]
    );
    // The main job: the first command, green.
    let main = run_script(&checked_script(&blocks[0]));
    assert_eq!(main.code, Some(0), "{}", main.output);
    assert!(
        main.output.contains("built-in simulator"),
        "{}",
        main.output
    );
    assert!(main.output.contains("Plan: 4 to create"), "{}", main.output);
    assert!(!main.output.contains("blocked"), "{}", main.output);

    let blocked = run_script(&checked_script(&blocks[2]));
    assert_eq!(blocked.code, Some(0), "{}", blocked.output);
    assert!(
        blocked
            .output
            .contains("- delete \"Hooli\" at sys.hcs.CS-P.CS-R1"),
        "{}",
        blocked.output
    );
    assert!(
        blocked
            .output
            .contains("blocked: still has 1 SSO identity provider"),
        "{}",
        blocked.output
    );
}

#[test]
fn the_walkthrough_applies_converges_and_stops_what_it_starts() {
    let blocks = sh_blocks("## Quick start");
    let walkthrough = blocks
        .iter()
        .find(|b| b.contains(" sim "))
        .expect("a walkthrough block that starts the simulator");
    assert!(
        !walkthrough.lines().any(|l| l.starts_with("voss-customers")),
        "one invocation throughout: cargo run --release --"
    );
    let run = run_script(&checked_script(walkthrough));
    assert_eq!(run.code, Some(0), "{}", run.output);
    assert!(
        run.output.contains("Apply complete: 10 applied"),
        "{}",
        run.output
    );
    assert!(run.output.contains("No changes."), "{}", run.output);
    assert!(run.output.contains("No drift."), "{}", run.output);
    assert!(
        run.output.contains("only blocked changes are left"),
        "{}",
        run.output
    );
    for secret in [
        "provider-secret",
        "acme-walkthrough-pw",
        "cyberdyne-walkthrough-pw",
    ] {
        assert!(
            !run.output.contains(secret),
            "{secret} shown\n{}",
            run.output
        );
    }
}
