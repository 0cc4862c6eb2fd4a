//! The pieces CI and Kubernetes users take as they are (issue 15, items 5 and 6): the
//! GitHub Action (`action.yml`), the Dockerfile, the CI examples and `examples/k8s/`. No
//! Docker engine or Kubernetes cluster runs here, so these tests check what can be checked
//! without one: every file parses (YAML with saphyr), every `voss-customers COMMAND` and
//! each `--flag` given to it exist in the CLI, the Action's inputs are declared and used
//! consistently, and the Dockerfile and manifests fit together (stages, user, ports, names).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use saphyr::{LoadableYamlNode, Yaml};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn yaml_docs(relative: &str) -> Vec<Yaml<'static>> {
    let text: &'static str = Box::leak(read(relative).into_boxed_str());
    Yaml::load_from_str(text).unwrap_or_else(|e| panic!("{relative} is not YAML: {e}"))
}

fn help(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).arg("--help").output().unwrap();
    assert!(
        out.status.success(),
        "voss-customers {args:?} --help failed"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The CLI's command names, from `voss-customers --help`.
fn commands() -> BTreeSet<String> {
    let top = help(&[]);
    let section = &top[top.find("Commands:").unwrap()..top.find("Options:").unwrap()];
    section
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Checks every `voss-customers COMMAND …` in `text` (comment lines left out): the command
/// exists and each `--flag` up to the end of that shell command is one of its flags.
/// Returns how many were checked.
fn check_invocations(file: &str, text: &str, commands: &BTreeSet<String>) -> usize {
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for (at, _) in line.match_indices("voss-customers ") {
            let rest = &line[at + "voss-customers ".len()..];
            let command: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            if command.is_empty() {
                continue; // `--version`, `$ARGS`, `${{ … }}`
            }
            assert!(
                commands.contains(&command),
                "{file}: `voss-customers {command}` is not a command: {line}"
            );
            let end = rest.find([';', '|', '>', '&']).unwrap_or(rest.len());
            let own = help(&[&command]);
            for word in rest[..end].split_whitespace() {
                if let Some(flag) = word.strip_prefix("--") {
                    let flag = flag.split('=').next().unwrap_or_default();
                    assert!(
                        has_flag(&own, flag),
                        "{file}: `voss-customers {command}` has no --{flag}: {line}"
                    );
                }
            }
            checked += 1;
        }
    }
    checked
}

/// True when `help` lists `--flag` exactly (not as the start of a longer flag).
fn has_flag(help: &str, flag: &str) -> bool {
    let needle = format!("--{flag}");
    help.match_indices(&needle).any(|(at, _)| {
        !help[at + needle.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
    })
}

fn get<'a>(node: &'a Yaml<'static>, key: &str) -> &'a Yaml<'static> {
    node.as_mapping_get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {node:?}"))
}

fn text<'a>(node: &'a Yaml<'static>, key: &str) -> &'a str {
    get(node, key)
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not text"))
}

#[test]
fn the_action_is_composite_and_its_commands_and_inputs_exist() {
    let commands = commands();
    let docs = yaml_docs("action.yml");
    let action = &docs[0];
    let inputs: BTreeSet<String> = get(action, "inputs")
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    for input in ["command", "paths", "args", "version", "comment"] {
        assert!(inputs.contains(input), "action.yml has no input {input}");
    }
    let runs = get(action, "runs");
    assert_eq!(text(runs, "using"), "composite");
    let steps = get(runs, "steps").as_sequence().unwrap();
    let mut scripts = String::new();
    for step in steps {
        if let Some(run) = step.as_mapping_get("run") {
            assert!(
                step.as_mapping_get("shell").is_some(),
                "a composite step needs `shell`"
            );
            scripts.push_str(run.as_str().unwrap());
            scripts.push('\n');
        }
    }
    assert!(
        check_invocations("action.yml", &scripts, &commands) >= 5,
        "action.yml runs validate, plan, drift, diff and apply"
    );
    // The comment is posted from the Markdown that plan writes.
    assert!(scripts.contains("plan $PATHS --format markdown --out"));
    assert!(scripts.contains("gh pr comment"));
    assert!(scripts.contains("GITHUB_STEP_SUMMARY"));
    // Every `inputs.NAME` used is declared.
    let whole = read("action.yml");
    for (at, _) in whole.match_indices("inputs.") {
        let name: String = whole[at + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            inputs.contains(&name),
            "action.yml uses undeclared input {name}"
        );
    }
}

#[test]
fn the_ci_examples_use_the_action_and_the_image_as_declared() {
    let commands = commands();
    let action = &yaml_docs("action.yml")[0];
    let inputs: BTreeSet<String> = get(action, "inputs")
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();

    let workflow = &yaml_docs("examples/ci/github-actions.yml")[0];
    let mut uses_of_action = 0;
    for (_, job) in get(workflow, "jobs").as_mapping().unwrap() {
        for step in get(job, "steps").as_sequence().unwrap() {
            let Some(uses) = step.as_mapping_get("uses").and_then(Yaml::as_str) else {
                continue;
            };
            if !uses.contains("/voss-customers@") {
                continue;
            }
            uses_of_action += 1;
            let with = get(step, "with");
            for (key, value) in with.as_mapping().unwrap() {
                let key = key.as_str().unwrap();
                assert!(
                    inputs.contains(key),
                    "github-actions.yml passes unknown input {key}"
                );
                if key == "command" {
                    let command = value.as_str().unwrap();
                    assert!(commands.contains(command), "no command {command}");
                }
                if key == "args" {
                    let command = text(with, "command");
                    check_invocations(
                        "github-actions.yml",
                        &format!("voss-customers {command} {}", value.as_str().unwrap()),
                        &commands,
                    );
                }
            }
        }
    }
    assert!(
        uses_of_action >= 4,
        "validate, plan, apply and drift go through the action"
    );
    check_invocations(
        "github-actions.yml",
        &read("examples/ci/github-actions.yml"),
        &commands,
    );

    let gitlab_text = read("examples/ci/gitlab-ci.yml");
    let gitlab = &yaml_docs("examples/ci/gitlab-ci.yml")[0];
    let image = get(get(gitlab, "default"), "image");
    assert!(text(image, "name").contains("voss-customers"));
    assert!(gitlab_text.contains("the Dockerfile") || gitlab_text.contains("Dockerfile"));
    assert!(check_invocations("gitlab-ci.yml", &gitlab_text, &commands) >= 4);

    let release = &yaml_docs("examples/ci/release.yml")[0];
    let matrix = get(
        get(
            get(get(get(release, "jobs"), "build"), "strategy"),
            "matrix",
        ),
        "include",
    );
    let targets: BTreeSet<&str> = matrix
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| text(m, "target"))
        .collect();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(
            targets.contains(target),
            "release.yml does not build {target}"
        );
        // The archive names the action downloads.
        assert!(read("action.yml").contains(&target.to_string()));
    }
    assert!(read("examples/ci/release.yml").contains("voss-customers-${{ matrix.target }}.tar.gz"));
    assert!(read("action.yml").contains("voss-customers-$target.tar.gz"));
}

#[test]
fn the_dockerfile_builds_static_and_runs_as_a_non_root_user() {
    let dockerfile = read("Dockerfile");
    let instructions: Vec<(&str, &str)> = dockerfile
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .filter(|(word, _)| word.chars().all(|c| c.is_ascii_uppercase()))
        .collect();
    let froms: Vec<&str> = instructions
        .iter()
        .filter(|(i, _)| *i == "FROM")
        .map(|(_, rest)| *rest)
        .collect();
    assert_eq!(froms.len(), 2, "two stages: {froms:?}");
    assert!(froms[0].contains("alpine") && froms[0].ends_with("AS build"));
    // The builder's toolchain is at least the crate's rust-version.
    let builder = froms[0]
        .split(':')
        .nth(1)
        .unwrap()
        .split('-')
        .next()
        .unwrap();
    let manifest = read("Cargo.toml");
    let rust_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .unwrap()
        .trim_matches('"');
    let parse = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    assert!(
        parse(builder) >= parse(rust_version),
        "{builder} < {rust_version}"
    );
    assert!(dockerfile.contains("musl-dev"));
    assert!(dockerfile.contains("cargo build --release --locked --bin voss-customers"));
    for (instruction, rest) in &instructions {
        if *instruction == "COPY" && !rest.starts_with("--from") {
            for source in rest.split_whitespace().rev().skip(1) {
                assert!(
                    Path::new(ROOT).join(source).exists(),
                    "COPY {source}: not in the repository"
                );
            }
        }
    }
    let user = instructions
        .iter()
        .rev()
        .find(|(i, _)| *i == "USER")
        .map(|(_, u)| *u)
        .expect("a USER");
    let uid: u32 = user.split(':').next().unwrap().parse().unwrap();
    assert!(uid >= 1000, "non-root user, got {user}");
    let entrypoint = instructions
        .iter()
        .find(|(i, _)| *i == "ENTRYPOINT")
        .unwrap()
        .1;
    assert_eq!(entrypoint, "[\"voss-customers\"]");
    // The final stage takes only the binary from the builder.
    let copies_from_build: Vec<&&str> = instructions
        .iter()
        .filter(|(i, r)| *i == "COPY" && r.starts_with("--from=build"))
        .map(|(_, r)| r)
        .collect();
    assert_eq!(copies_from_build.len(), 1, "{copies_from_build:?}");
    assert!(copies_from_build[0].contains("target/release/voss-customers"));
}

#[test]
fn the_kubernetes_manifests_fit_together_and_use_existing_flags() {
    let commands = commands();
    let mut by_kind = std::collections::BTreeMap::new();
    for file in ["deployment.yaml", "secret.yaml", "servicemonitor.yaml"] {
        for doc in yaml_docs(&format!("examples/k8s/{file}")) {
            let kind = text(&doc, "kind").to_owned();
            by_kind.insert(kind, doc);
        }
    }
    let kinds: Vec<&str> = by_kind.keys().map(String::as_str).collect();
    assert_eq!(kinds, ["Deployment", "Secret", "Service", "ServiceMonitor"]);
    let deployment = &by_kind["Deployment"];
    let spec = get(deployment, "spec");
    assert_eq!(
        get(spec, "replicas").as_integer(),
        Some(1),
        "one reconciler"
    );
    let pod = get(get(spec, "template"), "spec");
    assert_eq!(
        get(get(pod, "securityContext"), "runAsNonRoot").as_bool(),
        Some(true)
    );
    let container = &get(pod, "containers").as_sequence().unwrap()[0];
    let args: Vec<&str> = get(container, "args")
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(commands.contains(args[0]));
    assert_eq!(args[0], "reconcile");
    check_invocations(
        "deployment.yaml",
        &format!("voss-customers {}", args.join(" ")),
        &commands,
    );
    let listen = args[args.iter().position(|a| *a == "--metrics-listen").unwrap() + 1];
    let port: i64 = listen.rsplit(':').next().unwrap().parse().unwrap();
    let ports = get(container, "ports").as_sequence().unwrap();
    assert_eq!(get(&ports[0], "containerPort").as_integer(), Some(port));
    let port_name = text(&ports[0], "name");
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let http = get(get(container, probe), "httpGet");
        assert_eq!(text(http, "path"), path);
        assert_eq!(text(http, "port"), port_name);
    }
    // The Secret the container reads, and the passwords it must hold.
    let secret_name = text(get(&by_kind["Secret"], "metadata"), "name");
    let env_from = &get(container, "envFrom").as_sequence().unwrap()[0];
    assert_eq!(text(get(env_from, "secretRef"), "name"), secret_name);
    let data = get(&by_kind["Secret"], "stringData");
    assert!(data.as_mapping_get("VOSS_PASSWORD").is_some());
    assert!(
        get(container, "env")
            .as_sequence()
            .unwrap()
            .iter()
            .all(|e| text(e, "name") != "VOSS_PASSWORD"),
        "the password only from the Secret"
    );
    // Service and ServiceMonitor agree on the port's name and the labels.
    let service_port = &get(get(&by_kind["Service"], "spec"), "ports")
        .as_sequence()
        .unwrap()[0];
    assert_eq!(text(service_port, "name"), port_name);
    let endpoint = &get(get(&by_kind["ServiceMonitor"], "spec"), "endpoints")
        .as_sequence()
        .unwrap()[0];
    assert_eq!(text(endpoint, "port"), port_name);
    assert_eq!(text(endpoint, "path"), "/metrics");
}

/// Runs the Action's step `name` with bash as a runner would: `env` as the step's
/// environment, `voss-customers` on PATH (this build), RUNNER_TEMP, GITHUB_OUTPUT and
/// GITHUB_STEP_SUMMARY in a temporary directory. Returns (exit code, outputs, summary).
fn run_action_step(name: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let action = &yaml_docs("action.yml")[0];
    let steps = get(get(action, "runs"), "steps").as_sequence().unwrap();
    let step = steps
        .iter()
        .find(|s| s.as_mapping_get("id").and_then(Yaml::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no step with id {name}"));
    let script = text(step, "run");
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(BIN).parent().unwrap();
    let output = dir.path().join("output");
    let summary = dir.path().join("summary");
    let status = Command::new("bash")
        .args(["-c", script])
        .current_dir(ROOT)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("RUNNER_TEMP", dir.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1")
        .env_remove("VOSS_URL")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    // The plan file the outputs name must be there while the step's directory lives.
    if let Some(plan) = outputs.lines().find_map(|l| l.strip_prefix("plan-file=")) {
        let plan: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
        assert_eq!(plan["format_version"], 1);
    }
    (status.status.code().unwrap_or(-1), outputs, summary)
}

#[test]
fn the_actions_run_step_plans_posts_markdown_and_passes_on_pending_changes() {
    let (code, outputs, summary) = run_action_step(
        "run",
        &[
            ("COMMAND", "plan"),
            ("PATHS", "examples/customers"),
            ("ARGS", "--sim examples/sim-seed.yaml"),
            ("FAIL_ON_CHANGES", "false"),
        ],
    );
    assert_eq!(code, 0, "changes pending are not a failure\n{outputs}");
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
    assert!(outputs.contains("markdown-file="), "{outputs}");
    assert!(summary.starts_with("## voss-customers plan"), "{summary}");
    assert!(summary.contains("the built-in simulator"), "{summary}");

    // Asked to, pending changes fail the step; a blocked change always does.
    let (code, _, _) = run_action_step(
        "run",
        &[
            ("COMMAND", "plan"),
            ("PATHS", "examples/customers"),
            ("ARGS", "--sim examples/sim-seed.yaml"),
            ("FAIL_ON_CHANGES", "true"),
        ],
    );
    assert_eq!(code, 2);
    let (code, outputs, _) = run_action_step(
        "run",
        &[
            ("COMMAND", "plan"),
            ("PATHS", "examples/customers examples/blocked-delete"),
            ("ARGS", "--sim examples/sim-seed.yaml"),
            ("FAIL_ON_CHANGES", "false"),
        ],
    );
    assert_eq!(code, 1);
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");

    let (code, _, _) = run_action_step(
        "run",
        &[
            ("COMMAND", "launch"),
            ("PATHS", "examples/customers"),
            ("ARGS", ""),
            ("FAIL_ON_CHANGES", "false"),
        ],
    );
    assert_eq!(code, 1, "an unknown command fails the step");
}
