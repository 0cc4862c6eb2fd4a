//! `validate` as a user runs it: the real binary on the shipped examples and on broken
//! inputs, checking the exact `FILE:LINE:COL: message` lines, formats and exit codes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn validate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .arg("validate")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The diagnostics of a rustc-like report (`error[RULE]: message` then ` --> FILE:L:C`),
/// each as one `FILE:L:C: message` line, in order; help lines, excerpts and blank lines
/// left out.
fn flatten(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut title: Option<&str> = None;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("error[")
            .or_else(|| line.strip_prefix("warning["))
        {
            let (_, message) = rest.split_once("]: ").expect("a rule name and a message");
            title = Some(message);
        } else if let (Some(message), Some(place)) = (title, line.trim_start().strip_prefix("--> "))
        {
            out.push(format!("{place}: {message}"));
            title = None;
        }
    }
    assert!(title.is_none(), "every diagnostic names its place: {text}");
    out
}

/// The problem lines of a text report (see [`flatten`]), which ends with a summary.
fn problem_lines(output: &Output) -> Vec<String> {
    let text = stdout(output);
    let summary = text.lines().last().unwrap_or_default();
    assert!(
        summary.contains(" problem") && summary.contains(" file"),
        "the report ends with a summary: {text}"
    );
    flatten(&text)
}

/// Every file (or folder of files) in examples/invalid, with its exact report.
const INVALID: &[(&str, &[&str])] = &[
    (
        "bad-domain.yaml",
        &[
            "examples/invalid/bad-domain.yaml:6:13: Domain Name must be a domain name: labels of letters, digits and `-` separated by dots, e.g. `acme.example.com`",
        ],
    ),
    (
        "bad-hierarchy.yaml",
        &[
            "examples/invalid/bad-hierarchy.yaml:5:16: the hierarchy `sys/hcs/CS-P` must start at `sys`: node names separated by dots, e.g. `sys.hcs.CS-P.CS-R1`",
        ],
    ),
    (
        "bad-password-env.yaml",
        &[
            "examples/invalid/bad-password-env.yaml:8:21: `password_env` must be the name of an environment variable (letters, digits and `_`, not starting with a digit), e.g. `ACME_ADMIN_PASSWORD`",
        ],
    ),
    (
        "bad-state.yaml",
        &["examples/invalid/bad-state.yaml:6:12: `state` must be `present` or `absent`"],
    ),
    (
        "conflicting-state",
        &[
            "examples/invalid/conflicting-state/b.yaml:5:12: customer `Schrodinger Co` at `sys.hcs.CS-P.CS-R1` is declared twice with different `state`: `present` at examples/invalid/conflicting-state/a.yaml:4:11, `absent` here",
        ],
    ),
    (
        "deal-id-comma.yaml",
        &[
            "examples/invalid/deal-id-comma.yaml:7:9: a Deal ID must not contain a comma: VOSS joins Deal IDs with commas, so write each one as its own list item",
        ],
    ),
    (
        "deal-id-edge-space.yaml",
        &[
            "examples/invalid/deal-id-edge-space.yaml:6:16: a Deal ID ` D-100` starts with a space: remove it (VOSS keeps it, and ` D-100` would be another Deal ID than `D-100`)",
            "examples/invalid/deal-id-edge-space.yaml:6:26: a Deal ID `D-200 ` ends with a space: remove it (VOSS keeps it, and `D-200 ` would be another Deal ID than `D-200`)",
        ],
    ),
    (
        "deal-id-repeated.yaml",
        &[
            "examples/invalid/deal-id-repeated.yaml:6:30: Deal ID `D-100` is repeated (first at line 6, column 16)",
        ],
    ),
    (
        "duplicate-customer",
        &[
            "examples/invalid/duplicate-customer/b.yaml:5:11: customer `Twin Co` at `sys.hcs.CS-P.CS-R1` is already declared at examples/invalid/duplicate-customer/a.yaml:4:11",
        ],
    ),
    (
        "duplicate-key.yaml",
        &[
            "examples/invalid/duplicate-key.yaml:7:5: the key `description` appears twice in this mapping",
        ],
    ),
    (
        "duplicate-scope.yaml",
        &[
            "examples/invalid/duplicate-scope.yaml:6:16: scope `sys.hcs.CS-P.CS-R2` is already declared at examples/invalid/duplicate-scope.yaml:4:16",
        ],
    ),
    (
        "empty.yaml",
        &[
            "examples/invalid/empty.yaml:1:1: empty file: expected a mapping with `customers` and/or `scopes`",
        ],
    ),
    (
        "hierarchy-not-a-node.yaml",
        &[
            "examples/invalid/hierarchy-not-a-node.yaml:5:16: `sys.hcs` is not a Provider or Reseller node: customers live below one, e.g. `sys.hcs.CS-P.CS-R1`",
        ],
    ),
    (
        "literal-password.yaml",
        &[
            "examples/invalid/literal-password.yaml:8:7: a literal password is not allowed: put it in an environment variable and name it in `password_env`",
        ],
    ),
    (
        "missing-hierarchy.yaml",
        &[
            "examples/invalid/missing-hierarchy.yaml:4:5: a customer needs `hierarchy`: the hierarchy path of the Provider or Reseller node it lives under",
        ],
    ),
    (
        "multi-document.yaml",
        &[
            "examples/invalid/multi-document.yaml:5:1: a second YAML document (`---`) in one file; put each document in its own file",
        ],
    ),
    (
        "name-bad-chars.yaml",
        &["examples/invalid/name-bad-chars.yaml:4:11: `&` is not allowed in Customer Name"],
    ),
    (
        "name-case-only.yaml",
        &[
            "examples/invalid/name-case-only.yaml:6:11: customer `WAYNE ENTERPRISES` at `sys.hcs.CS-P.CS-R2` differs only in letter case from `Wayne Enterprises`, declared at examples/invalid/name-case-only.yaml:4:11: names are unique per hierarchy and VOSS may ignore case; keep one of the two",
        ],
    ),
    (
        "name-edge-space.yaml",
        &[
            "examples/invalid/name-edge-space.yaml:4:11: Customer Name `Alpha ` ends with a space: remove it (VOSS keeps it, and `Alpha ` would be another name than `Alpha`)",
            "examples/invalid/name-edge-space.yaml:6:11: Customer Name ` Lead` starts with a space: remove it (VOSS keeps it, and ` Lead` would be another name than `Lead`)",
            "examples/invalid/name-edge-space.yaml:8:11: Customer Name is only whitespace: write the name, or remove the key",
            "examples/invalid/name-edge-space.yaml:11:16: the hierarchy `sys.hcs.CS-P.CS-R1 ` has a node name `CS-R1 ` that ends with a space: remove it (VOSS keeps it, and `CS-R1 ` would be another node than `CS-R1`)",
            "examples/invalid/name-edge-space.yaml:12:19: `renamed_from` `Old Beta ` ends with a space: remove it (VOSS keeps it, and `Old Beta ` would be another name than `Old Beta`)",
        ],
    ),
    (
        "name-too-long.yaml",
        &[
            "examples/invalid/name-too-long.yaml:4:11: Customer Name has 68 characters: at most 64 are allowed",
        ],
    ),
    (
        "not-a-mapping.yaml",
        &[
            "examples/invalid/not-a-mapping.yaml:3:1: expected a mapping with `customers` and/or `scopes`, found a list",
        ],
    ),
    (
        "number-for-text.yaml",
        &["examples/invalid/number-for-text.yaml:6:17: Account ID must be text, not a number"],
    ),
    (
        "password-env-own.yaml",
        &[
            "examples/invalid/password-env-own.yaml:9:21: `password_env` names `VOSS_PASSWORD`, the password voss-customers logs in with: the local admin would get the admin's own password; name a variable of the customer's own, e.g. `ACME_ADMIN_PASSWORD`",
            "examples/invalid/password-env-own.yaml:14:21: `password_env` names `VOSS_URL`, a variable voss-customers reads for its own settings (`VOSS_*`, `NO_COLOR`); name a variable of the customer's own, e.g. `ACME_ADMIN_PASSWORD`",
        ],
    ),
    (
        "renamed-from-self.yaml",
        &[
            "examples/invalid/renamed-from-self.yaml:6:19: `renamed_from` is the customer's own `name`: give the previous name, or remove `renamed_from`",
        ],
    ),
    (
        "syntax-error.yaml",
        &[
            "examples/invalid/syntax-error.yaml:6:15: YAML syntax error: this `[` is never closed; end the list with `]` (the reader expected `,` or `]` and reached the end of the file)",
        ],
    ),
    (
        "unknown-key.yaml",
        &[
            "examples/invalid/unknown-key.yaml:6:5: unknown key `deal_id` in a customer: did you mean `deal_ids`?",
        ],
    ),
    (
        "wrong-type.yaml",
        &[
            "examples/invalid/wrong-type.yaml:6:20: Public Sector must be `true` or `false`, not text",
        ],
    ),
];

#[test]
fn the_shipped_examples_are_valid() {
    let output = validate(&["examples/customers"]);
    assert_eq!(stdout(&output), "valid: 9 customers, 1 scope, 3 files\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn each_invalid_example_reports_its_exact_place_and_message() {
    let mut listed: Vec<String> = fs::read_dir("examples/invalid")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    let covered: Vec<&str> = INVALID.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        listed, covered,
        "every entry of examples/invalid is checked"
    );
    assert!(INVALID.len() >= 15);

    for (name, expected) in INVALID {
        let output = validate(&[&format!("examples/invalid/{name}")]);
        assert_eq!(problem_lines(&output), *expected, "{name}");
        assert_eq!(output.status.code(), Some(1), "{name}");
    }
}

#[test]
fn one_run_reports_every_problem_of_every_file_in_order() {
    let output = validate(&["examples/invalid"]);
    let mut expected: Vec<String> = INVALID
        .iter()
        .flat_map(|(_, lines)| lines.iter().map(|l| l.to_string()))
        .collect();
    expected.sort_by_key(|l| {
        let mut parts = l.splitn(4, ':');
        let file = parts.next().unwrap().to_string();
        let line: usize = parts.next().unwrap().parse().unwrap();
        let column: usize = parts.next().unwrap().parse().unwrap();
        (file, line, column)
    });
    assert_eq!(problem_lines(&output), expected);
    let problems: usize = INVALID.iter().map(|(_, lines)| lines.len()).sum();
    assert!(
        stdout(&output).ends_with(&format!("{problems} problems in {} files\n", INVALID.len()))
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn text_format_is_rustc_like_with_the_line_a_caret_and_help() {
    let output = validate(&["examples/invalid/deal-id-comma.yaml"]);
    assert_eq!(
        stdout(&output),
        "error[deal-id-format]: a Deal ID must not contain a comma: VOSS joins Deal IDs with commas, so write each one as its own list item\n \
         --> examples/invalid/deal-id-comma.yaml:7:9\n  |\n7 |       - D-100,D-200\n  |         ^^^^^^^^^^^\n  |\n  \
         = help: write it as a list: [D-100, D-200]\n\n1 problem in 1 file\n"
    );
}

#[test]
fn json_format_is_an_array_of_problems() {
    let output = validate(&["--format", "json", "examples/invalid/unknown-key.yaml"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::json!([{
            "file": "examples/invalid/unknown-key.yaml",
            "line": 6,
            "column": 5,
            "end_line": 6,
            "end_column": 12,
            "level": "error",
            "rule": "unknown-key",
            "message": "unknown key `deal_id` in a customer: did you mean `deal_ids`?",
            "help": null,
            "path": "/customers/0/deal_id",
        }])
    );
    assert_eq!(output.status.code(), Some(1));

    // The help travels with the message, and the first line names the actual cause.
    let output = validate(&["--format", "json", "examples/invalid/name-bad-chars.yaml"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value[0]["rule"], "name-chars");
    assert_eq!(value[0]["message"], "`&` is not allowed in Customer Name");
    assert_eq!(
        value[0]["help"],
        "Customer Name allows letters, digits, spaces, `_` and `-`, at most 64 characters"
    );
    assert_eq!(
        (&value[0]["column"], &value[0]["end_column"]),
        (&11.into(), &23.into())
    );

    // YAML problems name their own rule.
    for (file, rule) in [
        ("duplicate-key.yaml", "duplicate-key"),
        ("multi-document.yaml", "second-document"),
        ("syntax-error.yaml", "yaml-syntax"),
        ("empty.yaml", "empty-file"),
    ] {
        let output = validate(&["--format", "json", &format!("examples/invalid/{file}")]);
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(value[0]["rule"], rule, "{file}: {value}");
    }

    let output = validate(&["--format", "json", "examples/customers"]);
    assert_eq!(stdout(&output), "[]\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn github_format_prints_annotations() {
    let output = validate(&["--format", "github", "examples/invalid/bad-state.yaml"]);
    assert_eq!(
        stdout(&output),
        "::error file=examples/invalid/bad-state.yaml,line=6,col=12,endColumn=19,title=state-value::`state` must be `present` or `absent`\n"
    );
    assert_eq!(output.status.code(), Some(1));
    let output = validate(&["--format", "github", "examples/invalid/name-bad-chars.yaml"]);
    assert_eq!(
        stdout(&output),
        "::error file=examples/invalid/name-bad-chars.yaml,line=4,col=11,endColumn=23,title=name-chars::`&` is not allowed in Customer Name%0Ahelp: Customer Name allows letters, digits, spaces, `_` and `-`, at most 64 characters\n"
    );
}

#[test]
fn a_literal_password_is_never_printed() {
    for format in ["text", "json", "github", "sarif"] {
        let output = validate(&["--format", format, "examples/invalid/literal-password.yaml"]);
        let all = format!(
            "{}{}",
            stdout(&output),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(all.contains("a literal password is not allowed"), "{all}");
        assert!(!all.contains("hunter2"), "{all}");
    }
}

#[test]
fn unreadable_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let no_yaml = root.join("no-yaml");
    fs::create_dir(&no_yaml).unwrap();
    fs::write(no_yaml.join("notes.txt"), "not desired state\n").unwrap();
    let latin1 = root.join("latin1.yaml");
    fs::write(&latin1, b"customers:\n  - name: Caf\xe9 Co\n").unwrap();
    let image = root.join("image.yaml");
    fs::write(&image, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let huge = root.join("huge.yaml");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    fs::write(&huge, line.repeat(11 * 1024 * 1024 / line.len() + 1)).unwrap();
    let missing = root.join("missing.yaml");

    let show = |p: &Path| p.display().to_string();
    let output = validate(&[
        &show(&no_yaml),
        &show(&latin1),
        &show(&image),
        &show(&huge),
        &show(&missing),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let mut expected = vec![
        format!(
            "{}: no *.yaml or *.yml file in this directory",
            show(&no_yaml)
        ),
        format!(
            "{}:2:14: not UTF-8 text: save the file as UTF-8",
            show(&latin1)
        ),
        format!(
            "{}:3:1: binary file (a NUL byte): expected YAML text",
            show(&image)
        ),
        format!(
            "{}: file is larger than 10 MiB: split the customers across several files",
            show(&huge)
        ),
        format!("{}: no such file or directory", show(&missing)),
    ];
    expected.sort();
    let mut lines = problem_lines(&output);
    lines.sort();
    assert_eq!(lines, expected);
}

#[test]
fn problems_point_at_keys_and_values_not_at_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.yaml");
    fs::write(
        &file,
        "customers:\n  - name: Good Co\n    hierarchy: sys.hcs.CS-P\n    descriptoin: typo\n  - name: Bad/Co\n    hierarchy: sys.hcs.CS-P\n    shared_uc_apps: 1\n",
    )
    .unwrap();
    let f = file.display().to_string();
    let output = validate(&[&f]);
    assert_eq!(
        problem_lines(&output),
        [
            format!(
                "{f}:4:5: unknown key `descriptoin` in a customer: did you mean `description`?"
            ),
            format!("{f}:5:11: `/` is not allowed in Customer Name"),
            format!("{f}:7:21: Shared UC Applications must be `true` or `false`, not a number"),
        ]
    );
}

/// A desired-state directory as users keep it: nothing in it is left out in silence.
#[cfg(unix)]
#[test]
fn every_entry_of_a_directory_is_read_reported_or_refused() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    let shared = dir.path().join("shared");
    fs::create_dir_all(&d).unwrap();
    fs::create_dir_all(&shared).unwrap();
    let customer = |name: &str| format!("  - name: {name}\n    hierarchy: sys.hcs.CS-P.CS-R1\n");
    fs::write(
        d.join("scopes.yaml"),
        format!(
            "scopes:\n  - hierarchy: sys.hcs.CS-P.CS-R1\n    prune: true\ncustomers:\n{}",
            customer("Alpha")
        ),
    )
    .unwrap();
    fs::write(
        d.join("more.YAML"),
        format!("customers:\n{}{}", customer("Bravo"), customer("Charlie")),
    )
    .unwrap();
    fs::write(
        shared.join("delta.Yml"),
        format!("customers:\n{}", customer("Delta")),
    )
    .unwrap();
    symlink(&shared, d.join("shared")).unwrap();
    symlink("../d", shared.join("up")).unwrap();
    fs::write(d.join("README.md"), "notes\n").unwrap();

    let output = validate(&[&d.display().to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        stdout(&output),
        "valid: 4 customers, 1 scope, 3 files\n",
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr,
        format!(
            "warning[skipped]: skipped: not a *.yaml or *.yml file\n--> {}\n\n\
             warning[skipped]: skipped: the same directory as {}, already read\n--> {}\n\n",
            d.join("README.md").display(),
            d.display(),
            d.join("shared/up").display(),
        )
    );

    // A file that looks like desired state but cannot be read fails the run.
    symlink("gone/echo.yaml", d.join("echo.yaml")).unwrap();
    let output = validate(&[&d.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        problem_lines(&output),
        [format!(
            "{}: dangling symbolic link to `gone/echo.yaml`: what it points to does not exist; fix the link or remove it",
            d.join("echo.yaml").display()
        )]
    );
}

#[test]
fn two_spaces_in_a_row_are_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.yaml");
    fs::write(
        &file,
        "customers:\n  - name: Two  Spaces\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
    )
    .unwrap();
    let output = validate(&[&file.display().to_string()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "valid: 1 customer, 0 scopes, 1 file\n");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "warning[doubled-spaces]: Customer Name `Two  Spaces` has two spaces in a row: VOSS keeps them, and `Two Spaces` would be another name; write one space if that is what you mean\n \
             --> {}:2:11\n  |\n2 |   - name: Two  Spaces\n  |           ^^^^^^^^^^^\n\n",
            file.display()
        )
    );
}

#[test]
fn json_format_carries_warnings_too() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.yaml");
    fs::write(
        &file,
        "customers:\n  - name: Two  Spaces\n    hierarchy: sys.hcs.CS-P.CS-R1\n  - name: Bad/Co\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
    )
    .unwrap();
    let output = validate(&[&file.display().to_string(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let levels: Vec<(&str, &str, u64)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["level"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [("error", "name-chars", 4), ("warning", "doubled-spaces", 2)]
    );
    // Valid files with a warning: exit 0, the warning in the array.
    fs::write(
        &file,
        "customers:\n  - name: Two  Spaces\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
    )
    .unwrap();
    let output = validate(&[&file.display().to_string(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 1);
    assert_eq!(value[0]["level"], "warning");
}

#[test]
fn warnings_are_github_annotations_with_format_github() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.yaml");
    fs::write(
        &file,
        "customers:\n  - name: Two  Spaces\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
    )
    .unwrap();
    let output = validate(&[&file.display().to_string(), "--format", "github"]);
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    assert!(
        out.starts_with(&format!(
            "::warning file={},line=2,col=11,endColumn=22,title=doubled-spaces::Customer Name",
            file.display()
        )),
        "{out}"
    );
    assert!(!out.contains("::error"), "{out}");
    assert!(String::from_utf8_lossy(&output.stderr).is_empty());
}

#[test]
fn sarif_format_is_valid_sarif_2_1_0_with_rules_levels_and_exact_regions() {
    let output = validate(&[
        "--format",
        "sarif",
        "examples/invalid/name-bad-chars.yaml",
        "examples/invalid/syntax-error.yaml",
        "examples/invalid/empty.yaml",
        "examples/invalid/no-such-file.yaml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "voss-customers");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(
                r["shortDescription"]["text"].as_str().unwrap().len() > 5,
                "{r}"
            );
            r["id"].as_str().unwrap()
        })
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{results:#?}");
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], rule, "{result}");
        assert_eq!(result["level"], "error");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
    }
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {results:#?}"))
    };
    let name = find("name-chars");
    assert_eq!(
        name["message"]["text"],
        "`&` is not allowed in Customer Name\nhelp: Customer Name allows letters, digits, spaces, `_` and `-`, at most 64 characters"
    );
    let location = &name["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "examples/invalid/name-bad-chars.yaml"
    );
    // `Smith & Sons` on line 4, columns 11 to 22 (the end exclusive).
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 23})
    );
    // The unclosed `[` itself.
    let region = &find("yaml-syntax")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 6, "startColumn": 15, "endLine": 6, "endColumn": 16})
    );
    // A missing file: a location without a region.
    let missing = &find("file")["locations"][0]["physicalLocation"];
    assert_eq!(
        missing["artifactLocation"]["uri"],
        "examples/invalid/no-such-file.yaml"
    );
    assert!(missing.get("region").is_none(), "{missing}");

    // Valid files: a run with no results.
    let output = validate(&["--format", "sarif", "examples/customers"]);
    assert_eq!(output.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn text_output_has_no_colour_when_not_a_terminal() {
    for no_color in [None, Some("1")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_voss-customers"));
        command.args(["validate", "examples/invalid"]);
        match no_color {
            Some(value) => command.env("NO_COLOR", value),
            None => command.env_remove("NO_COLOR"),
        };
        let output = command.output().unwrap();
        let all = [output.stdout, output.stderr].concat();
        assert!(!all.contains(&0x1b), "{}", String::from_utf8_lossy(&all));
    }
}

#[test]
fn a_value_breaking_several_schema_rules_is_reported_once_with_its_most_specific_cause() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yaml");
    fs::write(
        &file,
        format!(
            "customers:\n  - name: \"\"\n    hierarchy: sys.hcs.CS-P.CS-R1\n    deal_ids: [\"\"]\n  - name: \"{}&\"\n    hierarchy: sys.hcs.CS-P.CS-R1\n",
            "x".repeat(70)
        ),
    )
    .unwrap();
    let output = validate(&["--format", "json", &file.display().to_string()]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(u64, &str, &str)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (2, "name-empty", "Customer Name must not be empty"),
            (
                4,
                "deal-id-format",
                "a Deal ID must not be empty: remove the list item"
            ),
            (5, "name-chars", "`&` is not allowed in Customer Name"),
        ]
    );
    assert!(
        value[2]["help"]
            .as_str()
            .unwrap()
            .ends_with("; it also has 71"),
        "{value}"
    );
}
