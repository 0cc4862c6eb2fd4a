//! One function per command, over the library: the command layer (`cli`) parses, calls
//! these, prints and maps the outcome to an exit code.

pub mod adopt;
pub mod apply;
pub mod connect;
pub mod doctor;
pub mod import;
pub mod plan;
pub mod preflight;
pub mod reconcile_metrics;
pub mod revision;
pub mod schema;
pub mod validate;
