//! The semantic difference between two desired states (for example a git revision's
//! files and the working tree's): customers added, removed, renamed (`renamed_from`),
//! and changed (state, or a written field); and scopes owned, given up, or with `prune`
//! switched (the change a reviewer most needs to see). Pure: no I/O.
//!
//! Only what the files write is compared: a field that is written on one side only shows
//! as newly written or no longer written (`null` in JSON, "(not written)" in text).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::model::{Customer, CustomerKey, Desired, Field, State};

/// Every difference, sorted by hierarchy then name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DesiredDiff {
    pub changes: Vec<CustomerDiff>,
    pub summary: DiffSummary,
    /// Scopes that differ, sorted by hierarchy.
    pub scopes: Vec<ScopeDiff>,
}

impl DesiredDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.scopes.is_empty()
    }
}

/// A scope owned on one side only, or whose `prune` changed. `None`: not declared there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeDiff {
    pub hierarchy: String,
    pub prune_before: Option<bool>,
    pub prune_after: Option<bool>,
}

/// What happened to one declared customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Added,
    Removed,
    Renamed,
    Changed,
}

/// One customer's difference. `name` is the new name (the old one for `removed`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerDiff {
    pub kind: DiffKind,
    pub hierarchy: String,
    pub name: String,
    /// The old name, for `renamed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    /// The declared state before (`None`: not declared then).
    pub state_before: Option<State>,
    /// The declared state after (`None`: no longer declared).
    pub state_after: Option<State>,
    /// Written fields that differ (for `added`: every written field).
    pub fields: Vec<FieldDiff>,
}

/// A field's value before and after; `None` (JSON `null`): not written on that side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDiff {
    pub field: Field,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// How many customers of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub changed: usize,
}

/// The difference from `old` to `new`.
pub fn desired_diff(old: &Desired, new: &Desired) -> DesiredDiff {
    let old_by_key: BTreeMap<CustomerKey, &Customer> = old
        .customers
        .iter()
        .map(|d| (d.customer.key(), &d.customer))
        .collect();
    let new_by_key: BTreeMap<CustomerKey, &Customer> = new
        .customers
        .iter()
        .map(|d| (d.customer.key(), &d.customer))
        .collect();
    let mut consumed: BTreeSet<CustomerKey> = BTreeSet::new();
    let mut changes = Vec::new();

    for (key, after) in &new_by_key {
        if let Some(before) = old_by_key.get(key) {
            consumed.insert(key.clone());
            let change = compare(DiffKind::Changed, before, after, None);
            if change.state_before != change.state_after || !change.fields.is_empty() {
                changes.push(change);
            }
            continue;
        }
        let renamed_from = after
            .renamed_from
            .as_deref()
            .map(|old_name| CustomerKey::new(&after.hierarchy, old_name))
            .filter(|old_key| {
                old_by_key.contains_key(old_key) && !new_by_key.contains_key(old_key)
            });
        match renamed_from.and_then(|k| old_by_key.get_key_value(&k)) {
            Some((old_key, before)) => {
                consumed.insert(old_key.clone());
                changes.push(compare(
                    DiffKind::Renamed,
                    before,
                    after,
                    Some(old_key.name.clone()),
                ));
            }
            None => changes.push(CustomerDiff {
                kind: DiffKind::Added,
                hierarchy: after.hierarchy.clone(),
                name: after.name.clone(),
                old_name: None,
                state_before: None,
                state_after: Some(after.state),
                fields: field_diffs(None, after),
            }),
        }
    }
    for (key, before) in &old_by_key {
        if !consumed.contains(key) {
            changes.push(CustomerDiff {
                kind: DiffKind::Removed,
                hierarchy: before.hierarchy.clone(),
                name: before.name.clone(),
                old_name: None,
                state_before: Some(before.state),
                state_after: None,
                fields: Vec::new(),
            });
        }
    }
    changes.sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
    let count = |kind| changes.iter().filter(|c| c.kind == kind).count();
    let summary = DiffSummary {
        added: count(DiffKind::Added),
        removed: count(DiffKind::Removed),
        renamed: count(DiffKind::Renamed),
        changed: count(DiffKind::Changed),
    };
    DesiredDiff {
        changes,
        summary,
        scopes: scope_diffs(old, new),
    }
}

/// The scopes declared on one side only, or with `prune` switched. A hierarchy declared
/// twice counts as pruned when any declaration prunes.
fn scope_diffs(old: &Desired, new: &Desired) -> Vec<ScopeDiff> {
    let prune_by_hierarchy = |desired: &Desired| {
        let mut map: BTreeMap<String, bool> = BTreeMap::new();
        for declared in &desired.scopes {
            *map.entry(declared.scope.hierarchy.clone()).or_default() |= declared.scope.prune;
        }
        map
    };
    let (before, after) = (prune_by_hierarchy(old), prune_by_hierarchy(new));
    let hierarchies: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    hierarchies
        .into_iter()
        .filter_map(|hierarchy| {
            let (b, a) = (
                before.get(hierarchy).copied(),
                after.get(hierarchy).copied(),
            );
            (b != a).then(|| ScopeDiff {
                hierarchy: hierarchy.clone(),
                prune_before: b,
                prune_after: a,
            })
        })
        .collect()
}

/// A customer declared on both sides (under the same or a new name).
fn compare(
    kind: DiffKind,
    before: &Customer,
    after: &Customer,
    old_name: Option<String>,
) -> CustomerDiff {
    CustomerDiff {
        kind,
        hierarchy: after.hierarchy.clone(),
        name: after.name.clone(),
        old_name,
        state_before: Some(before.state),
        state_after: Some(after.state),
        fields: field_diffs(Some(before), after),
    }
}

/// The written fields whose meaning differs (by [`Field::same`], as the plan compares),
/// in the file format's order. `before: None`: the customer was not declared before.
fn field_diffs(before: Option<&Customer>, after: &Customer) -> Vec<FieldDiff> {
    Field::written_keys()
        .filter_map(|field| {
            let b = before.and_then(|c| field.written(c));
            let a = field.written(after);
            let same = match (&b, &a) {
                (Some(b), Some(a)) => field.same(b, a),
                (None, None) => true,
                _ => false,
            };
            (!same).then_some(FieldDiff {
                field,
                before: b,
                after: a,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeclaredCustomer, Origin};
    use serde_json::json;

    const R1: &str = "sys.hcs.P.R1";

    fn customer(name: &str, extra: Value) -> Customer {
        let mut value = json!({"name": name, "hierarchy": R1});
        if let (Value::Object(base), Value::Object(extra)) = (&mut value, extra) {
            base.extend(extra);
        }
        serde_json::from_value(value).unwrap()
    }

    fn desired(customers: Vec<Customer>) -> Desired {
        Desired {
            customers: customers
                .into_iter()
                .map(|customer| DeclaredCustomer {
                    customer,
                    origin: Origin {
                        file: "f.yaml".into(),
                        line: 1,
                        column: 1,
                    },
                })
                .collect(),
            scopes: Vec::new(),
        }
    }

    fn kinds(diff: &DesiredDiff) -> Vec<(DiffKind, &str)> {
        diff.changes
            .iter()
            .map(|c| (c.kind, c.name.as_str()))
            .collect()
    }

    #[test]
    fn table() {
        use DiffKind::*;
        struct Case {
            what: &'static str,
            old: Vec<Customer>,
            new: Vec<Customer>,
            expect: Vec<(DiffKind, &'static str)>,
        }
        let cases = [
            Case {
                what: "identical",
                old: vec![customer("A", json!({"description": "x"}))],
                new: vec![customer("A", json!({"description": "x"}))],
                expect: vec![],
            },
            Case {
                what: "deal ids reordered and domain case are the same",
                old: vec![customer(
                    "A",
                    json!({"deal_ids": ["D-1", "D-2"], "domain": "a.example"}),
                )],
                new: vec![customer(
                    "A",
                    json!({"deal_ids": ["D-2", "D-1"], "domain": "A.Example"}),
                )],
                expect: vec![],
            },
            Case {
                what: "added and removed",
                old: vec![customer("Old", json!({}))],
                new: vec![customer("New", json!({}))],
                expect: vec![(Added, "New"), (Removed, "Old")],
            },
            Case {
                what: "renamed",
                old: vec![customer("Stark", json!({}))],
                new: vec![customer(
                    "Stark Industries",
                    json!({"renamed_from": "Stark"}),
                )],
                expect: vec![(Renamed, "Stark Industries")],
            },
            Case {
                what: "renamed_from naming a customer that was not declared: added",
                old: vec![],
                new: vec![customer("B", json!({"renamed_from": "A"}))],
                expect: vec![(Added, "B")],
            },
            Case {
                what: "renamed_from naming a customer still declared: added, old kept",
                old: vec![customer("A", json!({}))],
                new: vec![
                    customer("A", json!({})),
                    customer("B", json!({"renamed_from": "A"})),
                ],
                expect: vec![(Added, "B")],
            },
            Case {
                what: "state changed",
                old: vec![customer("A", json!({}))],
                new: vec![customer("A", json!({"state": "absent"}))],
                expect: vec![(Changed, "A")],
            },
        ];
        for case in cases {
            let diff = desired_diff(&desired(case.old), &desired(case.new));
            assert_eq!(kinds(&diff), case.expect, "{}", case.what);
        }
    }

    #[test]
    fn fields_newly_written_no_longer_written_and_changed() {
        let old = desired(vec![customer(
            "A",
            json!({"description": "old", "account_id": "A-1", "prime_collaboration": null}),
        )]);
        let new = desired(vec![customer(
            "A",
            json!({"description": "new", "domain": "a.example", "prime_collaboration": null}),
        )]);
        let diff = desired_diff(&old, &new);
        assert_eq!(
            diff.changes[0].fields,
            vec![
                FieldDiff {
                    field: Field::Description,
                    before: Some(json!("old")),
                    after: Some(json!("new")),
                },
                FieldDiff {
                    field: Field::Domain,
                    before: None,
                    after: Some(json!("a.example")),
                },
                FieldDiff {
                    field: Field::AccountId,
                    before: Some(json!("A-1")),
                    after: None,
                },
            ]
        );
        assert_eq!(diff.summary.changed, 1);
    }

    #[test]
    fn prime_collaboration_null_differs_from_not_written() {
        let old = desired(vec![customer("A", json!({}))]);
        let new = desired(vec![customer("A", json!({"prime_collaboration": null}))]);
        let diff = desired_diff(&old, &new);
        assert_eq!(diff.changes[0].fields[0].field, Field::PrimeCollaboration);
        assert_eq!(diff.changes[0].fields[0].after, Some(Value::Null));
    }

    #[test]
    fn a_rename_also_reports_its_field_changes_and_the_summary_counts() {
        let old = desired(vec![customer("Stark", json!({"description": "x"}))]);
        let new = desired(vec![customer(
            "Stark Industries",
            json!({"renamed_from": "Stark", "description": "y"}),
        )]);
        let diff = desired_diff(&old, &new);
        let change = &diff.changes[0];
        assert_eq!(change.old_name.as_deref(), Some("Stark"));
        let fields: Vec<&str> = change.fields.iter().map(|f| f.field.name()).collect();
        assert_eq!(fields, ["description", "renamed_from"]);
        assert_eq!(
            diff.summary,
            DiffSummary {
                renamed: 1,
                ..DiffSummary::default()
            }
        );
    }

    #[test]
    fn scopes_owned_given_up_or_with_prune_switched_are_reported() {
        use crate::model::{DeclaredScope, Scope};
        let with_scopes = |scopes: &[(&str, bool)]| Desired {
            customers: Vec::new(),
            scopes: scopes
                .iter()
                .map(|(hierarchy, prune)| DeclaredScope {
                    scope: Scope {
                        hierarchy: (*hierarchy).to_owned(),
                        prune: *prune,
                    },
                    origin: Origin {
                        file: "f.yaml".into(),
                        line: 1,
                        column: 1,
                    },
                })
                .collect(),
        };
        let old = with_scopes(&[
            ("sys.hcs.P.A", false),
            ("sys.hcs.P.B", true),
            ("sys.hcs.P.C", false),
        ]);
        let new = with_scopes(&[
            ("sys.hcs.P.A", true),
            ("sys.hcs.P.C", false),
            ("sys.hcs.P.D", false),
        ]);
        let diff = desired_diff(&old, &new);
        let got: Vec<(&str, Option<bool>, Option<bool>)> = diff
            .scopes
            .iter()
            .map(|s| (s.hierarchy.as_str(), s.prune_before, s.prune_after))
            .collect();
        assert_eq!(
            got,
            vec![
                ("sys.hcs.P.A", Some(false), Some(true)),
                ("sys.hcs.P.B", Some(true), None),
                ("sys.hcs.P.D", None, Some(false)),
            ]
        );
        assert!(!diff.is_empty());
        assert!(desired_diff(&new, &new).is_empty());
    }
}
