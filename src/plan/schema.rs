//! The JSON Schema (draft 2020-12) of the plan document; `schemas/plan.schema.json` is its
//! committed copy.

use super::types::Plan;

/// The plan document's JSON Schema, as pretty JSON ending with a newline.
pub fn schema_json() -> String {
    crate::render::pretty_json(&schemars::schema_for!(Plan))
}
