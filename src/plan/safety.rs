//! Safety rules checked on a plan before it is applied: one place, tested on its own.
//! Every reason to refuse a plan (exit 3, nothing changed) is a [`Refusal`], printed the
//! same way by `apply` and `reconcile`.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Action, Plan};
use crate::model::LiveState;

/// Why a plan is refused (exit 3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The plan deletes more customers than `--max-deletes` allows.
    #[error(
        "refusing to delete {deletes} {}: --max-deletes allows {max_deletes}; check the files \
         and scopes, and if the deletes are intended run again with --max-deletes {deletes}",
        customer_noun(*.deletes)
    )]
    TooManyDeletes { deletes: usize, max_deletes: usize },
    /// The plan deletes every live customer under a `prune: true` scope.
    #[error(
        "refusing to delete all {customers} live {} under {hierarchy}, a scope with \
         `prune: true`: check that the files declaring them were read; if they must all go, \
         set `prune: false` on that scope and declare them `state: absent`",
        customer_noun(*.customers)
    )]
    EmptiesScope { hierarchy: String, customers: usize },
    /// A saved plan was made against another server than the one it would be applied to.
    #[error("the plan was made against {planned}, not {target}: make a plan against this server")]
    OtherServer {
        /// The server the plan was made against (its `target`).
        planned: String,
        /// The server it would be applied to.
        target: String,
    },
    /// A saved plan no longer matches the live system: these changes' customers moved
    /// since it was made (never empty).
    #[error(
        "the saved plan no longer matches the live system; nothing was changed: run plan \
         again{}",
        stale_lines(.changes)
    )]
    Stale { changes: Vec<StaleChange> },
}

/// A change of a saved plan whose live customer moved since the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} at {hierarchy} changed since the plan was made: {detail}")]
pub struct StaleChange {
    /// The change's hierarchy node.
    pub hierarchy: String,
    /// The change's customer name.
    pub name: String,
    /// What moved, as a phrase (`it no longer exists live`).
    pub detail: String,
}

/// One indented `stale:` line per change.
fn stale_lines(changes: &[StaleChange]) -> String {
    changes
        .iter()
        .map(|change| format!("\n  stale: {change}"))
        .collect()
}

/// Refuses a plan that deletes more than `max_deletes` customers, or that deletes every
/// live customer under one of its pruned scopes (`plan.pruned_scopes`) that has some.
/// `live` needs the customers of those scopes; the same check guards fresh and saved plans.
pub fn check(plan: &Plan, live: &LiveState, max_deletes: usize) -> Result<(), Refusal> {
    match refusals(plan, live, max_deletes).into_iter().next() {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

/// Every reason [`check`] has to refuse the plan, in the order it finds them (the deletion
/// limit first, then each emptied pruned scope); empty when apply would carry it out.
pub fn refusals(plan: &Plan, live: &LiveState, max_deletes: usize) -> Vec<Refusal> {
    let mut found = Vec::new();
    let deleted: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .filter_map(|c| c.pkid.as_deref())
        .collect();
    let deletes = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count();
    if deletes > max_deletes {
        found.push(Refusal::TooManyDeletes {
            deletes,
            max_deletes,
        });
    }
    // The live customers by hierarchy, once (not one pass over them per scope).
    let mut by_hierarchy: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for l in &live.customers {
        by_hierarchy
            .entry(l.hierarchy.as_str())
            .or_default()
            .push(l.pkid.as_str());
    }
    for hierarchy in plan.pruned_scopes.iter().map(String::as_str) {
        let under = by_hierarchy.get(hierarchy).map_or(&[][..], Vec::as_slice);
        if !under.is_empty() && under.iter().all(|pkid| deleted.contains(pkid)) {
            found.push(Refusal::EmptiesScope {
                hierarchy: hierarchy.to_owned(),
                customers: under.len(),
            });
        }
    }
    found
}

/// The plan with `refusals` filled in: one sentence per reason `apply` (with the same
/// `--max-deletes`) would refuse it, so that every rendering shows them.
pub fn with_refusals(mut plan: Plan, live: &LiveState, max_deletes: usize) -> Plan {
    plan.refusals = refusals(&plan, live, max_deletes)
        .iter()
        .map(ToString::to_string)
        .collect();
    plan
}

/// Refuses a saved plan made against another server than `target` (URLs compared without
/// a trailing `/` and ignoring letter case).
pub fn check_server(plan: &Plan, target: &str) -> Result<(), Refusal> {
    let same = |url: &str| url.trim_end_matches('/').to_ascii_lowercase();
    if same(&plan.target) == same(target) {
        Ok(())
    } else {
        Err(Refusal::OtherServer {
            planned: plan.target.clone(),
            target: target.to_owned(),
        })
    }
}

/// Refuses a saved plan some of whose changes are stale (found by the apply's stale check).
pub fn check_stale(stale: Vec<StaleChange>) -> Result<(), Refusal> {
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Stale { changes: stale })
    }
}

fn customer_noun(n: usize) -> &'static str {
    if n == 1 { "customer" } else { "customers" }
}
