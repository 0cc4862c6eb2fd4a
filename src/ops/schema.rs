//! `schema`: the JSON Schema of desired-state files, as committed in
//! `schemas/customers.schema.json`.

/// The schema, pretty-printed, with a trailing newline.
pub fn schema() -> String {
    crate::desired::schema::customers_schema_text()
}
