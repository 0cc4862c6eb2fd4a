//! One desired-state file, and the desired state of all files read together.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Customer, Scope};

/// A voss-customers desired-state file: the customers of a VOSS Automate system, and the
/// hierarchy nodes whose customers the files own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "voss-customers desired state")]
pub struct DesiredFile {
    /// The customers, each identified by its `hierarchy` and `name`.
    #[serde(default)]
    pub customers: Vec<Customer>,

    /// Hierarchy nodes owned by these files; with `prune: true`, undeclared customers
    /// there are deleted.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

/// Where something was declared: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A customer with the place that declared it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredCustomer {
    pub customer: Customer,
    pub origin: Origin,
}

/// A scope with the place that declared it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredScope {
    pub scope: Scope,
    pub origin: Origin,
}

/// The validated desired state of every file read, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    pub customers: Vec<DeclaredCustomer>,
    pub scopes: Vec<DeclaredScope>,
}
