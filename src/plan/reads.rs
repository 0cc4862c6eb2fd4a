//! What must be read of the live system for a desired state: pure decisions that the
//! client carries out, so that a plan reads no more than it needs.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::desired_diff::{DesiredDiff, DiffKind};
use super::index::LiveIndex;
use super::types::{Action, Change, NotRead, Partial, Plan};
use crate::model::{
    CommonList, Customer, Desired, ExtraReads, Field, ListChoice, ListReads, LiveState,
};

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

/// How the declared hierarchies' customers are listed: one list per root (a declared
/// hierarchy not below another; a list includes every node below it [doc]) or, with two
/// roots or more, one list at their lowest common ancestor, filtered to the declared
/// parents client side. Which of the two is read is decided by [`list_choice_pays`] once
/// the common list's first page tells its size.
pub fn list_reads(desired: &Desired) -> ListReads {
    let hierarchies = hierarchies(desired);
    let roots: Vec<String> = hierarchies
        .iter()
        .filter(|h| !hierarchies.iter().any(|other| is_below(h, other)))
        .cloned()
        .collect();
    let common = (roots.len() >= 2).then(|| {
        let mut declared_per_root = vec![0u64; roots.len()];
        let root_index: BTreeMap<&str, usize> = roots
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i))
            .collect();
        // Each customer's hierarchy is a root or below exactly one: found among its own
        // path's prefixes (not by comparing it with every root).
        let mut cached: BTreeMap<&str, Option<usize>> = BTreeMap::new();
        for c in &desired.customers {
            let h = c.customer.hierarchy.as_str();
            let root = *cached.entry(h).or_insert_with(|| {
                let mut at = h;
                loop {
                    if let Some(i) = root_index.get(at) {
                        return Some(*i);
                    }
                    match at.rfind('.') {
                        Some(end) => at = &at[..end],
                        None => return None,
                    }
                }
            });
            if let Some(i) = root {
                declared_per_root[i] += 1;
            }
        }
        CommonList {
            at: common_ancestor(&roots),
            declared_per_root,
        }
    });
    ListReads {
        hierarchies,
        roots,
        common,
    }
}

/// Whether the choice the client asks about takes fewer requests:
/// - the common list of `total` customers against one list per root (each at least one
///   page, as many as its declared customers fill): fewer pages wins. The common list
///   also holds the customers of undeclared nodes below the ancestor; they count in its
///   pages and are dropped client side.
/// - one node list below the ancestor (at least `nodes` records) against one look-up per
///   unseen hierarchy.
pub fn list_choice_pays(reads: &ListReads, choice: ListChoice) -> bool {
    match choice {
        ListChoice::CommonCustomers { total, page } => {
            let per_root: u64 = reads.common.as_ref().map_or(0, |c| {
                c.declared_per_root
                    .iter()
                    .map(|n| pages(*n, page).max(1))
                    .sum()
            });
            pages(total, page) < per_root
        }
        ListChoice::NodeList {
            unseen,
            nodes,
            page,
        } => pages(nodes, page).max(1) < unseen,
    }
}

/// Pages of at most `page` (at least 1) that `records` fill.
fn pages(records: u64, page: u64) -> u64 {
    records.div_ceil(page.max(1))
}

/// The deepest dotted path at or above every one of `paths` (`sys` at worst).
fn common_ancestor(paths: &[String]) -> String {
    let mut common: Vec<&str> = match paths.first() {
        Some(first) => first.split('.').collect(),
        None => return String::new(),
    };
    for path in &paths[1..] {
        let same = common
            .iter()
            .zip(path.split('.'))
            .take_while(|(a, b)| *a == b)
            .count();
        common.truncate(same);
    }
    common.join(".")
}

/// Whether `path` is strictly below `ancestor` (`a.b.c` is below `a.b`, `a.bc` is not).
fn is_below(path: &str, ancestor: &str) -> bool {
    path.len() > ancestor.len()
        && path.starts_with(ancestor)
        && path.as_bytes().get(ancestor.len()) == Some(&b'.')
}

/// What else the plan can need once the declared hierarchies are read: HCM-F customers
/// when a present customer is not live (under its name or its `renamed_from`), the roles
/// of the hierarchies where such a customer asks for a local admin (when its node
/// exists), and the Prime Collaboration applications when a file names one.
pub fn extra_reads(desired: &Desired, live: &LiveState) -> ExtraReads {
    let live_keys: HashSet<(&str, &str)> = live
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
    wanted_instances(desired, live)
        .map(|(_, pkid)| pkid.to_owned())
        .collect()
}

/// The (declared customer, live pkid) pairs of [`instances_to_read`].
fn wanted_instances<'a>(
    desired: &'a Desired,
    live: &'a LiveState,
) -> impl Iterator<Item = (&'a Customer, &'a str)> + 'a {
    let mut pairs = Vec::new();
    // Full lists: every record is whole, nothing to read (and no index to build).
    if !live.has_partial_records() {
        return pairs.into_iter();
    }
    let index = LiveIndex::new(live);
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
                pairs.push((c, l.pkid.as_str()));
            }
        }
    }
    pairs.into_iter()
}

/// [`instances_to_read`] for a pull request's plan (`plan --changed-since REV`): only
/// the instances of customers whose declaration changed since REV (`changed`: their
/// (hierarchy, name) in the working tree, from the `diff --base` engine) or that name a
/// local admin (its create-only check needs the record) are read; the others are
/// returned apart, not read. A live customer matched by a changed declaration is read.
pub fn instances_to_read_changed(
    desired: &Desired,
    live: &LiveState,
    changed: &BTreeSet<(String, String)>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut read = BTreeSet::new();
    let mut not_read = BTreeSet::new();
    for (c, pkid) in wanted_instances(desired, live) {
        let key = (c.hierarchy.clone(), c.name.clone());
        if changed.contains(&key) || c.local_admin.is_some() {
            read.insert(pkid.to_owned());
        } else {
            not_read.insert(pkid.to_owned());
        }
    }
    not_read.retain(|pkid| !read.contains(pkid));
    (read, not_read)
}

/// The customers a desired-state difference touches in the new state, by (hierarchy,
/// name): added, renamed and changed ones (a removed one is no longer declared).
pub fn changed_keys(diff: &DesiredDiff) -> BTreeSet<(String, String)> {
    diff.changes
        .iter()
        .filter(|c| c.kind != DiffKind::Removed)
        .map(|c| (c.hierarchy.clone(), c.name.clone()))
        .collect()
}

/// `plan` made partial: the customers `not_read` (by pkid) were compared against listed
/// records that lack fields, so an update of theirs that touches only such fields is an
/// artefact of not reading them and is dropped (counted unchanged); any other change of
/// theirs stays (the caller reads those instances before the final diff). The plan then
/// names them, sorted, under `partial`.
pub fn partial_plan(
    mut plan: Plan,
    live: &LiveState,
    not_read: &BTreeSet<String>,
    since: &str,
) -> Plan {
    let unread = unread_of(live, not_read);
    let before = plan.changes.len();
    let mut blocked = 0;
    plan.changes.retain(|change| {
        let drop = is_artefact(change, &unread);
        if drop && change.is_blocked() {
            blocked += 1;
        }
        !drop
    });
    let dropped = before - plan.changes.len();
    plan.summary.update -= dropped;
    plan.summary.blocked -= blocked;
    plan.summary.unchanged += dropped;
    if let Some(partial) = not_read_part(live, &unread, since) {
        plan.partial = Some(partial);
    }
    plan
}

/// The fields each live customer in `not_read` (by pkid) was listed without.
pub(super) fn unread_of<'a>(
    live: &'a LiveState,
    not_read: &BTreeSet<String>,
) -> HashMap<&'a str, &'a BTreeSet<Field>> {
    if not_read.is_empty() {
        return HashMap::new();
    }
    live.customers
        .iter()
        .chain(&live.hcmf_customers)
        .filter(|l| not_read.contains(&l.pkid))
        .map(|l| (l.pkid.as_str(), &l.unread))
        .collect()
}

/// An update of a customer not read that touches only fields its listed record lacked:
/// an artefact of not reading it ([`partial_plan`] drops it).
pub(super) fn is_artefact(change: &Change, unread: &HashMap<&str, &BTreeSet<Field>>) -> bool {
    change.action == Action::Update
        && change
            .pkid
            .as_deref()
            .and_then(|pkid| unread.get(pkid))
            .is_some_and(|unread| change.fields.iter().all(|f| unread.contains(&f.field)))
}

/// The `partial` part of a plan that did not read the customers of `unread`, sorted;
/// `None` when it read everything it compares (the plan is whole).
pub(super) fn not_read_part(
    live: &LiveState,
    unread: &HashMap<&str, &BTreeSet<Field>>,
    since: &str,
) -> Option<Box<Partial>> {
    if unread.is_empty() {
        return None;
    }
    let mut names: Vec<NotRead> = live
        .customers
        .iter()
        .chain(&live.hcmf_customers)
        .filter(|l| unread.contains_key(l.pkid.as_str()))
        .map(|l| NotRead {
            hierarchy: l.hierarchy.clone(),
            name: l.name.clone(),
        })
        .collect();
    names.sort();
    Some(Box::new(Partial {
        changed_since: since.to_owned(),
        not_read: names,
    }))
}

/// The pkids in `not_read` that a plan changes other than by an update of unread fields
/// (a rename, a migration, a delete): their instances must be read after all.
pub fn changed_after_all(plan: &Plan, not_read: &BTreeSet<String>) -> BTreeSet<String> {
    plan.changes
        .iter()
        .filter_map(|c| c.pkid.as_deref())
        .filter(|pkid| not_read.contains(*pkid))
        .map(str::to_owned)
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(roots: &[&str], declared: &[u64]) -> ListReads {
        ListReads {
            hierarchies: roots.iter().map(|r| r.to_string()).collect(),
            roots: roots.iter().map(|r| r.to_string()).collect(),
            common: Some(CommonList {
                at: common_ancestor(&roots.iter().map(|r| r.to_string()).collect::<Vec<_>>()),
                declared_per_root: declared.to_vec(),
            }),
        }
    }

    fn declared(value: serde_json::Value) -> crate::model::DeclaredCustomer {
        crate::model::DeclaredCustomer {
            customer: serde_json::from_value(value).unwrap(),
            origin: crate::model::Origin {
                file: "f.yaml".into(),
                line: 1,
                column: 1,
            },
        }
    }

    /// A pull request's plan made in one pass (`diff_with` told what was not read) is the
    /// plan made whole and then made partial: same changes, fingerprints, counts, names.
    #[test]
    fn a_partial_diff_is_the_whole_diff_made_partial() {
        use crate::model::{DeclaredScope, LiveCustomer, Origin, Scope};
        use serde_json::json;
        const R1: &str = "sys.hcs.P.R1";
        let desired = Desired {
            customers: vec![
                // Not read, description written: an artefact update, dropped.
                declared(json!({"hierarchy": R1, "name": "Same", "description": "d"})),
                // Read, and it differs: a real update.
                declared(json!({"hierarchy": R1, "name": "Changed", "description": "new"})),
                // Not read but renamed: kept (read after all by the caller).
                declared(json!({"hierarchy": R1, "name": "New", "renamed_from": "Old"})),
                // Not live: a create.
                declared(json!({"hierarchy": R1, "name": "Fresh", "description": "f"})),
                // Not read, with a Prime Collaboration nobody knows: an artefact update
                // that would be blocked, dropped (and not counted as blocked).
                declared(
                    json!({"hierarchy": R1, "name": "Odd", "prime_collaboration": "No-Such-PC"}),
                ),
                // Waiting in HCM-F: a migrate, its fingerprint from the HCM-F record.
                declared(json!({"hierarchy": R1, "name": "Moved", "description": "m"})),
            ],
            scopes: vec![DeclaredScope {
                scope: serde_json::from_value::<Scope>(json!({"hierarchy": R1, "prune": true}))
                    .unwrap(),
                origin: Origin {
                    file: "f.yaml".into(),
                    line: 1,
                    column: 1,
                },
            }],
        };
        let listed = |pkid: &str, name: &str| {
            let mut l = LiveCustomer::with_defaults(pkid, R1, name);
            l.unread = Field::managed().collect();
            l
        };
        let mut changed = LiveCustomer::with_defaults("p2", R1, "Changed");
        changed.description = "old".to_owned();
        let live = LiveState {
            customers: vec![
                listed("p1", "Same"),
                changed,
                listed("p3", "Old"),
                // Undeclared under a pruned scope: a delete.
                listed("p4", "Gone"),
                listed("p5", "Odd"),
            ],
            hcmf_customers: vec![LiveCustomer::with_defaults("p6", "sys.hcs.HCMF", "Moved")],
            prime_collaboration: Some(["PC-East".to_owned()].into()),
            nodes: [(
                R1.to_owned(),
                crate::model::HierarchyNode {
                    path: R1.to_owned(),
                    node_type: crate::model::NodeType::Reseller,
                },
            )]
            .into(),
            ..LiveState::default()
        };
        let not_read: BTreeSet<String> = ["p1", "p3", "p5"].map(str::to_owned).into();
        let plain = super::super::diff(&desired, &live, "t");
        // Without the partial plan, Odd's update is there and blocked.
        assert!(
            plain
                .changes
                .iter()
                .any(|c| c.name == "Odd" && !c.blocked.is_empty())
        );
        let whole = partial_plan(plain, &live, &not_read, "HEAD");
        let at_once = super::super::diff_with(
            &desired,
            &live,
            "t",
            super::super::DiffOptions {
                digest: None,
                partial: Some((&not_read, "HEAD")),
            },
        );
        assert_eq!(at_once, whole);
        let actions: Vec<(Action, &str)> = at_once
            .changes
            .iter()
            .map(|c| (c.action, c.name.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (Action::Create, "Fresh"),
                (Action::Migrate, "Moved"),
                (Action::Update, "Changed"),
                (Action::Rename, "New"),
                (Action::Delete, "Gone"),
            ]
        );
        assert!(
            at_once
                .changes
                .iter()
                .all(|c| c.live_fingerprint.is_some() == c.pkid.is_some())
        );
        assert_eq!(at_once.summary.unchanged, 2);
        assert_eq!(at_once.summary.blocked, 0);
        assert_eq!(at_once.partial.as_ref().map(|p| p.not_read.len()), Some(3));
        // A digest computed beforehand is the one the plan carries.
        let told = super::super::diff_with(
            &desired,
            &live,
            "t",
            super::super::DiffOptions {
                digest: Some(super::super::digest(&desired)),
                partial: None,
            },
        );
        assert_eq!(told, super::super::diff(&desired, &live, "t"));
    }

    #[test]
    fn the_common_ancestor_is_whole_names_only() {
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_ancestor(&paths(&["sys.hcs.P.R1", "sys.hcs.P.R2"])),
            "sys.hcs.P"
        );
        assert_eq!(
            common_ancestor(&paths(&["sys.hcs.P.R1", "sys.hcs.P.R10.X"])),
            "sys.hcs.P"
        );
        assert_eq!(
            common_ancestor(&paths(&["sys.hcs.P", "sys.hcs.Q"])),
            "sys.hcs"
        );
    }

    /// 500 resellers of 200 customers each, pages of 2000: 50 pages at the provider
    /// against 500 lists; the same ancestor holding 10 million customers does not pay.
    #[test]
    fn the_common_list_is_read_when_it_takes_fewer_pages() {
        let roots: Vec<String> = (0..500).map(|r| format!("sys.hcs.P.R{r}")).collect();
        let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
        let r = reads(&roots, &[200; 500]);
        let pays = |total, page| list_choice_pays(&r, ListChoice::CommonCustomers { total, page });
        assert!(pays(100_000, 2000));
        assert!(!pays(100_000, 200), "500 pages either way: per root");
        assert!(!pays(10_000_000, 2000));
        let two = reads(&["sys.hcs.P.R1", "sys.hcs.P.R2"], &[3, 0]);
        assert!(list_choice_pays(
            &two,
            ListChoice::CommonCustomers {
                total: 50,
                page: 200
            }
        ));
        assert!(!list_choice_pays(
            &two,
            ListChoice::CommonCustomers {
                total: 401,
                page: 200
            }
        ));
    }

    #[test]
    fn a_node_list_replaces_look_ups_only_when_shorter() {
        let r = reads(&["sys.hcs.P.R1", "sys.hcs.P.R2"], &[0, 0]);
        let node_list = |unseen, nodes| {
            list_choice_pays(
                &r,
                ListChoice::NodeList {
                    unseen,
                    nodes,
                    page: 2000,
                },
            )
        };
        assert!(!node_list(1, 10));
        assert!(node_list(2, 10), "one page of nodes against two look-ups");
        assert!(node_list(51, 100_000));
        assert!(!node_list(50, 100_000));
    }
}
