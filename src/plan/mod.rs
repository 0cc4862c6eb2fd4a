//! The plan as data ([`types`]): what the diff engine returns and what renderers and the
//! executor consume.

pub mod types;

pub use types::{Action, Change, FORMAT_VERSION, FieldChange, FollowUp, Plan, Summary, Warning};
