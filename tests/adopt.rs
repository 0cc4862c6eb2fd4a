//! `adopt` against the in-process simulator: the seed is the live system after an outside
//! change of several fields; adopt must change only those values' bytes, the result must
//! validate, and `plan` against the same seed must then be clean.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

const SEED: &str = r#"
hierarchy:
  - {path: sys.hcs.P, type: provider, domain: p.example}
  - {path: sys.hcs.P.R1, type: reseller}
  - {path: sys.hcs.P.R2, type: reseller}
admins:
  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}
prime_collaboration: [PC-East, PC-West]
customers:
  - hierarchy: sys.hcs.P.R1
    name: Acme
    description: "NO"
    extended_name: "a: b # not a comment"
    account_id: "007"
    deal_ids: [D-1, D-3]
    public_sector: true
    prime_collaboration: PC-West
    domain: acme.example
  - hierarchy: sys.hcs.P.R1
    name: Bolt
    description: "Zürich – 東京"
    deal_ids: [D-7, "1e3"]
    shared_uc_apps: true
  - hierarchy: sys.hcs.P.R1
    name: Calm
    description: unchanged
  - hierarchy: sys.hcs.P.R1
    name: Newco
    description: " lead"
    deal_ids: [N-1]
  - hierarchy: sys.hcs.P.R2
    name: Other
"#;

/// CRLF, comments everywhere, block and flow styles, quoting of every kind, unicode.
const LINES: [&str; 24] = [
    "# Customers of R1 — Zürich office 東京",
    "customers:",
    "  # The flagship; its values are edited in the VOSS GUI now and then.",
    "  - name: Acme   # keep me",
    "    hierarchy: sys.hcs.P.R1",
    "    description: 'Old text'  # was single-quoted",
    "    extended_name: \"EXT\"",
    "    account_id: plain",
    "    domain: acme.example",
    "    deal_ids:",
    "      - D-1   # first deal",
    "      - D-2",
    "    public_sector: false",
    "    prime_collaboration: PC-East # monitored",
    "    local_admin: {cloned_role: CustomerAdminTemplate, password_env: ACME_ADMIN_PASSWORD}",
    "",
    "  - {name: Bolt, hierarchy: sys.hcs.P.R1, description: bolt, deal_ids: [D-7], shared_uc_apps: false}",
    "",
    "  - name: Calm",
    "    hierarchy: sys.hcs.P.R1",
    "    description: unchanged   # nothing drifted here",
    "scopes:",
    "  - hierarchy: sys.hcs.P.R1   # owned",
    "    prune: false",
];

fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

fn run(args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    for (key, _) in std::env::vars() {
        if key.starts_with("VOSS_") {
            command.env_remove(key);
        }
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn show(output: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    )
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn assert_plan_is_clean(paths: &[&Path], seed: &Path) {
    let mut args = vec!["plan"];
    args.extend(paths.iter().map(|p| arg(p)));
    args.extend(["--sim", arg(seed), "--detailed-exitcode"]);
    let plan = run(&args);
    assert_eq!(plan.status.code(), Some(0), "{}", show(&plan));
    assert!(text(&plan.stdout).contains("No changes"), "{}", show(&plan));
}

/// What the file must be after adopt: only the drifted values changed, Newco appended
/// (after a blank line, as the file separates its items).
fn expected_after() -> String {
    let newco = [
        "",
        "  - name: Newco",
        "    hierarchy: sys.hcs.P.R1",
        "    description: \" lead\"",
        "    extended_name: \"\"",
        "    external_customer_id: \"\"",
        "    public_sector: false",
        "    inactive_billing: false",
        "    account_id: \"\"",
        // One block and one flow list of deal ids in the file: a tie is written flow.
        "    deal_ids: [N-1]",
        "    prime_collaboration: null",
        "    shared_uc_apps: false",
        "    number_management: true",
    ];
    let mut lines: Vec<&str> = LINES.to_vec();
    lines.splice(21..21, newco);
    crlf(&lines)
        .replace("'Old text'", "'NO'")
        .replace("\"EXT\"", "\"a: b # not a comment\"")
        .replace("account_id: plain", "account_id: \"007\"")
        .replace("      - D-2\r\n", "      - D-3\r\n")
        .replace(
            "public_sector: false\r\n    prime",
            "public_sector: true\r\n    prime",
        )
        .replace("PC-East # monitored", "PC-West # monitored")
        .replace(
            "description: bolt, deal_ids: [D-7], shared_uc_apps: false}",
            "description: Zürich – 東京, deal_ids: [D-7, \"1e3\"], shared_uc_apps: true}",
        )
}

#[test]
fn adopt_changes_only_the_drifted_bytes_and_plan_is_clean_after() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    let files = dir.path().join("customers");
    std::fs::create_dir(&files).unwrap();
    let before = crlf(&LINES);
    let file = write(&files, "r1.yaml", &before);

    // The dry run shows the diff and writes nothing; exit 2: files would change.
    let dry = run(&["adopt", arg(&files), "--sim", arg(&seed), "--dry-run"]);
    assert_eq!(dry.status.code(), Some(2), "{}", show(&dry));
    let out = text(&dry.stdout);
    assert!(out.contains("+++ "), "{out}");
    assert!(out.contains("\n-    account_id: plain\n"), "{out}");
    assert!(out.contains("\n+    account_id: \"007\"\n"), "{out}");
    assert!(out.contains("(CRLF)"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    let adopted = run(&["adopt", arg(&files), "--sim", arg(&seed)]);
    assert_eq!(adopted.status.code(), Some(0), "{}", show(&adopted));
    let out = text(&adopted.stdout);
    assert!(out.contains("~ \"Acme\" at sys.hcs.P.R1"), "{out}");
    assert!(out.contains("+ \"Newco\" at sys.hcs.P.R1"), "{out}");
    assert!(
        out.contains(&format!("changed {}", file.display())),
        "{out}"
    );
    // Byte for byte: every comment, quote, blank line, CRLF and the local admin stay.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected_after());

    let validate = run(&["validate", arg(&files)]);
    assert_eq!(validate.status.code(), Some(0), "{}", show(&validate));
    assert_plan_is_clean(&[&files], &seed);

    // Adopting again finds nothing.
    let again = run(&["adopt", arg(&files), "--sim", arg(&seed), "--dry-run"]);
    assert_eq!(again.status.code(), Some(0), "{}", show(&again));
    assert!(
        text(&again.stdout).contains("Nothing to adopt"),
        "{}",
        show(&again)
    );
}

#[test]
fn an_undeclared_customer_goes_to_the_file_declaring_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    // Two files declare customers under R1; only b.yaml owns the scope.
    let a_text = "customers:\n  - name: Acme\n    hierarchy: sys.hcs.P.R1\n  - name: Bolt\n    hierarchy: sys.hcs.P.R1\n";
    let b_text = "# R1's other customers, and its scope.\ncustomers:\n- name: Calm\n  hierarchy: \"sys.hcs.P.R1\"\n  description: unchanged\nscopes:\n- hierarchy: sys.hcs.P.R1\n";
    let a = write(dir.path(), "a.yaml", a_text);
    let b = write(dir.path(), "b.yaml", b_text);
    let adopted = run(&[
        "adopt",
        arg(&a),
        arg(&b),
        "--sim",
        arg(&seed),
        "--customer",
        "Newco",
    ]);
    assert_eq!(adopted.status.code(), Some(0), "{}", show(&adopted));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), a_text);
    let after = std::fs::read_to_string(&b).unwrap();
    assert_eq!(
        after,
        b_text.replace(
            "  description: unchanged\n",
            "  description: unchanged\n- name: Newco\n  hierarchy: sys.hcs.P.R1\n  description: \" lead\"\n  extended_name: \"\"\n  external_customer_id: \"\"\n  public_sector: false\n  inactive_billing: false\n  account_id: \"\"\n  deal_ids: [N-1]\n  prime_collaboration: null\n  shared_uc_apps: false\n  number_management: true\n"
        )
    );
    assert_plan_is_clean(&[&a, &b], &seed);
}

#[test]
fn missing_customers_are_reported_and_removed_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    let text_before = "customers:\n  - name: Gone\n    hierarchy: sys.hcs.P.R2  # deleted in the GUI\n    description: x\n  - name: Other\n    hierarchy: sys.hcs.P.R2\n";
    let file = write(dir.path(), "r2.yaml", text_before);
    let kept = run(&[
        "adopt",
        arg(&file),
        "--sim",
        arg(&seed),
        "--format",
        "markdown",
    ]);
    assert_eq!(kept.status.code(), Some(0), "{}", show(&kept));
    let md = text(&kept.stdout);
    assert!(md.starts_with("## voss-customers adopt\n"), "{md}");
    assert!(
        md.contains("### Declared, missing live\n\n- Gone at `sys.hcs.P.R2`"),
        "{md}"
    );
    assert!(
        md.contains("not created yet, or deleted live; `adopt --remove-missing` removes it"),
        "{md}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text_before);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let removed = run(&["adopt", arg(&file), "--sim", arg(&seed), "--remove-missing"]);
    assert_eq!(removed.status.code(), Some(0), "{}", show(&removed));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "the file keeps its permissions");
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "customers:\n  - name: Other\n    hierarchy: sys.hcs.P.R2\n"
    );
    assert_plan_is_clean(&[&file], &seed);
}

#[test]
fn into_must_be_a_file_plan_reads() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    let files = dir.path().join("customers");
    std::fs::create_dir(&files).unwrap();
    let file = write(&files, "r1.yaml", "scopes:\n  - hierarchy: sys.hcs.P.R1\n");
    let outside = dir.path().join("elsewhere.yaml");
    let refused = run(&[
        "adopt",
        arg(&files),
        "--sim",
        arg(&seed),
        "--into",
        arg(&outside),
    ]);
    assert_eq!(refused.status.code(), Some(1), "{}", show(&refused));
    assert!(
        text(&refused.stderr).contains("--into"),
        "{}",
        show(&refused)
    );
    assert!(!outside.exists());

    let new = files.join("adopted.yaml");
    let adopted = run(&[
        "adopt",
        arg(&files),
        "--sim",
        arg(&seed),
        "--into",
        arg(&new),
    ]);
    assert_eq!(adopted.status.code(), Some(0), "{}", show(&adopted));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "scopes:\n  - hierarchy: sys.hcs.P.R1\n"
    );
    let written = std::fs::read_to_string(&new).unwrap();
    assert!(
        written.starts_with("customers:\n  - name: Acme\n"),
        "{written}"
    );
    assert!(text(&adopted.stdout).contains(&format!("created {}", new.display())));
    assert_plan_is_clean(&[&files], &seed);
}

/// Control characters from the server never reach the terminal raw, in the report or the
/// diff, and the file gets them escaped inside double quotes.
#[test]
fn server_text_is_shown_escaped_and_written_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(
        dir.path(),
        "seed.yaml",
        "hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n  - {path: sys.hcs.P.R1, type: reseller}\n\
         admins:\n  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}\n\
         customers:\n  - {hierarchy: sys.hcs.P.R1, name: Evil, description: \"one\\ntwo\\e[31m\\n::error file=a.yaml::pwned\"}\n",
    );
    let file = write(
        dir.path(),
        "c.yaml",
        "customers:\n  - {name: Evil, hierarchy: sys.hcs.P.R1, description: \"y\"}\n",
    );
    for format in ["text", "markdown"] {
        let dry = run(&[
            "adopt",
            arg(&file),
            "--sim",
            arg(&seed),
            "--dry-run",
            "--format",
            format,
        ]);
        assert_eq!(dry.status.code(), Some(2), "{}", show(&dry));
        for line in text(&dry.stdout).lines().chain(text(&dry.stderr).lines()) {
            assert!(!line.starts_with("::"), "a workflow command: {line:?}");
            assert!(
                !line.chars().any(char::is_control),
                "a control character: {line:?}"
            );
        }
    }
    let adopted = run(&["adopt", arg(&file), "--sim", arg(&seed)]);
    assert_eq!(adopted.status.code(), Some(0), "{}", show(&adopted));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "customers:\n  - {name: Evil, hierarchy: sys.hcs.P.R1, description: \"one\\ntwo\\u001b[31m\\n::error file=a.yaml::pwned\"}\n"
    );
    assert_plan_is_clean(&[&file], &seed);
}

/// A live value the files may not hold stops adopt before anything is written, with the
/// problem at the real file's line; the other customers can still be adopted by name.
#[test]
fn a_live_value_that_would_not_validate_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(
        dir.path(),
        "seed.yaml",
        "hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n\
         admins:\n  - {email: admin@p.example, password: provider-secret, hierarchy: sys.hcs.P}\n\
         customers:\n  - {hierarchy: sys.hcs.P, name: Fine, domain: bad_domain}\n\
         \x20 - {hierarchy: sys.hcs.P, name: Good, description: new}\n",
    );
    let before = "customers:\n  - name: Fine\n    hierarchy: sys.hcs.P\n    domain: good.example\n  - name: Good\n    hierarchy: sys.hcs.P\n    description: old\n";
    let file = write(dir.path(), "c.yaml", before);
    let refused = run(&["adopt", arg(&file), "--sim", arg(&seed)]);
    assert_eq!(refused.status.code(), Some(1), "{}", show(&refused));
    let err = text(&refused.stderr);
    assert!(err.contains("Domain Name must be a domain name"), "{err}");
    assert!(err.contains(&format!("{}:4:13", file.display())), "{err}");
    // The excerpt shows the value adopt would have written, not the file's current one.
    assert!(err.contains("domain: bad_domain"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    let good = run(&[
        "adopt",
        arg(&file),
        "--sim",
        arg(&seed),
        "--customer",
        "Good",
    ]);
    assert_eq!(good.status.code(), Some(0), "{}", show(&good));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        before.replace("description: old", "description: new")
    );
    // A --hierarchy where no customer is declared or live is an error, not "nothing to
    // adopt" (which would read as "no drift").
    let none = run(&[
        "adopt",
        arg(&file),
        "--sim",
        arg(&seed),
        "--hierarchy",
        "sys.hcs.Q",
        "--dry-run",
    ]);
    assert_eq!(none.status.code(), Some(1), "{}", show(&none));
    assert!(
        text(&none.stderr).contains("--hierarchy sys.hcs.Q: matches no customer"),
        "{}",
        show(&none)
    );
}

#[test]
fn drift_left_not_adopted_exits_1_in_both_modes_and_the_rest_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    // Other has no domain live: its key must go, but it shares the `- ` line (refused);
    // its description drifted too, and that is adopted.
    let before = "customers:\n  - domain: other.example\n    name: Other\n    hierarchy: sys.hcs.P.R2\n    description: old\n";
    let file = write(dir.path(), "r2.yaml", before);
    let dry = run(&["adopt", arg(&file), "--sim", arg(&seed), "--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "{}", show(&dry));
    assert!(text(&dry.stdout).contains("not adopted"), "{}", show(&dry));
    assert!(
        text(&dry.stderr).contains("1 finding(s) not adopted"),
        "{}",
        show(&dry)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    let wet = run(&["adopt", arg(&file), "--sim", arg(&seed)]);
    assert_eq!(wet.status.code(), Some(1), "{}", show(&wet));
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.contains("    description: \"\"\n"), "{after}");
    assert!(after.contains("  - domain: other.example\n"), "{after}");
}

#[test]
fn a_filter_matching_no_customer_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    let before = "customers:\n  - name: Other\n    hierarchy: sys.hcs.P.R2\n";
    let file = write(dir.path(), "r2.yaml", before);
    for filter in [["--customer", "Otter"], ["--hierarchy", "sys.hcs.P.R7"]] {
        let out = run(&[
            "adopt",
            arg(&file),
            "--sim",
            arg(&seed),
            filter[0],
            filter[1],
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", show(&out));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!("{} {}: matches no customer", filter[0], filter[1])),
            "{}",
            show(&out)
        );
        assert!(
            !text(&out.stdout).contains("Nothing to adopt"),
            "{}",
            show(&out)
        );
    }
    // A hierarchy in another letter case is the same hierarchy.
    let out = run(&[
        "adopt",
        arg(&file),
        "--sim",
        arg(&seed),
        "--hierarchy",
        "SYS.HCS.p.r2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
}

#[test]
fn emptying_the_customers_list_keeps_the_comment_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), "seed.yaml", SEED);
    let file = write(
        dir.path(),
        "r2.yaml",
        "customers:   # every customer of R2\n  - name: Gone\n    hierarchy: sys.hcs.P.R2\nscopes: []\n",
    );
    let out = run(&[
        "adopt",
        arg(&file),
        "--sim",
        arg(&seed),
        "--remove-missing",
        "--customer",
        "Gone",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "customers: []   # every customer of R2\nscopes: []\n"
    );
}
