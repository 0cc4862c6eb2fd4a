//! What must be read of the live system for a desired state: pure decisions that the
//! client carries out, so that a plan reads no more than it needs.

use std::collections::BTreeSet;

use crate::model::{Desired, ExtraReads, LiveState};

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
