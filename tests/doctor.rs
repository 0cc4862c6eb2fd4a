//! `doctor` end to end, against a standalone simulator: every check ok on the default
//! simulator; a wrong password (401 explained, never printed); a profile route or field
//! name the server does not have (the line and the profile fix); a simulator speaking
//! other names (the printed fix, used as `--profile`, makes doctor pass); JSON.

mod e2e_support;

use e2e_support::*;
use serde_json::Value;

const HEADING: &str = "Put these lines in your --profile file:";

fn doctor(sim: &Sim, who: (&str, &str), extra: &[&str]) -> Run {
    let mut args = vec!["doctor", "--hierarchy", "sys.hcs.CS-P"];
    args.extend_from_slice(extra);
    run(&mut against(sim, who, &args))
}

/// The check lines (before the first blank line).
fn check_lines(run: &Run) -> Vec<&str> {
    run.stdout.lines().take_while(|l| !l.is_empty()).collect()
}

/// The lines under the profile fix heading, up to the next blank line.
fn profile_fix(run: &Run) -> String {
    let (_, after) = run
        .stdout
        .split_once(&format!("{HEADING}\n"))
        .unwrap_or_else(|| panic!("no profile fix:\n{}", run.all()));
    after.split("\n\n").next().unwrap().to_owned() + "\n"
}

#[test]
fn the_default_simulator_passes_every_check() {
    let sim = Sim::start(&[]);
    let run = doctor(&sim, PROVIDER, &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let lines = check_lines(&run);
    assert!(lines.len() >= 15, "{}", run.all());
    for line in &lines {
        assert!(line.starts_with("ok "), "{line}\n{}", run.all());
    }
    for what in ["TLS and trust", "authentication", "hierarchy sys.hcs.CS-P"] {
        assert!(
            lines.iter().any(|l| l.contains(what)),
            "{what}\n{}",
            run.all()
        );
    }
    assert!(run.stdout.contains("route ldap: `data/Ldap` lists"));
    assert!(run.stdout.contains("defaultAdminPassword"), "{}", run.all());
    assert!(!run.stdout.contains(HEADING));
}

#[test]
fn a_wrong_password_is_explained_as_401_and_never_printed() {
    let sim = Sim::start(&[]);
    let wrong = "not-the-password-9f3";
    let run = doctor(&sim, (PROVIDER.0, wrong), &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(!run.all().contains(wrong), "{}", run.all());
    let line = check_lines(&run)
        .into_iter()
        .find(|l| l.contains("authentication"))
        .unwrap_or_else(|| panic!("{}", run.all()))
        .to_owned();
    assert!(line.starts_with("FAIL"), "{line}");
    for part in ["HTTP 401", "case-sensitive", "VOSS_PASSWORD", PROVIDER.0] {
        assert!(line.contains(part), "{part}: {line}");
    }
}

#[test]
fn an_admin_outside_the_hierarchy_is_explained_as_403() {
    let sim = Sim::start(&[]);
    let run = run(&mut against(
        &sim,
        RESELLER1,
        // Above the reseller's own node: 403 (another reseller's node answers 404, as a
        // missing one does, so that nothing is revealed).
        &["doctor", "--hierarchy", "sys.hcs.CS-P"],
    ));
    assert_eq!(run.code, 1, "{}", run.all());
    let fail = check_lines(&run)
        .into_iter()
        .find(|l| l.starts_with("FAIL"));
    let fail = fail.unwrap_or_else(|| panic!("{}", run.all()));
    assert!(fail.contains("HTTP 403"), "{fail}");
    assert!(fail.contains("--hierarchy"), "{fail}");
}

#[test]
fn a_route_the_server_does_not_have_names_the_route_and_its_profile_key() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let profile = write_file(dir.path(), "p.yaml", "routes:\n  ldap: data/LdapNope\n");
    let run = doctor(&sim, PROVIDER, &["--profile", profile.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.all());
    let failed: Vec<&str> = check_lines(&run)
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.all());
    assert!(failed[0].contains("route ldap"), "{}", failed[0]);
    assert!(
        failed[0].contains("`data/LdapNope` answered 404"),
        "{}",
        failed[0]
    );
    assert!(failed[0].contains("routes: {ldap: "), "{}", failed[0]);
}

#[test]
fn a_field_name_the_server_does_not_have_is_mapped_back_by_the_printed_fix() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let profile = write_file(dir.path(), "p.yaml", "fields:\n  extended_name: extName\n");
    let run = doctor(&sim, PROVIDER, &["--profile", profile.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.all());
    let line = check_lines(&run)
        .into_iter()
        .find(|l| l.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("{}", run.all()));
    for part in ["extended_name", "extName", "extendedName"] {
        assert!(line.contains(part), "{part}: {line}");
    }
    assert_eq!(
        profile_fix(&run),
        "fields:\n  extended_name: extendedName\n"
    );
}

#[test]
fn a_simulator_with_other_names_fails_until_the_printed_lines_are_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let server = write_file(
        dir.path(),
        "server.yaml",
        "fields:\n  extended_name: extName\n  account_id: acctId\n",
    );
    let sim = Sim::start(&["--profile", server.to_str().unwrap()]);
    let run = doctor(&sim, PROVIDER, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    let failed: Vec<&str> = check_lines(&run)
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(failed.len(), 2, "{}", run.all());
    assert!(failed[0].contains("`extended_name`") && failed[0].contains("extName"));
    assert!(failed[1].contains("`account_id`") && failed[1].contains("acctId"));
    let fix = profile_fix(&run);
    assert!(fix.starts_with("fields:\n"), "{fix}");
    assert!(fix.contains("  extended_name: extName\n"), "{fix}");
    assert!(fix.contains("  account_id: acctId\n"), "{fix}");

    let mine = write_file(dir.path(), "mine.yaml", &fix);
    let run = doctor(&sim, PROVIDER, &["--profile", mine.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(check_lines(&run).iter().all(|l| l.starts_with("ok ")));
}

#[test]
fn json_has_ok_checks_and_the_profile_fix() {
    let sim = Sim::start(&[]);
    let run = doctor(&sim, PROVIDER, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["profile_fix"], Value::Null);
    let checks = json["checks"].as_array().unwrap();
    assert!(checks.len() >= 15);
    for check in checks {
        assert!(
            check["name"].is_string() && check["detail"].is_string(),
            "{check}"
        );
        assert_eq!(check["status"], "ok", "{check}");
    }

    let dir = tempfile::tempdir().unwrap();
    let profile = write_file(dir.path(), "p.yaml", "fields:\n  extended_name: extName\n");
    let run = doctor(
        &sim,
        PROVIDER,
        &["--format", "json", "--profile", profile.to_str().unwrap()],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(
        json["profile_fix"],
        "fields:\n  extended_name: extendedName\n"
    );
    let failed = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "fail")
        .unwrap();
    assert!(failed["detail"].as_str().unwrap().contains("extName"));
}

#[test]
fn with_sim_the_hierarchy_defaults_to_the_seed_admin_s_and_without_it_is_required() {
    let run = run(&mut tool(&["doctor", "--sim", seed().to_str().unwrap()]));
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("hierarchy sys.hcs.CS-P: exists"),
        "{}",
        run.all()
    );

    let mut command = tool(&["doctor", "--url", "http://127.0.0.1:9"]);
    command
        .env("VOSS_USERNAME", PROVIDER.0)
        .env("VOSS_PASSWORD", PROVIDER.1);
    let run = e2e_support::run(&mut command);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr.starts_with("error: no --hierarchy given"),
        "{}",
        run.all()
    );
}

#[test]
fn a_server_that_cannot_be_reached_stops_at_the_first_check() {
    let mut command = tool(&[
        "doctor",
        "--url",
        "http://127.0.0.1:9",
        "--hierarchy",
        "sys.hcs.CS-P",
    ]);
    command
        .env("VOSS_USERNAME", PROVIDER.0)
        .env("VOSS_PASSWORD", PROVIDER.1);
    let run = run(&mut command);
    assert_eq!(run.code, 1, "{}", run.all());
    let lines = check_lines(&run);
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(
        lines[0].starts_with("FAIL  TLS and trust: could not connect"),
        "{}",
        run.all()
    );
}
