//! Lookups over the live state and the declared customers that the diff and drift share.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Customer, Desired, LiveCustomer, LiveState};

/// Live customers by (hierarchy, name), and HCM-F customers by name.
pub(crate) struct LiveIndex<'a> {
    customers: BTreeMap<(&'a str, &'a str), &'a LiveCustomer>,
    hcmf: BTreeMap<&'a str, &'a LiveCustomer>,
}

impl<'a> LiveIndex<'a> {
    pub(crate) fn new(live: &'a LiveState) -> Self {
        LiveIndex {
            customers: live
                .customers
                .iter()
                .map(|c| ((c.hierarchy.as_str(), c.name.as_str()), c))
                .collect(),
            hcmf: live
                .hcmf_customers
                .iter()
                .map(|c| (c.name.as_str(), c))
                .collect(),
        }
    }

    /// The live customer of that name at that hierarchy.
    pub(crate) fn get(&self, hierarchy: &str, name: &str) -> Option<&'a LiveCustomer> {
        self.customers.get(&(hierarchy, name)).copied()
    }

    /// The HCM-F customer of that name waiting at `sys.hcs`.
    pub(crate) fn hcmf(&self, name: &str) -> Option<&'a LiveCustomer> {
        self.hcmf.get(name).copied()
    }
}

/// The (hierarchy, name) pairs the files account for: every declared customer, and the
/// previous name of every declared present customer with `renamed_from` (that live
/// customer is renamed, not undeclared).
pub(crate) fn accounted_for(desired: &Desired) -> BTreeSet<(&str, &str)> {
    let mut keys = BTreeSet::new();
    for c in desired.customers.iter().map(|d| &d.customer) {
        keys.insert((c.hierarchy.as_str(), c.name.as_str()));
        if let (true, Some(old)) = (c.state.is_present(), c.renamed_from.as_deref()) {
            keys.insert((c.hierarchy.as_str(), old));
        }
    }
    keys
}

/// The live customers a diff deletes, each with its declaration when it has one: declared
/// `state: absent` and live, or live directly under a `prune: true` scope and not accounted
/// for. Sorted by (hierarchy, name).
pub(crate) fn deletions<'a>(
    desired: &'a Desired,
    live: &'a LiveState,
) -> Vec<(&'a LiveCustomer, Option<&'a Customer>)> {
    let index = LiveIndex::new(live);
    let mut out: BTreeMap<(&str, &str), (&LiveCustomer, Option<&Customer>)> = BTreeMap::new();
    for c in desired.customers.iter().map(|d| &d.customer) {
        if c.state.is_present() {
            continue;
        }
        if let Some(l) = index.get(&c.hierarchy, &c.name) {
            out.insert((l.hierarchy.as_str(), l.name.as_str()), (l, Some(c)));
        }
    }
    let pruned: BTreeSet<&str> = desired
        .scopes
        .iter()
        .filter(|s| s.scope.prune)
        .map(|s| s.scope.hierarchy.as_str())
        .collect();
    let accounted = accounted_for(desired);
    for l in &live.customers {
        let key = (l.hierarchy.as_str(), l.name.as_str());
        if pruned.contains(key.0) && !accounted.contains(&key) {
            out.insert(key, (l, None));
        }
    }
    out.into_values().collect()
}
