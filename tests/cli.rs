//! The command line itself: completions, help, usage errors, a closed output pipe.

use std::process::{Command, Stdio};

fn tool() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_voss-customers"));
    command.stdin(Stdio::null());
    command
}

#[test]
fn completions_name_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = tool().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in [
            "validate",
            "plan",
            "apply",
            "drift",
            "import",
            "reconcile",
            "sim",
        ] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
}

#[test]
fn every_command_help_has_an_example() {
    for command in [
        "validate",
        "schema",
        "plan",
        "apply",
        "drift",
        "adopt",
        "import",
        "diff",
        "reconcile",
        "sim",
        "completions",
    ] {
        let out = tool().args([command, "--help"]).output().unwrap();
        assert!(out.status.success(), "{command} --help");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("Example") && help.contains("voss-customers "),
            "{command} --help has no example:\n{help}"
        );
    }
}

#[test]
fn a_usage_error_exits_1_not_2_which_means_changes_pending() {
    let out = tool().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("required"));
}

#[test]
fn a_reader_that_closes_the_pipe_early_is_not_a_crash() {
    for args in [
        &["completions", "bash"][..],
        &["schema"][..],
        &[
            "plan",
            "examples/customers",
            "--sim",
            "examples/sim-seed.yaml",
        ][..],
    ] {
        let mut child = tool()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn sim_ignores_production_settings_exported_in_the_shell() {
    let out = tool()
        .args([
            "plan",
            "examples/customers",
            "--sim",
            "examples/sim-seed.yaml",
        ])
        .env("VOSS_URL", "https://voss.prod.example")
        .env("VOSS_USERNAME", "someone@prod.example")
        .env("VOSS_PASSWORD", "prod-password")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Plan: 4 to create"), "{stdout}");
    assert!(!stdout.contains("prod.example"), "{stdout}");
}

#[test]
fn a_seed_password_of_the_wrong_type_is_named_but_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "hierarchy:\n  - {path: sys.hcs.P, type: provider}\nadmins:\n  - {email: a@p.example, password: 98765432, hierarchy: sys.hcs.P}\n",
    )
    .unwrap();
    let out = tool()
        .args(["sim", "--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("seed.yaml:4:"), "{stderr}");
    assert!(!stderr.contains("98765432"), "{stderr}");
}
