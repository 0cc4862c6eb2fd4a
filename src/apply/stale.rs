//! `apply --plan FILE` carries out exactly the saved plan, so it first checks that every
//! live customer the plan touches is still as it was when the plan was made.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{LiveCustomer, LiveState};
pub use crate::plan::safety::StaleChange;
use crate::plan::{Action, Change, Plan, fingerprint, moved_fields};
use crate::voss::{ApiError, Client};

/// The live customers a saved plan touches: one list per hierarchy of its changes and of
/// its pruned scopes (for the safety rules), each read once.
pub async fn read_touched(client: &Client, plan: &Plan) -> Result<LiveState, ApiError> {
    let hierarchies: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter(|c| !c.is_blocked())
        .map(|c| c.hierarchy.as_str())
        .chain(plan.pruned_scopes.iter().map(String::as_str))
        .collect();
    let mut live = LiveState::default();
    for hierarchy in hierarchies {
        live.customers.extend(client.customers_at(hierarchy).await?);
    }
    // A fingerprint needs every field: read the touched customers a list gave in part.
    let partial = crate::plan::partially_read(plan, &live);
    client.read_instances(&mut live, &partial).await?;
    Ok(live)
}

/// The changes of `plan` that the live customers in `live` (from [`read_touched`]) no
/// longer match; the HCM-F customers are read for a migration.
pub async fn find_stale(
    client: &Client,
    plan: &Plan,
    live: &LiveState,
) -> Result<Vec<StaleChange>, ApiError> {
    let changes: Vec<&Change> = plan.changes.iter().filter(|c| !c.is_blocked()).collect();
    let live: BTreeMap<(&str, &str), &LiveCustomer> = live
        .customers
        .iter()
        .map(|c| ((c.hierarchy.as_str(), c.name.as_str()), c))
        .collect();
    let migrated: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.action == Action::Migrate)
        .filter_map(|c| c.pkid.as_deref())
        .collect();
    let hcmf = if migrated.is_empty() {
        Vec::new()
    } else {
        let listed = client.hcmf_customers().await?;
        client
            .complete(
                listed
                    .into_iter()
                    .filter(|c| migrated.contains(c.pkid.as_str()))
                    .collect(),
            )
            .await?
    };
    let live_at = |hierarchy: &str, name: &str| live.get(&(hierarchy, name)).copied();

    let mut stale = Vec::new();
    for change in changes {
        let problem = match change.action {
            Action::Create => live_at(&change.hierarchy, &change.name)
                .map(|_| "it exists live now (created outside this plan)".to_owned()),
            Action::Migrate => {
                if live_at(&change.hierarchy, &change.name).is_some() {
                    Some("it exists live now (created outside this plan)".to_owned())
                } else {
                    let record = hcmf.iter().find(|c| Some(&c.pkid) == change.pkid.as_ref());
                    match record {
                        None => Some("the HCM-F customer is no longer at sys.hcs".to_owned()),
                        Some(record) => moved(change, record),
                    }
                }
            }
            Action::Update | Action::Rename | Action::Delete => {
                let live_name = change.renamed_from.as_deref().unwrap_or(&change.name);
                match live_at(&change.hierarchy, live_name) {
                    None => Some("it no longer exists live".to_owned()),
                    Some(now) if Some(&now.pkid) != change.pkid.as_ref() => {
                        Some(format!("it is a different instance now ({})", now.pkid))
                    }
                    Some(now) => moved(change, now),
                }
            }
        };
        if let Some(detail) = problem {
            stale.push(StaleChange {
                hierarchy: change.hierarchy.clone(),
                name: change.name.clone(),
                detail,
            });
        }
    }
    Ok(stale)
}

/// Why `change` no longer fits the live customer `now` (read by its pkid just before the
/// write): another name or hierarchy, or fields that moved; `None` when it still fits.
pub(crate) fn moved_since_plan(change: &Change, now: &LiveCustomer) -> Option<String> {
    let live_name = change.renamed_from.as_deref().unwrap_or(&change.name);
    if now.name != live_name || now.hierarchy != change.hierarchy {
        return Some(format!(
            "instance {} is now {} at {}",
            now.pkid, now.name, now.hierarchy
        ));
    }
    moved(change, now)
}

fn moved(change: &Change, now: &LiveCustomer) -> Option<String> {
    if change.live_fingerprint.as_deref() == Some(fingerprint(now).as_str()) {
        return None;
    }
    let fields = moved_fields(change, now);
    Some(if fields.is_empty() {
        "it was written to outside this plan (fields the plan does not change)".to_owned()
    } else {
        let list: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
        format!("{} changed live", list.join(", "))
    })
}
