//! Progress while applying: a bar on a terminal, one plain line per step elsewhere (CI logs).

use indicatif::{ProgressBar, ProgressStyle};

use super::report::{Outcome, StepResult};

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
        eprintln!("{}", line(result));
    }
}

/// An indicatif bar on stderr, with the finished steps printed above it.
pub struct ProgressBarObserver {
    bar: ProgressBar,
}

impl ProgressBarObserver {
    pub fn new(total: u64) -> Self {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        ProgressBarObserver { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for ProgressBarObserver {
    fn started(&self, step: &str, _hierarchy: &str, name: &str) {
        self.bar.set_message(format!("{step} {name}"));
    }

    fn finished(&self, result: &StepResult) {
        self.bar.println(line(result));
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
