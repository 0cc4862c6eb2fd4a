//! The written fields of a declared customer that differ from its live record.

use serde_json::Value;

use crate::model::{Customer, Field, LiveCustomer};

/// The written managed fields of `c` whose values differ from `live`, as
/// (field, before, after), in the file format's order.
pub(crate) fn differences(c: &Customer, live: &LiveCustomer) -> Vec<(Field, Value, Value)> {
    Field::managed()
        .filter_map(|f| {
            let after = f.written(c)?;
            let before = f.live(live).unwrap_or(Value::Null);
            (!f.same(&after, &before)).then_some((f, before, after))
        })
        .collect()
}
