//! What must be read of the live system for a desired state: pure decisions that the
//! client carries out, so that a plan reads no more than it needs.

use std::collections::BTreeSet;

use super::index::LiveIndex;
use super::types::Plan;
use crate::model::{Desired, ExtraReads, Field, LiveState};

/// Every hierarchy a declared customer or scope names: each is read (its node and the
/// customers directly under it).
pub fn hierarchies(desired: &Desired) -> BTreeSet<String> {
    desired
        .customers
        .iter()
        .map(|c| c.customer.hierarchy.clone())
        .chain(desired.scopes.iter().map(|s| s.scope.hierarchy.clone()))
        .collect()
}

/// What else the plan can need once the declared hierarchies are read: HCM-F customers
/// when a present customer is not live (under its name or its `renamed_from`), the roles
/// of the hierarchies where such a customer asks for a local admin (when its node
/// exists), and the Prime Collaboration applications when a file names one.
pub fn extra_reads(desired: &Desired, live: &LiveState) -> ExtraReads {
    let live_keys: BTreeSet<(&str, &str)> = live
        .customers
        .iter()
        .map(|c| (c.hierarchy.as_str(), c.name.as_str()))
        .collect();
    let not_live: Vec<_> = desired
        .customers
        .iter()
        .map(|d| &d.customer)
        .filter(|c| c.state.is_present())
        .filter(|c| {
            !live_keys.contains(&(c.hierarchy.as_str(), c.name.as_str()))
                && c.renamed_from
                    .as_deref()
                    .is_none_or(|old| !live_keys.contains(&(c.hierarchy.as_str(), old)))
        })
        .collect();
    ExtraReads {
        hcmf_customers: !not_live.is_empty(),
        roles_at: not_live
            .iter()
            .filter(|c| c.local_admin.is_some() && live.nodes.contains_key(&c.hierarchy))
            .map(|c| c.hierarchy.clone())
            .collect(),
        prime_collaboration: desired.customers.iter().any(|d| {
            d.customer.state.is_present() && matches!(d.customer.prime_collaboration, Some(Some(_)))
        }),
    }
}

/// The live customers whose instances must be read before diffing, by pkid: those whose
/// listed record lacks a managed field that the declared customer matching them (by name,
/// by `renamed_from`, or an HCM-F record of its name) writes, or whose local admin the
/// file names (the record's admin fields are then needed too). A list may carry only
/// summary fields [seen]; in full-list mode nothing is returned.
pub fn instances_to_read(desired: &Desired, live: &LiveState) -> BTreeSet<String> {
    let index = LiveIndex::new(live);
    let mut pkids = BTreeSet::new();
    for c in desired.customers.iter().map(|d| &d.customer) {
        if !c.state.is_present() {
            continue;
        }
        let matched = index
            .get(&c.hierarchy, &c.name)
            .into_iter()
            .chain(
                c.renamed_from
                    .as_deref()
                    .and_then(|old| index.get(&c.hierarchy, old)),
            )
            .chain(index.hcmf(&c.name));
        for l in matched {
            let lacks_written =
                Field::managed().any(|f| l.unread.contains(&f) && f.written(c).is_some());
            if lacks_written || (!l.unread.is_empty() && c.local_admin.is_some()) {
                pkids.insert(l.pkid.clone());
            }
        }
    }
    pkids
}

/// The live customers that `plan` changes (updates, renames, migrations, deletes) whose
/// records were read only in part: their fingerprints need every field, so their
/// instances are read and the plan made again.
pub fn partially_read(plan: &Plan, live: &LiveState) -> BTreeSet<String> {
    let changed: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter_map(|c| c.pkid.as_deref())
        .collect();
    live.customers
        .iter()
        .chain(live.hcmf_customers.iter())
        .filter(|l| !l.unread.is_empty() && changed.contains(l.pkid.as_str()))
        .map(|l| l.pkid.clone())
        .collect()
}
