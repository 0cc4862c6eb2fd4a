//! Desired state: YAML files → model, with every node's position kept for diagnostics.
//!
//! [`load`] reads files ([`files`]), parses them ([`crate::yaml`]), checks them against the
//! generated JSON Schema ([`schema`]) and the rules it cannot state ([`semantic`]), and
//! reports every problem as a [`Diagnostic`] at the offending key or value.

pub mod diagnostic;
pub mod files;
pub mod load;
pub mod render;
pub mod schema;
pub mod semantic;
pub mod suggest;
pub mod wording;

pub use diagnostic::{Diagnostic, Rule, render_text, render_warnings};
pub use load::{Loaded, load, load_reporting, load_texts};
pub use render::{Severity, Sources};
