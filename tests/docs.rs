//! The documents in the repository stay true (issue 15, item 2): every link of the README
//! and of docs/ stays inside the repository and resolves; every command and flag the
//! contract's tables name exists in the CLI; every key of its plan JSON example is in the
//! plan's JSON Schema.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_voss-customers");

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(relative)).unwrap()
}

/// The targets of `[text](target)` links, without `#anchor`, skipping web addresses.
fn relative_links(markdown: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        if !target.contains("://") && !target.starts_with('#') && !target.is_empty() {
            links.push(target.split('#').next().unwrap_or_default().to_owned());
        }
    }
    links
}

/// `base/target` with `..` resolved lexically; None when it climbs out of the repository.
fn inside_repository(base: &Path, target: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for component in Path::new(target).components() {
        match component {
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::Normal(part) => path.push(part),
            _ => return None,
        }
    }
    Some(path)
}

#[test]
fn every_link_of_the_readme_and_the_docs_resolves_inside_the_repository() {
    let mut pages = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(Path::new(ROOT).join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            pages.push(format!("docs/{name}"));
        }
    }
    assert!(pages.contains(&"docs/contract.md".to_owned()));
    assert!(pages.contains(&"docs/voss-api.md".to_owned()));
    for page in &pages {
        let text = read(page);
        assert!(
            !text.contains("../shared"),
            "{page} points outside the repository"
        );
        let base = Path::new(page).parent().unwrap_or(Path::new(""));
        for link in relative_links(&text) {
            let resolved = inside_repository(base, &link)
                .unwrap_or_else(|| panic!("{page}: link {link} leaves the repository"));
            assert!(
                Path::new(ROOT).join(&resolved).exists(),
                "{page}: link {link} ({}) does not exist",
                resolved.display()
            );
        }
    }
}

fn help(command: &str) -> String {
    let out = Command::new(BIN)
        .args([command, "--help"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`voss-customers {command}` does not exist"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `--flags` written in a line.
fn flags(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("--") {
        rest = &rest[at + 2..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !name.is_empty() {
            found.push(format!("--{name}"));
        }
    }
    found
}

#[test]
fn every_command_and_flag_of_the_contract_exists() {
    let contract = read("docs/contract.md");
    let section =
        &contract[contract.find("## 2. Commands").unwrap()..contract.find("## 3.").unwrap()];
    let plan_help = help("plan");
    let mut commands = 0;
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let first = line[3..].split(['`', ' ']).next().unwrap();
        if first.starts_with("--") || first == "(none)" {
            // The connection table: every flag is on plan (and the other networked commands).
            for flag in flags(line.split('|').nth(1).unwrap()) {
                assert!(plan_help.contains(&flag), "plan has no {flag}: {line}");
            }
            continue;
        }
        commands += 1;
        let help = help(first);
        for flag in flags(line.split('|').nth(1).unwrap()) {
            assert!(help.contains(&flag), "`{first}` has no {flag}: {line}");
        }
    }
    assert!(commands >= 12, "the commands table lists every command");
    // The sim's options named in section 5.
    let sim = &contract[contract.find("## 5.").unwrap()..];
    let sim_help = help("sim");
    for flag in flags(sim) {
        assert!(sim_help.contains(&flag), "sim has no {flag}");
    }
}

#[test]
fn every_key_of_the_contracts_plan_example_is_in_the_plan_schema() {
    let contract = read("docs/contract.md");
    let section =
        &contract[contract.find("## 3. The plan").unwrap()..contract.find("## 4.").unwrap()];
    let start = section.find("```json\n").unwrap() + 8;
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let schema = read("schemas/plan.schema.json");
    let mut keys = 0;
    for (i, _) in example.match_indices("\":") {
        let key_start = example[..i].rfind('"').unwrap() + 1;
        let key = &example[key_start..i];
        keys += 1;
        assert!(
            schema.contains(&format!("\"{key}\":")),
            "the contract's plan example has {key:?}, which schemas/plan.schema.json does not"
        );
    }
    assert!(keys > 20);
}
