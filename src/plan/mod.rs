//! The plan as data ([`types`]), the pure diff engine that makes it ([`diff()`]), the
//! safety rules checked before applying it ([`safety`]), and drift detection ([`drift()`]).
//! No I/O here: the callers read files and the live system.

mod blocked;
pub(crate) use blocked::has_dependents;
pub mod desired_diff;
mod diff;
mod digest;
pub mod drift;
mod fields;
mod index;
mod reads;
pub mod safety;
mod stale;
pub mod types;

pub use desired_diff::{DesiredDiff, desired_diff};
pub use diff::{DiffOptions, LOCAL_ADMIN_WARNING, deletes_to_check, diff, diff_with};
pub use digest::{digest, fingerprint};
pub use drift::{CustomerRef, Drift, DriftedCustomer, DriftedField, drift};
pub use reads::{
    changed_after_all, changed_keys, extra_reads, hierarchies as hierarchies_to_read,
    instances_to_read, instances_to_read_changed, list_choice_pays, list_reads, partial_plan,
    partially_read,
};
pub use safety::Refusal;
pub use stale::moved_fields;
pub use types::{
    Action, Change, DeleteReason, FORMAT_VERSION, FieldChange, FollowUp, NotRead, Partial, Plan,
    Summary, Warning,
};
