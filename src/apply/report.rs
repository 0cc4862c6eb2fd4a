//! What an apply did: one result per step: skipped blocked changes first, then the steps
//! in the order they ran (creates, updates, follow-ups, deletes).

use serde::Serialize;

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Done; the transaction's message (or why nothing was needed).
    Applied { message: String },
    /// Not done, with the cause.
    Failed { error: String },
    /// Not attempted: blocked, interrupted, or its change failed.
    Skipped { reason: String },
}

/// One step: a change of the plan, or a follow-up such as the DN audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepResult {
    /// `create`, `migrate`, `rename`, `update`, `delete` or `dn_audit`.
    pub step: String,
    pub hierarchy: String,
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Everything an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub results: Vec<StepResult>,
    /// True when Ctrl-C or SIGTERM stopped it from starting further steps.
    pub interrupted: bool,
}

impl ApplyReport {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }

    /// True when every step was applied.
    pub fn all_applied(&self) -> bool {
        !self.interrupted && self.count(|o| !matches!(o, Outcome::Applied { .. })) == 0
    }

    /// The closing summary: what succeeded, what failed and why, what was skipped.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let applied = self.count(|o| matches!(o, Outcome::Applied { .. }));
        let failed = self.count(|o| matches!(o, Outcome::Failed { .. }));
        let skipped = self.count(|o| matches!(o, Outcome::Skipped { .. }));
        for r in &self.results {
            let line = match &r.outcome {
                Outcome::Applied { .. } => continue,
                Outcome::Failed { error } => {
                    format!("failed   {} {} at {}: {error}", r.step, r.name, r.hierarchy)
                }
                Outcome::Skipped { reason } => format!(
                    "skipped  {} {} at {}: {reason}",
                    r.step, r.name, r.hierarchy
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!(
            "Apply {}: {applied} applied, {failed} failed, {skipped} skipped.",
            if self.interrupted {
                "interrupted"
            } else if failed + skipped == 0 {
                "complete"
            } else {
                "incomplete"
            }
        ));
        if failed + skipped > 0 || self.interrupted {
            out.push_str(" Run plan to see what is left; apply again converges.");
        }
        out.push('\n');
        out
    }
}
