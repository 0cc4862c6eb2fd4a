//! Applying a plan: secrets first, then the executor, with a stop flag raised by Ctrl-C
//! or SIGTERM (nothing new starts; what is in flight finishes and is reported).

use std::io::IsTerminal;
use std::sync::Arc;

use crate::apply::{
    ApplyOptions, ApplyReport, Lines, MissingSecrets, Observer, ProgressBarObserver, Secrets,
    StopFlag, execute,
};
use crate::plan::{Action, Plan, Refusal};
use crate::voss::Client;

/// Refuses a plan that deletes more than `max_deletes` customers (for a saved plan, where
/// the desired state is not at hand; a fresh plan gets the full `plan::safety::check`).
pub fn check_deletes(plan: &Plan, max_deletes: usize) -> Result<(), Refusal> {
    let deletes = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete && !c.is_blocked())
        .count();
    if deletes > max_deletes {
        Err(Refusal::TooManyDeletes {
            deletes,
            max_deletes,
        })
    } else {
        Ok(())
    }
}

/// Reads the secrets, then carries the plan out with progress on stderr.
pub async fn apply_plan(
    client: &Client,
    plan: &Plan,
    concurrency: usize,
    stop: &StopFlag,
) -> Result<ApplyReport, MissingSecrets> {
    let secrets = Secrets::from_env(plan)?;
    let total = plan.changes.len() as u64;
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| Arc::new(ProgressBarObserver::new(total)));
    let observer: Arc<dyn Observer> = match &bar {
        Some(bar) => bar.clone(),
        None => Arc::new(Lines),
    };
    let report = execute(
        client,
        plan,
        &secrets,
        ApplyOptions { concurrency },
        observer,
        stop,
    )
    .await;
    if let Some(bar) = bar {
        bar.finish();
    }
    Ok(report)
}
