//! The committed JSON Schema: it is exactly what `schema` prints, and a JSON Schema
//! validator used on its own (not through our loader) accepts the shipped examples with it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use voss_customers::yaml;

const COMMITTED: &str = "schemas/customers.schema.json";

fn committed_schema() -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(COMMITTED).unwrap()).unwrap()
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(dir)];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn parse(file: &Path) -> serde_json::Value {
    yaml::parse(&fs::read_to_string(file).unwrap())
        .unwrap()
        .unwrap()
        .value
}

#[test]
fn the_committed_schema_is_the_schema_command_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed == fs::read_to_string(COMMITTED).unwrap(),
        "{COMMITTED} is out of date: run `cargo run -- schema > {COMMITTED}`"
    );
    assert_eq!(
        committed_schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn a_third_party_validator_accepts_every_example_with_the_committed_schema() {
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    let files = yaml_files("examples/customers");
    assert!(files.len() >= 3);
    for file in files {
        let document = parse(&file);
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn the_committed_schema_rejects_the_schema_mistakes_in_examples_invalid() {
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    for name in [
        "bad-domain",
        "bad-hierarchy",
        "bad-password-env",
        "bad-state",
        "deal-id-comma",
        "deal-id-edge-space",
        "literal-password",
        "missing-hierarchy",
        "name-bad-chars",
        "name-edge-space",
        "name-too-long",
        "number-for-text",
        "unknown-key",
        "wrong-type",
    ] {
        let document = parse(Path::new(&format!("examples/invalid/{name}.yaml")));
        assert!(!validator.is_valid(&document), "{name}");
    }
}

#[test]
fn every_example_names_the_schema_for_editors() {
    for file in yaml_files("examples/customers")
        .into_iter()
        .chain(yaml_files("examples/invalid"))
    {
        let text = fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let relative = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: no schema comment", file.display()));
        let target = file.parent().unwrap().join(relative);
        assert!(
            target.ends_with(COMMITTED) && target.is_file(),
            "{}: {relative} is not the committed schema",
            file.display()
        );
    }
}
