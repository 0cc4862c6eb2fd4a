//! The closing summary of an apply: one line per step that was not applied (uncertain,
//! failed or skipped, with why), then one sentence of counts and what to do next.

use std::collections::BTreeSet;

use super::value::count;
use crate::apply::{ApplyReport, Counts, Outcome};
use crate::escape::escape;
use crate::plan::Plan;

/// The closing summary: what succeeded, what is uncertain, what failed and why, what
/// was skipped. Without the plan it cannot tell a blocked change from one that a later
/// run makes; [`apply_report_of`] can.
pub fn apply_report(report: &ApplyReport) -> String {
    closing(report, &BTreeSet::new())
}

/// [`apply_report`] for an apply of `plan`: the closing sentence tells the blocked
/// changes (which no later run makes until they are unblocked) from the rest.
pub fn apply_report_of(report: &ApplyReport, plan: &Plan) -> String {
    let blocked = plan
        .changes
        .iter()
        .filter(|c| c.is_blocked())
        .map(|c| (c.action.name(), c.hierarchy.as_str(), c.name.as_str()))
        .collect();
    closing(report, &blocked)
}

/// The summary, where `blocked` holds the (step, hierarchy, name) of blocked changes.
fn closing(report: &ApplyReport, blocked: &BTreeSet<(&str, &str, &str)>) -> String {
    let mut out = String::new();
    let Counts {
        applied,
        uncertain,
        failed,
        skipped,
    } = report.counts();
    let mut held = 0;
    for r in &report.results {
        if matches!(r.outcome, Outcome::Skipped { .. })
            && blocked.contains(&(r.step.as_str(), r.hierarchy.as_str(), r.name.as_str()))
        {
            held += 1;
        }
    }
    for r in &report.results {
        let (word, why) = match &r.outcome {
            Outcome::Applied { .. } => continue,
            Outcome::Uncertain { detail } => ("uncertain ", detail),
            Outcome::Failed { error } => ("failed   ", error),
            Outcome::Skipped { reason } => ("skipped  ", reason),
        };
        out.push_str(&format!(
            "{word}{} {} at {}: {}{}\n",
            escape(&r.step),
            escape(&r.name),
            escape(&r.hierarchy),
            escape(why),
            r.attempts_note()
        ));
    }
    // Blocked changes are counted apart from the other skipped steps (waiting deletes,
    // follow-ups of changes not made, steps not started after an interruption).
    let waiting = skipped - held;
    out.push_str(&format!(
        "Apply {}: {applied} applied, {uncertain} uncertain, {failed} failed, {held} blocked, \
         {waiting} skipped.",
        if report.interrupted {
            "interrupted"
        } else if uncertain + failed + skipped == 0 {
            "complete"
        } else {
            "incomplete"
        }
    ));
    if uncertain > 0 {
        out.push_str(" The uncertain ones may or may not have been made.");
    }
    // A rerun can change something only when a step failed, is uncertain, waited or was
    // not started; never for blocked changes alone.
    let unsettled = uncertain + failed + waiting;
    if unsettled > 0 || report.interrupted {
        if held > 0 {
            out.push_str(&format!(
                " Run plan to see what is left; apply again converges, except for the {}.",
                count(held, "blocked change", "blocked changes")
            ));
        } else {
            out.push_str(" Run plan to see what is left; apply again converges.");
        }
    }
    if held == 1 {
        out.push_str(
            " The blocked change is not made until it is unblocked, however often apply \
             runs: its reason above says what unblocks it.",
        );
    } else if held > 1 {
        out.push_str(&format!(
            " The {held} blocked changes are not made until they are unblocked, however \
             often apply runs: each one's reason above says what unblocks it."
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::StepResult;
    use crate::apply::report::fixtures::{report, step};

    #[test]
    fn an_uncertain_step_is_printed_apart_from_failures() {
        let report = report();
        assert_eq!(
            apply_report(&report),
            "uncertain create B at sys.hcs.P.R1: the outcome of POST is unknown\n\
             failed   create C at sys.hcs.P.R1: refused\n\
             uncertain create D at sys.hcs.P.R1: no answer\n\
             Apply incomplete: 1 applied, 2 uncertain, 1 failed, 0 blocked, 0 skipped. The uncertain ones \
             may or may not have been made. Run plan to see what is left; apply again \
             converges.\n"
        );
    }

    #[test]
    fn a_retried_step_shows_its_attempts() {
        let mut report = report();
        report.results[2].attempts = 4;
        report.results[0].attempts = 2;
        let text = apply_report(&report);
        assert!(
            text.contains("failed   create C at sys.hcs.P.R1: refused (4 attempts)\n"),
            "{text}"
        );
        assert!(
            text.contains("uncertain create B at sys.hcs.P.R1: the outcome of POST is unknown\n"),
            "{text}"
        );
    }

    #[test]
    fn a_complete_apply_says_so() {
        let report = ApplyReport {
            results: vec![step(
                "A",
                Outcome::Applied {
                    message: String::new(),
                },
            )],
            interrupted: false,
        };
        assert_eq!(
            apply_report(&report),
            "Apply complete: 1 applied, 0 uncertain, 0 failed, 0 blocked, 0 skipped.\n"
        );
    }

    #[test]
    fn an_interrupted_apply_says_so_and_what_to_do() {
        let report = ApplyReport {
            results: vec![step(
                "A",
                Outcome::Skipped {
                    reason: "not started: apply was interrupted".into(),
                },
            )],
            interrupted: true,
        };
        assert_eq!(
            apply_report(&report),
            "skipped  create A at sys.hcs.P.R1: not started: apply was interrupted\n\
             Apply interrupted: 0 applied, 0 uncertain, 0 failed, 0 blocked, 1 skipped. Run plan to see \
             what is left; apply again converges.\n"
        );
    }

    /// A plan whose delete of Hooli is blocked and whose create of `A` is not.
    fn plan_with_blocked_hooli() -> Plan {
        let change = |action, name: &str, blocked: Vec<String>| crate::plan::Change {
            action,
            hierarchy: "sys.hcs.P.R1".into(),
            name: name.into(),
            renamed_from: None,
            pkid: None,
            fields: Vec::new(),
            blocked,
            follow_up: Vec::new(),
            live_fingerprint: None,
            reason: None,
        };
        Plan {
            format_version: 1,
            tool_version: "0".into(),
            target: "t".into(),
            simulator: false,
            desired_digest: String::new(),
            partial: None,
            changes: vec![
                change(crate::plan::Action::Create, "A", Vec::new()),
                change(
                    crate::plan::Action::Delete,
                    "Hooli",
                    vec!["still has 3 devices: remove them first".into()],
                ),
            ],
            summary: crate::plan::Summary::default(),
            warnings: Vec::new(),
            pruned_scopes: Vec::new(),
            refusals: Vec::new(),
        }
    }

    fn blocked_hooli() -> StepResult {
        StepResult {
            step: "delete".into(),
            hierarchy: "sys.hcs.P.R1".into(),
            name: "Hooli".into(),
            outcome: Outcome::Skipped {
                reason: "blocked: still has 3 devices: remove them first".into(),
            },
            attempts: 0,
        }
    }

    #[test]
    fn only_blocked_changes_left_never_promise_convergence() {
        let report = ApplyReport {
            results: vec![
                blocked_hooli(),
                step(
                    "A",
                    Outcome::Applied {
                        message: "ok".into(),
                    },
                ),
            ],
            interrupted: false,
        };
        assert_eq!(
            apply_report_of(&report, &plan_with_blocked_hooli()),
            "skipped  delete Hooli at sys.hcs.P.R1: blocked: still has 3 devices: remove them \
             first\n\
             Apply incomplete: 1 applied, 0 uncertain, 0 failed, 1 blocked, 0 skipped. The blocked change \
             is not made until it is unblocked, however often apply runs: its reason above says \
             what unblocks it.\n"
        );
    }

    #[test]
    fn a_failure_next_to_a_blocked_change_converges_except_for_it() {
        let report = ApplyReport {
            results: vec![
                blocked_hooli(),
                step(
                    "A",
                    Outcome::Failed {
                        error: "refused".into(),
                    },
                ),
            ],
            interrupted: false,
        };
        assert_eq!(
            apply_report_of(&report, &plan_with_blocked_hooli()),
            "skipped  delete Hooli at sys.hcs.P.R1: blocked: still has 3 devices: remove them \
             first\n\
             failed   create A at sys.hcs.P.R1: refused\n\
             Apply incomplete: 0 applied, 0 uncertain, 1 failed, 1 blocked, 0 skipped. Run plan to see \
             what is left; apply again converges, except for the 1 blocked change. The blocked \
             change is not made until it is unblocked, however often apply runs: its reason \
             above says what unblocks it.\n"
        );
    }
}
