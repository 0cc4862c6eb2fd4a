//! Views of a plan, of drift and of an apply's outcome: text for a terminal, Markdown for
//! a pull-request comment, JSON for scripts and `apply --plan`. Pure: each returns a `String` (ending
//! with a newline) and the caller prints it.

mod adopt;
mod apply_report;
pub mod desired_diff;
pub mod doctor;
mod drift;
pub mod import_yaml;
mod json;
mod markdown;
mod style;
mod text;
mod value;

use std::ffi::OsStr;

pub use crate::escape::{escape, github_data, github_property};
pub use adopt::{NOTHING_TO_ADOPT, adopt_diff, adopt_markdown, adopt_text};
pub use apply_report::{apply_report, apply_report_of};
pub use drift::{NO_DRIFT, drift_json, drift_markdown, drift_text};
pub use json::{json, plan_schema, pretty as pretty_json};
pub use markdown::{MARKDOWN_LIMIT, markdown};
pub use text::{NO_CHANGES, text};

/// Whether to colour text output: only on a terminal, and never when `NO_COLOR` is set
/// to a non-empty value (<https://no-color.org>). Pass `std::env::var_os("NO_COLOR")`.
pub fn color_wanted(is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    is_terminal && no_color.is_none_or(OsStr::is_empty)
}
