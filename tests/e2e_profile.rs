//! API profiles end to end (issue 11): a server whose field names differ from the built-in
//! profile stops plan and apply before anything is written, naming the fields and the
//! profile lines that fix them; with those lines, plan and apply converge. The local admin
//! is asked for as each release wants it.

mod e2e_support;

use e2e_support::*;

const INITECH: &str = "customers:
  - name: Initech
    hierarchy: sys.hcs.CS-P.CS-R1
    description: Initech, TPS reports
    extended_name: Initech Corporation
    account_id: A-900
";

const RENAMED: &str = "fields:
  extended_name: extName
  account_id: acctId
";

/// The POST, PUT, PATCH and DELETE routes the simulator saw.
fn writes(sim: &Sim) -> Vec<String> {
    sim.stats()["by_route"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|route| !route.starts_with("GET "))
        .cloned()
        .collect()
}

#[test]
fn renamed_fields_stop_plan_and_apply_before_any_write_and_the_printed_lines_fix_them() {
    let dir = tempfile::tempdir().unwrap();
    let server_profile = write_file(dir.path(), "server.yaml", RENAMED);
    let sim = Sim::start(&["--profile", server_profile.to_str().unwrap()]);
    let file = write_file(dir.path(), "initech.yaml", INITECH);
    let file = file.to_str().unwrap();

    let plan = run(&mut against(&sim, PROVIDER, &["plan", file]));
    assert_eq!(plan.code, 1, "{}", plan.all());
    for expected in [
        "nothing was written",
        "`extended_name` is sent as `extendedName`",
        "`account_id` is sent as `accountId`",
        "Put these lines in your --profile file:\nfields:\n  extended_name: extName\n  account_id: acctId",
    ] {
        assert!(
            plan.stderr.contains(expected),
            "{expected:?}\n{}",
            plan.all()
        );
    }
    let apply = run(&mut against(&sim, PROVIDER, &["apply", file, "--yes"]));
    assert_eq!(apply.code, 1, "{}", apply.all());
    assert!(
        apply.stderr.contains("nothing was written"),
        "{}",
        apply.all()
    );
    assert!(writes(&sim).is_empty(), "{:?}", writes(&sim));

    // The printed lines, as the user's profile: plan and apply converge.
    let fix = write_file(dir.path(), "fix.yaml", RENAMED);
    let fixed = ["--profile", fix.to_str().unwrap()];
    let plan = run(&mut against(
        &sim,
        PROVIDER,
        &[&["plan", file][..], &fixed].concat(),
    ));
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert!(plan.stdout.contains("Initech"), "{}", plan.all());
    let apply = run(&mut against(
        &sim,
        PROVIDER,
        &[&["apply", file, "--yes"][..], &fixed].concat(),
    ));
    assert_eq!(apply.code, 0, "{}", apply.all());
    let again = run(&mut against(
        &sim,
        PROVIDER,
        &[&["plan", file, "--detailed-exitcode"][..], &fixed].concat(),
    ));
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(again.stdout.contains("No changes"), "{}", again.all());
}

const WITH_ADMIN: &str = "customers:
  - name: Initrode
    hierarchy: sys.hcs.CS-P.CS-R1
    local_admin:
      cloned_role: CustomerAdminTemplate
      password_env: ACME_ADMIN_PASSWORD
";

/// The `defaultAdminRole` of customer `name` under CS-R1.
fn admin_role(sim: &Sim, name: &str) -> String {
    let listed = sim.get(
        "/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P.CS-R1&format=json",
        Some(PROVIDER),
    );
    let pkid = listed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["data"]["name"] == name)
        .and_then(|r| r["pkid"].as_str())
        .unwrap()
        .to_owned();
    let record = sim.get(
        &format!("/api/relation/HcsCustomerREL/{pkid}/?format=json"),
        Some(PROVIDER),
    );
    record["data"]["defaultAdminRole"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_local_admin_is_asked_for_as_each_release_wants() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "initrode.yaml", WITH_ADMIN);
    let file = file.to_str().unwrap();

    // Before 24.2 the role is cloned with the customer.
    let old = Sim::start(&["--voss-release", "21.4"]);
    let apply = run(&mut against(&old, PROVIDER, &["apply", file, "--yes"]));
    assert_eq!(apply.code, 0, "{}", apply.all());
    let cloned = admin_role(&old, "Initrode");
    assert_ne!(cloned, "CustomerAdminTemplate");
    assert!(cloned.contains("Initrode"), "{cloned}");

    // From 24.2 on it is cloned only when asked: told the release, the tool asks.
    let new = Sim::start(&["--voss-release", "24.2"]);
    let apply = run(&mut against(
        &new,
        PROVIDER,
        &["apply", file, "--yes", "--voss-release", "24.2"],
    ));
    assert_eq!(apply.code, 0, "{}", apply.all());
    assert_eq!(admin_role(&new, "Initrode"), cloned);

    // Not told, it does not ask, and the 24.2 server gives the admin the role itself.
    let unasked = Sim::start(&["--voss-release", "24.2"]);
    let apply = run(&mut against(&unasked, PROVIDER, &["apply", file, "--yes"]));
    assert_eq!(apply.code, 0, "{}", apply.all());
    assert_eq!(admin_role(&unasked, "Initrode"), "CustomerAdminTemplate");
}

#[test]
fn profile_prints_the_effective_profile_and_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let mine = write_file(dir.path(), "mine.yaml", RENAMED);
    let printed = run(&mut tool(&["profile", "--profile", mine.to_str().unwrap()]));
    assert_eq!(printed.code, 0, "{}", printed.all());
    assert!(
        printed.stdout.contains("  extended_name: \"extName\"\n"),
        "{}",
        printed.all()
    );
    assert!(
        printed
            .stdout
            .contains("  customer: \"relation/HcsCustomerREL\"\n"),
        "{}",
        printed.all()
    );
    // What it prints is itself a profile that reads back.
    let again = write_file(dir.path(), "again.yaml", &printed.stdout);
    let reread = run(&mut tool(&[
        "profile",
        "--profile",
        again.to_str().unwrap(),
    ]));
    assert_eq!(
        reread.stdout,
        printed.stdout.replace("mine.yaml", "again.yaml")
    );

    let bad = write_file(dir.path(), "bad.yaml", "fields:\n  acount_id: acctId\n");
    let refused = run(&mut tool(&["profile", "--profile", bad.to_str().unwrap()]));
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("bad.yaml:2:14: `acount_id` is not a customer field")
            && refused.stderr.contains("did you mean `account_id`?"),
        "{}",
        refused.all()
    );
}
