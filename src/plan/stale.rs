//! Has a live customer moved since the plan was made? Pure: the executor reads the live
//! customer, this says which of the change's fields no longer hold their planned `before`.

use super::types::Change;
use crate::model::{Field, LiveCustomer};

/// The fields of `change` whose live value is no longer the plan's `before`.
pub fn moved_fields(change: &Change, now: &LiveCustomer) -> Vec<Field> {
    change
        .fields
        .iter()
        .filter_map(|planned| {
            let live = planned.field.live(now)?;
            (!planned.field.same(&planned.before, &live)).then_some(planned.field)
        })
        .collect()
}
