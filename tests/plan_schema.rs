//! `schemas/plan.schema.json` is the schemars output for `plan::Plan` (draft 2020-12), and
//! the plans the tool writes validate against it. `UPDATE_GOLDEN=1` rewrites the file.

use std::path::Path;

use serde_json::Value;
use voss_customers::render;

fn committed_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json")
}

#[test]
fn the_committed_plan_schema_is_current() {
    let generated = render::plan_schema();
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(committed_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap();
    assert_eq!(
        committed, generated,
        "schemas/plan.schema.json is stale: run the tests with UPDATE_GOLDEN=1"
    );
    let schema: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["title"], "voss-customers plan");
}

#[test]
fn the_golden_plan_validates_and_a_broken_one_does_not() {
    let schema: Value = serde_json::from_str(&render::plan_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/plan.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(golden).unwrap()).unwrap();
    assert!(validator.is_valid(&doc));
    doc["changes"][0]["action"] = Value::from("explode");
    assert!(!validator.is_valid(&doc));
}
