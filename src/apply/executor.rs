//! The executor: migrations and creates, then renames and updates, then follow-ups (the
//! DN audit), then deletes. Within a phase, independent customers run in parallel, at
//! most `concurrency` at once. A failure leaves the rest running; a cancelled token
//! (Ctrl-C, SIGTERM) starts nothing new and waits for what is in flight.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::request::local_admin_from_plan;
use crate::plan::{Action, Change, FollowUp, Plan};
use crate::voss::Client;
use crate::voss::retry::RetryPolicy;

use super::progress::Observer;
use super::report::{ApplyReport, Outcome, StepResult};
use super::secrets::Secrets;
use super::step::{Step, StepKind};

/// How to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyOptions {
    /// How many steps run at once (at least 1).
    pub concurrency: usize,
    /// How often a step that failed transiently is tried again in this run (0: never).
    /// Each retry reads the customer again first.
    pub retries: u32,
}

/// The backoff between attempts at one step: exponential with full jitter, from 200 ms
/// up to 5 s.
fn backoff(retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: retries.saturating_add(1),
        max_total: Duration::from_secs(120),
        base: Duration::from_millis(200),
        cap: Duration::from_secs(5),
    }
}

/// Carries out `plan`. Blocked changes are skipped and reported; nothing here panics.
/// Once `cancel` is cancelled no further step starts (each is reported as not started);
/// the steps in flight finish and are reported.
pub async fn execute(
    client: &Client,
    plan: &Plan,
    secrets: &Secrets,
    options: ApplyOptions,
    observer: Arc<dyn Observer>,
    cancel: &CancellationToken,
) -> ApplyReport {
    let mut report = ApplyReport::default();
    for change in plan.changes.iter().filter(|c| c.is_blocked()) {
        let result = result_of(
            change,
            change.action.name(),
            Outcome::Skipped {
                reason: format!("blocked: {}", change.blocked.join("; ")),
            },
        );
        observer.finished(&result);
        report.results.push(result);
    }

    let runnable = |actions: &[Action]| -> Vec<Step> {
        plan.changes
            .iter()
            .filter(|c| !c.is_blocked() && actions.contains(&c.action))
            .map(|c| Step {
                kind: StepKind::Change,
                change: c.clone(),
                password: password_for(c, secrets),
            })
            .collect()
    };

    let mut done = Vec::new();
    for actions in [
        &[Action::Migrate, Action::Create][..],
        &[Action::Rename, Action::Update][..],
    ] {
        let results = run_phase(client, runnable(actions), options, &observer, cancel).await;
        done.extend(results);
    }

    // Follow-ups run only after their own change was applied.
    let mut follow_ups = Vec::new();
    for (step, result) in &done {
        if !step.change.follow_up.contains(&FollowUp::DnAudit) {
            continue;
        }
        let reason = match result.outcome {
            Outcome::Applied { .. } => None,
            Outcome::Uncertain { .. } => Some("whether its change was made is unknown"),
            Outcome::Failed { .. } | Outcome::Skipped { .. } => Some("its change was not applied"),
        };
        if let Some(reason) = reason {
            let skipped = result_of(
                &step.change,
                "dn_audit",
                Outcome::Skipped {
                    reason: reason.to_owned(),
                },
            );
            observer.finished(&skipped);
            report.results.push(skipped);
        } else {
            follow_ups.push(Step {
                kind: StepKind::DnAudit,
                change: step.change.clone(),
                password: None,
            });
        }
    }
    done.extend(run_phase(client, follow_ups, options, &observer, cancel).await);

    // A delete next to a failed create or rename may be half of a replacement (a name
    // changed without `renamed_from`): it waits for a run in which the rest succeeded.
    let unsettled: BTreeSet<String> = done
        .iter()
        .filter(|(_, result)| !matches!(result.outcome, Outcome::Applied { .. }))
        .map(|(step, _)| step.change.hierarchy.clone())
        .collect();
    let (deletes, waiting): (Vec<Step>, Vec<Step>) = runnable(&[Action::Delete])
        .into_iter()
        .partition(|step| !unsettled.contains(&step.change.hierarchy));
    for step in waiting {
        let skipped = result_of(
            &step.change,
            step.label(),
            Outcome::Skipped {
                reason: "another change at this hierarchy was not applied; the delete waits for the next run".to_owned(),
            },
        );
        observer.finished(&skipped);
        report.results.push(skipped);
    }
    done.extend(run_phase(client, deletes, options, &observer, cancel).await);

    report
        .results
        .extend(done.into_iter().map(|(_, result)| result));
    report.interrupted = cancel.is_cancelled();
    report
}

fn password_for(change: &Change, secrets: &Secrets) -> Option<crate::voss::Secret> {
    match local_admin_from_plan(&change.fields) {
        Ok(Some(admin)) => secrets.get(&admin.password_env).cloned(),
        _ => None,
    }
}

fn result_of(change: &Change, step: &str, outcome: Outcome) -> StepResult {
    StepResult {
        step: step.to_owned(),
        hierarchy: change.hierarchy.clone(),
        name: change.name.clone(),
        outcome,
        attempts: 0,
    }
}

/// Runs `step` until it ends for good, it failed transiently `options.retries` times in
/// a row, or `cancel` is cancelled (no retry starts then); each retry waits its backoff
/// and reads the customer again before writing. Returns the last outcome and the attempts.
async fn run_with_retries(
    client: &Client,
    step: &Step,
    retries: u32,
    cancel: &CancellationToken,
) -> (Outcome, u32) {
    let policy = backoff(retries);
    let started = Instant::now();
    let mut attempts = 1;
    let mut attempt = step.run(client, false).await;
    while attempt.transient && !cancel.is_cancelled() {
        let Some(wait) = policy.next_wait(attempts, started.elapsed(), None, fastrand::f64())
        else {
            break;
        };
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
        attempts += 1;
        attempt = step.run(client, true).await;
    }
    (attempt.outcome, attempts)
}

/// Runs the steps of one phase, at most `concurrency` at once, and returns them with
/// their results in the order they were given.
async fn run_phase(
    client: &Client,
    steps: Vec<Step>,
    options: ApplyOptions,
    observer: &Arc<dyn Observer>,
    cancel: &CancellationToken,
) -> Vec<(Step, StepResult)> {
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut results: Vec<Option<StepResult>> = vec![None; steps.len()];
    for (index, step) in steps.iter().enumerate() {
        // A free slot, unless the apply is cancelled first: a cancellation is noticed at
        // once, also while every slot is busy.
        let permit = tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            permit = slots.clone().acquire_owned() => permit.ok(),
        };
        let Some(permit) = permit.filter(|_| !cancel.is_cancelled()) else {
            let skipped = result_of(
                &step.change,
                step.label(),
                Outcome::Skipped {
                    reason: "not started: apply was interrupted".to_owned(),
                },
            );
            observer.finished(&skipped);
            results[index] = Some(skipped);
            continue;
        };
        observer.started(step.label(), &step.change.hierarchy, &step.change.name);
        let (client, step, observer) = (client.clone(), step.clone(), observer.clone());
        let (cancel, retries) = (cancel.clone(), options.retries);
        tasks.spawn(async move {
            let (outcome, attempts) = run_with_retries(&client, &step, retries, &cancel).await;
            drop(permit);
            let result = StepResult {
                attempts,
                ..result_of(&step.change, step.label(), outcome)
            };
            observer.finished(&result);
            (index, result)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    steps
        .into_iter()
        .zip(results)
        .map(|(step, result)| {
            // A task can only be missing if it panicked; say so rather than lose it.
            let result = result.unwrap_or_else(|| {
                result_of(
                    &step.change,
                    step.label(),
                    Outcome::Failed {
                        error: "the step stopped unexpectedly; run plan to see its state"
                            .to_owned(),
                    },
                )
            });
            (step, result)
        })
        .collect()
}
