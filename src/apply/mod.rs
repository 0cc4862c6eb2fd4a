//! Carrying a plan out against the live system: the secrets it needs ([`secrets`]), the
//! check that the live customers are still as planned ([`stale`]), the bounded parallel
//! executor ([`executor`]) of single changes ([`step`]) in the order of a dependency graph
//! ([`graph`]), progress and the report.

pub mod executor;
mod graph;
pub mod progress;
pub mod report;
pub mod request;
pub mod secrets;
pub mod stale;
mod step;

pub use executor::{ApplyOptions, execute};
pub use progress::{Lines, Observer, ProgressBarObserver, step_count};
pub use report::{ApplyReport, Counts, Outcome, StepResult};
pub use secrets::{MissingSecrets, Secrets};
pub use stale::{StaleChange, find_stale, read_touched};
