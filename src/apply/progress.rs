//! Progress while applying: a bar on a terminal, one plain line per step elsewhere (CI logs).
//! Progress is what happens as it happens, on stderr: steps done, failed or uncertain.
//! Skipped steps (blocked, waiting, not started) never ran: they are listed once, in the
//! closing summary on stdout, not here.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::report::{Outcome, StepResult};
use crate::plan::{FollowUp, Plan};

/// How many steps applying `plan` reports: one per change (a blocked one as skipped) and
/// one per DN audit that follows a change that is not blocked.
pub fn step_count(plan: &Plan) -> u64 {
    let audits = plan
        .changes
        .iter()
        .filter(|c| !c.is_blocked() && c.follow_up.contains(&FollowUp::DnAudit))
        .count();
    (plan.changes.len() + audits) as u64
}

/// True for a step that ran (done, failed, uncertain): a progress line is printed for it.
fn ran(result: &StepResult) -> bool {
    !matches!(result.outcome, Outcome::Skipped { .. })
}

/// Told when each step starts and ends (from several tasks at once).
pub trait Observer: Send + Sync {
    fn started(&self, step: &str, hierarchy: &str, name: &str);
    fn finished(&self, result: &StepResult);
}

/// One line per finished step on stderr.
pub struct Lines;

impl Observer for Lines {
    fn started(&self, _step: &str, _hierarchy: &str, _name: &str) {}

    fn finished(&self, result: &StepResult) {
        if ran(result) {
            eprintln!("{}", line(result));
        }
    }
}

/// An indicatif bar on stderr, with the finished steps printed above it.
pub struct ProgressBarObserver {
    bar: ProgressBar,
}

impl ProgressBarObserver {
    /// A bar of `total` steps (see [`step_count`]) drawn on stderr.
    pub fn new(total: u64) -> Self {
        Self::drawn_on(total, ProgressDrawTarget::stderr())
    }

    /// A bar of `total` steps drawn on `target` (hidden in tests).
    pub fn drawn_on(total: u64, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        ProgressBarObserver { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// (steps finished, steps in all): equal once every step has been reported.
    pub fn position(&self) -> (u64, u64) {
        (self.bar.position(), self.bar.length().unwrap_or(0))
    }
}

impl Observer for ProgressBarObserver {
    fn started(&self, step: &str, _hierarchy: &str, name: &str) {
        self.bar.set_message(format!("{step} {name}"));
    }

    fn finished(&self, result: &StepResult) {
        if ran(result) {
            self.bar.println(line(result));
        }
        // Never past the end: a step the count did not foresee lengthens the bar.
        if self
            .bar
            .length()
            .is_some_and(|len| self.bar.position() >= len)
        {
            self.bar.inc_length(1);
        }
        self.bar.inc(1);
    }
}

/// One progress line; names and server text with control characters escaped.
fn line(r: &StepResult) -> String {
    crate::escape::escape(&raw_line(r)).into_owned()
}

fn raw_line(r: &StepResult) -> String {
    format!("{}{}", outcome_line(r), r.attempts_note())
}

fn outcome_line(r: &StepResult) -> String {
    match &r.outcome {
        Outcome::Applied { message } if message.is_empty() => {
            format!("done     {} {} at {}", r.step, r.name, r.hierarchy)
        }
        Outcome::Applied { message } => {
            format!(
                "done     {} {} at {}: {message}",
                r.step, r.name, r.hierarchy
            )
        }
        Outcome::Uncertain { detail } => {
            format!(
                "UNCERTAIN {} {} at {}: {detail}",
                r.step, r.name, r.hierarchy
            )
        }
        Outcome::Failed { error } => {
            format!("FAILED   {} {} at {}: {error}", r.step, r.name, r.hierarchy)
        }
        Outcome::Skipped { reason } => format!(
            "skipped  {} {} at {}: {reason}",
            r.step, r.name, r.hierarchy
        ),
    }
}
