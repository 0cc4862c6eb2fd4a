//! The result of a read-only check of a server (`doctor`): plain data that `ops` makes and
//! `render` shows.

use serde::Serialize;

/// How a check came out: `fail` means plan or apply would not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One check: what was checked, how it came out, what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The profile lines that fix it (YAML, under their section), merged by the renderer.
    #[serde(skip)]
    pub fix: Option<String>,
}
