//! The executor: runs the steps of a plan as a dependency graph ([`super::graph`]), not
//! in phases. Each step starts as soon as the steps it waits for are over and one of
//! `concurrency` slots is free: a slow create holds back only what depends on it. A
//! failure leaves the rest running (what waited for it is skipped, with why); a cancelled
//! token (Ctrl-C, SIGTERM) starts nothing new and waits for what is in flight.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::request::local_admin_from_plan;
use crate::plan::{Change, Plan};
use crate::voss::Client;
use crate::voss::retry::RetryPolicy;

use super::graph::{Graph, held_back};
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

/// Carries out `plan`: each step starts as soon as the steps it waits for are over
/// ([`Graph`]) and one of `options.concurrency` slots is free; among the steps ready at
/// once, the earliest in the plan starts first. Blocked changes are skipped and reported;
/// nothing here panics. The report lists the steps in the plan's order (each DN audit right
/// after its change), whatever order they finished in. Once `cancel` is cancelled no
/// further step starts (each is reported as not started); the steps in flight finish and
/// are reported.
pub async fn execute(
    client: &Client,
    plan: &Plan,
    secrets: &Secrets,
    options: ApplyOptions,
    observer: Arc<dyn Observer>,
    cancel: &CancellationToken,
) -> ApplyReport {
    let graph = Graph::of(&plan.changes);
    let mut run = Run::new(&graph);
    let steps: Vec<Step> = graph
        .nodes
        .iter()
        .map(|node| {
            let change = &plan.changes[node.change];
            Step {
                kind: node.kind,
                change: change.clone(),
                password: match node.kind {
                    StepKind::Change => password_for(change, secrets),
                    StepKind::DnAudit => None,
                },
            }
        })
        .collect();
    // Blocked changes are settled first: a delete waiting for one is held back.
    for (i, node) in graph.nodes.iter().enumerate() {
        let change = &plan.changes[node.change];
        if change.is_blocked() {
            let reason = format!("blocked: {}", change.blocked.join("; "));
            let result = result_of(change, change.action.name(), Outcome::Skipped { reason });
            run.settle(i, result, &graph, &steps, &observer, cancel);
        }
    }
    for i in 0..graph.nodes.len() {
        if run.results[i].is_none() && run.left[i] == 0 {
            run.ready(i, &graph, &steps, &observer, cancel);
        }
    }

    let slots = options.concurrency.max(1);
    let mut tasks = JoinSet::new();
    let mut in_flight: BTreeMap<tokio::task::Id, usize> = BTreeMap::new();
    loop {
        if cancel.is_cancelled() {
            // Nothing more starts: every step not started yet is reported so.
            while let Some(i) = run.runnable.pop_first() {
                run.settle(i, not_started(&steps[i]), &graph, &steps, &observer, cancel);
            }
        }
        while in_flight.len() < slots {
            let Some(i) = run.runnable.pop_first() else {
                break;
            };
            let step = steps[i].clone();
            observer.started(step.label(), &step.change.hierarchy, &step.change.name);
            let (client, observer) = (client.clone(), observer.clone());
            let (cancel, retries) = (cancel.clone(), options.retries);
            let task = tasks.spawn(async move {
                let (outcome, attempts) = run_with_retries(&client, &step, retries, &cancel).await;
                let result = StepResult {
                    attempts,
                    ..result_of(&step.change, step.label(), outcome)
                };
                observer.finished(&result);
                result
            });
            in_flight.insert(task.id(), i);
        }
        if in_flight.is_empty() {
            break;
        }
        // A cancellation is noticed at once, also while every slot is busy.
        let joined = tokio::select! {
            biased;
            () = cancel.cancelled(), if !run.runnable.is_empty() => continue,
            joined = tasks.join_next_with_id() => joined,
        };
        let Some(joined) = joined else {
            break;
        };
        let (id, result) = match joined {
            Ok((id, result)) => (id, Ok(result)),
            Err(error) => (error.id(), Err(())),
        };
        let Some(i) = in_flight.remove(&id) else {
            continue;
        };
        // A task can only fail to return if it panicked; say so rather than lose it.
        let result = result.unwrap_or_else(|()| {
            let failed = result_of(
                &steps[i].change,
                steps[i].label(),
                Outcome::Failed {
                    error: "the step stopped unexpectedly; run plan to see its state".to_owned(),
                },
            );
            observer.finished(&failed);
            failed
        });
        run.record(i, result, &graph, &steps, &observer, cancel);
    }

    let mut report = ApplyReport::default();
    for (i, result) in run.results.into_iter().enumerate() {
        // Every step is settled by now; a step left unsettled (not possible in an acyclic
        // graph) is reported as not started rather than lost.
        report
            .results
            .push(result.unwrap_or_else(|| not_started(&steps[i])));
    }
    report.interrupted = cancel.is_cancelled();
    report
}

/// The state of a running graph.
struct Run {
    /// Each step's result once it is settled.
    results: Vec<Option<StepResult>>,
    /// How many of the steps each step waits for are not settled yet.
    left: Vec<usize>,
    dependents: Vec<Vec<usize>>,
    /// Steps whose wait is over and which may run, by plan order.
    runnable: BTreeSet<usize>,
}

impl Run {
    fn new(graph: &Graph) -> Run {
        Run {
            results: vec![None; graph.nodes.len()],
            left: graph.waits_for.iter().map(Vec::len).collect(),
            dependents: graph.dependents(),
            runnable: BTreeSet::new(),
        }
    }

    /// Step `i`'s wait is over: it becomes runnable, or is skipped (and settled) when the
    /// apply is interrupted or what it waited for was not applied.
    fn ready(
        &mut self,
        i: usize,
        graph: &Graph,
        steps: &[Step],
        observer: &Arc<dyn Observer>,
        cancel: &CancellationToken,
    ) {
        match self.skip(i, graph, steps, cancel) {
            None => {
                self.runnable.insert(i);
            }
            Some(skipped) => self.settle(i, skipped, graph, steps, observer, cancel),
        }
    }

    /// `Some(result)` when step `i`, whose wait is over, is not to run: the apply was
    /// interrupted, or what it waited for was not applied ([`held_back`]).
    fn skip(
        &self,
        i: usize,
        graph: &Graph,
        steps: &[Step],
        cancel: &CancellationToken,
    ) -> Option<StepResult> {
        let step = &steps[i];
        if cancel.is_cancelled() {
            return Some(not_started(step));
        }
        let waited_for: Vec<&StepResult> = graph.waits_for[i]
            .iter()
            .filter_map(|&j| self.results[j].as_ref())
            .collect();
        let reason = held_back(step.kind, step.change.action, &waited_for)?;
        Some(result_of(
            &step.change,
            step.label(),
            Outcome::Skipped { reason },
        ))
    }

    /// Records the result of a step that did not run, tells the observer, and lets the
    /// steps waiting for it go on.
    fn settle(
        &mut self,
        i: usize,
        result: StepResult,
        graph: &Graph,
        steps: &[Step],
        observer: &Arc<dyn Observer>,
        cancel: &CancellationToken,
    ) {
        observer.finished(&result);
        self.record(i, result, graph, steps, observer, cancel);
    }

    /// Records a step's result (the observer has been told) and lets the steps waiting
    /// for it go on: each whose wait is now over becomes runnable or is skipped, which
    /// may end the wait of more (a work list, not recursion, however long the chain).
    fn record(
        &mut self,
        i: usize,
        result: StepResult,
        graph: &Graph,
        steps: &[Step],
        observer: &Arc<dyn Observer>,
        cancel: &CancellationToken,
    ) {
        let mut settled = vec![(i, result)];
        while let Some((i, result)) = settled.pop() {
            self.results[i] = Some(result);
            for k in 0..self.dependents[i].len() {
                let d = self.dependents[i][k];
                self.left[d] = self.left[d].saturating_sub(1);
                if self.left[d] > 0 {
                    continue;
                }
                match self.skip(d, graph, steps, cancel) {
                    None => {
                        self.runnable.insert(d);
                    }
                    Some(skipped) => {
                        observer.finished(&skipped);
                        settled.push((d, skipped));
                    }
                }
            }
        }
    }
}

fn not_started(step: &Step) -> StepResult {
    result_of(
        &step.change,
        step.label(),
        Outcome::Skipped {
            reason: "not started: apply was interrupted".to_owned(),
        },
    )
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
