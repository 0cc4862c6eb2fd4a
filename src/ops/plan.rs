//! Making a plan: read the live system with the fewest requests (lists; instances only
//! where a list carried too little), fetch the dependents of the customers the diff
//! would delete (only those), then diff. A pull request's plan (`plan --changed-since
//! REV`) reads instances only for the customers whose declaration changed since REV and
//! says which it did not read.

use std::collections::BTreeSet;

use crate::model::{Desired, LiveCustomer, LiveState};
use crate::plan::{self, Plan};
use crate::voss::{ApiError, Client};

/// The customers whose declaration changed since a git revision (`plan --changed-since`).
#[derive(Debug, Clone, Default)]
pub struct ChangedSince {
    /// The revision, as the user named it.
    pub rev: String,
    /// (hierarchy, name) in the working tree of each added, renamed or changed customer.
    pub changed: BTreeSet<(String, String)>,
}

/// What the planner needs to know about the live system for `desired`: the declared
/// hierarchies, then what the planner asks for once it has seen them.
pub async fn read_live(client: &Client, desired: &Desired) -> Result<LiveState, ApiError> {
    Ok(read_live_since(client, desired, None).await?.0)
}

/// [`read_live`], reading instances only for the customers `since` names when given;
/// with the pkids of those whose instances were not read.
async fn read_live_since(
    client: &Client,
    desired: &Desired,
    since: Option<&ChangedSince>,
) -> Result<(LiveState, BTreeSet<String>), ApiError> {
    let reads = plan::list_reads(desired);
    let mut live = client
        .read_hierarchies(&reads, |choice| plan::list_choice_pays(&reads, choice))
        .await?;
    let extra = plan::extra_reads(desired, &live);
    client.read_extras(&mut live, &extra).await?;
    let (instances, not_read) = match since {
        Some(since) => plan::instances_to_read_changed(desired, &live, &since.changed),
        None => (plan::instances_to_read(desired, &live), BTreeSet::new()),
    };
    client.read_instances(&mut live, &instances).await?;
    Ok((live, not_read))
}

/// The plan for `desired`, with the live state it was made from.
pub async fn make_plan(client: &Client, desired: &Desired) -> Result<(Plan, LiveState), ApiError> {
    make_plan_since(client, desired, None).await
}

/// The plan for `desired`; with `since`, a partial one (see [`ChangedSince`]): the
/// customers whose declaration did not change are compared only as far as their listed
/// records go, and the plan names those it did not read.
pub async fn make_plan_since(
    client: &Client,
    desired: &Desired,
    since: Option<&ChangedSince>,
) -> Result<(Plan, LiveState), ApiError> {
    let (mut live, mut not_read) = read_live_since(client, desired, since).await?;
    let partial = |plan: Plan, live: &LiveState, not_read: &BTreeSet<String>| match since {
        Some(since) => plan::partial_plan(plan, live, not_read, &since.rev),
        None => plan,
    };
    // A change's fingerprint needs the whole record: read what the lists gave in part
    // (a first diff finds the changes; with full lists there is nothing to find).
    if live.has_partial_records() {
        let first = partial(
            plan::diff(desired, &live, client.target()),
            &live,
            &not_read,
        );
        // A customer not read that the plan changes after all (a pending rename, say)
        // is read now.
        let after_all = plan::changed_after_all(&first, &not_read);
        not_read.retain(|pkid| !after_all.contains(pkid));
        let to_read = plan::partially_read(&first, &live);
        client.read_instances(&mut live, &to_read).await?;
    }
    let pkids = plan::deletes_to_check(desired, &live);
    let to_check: Vec<LiveCustomer> = live
        .customers
        .iter()
        .filter(|c| pkids.contains(&c.pkid))
        .cloned()
        .collect();
    live.dependents = client.dependents_of(&to_check).await?;
    let plan = partial(
        plan::diff(desired, &live, client.target()),
        &live,
        &not_read,
    );
    Ok((plan, live))
}
