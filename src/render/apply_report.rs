//! The closing summary of an apply: one line per step that was not applied (uncertain,
//! failed or skipped, with why), then one sentence of counts and what to do next.

use crate::apply::{ApplyReport, Counts, Outcome};
use crate::escape::escape;

/// The closing summary: what succeeded, what is uncertain, what failed and why, what
/// was skipped.
pub fn apply_report(report: &ApplyReport) -> String {
    let mut out = String::new();
    let Counts {
        applied,
        uncertain,
        failed,
        skipped,
    } = report.counts();
    for r in &report.results {
        let (word, why) = match &r.outcome {
            Outcome::Applied { .. } => continue,
            Outcome::Uncertain { detail } => ("uncertain ", detail),
            Outcome::Failed { error } => ("failed   ", error),
            Outcome::Skipped { reason } => ("skipped  ", reason),
        };
        out.push_str(&format!(
            "{word}{} {} at {}: {}\n",
            escape(&r.step),
            escape(&r.name),
            escape(&r.hierarchy),
            escape(why)
        ));
    }
    out.push_str(&format!(
        "Apply {}: {applied} applied, {uncertain} uncertain, {failed} failed, {skipped} skipped.",
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
    if uncertain + failed + skipped > 0 || report.interrupted {
        out.push_str(" Run plan to see what is left; apply again converges.");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::report::fixtures::{report, step};

    #[test]
    fn an_uncertain_step_is_printed_apart_from_failures() {
        let report = report();
        assert_eq!(
            apply_report(&report),
            "uncertain create B at sys.hcs.P.R1: the outcome of POST is unknown\n\
             failed   create C at sys.hcs.P.R1: refused\n\
             uncertain create D at sys.hcs.P.R1: no answer\n\
             Apply incomplete: 1 applied, 2 uncertain, 1 failed, 0 skipped. The uncertain ones \
             may or may not have been made. Run plan to see what is left; apply again \
             converges.\n"
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
            "Apply complete: 1 applied, 0 uncertain, 0 failed, 0 skipped.\n"
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
             Apply interrupted: 0 applied, 0 uncertain, 0 failed, 1 skipped. Run plan to see \
             what is left; apply again converges.\n"
        );
    }
}
