//! voss-customers: manage the customers of a VOSS Automate system the GitOps way.
//!
//! The folders follow the flow of data:
//! - [`model`]: the customer as users declare it and as it lives (plain types, no I/O).
//! - [`desired`]: YAML files → model, with positions; schema and semantic checks; diagnostics.
//! - [`voss`]: the only code that knows VOSS Automate URLs, JSON field names and transactions.
//! - [`plan`]: the plan as data and the pure diff engine that makes it.
//! - [`render`]: text, markdown and JSON views of a plan.
//! - [`apply`]: the executor that carries a plan out against the live system.
//! - [`sim`]: the local VOSS Automate simulator (shares only [`voss::wire`], route names and the API profile).
//! - [`adopt`]: live drift → byte-minimal edits of the desired-state files (pure).
//! - [`ops`]: one function per command, over the pieces above.
//! - [`cli`]: clap parsing and exit codes.
//! - [`fsio`]: the atomic file writer the command line and the simulator share.
//! - [`yaml`]: YAML text → JSON value with positions, for `desired` and the simulator's seed.
//! - [`escape`]: control characters in text from files or servers, made visible before printing.

pub mod adopt;
pub mod apply;
pub mod cli;
pub mod desired;
pub mod escape;
pub mod fsio;
pub mod model;
pub mod ops;
pub mod plan;
pub mod render;
pub mod sim;
pub mod voss;
pub mod yaml;
