//! Has a live customer moved since the plan was made? Pure: the executor reads the live
//! customer, this says which of the change's fields no longer hold their planned `before`.

use super::fields::Field;
use super::types::Change;
use crate::model::LiveCustomer;

/// The fields of `change` whose live value is no longer the plan's `before`.
pub fn moved_fields(change: &Change, now: &LiveCustomer) -> Vec<String> {
    change
        .fields
        .iter()
        .filter_map(|planned| {
            let field = Field::ALL.into_iter().find(|f| f.name() == planned.field)?;
            (!field.same(&planned.before, &field.live(now))).then(|| planned.field.clone())
        })
        .collect()
}
