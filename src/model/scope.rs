//! Ownership of a hierarchy node's customers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A hierarchy node whose customers these files own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The Provider or Reseller hierarchy path, for example `sys.hcs.CS-P.CS-R1`.
    #[schemars(pattern(r"^sys(?:\.[A-Za-z0-9_\-](?:[A-Za-z0-9_\- ]*[A-Za-z0-9_\-])?)+$"))]
    pub hierarchy: String,

    /// When true, live customers directly under this node that no file declares are
    /// planned for deletion. Default false.
    #[serde(default)]
    pub prune: bool,
}
