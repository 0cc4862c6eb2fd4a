//! The plan as the contract's JSON document: the [`Plan`] type serialised, pretty.

use serde_json::Value;

use crate::plan::Plan;

/// The plan as pretty JSON, ending with a newline. A sensitive field's `before` is always
/// null here, even in a hand-edited plan: only the variable's name ever appears.
pub fn json(plan: &Plan) -> String {
    let fields = || plan.changes.iter().flat_map(|c| c.fields.iter());
    // A plan of 100,000 customers is copied only when there is something to blank.
    if !fields().any(|f| f.sensitive && !f.before.is_null()) {
        return pretty(plan);
    }
    let mut plan = plan.clone();
    for field in plan.changes.iter_mut().flat_map(|c| c.fields.iter_mut()) {
        if field.sensitive {
            field.before = Value::Null;
        }
    }
    pretty(&plan)
}

/// The plan document's JSON Schema (draft 2020-12), as pretty JSON ending with a newline;
/// `schemas/plan.schema.json` is its committed copy.
pub fn plan_schema() -> String {
    pretty(&schemars::schema_for!(Plan))
}

/// Pretty JSON of a value made only of strings, numbers, booleans, lists and string-keyed
/// maps, for which serialisation cannot fail.
pub fn pretty<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value)
        .expect("plain data with string keys always serialises to JSON");
    out.push('\n');
    out
}
