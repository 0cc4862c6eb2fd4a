//! Lookups over the live state and the declared customers that the diff and drift share.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Customer, Desired, LiveCustomer, LiveState};

/// Live customers by (hierarchy, name), and HCM-F customers by name. Hash maps: the
/// index is only looked up, never walked in order (a plan of 100,000 customers looks up
/// each of them several times).
pub(crate) struct LiveIndex<'a> {
    live: &'a LiveState,
    customers: HashMap<(&'a str, &'a str), &'a LiveCustomer>,
    /// The same by (hierarchy, name) in lower case: names are unique per hierarchy on
    /// VOSS, and whether it ignores letter case is not documented, so the plan takes the
    /// safe side. Built on first use (only creates and renames ask).
    folded: OnceCell<HashMap<(String, String), Vec<&'a LiveCustomer>>>,
    hcmf: HashMap<&'a str, &'a LiveCustomer>,
}

/// A (hierarchy, name) pair in lower case: pairs that differ only in letter case fold to
/// the same.
pub(crate) fn fold(hierarchy: &str, name: &str) -> (String, String) {
    (hierarchy.to_lowercase(), name.to_lowercase())
}

impl<'a> LiveIndex<'a> {
    pub(crate) fn new(live: &'a LiveState) -> Self {
        LiveIndex {
            live,
            customers: live
                .customers
                .iter()
                .map(|c| ((c.hierarchy.as_str(), c.name.as_str()), c))
                .collect(),
            folded: OnceCell::new(),
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

    /// The live customers whose hierarchy and name differ from these only in letter case
    /// (not the one that matches exactly), sorted by name.
    pub(crate) fn case_variants(&self, hierarchy: &str, name: &str) -> Vec<&'a LiveCustomer> {
        let folded = self.folded.get_or_init(|| {
            let mut folded: HashMap<(String, String), Vec<&LiveCustomer>> = HashMap::new();
            for c in &self.live.customers {
                folded
                    .entry(fold(&c.hierarchy, &c.name))
                    .or_default()
                    .push(c);
            }
            folded
        });
        let mut found: Vec<&LiveCustomer> = folded
            .get(&fold(hierarchy, name))
            .into_iter()
            .flatten()
            .filter(|l| l.hierarchy != hierarchy || l.name != name)
            .copied()
            .collect();
        found.sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        found
    }

    /// The HCM-F customer of that name waiting at `sys.hcs`.
    pub(crate) fn hcmf(&self, name: &str) -> Option<&'a LiveCustomer> {
        self.hcmf.get(name).copied()
    }
}

/// The (hierarchy, name) pairs the files account for: every declared customer, and the
/// previous name of every declared present customer with `renamed_from` (that live
/// customer is renamed, not undeclared).
pub(crate) fn accounted_for(desired: &Desired) -> HashSet<(&str, &str)> {
    let mut keys = HashSet::new();
    for c in desired.customers.iter().map(|d| &d.customer) {
        keys.insert((c.hierarchy.as_str(), c.name.as_str()));
        if let (true, Some(old)) = (c.state.is_present(), c.renamed_from.as_deref()) {
            keys.insert((c.hierarchy.as_str(), old));
        }
    }
    keys
}

/// The declared present customers that a live customer must not be deleted for, by the
/// folded (hierarchy, name) of the live customer they point at: one created (or migrated)
/// under a name that is not live exactly, or renamed from a name that is not live exactly.
/// Such a name matches a live customer at most in letter case: deleting that customer
/// and creating the new name would replace it, where a rename was most likely meant.
pub(crate) fn case_partners<'a>(
    desired: &'a Desired,
    index: &LiveIndex<'_>,
) -> BTreeMap<(String, String), &'a Customer> {
    let mut partners = BTreeMap::new();
    for c in desired.customers.iter().map(|d| &d.customer) {
        if !c.state.is_present() {
            continue;
        }
        let previous = c.renamed_from.as_deref();
        let renamed = previous.is_some_and(|old| index.get(&c.hierarchy, old).is_some());
        if index.get(&c.hierarchy, &c.name).is_some() || renamed {
            continue;
        }
        for name in std::iter::once(c.name.as_str()).chain(previous) {
            partners.entry(fold(&c.hierarchy, name)).or_insert(c);
        }
    }
    partners
}

/// The live customers a diff deletes, each with its declaration when it has one: declared
/// `state: absent` and live, or live directly under a `prune: true` scope and not accounted
/// for. Sorted by (hierarchy, name). `index` is `live`'s.
pub(crate) fn deletions<'a>(
    desired: &'a Desired,
    live: &'a LiveState,
    index: &LiveIndex<'a>,
) -> Vec<(&'a LiveCustomer, Option<&'a Customer>)> {
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
    if pruned.is_empty() {
        return out.into_values().collect();
    }
    let accounted = accounted_for(desired);
    for l in &live.customers {
        let key = (l.hierarchy.as_str(), l.name.as_str());
        if pruned.contains(key.0) && !accounted.contains(&key) {
            out.insert(key, (l, None));
        }
    }
    out.into_values().collect()
}
