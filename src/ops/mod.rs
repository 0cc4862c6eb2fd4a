//! One function per command, over the library: the command layer (`cli`) parses, calls
//! these, prints and maps the outcome to an exit code.

pub mod apply;
pub mod connect;
pub mod desired_diff;
pub mod desired_diff_render;
pub mod gitdiff;
pub mod import;
pub mod import_yaml;
pub mod plan;
pub mod schema;
pub mod validate;
