//! Applying a plan: secrets first, then the executor, with a cancellation token that
//! Ctrl-C or SIGTERM cancels (nothing new starts; what is in flight finishes and is
//! reported).

use std::io::IsTerminal;
use std::sync::Arc;

use crate::apply::{
    ApplyOptions, ApplyReport, Lines, MissingSecrets, Observer, ProgressBarObserver, Secrets,
    execute, step_count,
};
use tokio_util::sync::CancellationToken;

use crate::plan::Plan;
use crate::voss::Client;

/// Reads the secrets, then carries the plan out with progress on stderr; `cancel` stops
/// it from starting further changes.
pub async fn apply_plan(
    client: &Client,
    plan: &Plan,
    options: ApplyOptions,
    cancel: &CancellationToken,
) -> Result<ApplyReport, MissingSecrets> {
    let secrets = Secrets::from_env(plan)?;
    let total = step_count(plan);
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| Arc::new(ProgressBarObserver::new(total)));
    let observer: Arc<dyn Observer> = match &bar {
        Some(bar) => bar.clone(),
        None => Arc::new(Lines),
    };
    let report = execute(client, plan, &secrets, options, observer, cancel).await;
    if let Some(bar) = bar {
        bar.finish();
    }
    Ok(report)
}
