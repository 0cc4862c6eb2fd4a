//! Issue 12, items 4 and 5: `--out` and `--state` replace only a regular file (a FIFO, a
//! device, a symbolic link or a directory at the path is refused and left as it was), and
//! a failed write to standard output makes every command exit 1.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml")
}

/// One customer to create under the provider: `plan` exits 0, `apply --yes` applies it.
fn desired(dir: &Path) -> PathBuf {
    let path = dir.join("new.yaml");
    std::fs::write(
        &path,
        "customers:\n  - name: Initech\n    hierarchy: sys.hcs.CS-P\n    description: new\n",
    )
    .unwrap();
    path
}

fn run(args: &[&str], stdout: Stdio) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("VOSS_URL")
        .stdin(Stdio::null())
        .stdout(stdout)
        .output()
        .unwrap()
}

fn to_dev_full(args: &[&str]) -> Output {
    run(args, Stdio::from(File::create("/dev/full").unwrap()))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

// --- item 5: standard output ---------------------------------------------------------

#[test]
fn import_to_a_full_disk_exits_1() {
    let seed = seed();
    let args = [
        "import",
        "--hierarchy",
        "sys.hcs.CS-P",
        "--recursive",
        "--sim",
        s(&seed),
    ];
    assert_eq!(run(&args, Stdio::null()).status.code(), Some(0));
    let full = to_dev_full(&args);
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    assert!(
        stderr(&full).contains("cannot write to standard output"),
        "{}",
        stderr(&full)
    );
}

#[test]
fn every_command_that_prints_exits_1_when_standard_output_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = desired(dir.path());
    let seed = seed();
    let commands: Vec<Vec<&str>> = vec![
        vec!["validate", s(&file)],
        vec!["schema"],
        vec!["completions", "bash"],
        vec!["plan", s(&file), "--sim", s(&seed)],
        vec!["plan", s(&file), "--sim", s(&seed), "--format", "json"],
        vec!["drift", s(&file), "--sim", s(&seed)],
        vec!["adopt", s(&file), "--sim", s(&seed), "--dry-run"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in commands {
        let normal = run(&args, Stdio::null());
        assert_ne!(
            normal.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&normal)
        );
        let full = to_dev_full(&args);
        assert_eq!(full.status.code(), Some(1), "{args:?}: {}", stderr(&full));
    }
}

#[test]
fn apply_with_yes_finishes_its_changes_then_exits_1_when_standard_output_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = desired(dir.path());
    let seed = seed();
    let full = to_dev_full(&["apply", s(&file), "--sim", s(&seed), "--yes"]);
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let err = stderr(&full);
    assert!(err.contains("cannot write to standard output"), "{err}");
    // Said once, not once per write.
    assert_eq!(
        err.matches("cannot write to standard output").count(),
        1,
        "{err}"
    );
}

#[test]
fn plan_out_is_still_saved_when_standard_output_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = desired(dir.path());
    let out = dir.path().join("plan.json");
    let seed = seed();
    let full = to_dev_full(&["plan", s(&file), "--sim", s(&seed), "--out", s(&out)]);
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let saved = std::fs::read_to_string(&out).unwrap();
    assert!(saved.contains("Initech"), "{saved}");
}

// --- item 4: --out and --state --------------------------------------------------------

/// `plan --out PATH` is refused with exit 1 and a sentence naming what is at PATH.
fn plan_out(path: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = desired(dir.path());
    let seed = seed();
    let output = run(
        &["plan", s(&file), "--sim", s(&seed), "--out", s(path)],
        Stdio::null(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stderr(&output)
}

#[test]
fn plan_out_refuses_a_fifo_and_leaves_it_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let err = plan_out(&fifo);
    assert!(
        err.contains("it is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
    assert!(err.contains("redirect standard output"), "{err}");
    assert!(is_fifo(&fifo));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn plan_out_refuses_a_symbolic_link_and_keeps_what_it_points_at() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kept.json");
    std::fs::write(&target, "kept").unwrap();
    let link = dir.path().join("plan.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let err = plan_out(&link);
    assert!(err.contains("it is a symbolic link to"), "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
}

#[test]
fn plan_out_refuses_a_link_to_dev_null_and_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    // A link to /dev/null stands for /dev/null itself (and /proc/self/fd/1), without
    // risking the real node if the check ever breaks on a machine where tests run as root.
    let link = dir.path().join("null");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let err = plan_out(&link);
    assert!(err.contains("a symbolic link to /dev/null"), "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let err = plan_out(&sub);
    assert!(err.contains("it is a directory"), "{err}");
}

#[test]
fn import_out_refuses_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let seed = seed();
    let output = run(
        &[
            "import",
            "--hierarchy",
            "sys.hcs.CS-P",
            "--sim",
            s(&seed),
            "--out",
            s(&fifo),
        ],
        Stdio::null(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("a FIFO"), "{}", stderr(&output));
    assert!(is_fifo(&fifo));
}

#[test]
fn sim_state_refuses_a_fifo_at_once_instead_of_blocking_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("state.json");
    mkfifo(&fifo);
    let seed = seed();
    let mut child = Command::new(BIN)
        .args([
            "sim",
            "--seed",
            s(&seed),
            "--listen",
            "127.0.0.1:0",
            "--state",
            s(&fifo),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sim --state FIFO did not stop");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(stderr(&output).contains("--state"), "{}", stderr(&output));
    assert!(is_fifo(&fifo));
}
