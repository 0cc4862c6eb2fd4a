//! See the crate documentation.

pub mod schema;
pub mod validate;
