//! Desired state: YAML files → model, with every node's position kept for diagnostics.

pub mod yaml;
