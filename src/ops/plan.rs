//! Making a plan: read the live system with the fewest requests (lists; instances only
//! where a list carried too little), fetch the dependents of the customers the diff
//! would delete (only those), then diff.

use crate::model::{Desired, LiveCustomer, LiveState};
use crate::plan::{self, Plan};
use crate::voss::{ApiError, Client};

/// What the planner needs to know about the live system for `desired`: the declared
/// hierarchies, then what the planner asks for once it has seen them.
pub async fn read_live(client: &Client, desired: &Desired) -> Result<LiveState, ApiError> {
    let reads = plan::list_reads(desired);
    let mut live = client
        .read_hierarchies(&reads, |choice| plan::list_choice_pays(&reads, choice))
        .await?;
    let extra = plan::extra_reads(desired, &live);
    client.read_extras(&mut live, &extra).await?;
    let instances = plan::instances_to_read(desired, &live);
    client.read_instances(&mut live, &instances).await?;
    Ok(live)
}

/// The plan for `desired`, with the live state it was made from.
pub async fn make_plan(client: &Client, desired: &Desired) -> Result<(Plan, LiveState), ApiError> {
    let mut live = read_live(client, desired).await?;
    // A change's fingerprint needs the whole record: read what the lists gave in part
    // (a first diff finds the changes; with full lists there is nothing to find).
    if live.has_partial_records() {
        let partial = plan::partially_read(&plan::diff(desired, &live, client.target()), &live);
        client.read_instances(&mut live, &partial).await?;
    }
    let pkids = plan::deletes_to_check(desired, &live);
    let to_check: Vec<LiveCustomer> = live
        .customers
        .iter()
        .filter(|c| pkids.contains(&c.pkid))
        .cloned()
        .collect();
    live.dependents = client.dependents_of(&to_check).await?;
    let plan = plan::diff(desired, &live, client.target());
    Ok((plan, live))
}
