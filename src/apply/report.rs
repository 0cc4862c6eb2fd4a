//! What an apply did: one result per step, in the plan's order (each DN audit right after
//! its change), whatever order the steps finished in. Its text is written by
//! `render::apply_report` (the data stays here; `apply` imports nothing from `render`).

use serde::Serialize;

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Done; the transaction's message (or why nothing was needed).
    Applied { message: String },
    /// Sent, but whether it was carried out is unknown (its answer was lost or could not be
    /// read, and a look-up could not settle it): neither done nor failed.
    Uncertain { detail: String },
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
    /// How often it was tried: 0 when it was not started, more than 1 when a transient
    /// failure was retried in the same run.
    pub attempts: u32,
}

impl StepResult {
    /// ` (N attempts)` when it was tried more than once, else nothing.
    pub fn attempts_note(&self) -> String {
        if self.attempts > 1 {
            format!(" ({} attempts)", self.attempts)
        } else {
            String::new()
        }
    }
}

/// Everything an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub results: Vec<StepResult>,
    /// True when Ctrl-C or SIGTERM stopped it from starting further steps.
    pub interrupted: bool,
}

/// How many steps ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Done.
    pub applied: usize,
    /// Sent, with an unknown outcome.
    pub uncertain: usize,
    /// Not done.
    pub failed: usize,
    /// Not attempted (blocked, waiting, or interrupted).
    pub skipped: usize,
}

impl ApplyReport {
    /// How many steps' outcomes `f` accepts.
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }

    /// How many steps ended each way.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for result in &self.results {
            match result.outcome {
                Outcome::Applied { .. } => counts.applied += 1,
                Outcome::Uncertain { .. } => counts.uncertain += 1,
                Outcome::Failed { .. } => counts.failed += 1,
                Outcome::Skipped { .. } => counts.skipped += 1,
            }
        }
        counts
    }

    /// How many steps needed more than one attempt.
    pub fn retried(&self) -> usize {
        self.results.iter().filter(|r| r.attempts > 1).count()
    }

    /// True when every step was applied.
    pub fn all_applied(&self) -> bool {
        !self.interrupted && self.count(|o| !matches!(o, Outcome::Applied { .. })) == 0
    }
}

/// Reports for the tests of this module and of its renderer.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub(crate) fn step(name: &str, outcome: Outcome) -> StepResult {
        StepResult {
            step: "create".into(),
            hierarchy: "sys.hcs.P.R1".into(),
            name: name.into(),
            outcome,
            attempts: 1,
        }
    }

    /// One step of each kind but skipped: A applied, B and D uncertain, C failed.
    pub(crate) fn report() -> ApplyReport {
        ApplyReport {
            results: vec![
                step(
                    "A",
                    Outcome::Applied {
                        message: "ok".into(),
                    },
                ),
                step(
                    "B",
                    Outcome::Uncertain {
                        detail: "the outcome of POST is unknown".into(),
                    },
                ),
                step(
                    "C",
                    Outcome::Failed {
                        error: "refused".into(),
                    },
                ),
                step(
                    "D",
                    Outcome::Uncertain {
                        detail: "no answer".into(),
                    },
                ),
            ],
            interrupted: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{report, step};
    use super::*;

    #[test]
    fn an_uncertain_step_is_counted_apart_from_failures() {
        let report = report();
        assert_eq!(
            report.counts(),
            Counts {
                applied: 1,
                uncertain: 2,
                failed: 1,
                skipped: 0
            }
        );
        assert!(!report.all_applied());
    }

    #[test]
    fn an_uncertain_step_is_its_own_outcome_in_json() {
        let json = serde_json::to_value(&report().results[1]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"step": "create", "hierarchy": "sys.hcs.P.R1", "name": "B",
                "outcome": "uncertain", "detail": "the outcome of POST is unknown", "attempts": 1})
        );
    }

    #[test]
    fn a_complete_apply_is_all_applied() {
        let report = ApplyReport {
            results: vec![step(
                "A",
                Outcome::Applied {
                    message: String::new(),
                },
            )],
            interrupted: false,
        };
        assert!(report.all_applied());
        assert_eq!(report.counts().applied, 1);
    }
}
