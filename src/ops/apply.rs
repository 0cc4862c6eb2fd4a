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

use crate::plan::{FORMAT_VERSION, Plan};
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

/// A saved plan (`plan --out FILE`) from its text; `file` names it in messages. Errors:
/// not JSON (`FILE:LINE:COL`), another `format_version`, or not a plan (a field name this
/// version does not know included), each a sentence for the user.
pub fn read_saved_plan(file: &str, text: &str) -> Result<Plan, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("{file}:{}:{}: not a plan file: {e}", e.line(), e.column()))?;
    let version = value.get("format_version");
    if version.and_then(serde_json::Value::as_u64) != Some(u64::from(FORMAT_VERSION)) {
        return Err(format!(
            "{file}: plan format version {} is not {FORMAT_VERSION}: make the plan again with this version of voss-customers",
            version.map_or("(missing)".to_owned(), ToString::to_string)
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("{file}: not a plan file: {e}"))
}
