//! Making a plan: read the live system with the fewest requests (lists; instances only
//! where a list carried too little), fetch the dependents of the customers the diff
//! would delete (only those), then diff. A pull request's plan (`plan --changed-since
//! REV`) reads instances only for the customers whose declaration changed since REV and
//! says which it did not read.

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::task::{JoinError, JoinHandle};

use crate::model::{Desired, LiveCustomer, LiveState};
use crate::plan::{self, DiffOptions, Plan};
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
    let live = read_lists(client, desired).await?;
    read_instances_since(client, desired, live, since).await
}

/// The declared hierarchies' lists, and what the planner asks for once it has seen them
/// (HCM-F customers, roles, Prime Collaboration); no instance yet.
async fn read_lists(client: &Client, desired: &Desired) -> Result<LiveState, ApiError> {
    let reads = plan::list_reads(desired);
    let mut live = client
        .read_hierarchies(&reads, |choice| plan::list_choice_pays(&reads, choice))
        .await?;
    let extra = plan::extra_reads(desired, &live);
    client.read_extras(&mut live, &extra).await?;
    Ok(live)
}

/// `live` (as listed) with the instances the plan needs read: only those of the customers
/// `since` names when given; with the pkids of those whose instances were not read.
async fn read_instances_since(
    client: &Client,
    desired: &Desired,
    mut live: LiveState,
    since: Option<&ChangedSince>,
) -> Result<(LiveState, BTreeSet<String>), ApiError> {
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
    let (live, not_read) = read_live_since(client, desired, since).await?;
    finish_plan(client, desired, live, not_read, since, None).await
}

/// Why [`make_plan_overlapped`] made no plan.
#[derive(Debug)]
pub enum OverlappedError<E> {
    /// Working out what changed since the revision failed (its own error).
    Since(E),
    /// The live system could not be read.
    Api(ApiError),
}

/// [`make_plan_since`], with the work that needs only the files done while the live
/// system is read: the desired state's digest, and (with `since`, a function of the
/// desired state such as loading a git revision's files and comparing them) the customers
/// that changed. `since`'s error comes first: it is returned even when reading failed too,
/// and as soon as it is known (the reads are then dropped).
pub async fn make_plan_overlapped<E, F>(
    client: &Client,
    desired: Arc<Desired>,
    since: Option<F>,
) -> Result<(Plan, LiveState), OverlappedError<E>>
where
    E: Send + 'static,
    F: FnOnce(&Desired) -> Result<ChangedSince, E> + Send + 'static,
{
    let digest = {
        let desired = Arc::clone(&desired);
        tokio::task::spawn_blocking(move || plan::digest(&desired))
    };
    let since_task: Option<JoinHandle<Result<ChangedSince, E>>> = since.map(|since| {
        let desired = Arc::clone(&desired);
        tokio::task::spawn_blocking(move || since(&desired))
    });
    let lists = read_lists(client, &desired);
    tokio::pin!(lists);
    let (listed, since) = match since_task {
        None => (lists.await, None),
        Some(mut task) => tokio::select! {
            joined = &mut task => {
                let since = unpanicked(joined).map_err(OverlappedError::Since)?;
                (lists.await, Some(since))
            }
            listed = &mut lists => {
                let since = unpanicked(task.await).map_err(OverlappedError::Since)?;
                (listed, Some(since))
            }
        },
    };
    let live = listed.map_err(OverlappedError::Api)?;
    let (live, not_read) = read_instances_since(client, &desired, live, since.as_ref())
        .await
        .map_err(OverlappedError::Api)?;
    let digest = unpanicked(digest.await);
    finish_plan(
        client,
        &desired,
        live,
        not_read,
        since.as_ref(),
        Some(digest),
    )
    .await
    .map_err(OverlappedError::Api)
}

/// A blocking task's result; its panic (a bug) goes on unwinding here.
fn unpanicked<T>(joined: Result<T, JoinError>) -> T {
    match joined {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// The plan from the listed (and read) live state: what lists gave in part and the
/// plan changes is read, then the dependents of the planned deletes; `digest`: the
/// desired state's, when already computed.
async fn finish_plan(
    client: &Client,
    desired: &Desired,
    mut live: LiveState,
    mut not_read: BTreeSet<String>,
    since: Option<&ChangedSince>,
    digest: Option<String>,
) -> Result<(Plan, LiveState), ApiError> {
    // A change's fingerprint needs the whole record: read what the lists gave in part
    // (a first diff finds the changes; with full lists there is nothing to find).
    if live.has_partial_records() {
        let first = plan::diff_with(
            desired,
            &live,
            client.target(),
            DiffOptions {
                // Only its changes are looked at.
                digest: Some(String::new()),
                partial: since.map(|since| (&not_read, since.rev.as_str())),
            },
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
    let plan = plan::diff_with(
        desired,
        &live,
        client.target(),
        DiffOptions {
            digest,
            partial: since.map(|since| (&not_read, since.rev.as_str())),
        },
    );
    Ok((plan, live))
}
