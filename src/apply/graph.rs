//! The order of an apply as a dependency graph, not phases: each step waits only for the
//! steps it depends on, and everything else may start at once. Pure: the executor
//! ([`super::executor`]) runs the graph; this module only says who waits for whom
//! ([`Graph::of`]) and whether a step whose wait is over still runs ([`held_back`]).
//!
//! The rules, at one hierarchy node (hierarchy and names compared ignoring letter case,
//! like the plan: whether VOSS tells them apart is not documented):
//! - a create waits for a migrate of the same name, and a create, migrate or rename that
//!   takes name N waits for a rename that frees N (a rename *from* N);
//! - the DN audit waits for its own change;
//! - a delete waits for every other step at its node (it may be the other half of a
//!   create that replaced the customer under a new name), and is held back when one of
//!   them was not applied;
//! - blocked changes wait for nothing and are not run; only a delete waits for a blocked
//!   create, migrate or rename at its node (settled as skipped before anything starts),
//!   so it is held back: the blocked change may be the other half of a replacement, and
//!   deleting the live customer before its replacement exists would lose it.
//!
//! Renames that free each other's names (a swap) would wait for each other forever: such
//! a cycle is cut, those renames wait for nothing among themselves (as two renames did
//! in the phases before the graph), and the server refuses the one that finds its new
//! name taken.

use std::collections::BTreeMap;

use super::report::{Outcome, StepResult};
use super::step::StepKind;
use crate::plan::{Action, Change, FollowUp};

/// One step of the graph: the change at `change` in the plan's list, or its DN audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    /// The index of the change in `plan.changes`.
    pub change: usize,
    pub kind: StepKind,
}

/// The steps of an apply in report order (the plan's order, each DN audit right after
/// its change) and, per step, the steps it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
    /// `waits_for[i]`: indices into `nodes` that step `i` starts after, ascending.
    pub waits_for: Vec<Vec<usize>>,
}

/// A hierarchy node or name in lower case.
fn fold(text: &str) -> String {
    text.to_lowercase()
}

impl Graph {
    /// The graph of `changes` (a plan's changes, in its order). Acyclic: every step can
    /// start once the steps it waits for are over.
    pub fn of(changes: &[Change]) -> Graph {
        let mut nodes = Vec::with_capacity(changes.len());
        for (index, change) in changes.iter().enumerate() {
            nodes.push(Node {
                change: index,
                kind: StepKind::Change,
            });
            if !change.is_blocked() && change.follow_up.contains(&FollowUp::DnAudit) {
                nodes.push(Node {
                    change: index,
                    kind: StepKind::DnAudit,
                });
            }
        }
        let change_node: BTreeMap<usize, usize> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == StepKind::Change)
            .map(|(i, n)| (n.change, i))
            .collect();
        // The runnable steps at each (folded) hierarchy node.
        let mut at_node: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        // Renames by the (hierarchy, name) they free; migrates by the one they take.
        let mut frees: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let mut migrates: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (i, node) in nodes.iter().enumerate() {
            let change = &changes[node.change];
            if change.is_blocked() {
                if matches!(
                    change.action,
                    Action::Create | Action::Migrate | Action::Rename
                ) {
                    at_node.entry(fold(&change.hierarchy)).or_default().push(i);
                }
                continue;
            }
            let hierarchy = fold(&change.hierarchy);
            at_node.entry(hierarchy.clone()).or_default().push(i);
            if node.kind != StepKind::Change {
                continue;
            }
            match (change.action, &change.renamed_from) {
                (Action::Rename, Some(old)) => {
                    frees.entry((hierarchy, fold(old))).or_default().push(i);
                }
                (Action::Migrate, _) => {
                    migrates
                        .entry((hierarchy, fold(&change.name)))
                        .or_default()
                        .push(i);
                }
                _ => {}
            }
        }

        let mut waits_for: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            let change = &changes[node.change];
            if change.is_blocked() {
                continue;
            }
            let hierarchy = fold(&change.hierarchy);
            let key = (hierarchy.clone(), fold(&change.name));
            let waits = &mut waits_for[i];
            match (node.kind, change.action) {
                (StepKind::DnAudit, _) => waits.extend(change_node.get(&node.change)),
                (StepKind::Change, Action::Create | Action::Migrate | Action::Rename) => {
                    waits.extend(frees.get(&key).into_iter().flatten());
                    if change.action == Action::Create {
                        waits.extend(migrates.get(&key).into_iter().flatten());
                    }
                }
                (StepKind::Change, Action::Update) => {}
                (StepKind::Change, Action::Delete) => {
                    waits.extend(at_node.get(&hierarchy).into_iter().flatten().filter(|&&j| {
                        let other = &nodes[j];
                        changes[other.change].action != Action::Delete
                            || other.kind == StepKind::DnAudit
                    }));
                }
            }
            waits.retain(|&j| j != i);
            waits.sort_unstable();
            waits.dedup();
        }
        let mut graph = Graph { nodes, waits_for };
        graph.cut_rename_cycles(changes);
        graph
    }

    /// For each step, the steps that wait for it, ascending.
    pub fn dependents(&self) -> Vec<Vec<usize>> {
        let mut dependents = vec![Vec::new(); self.nodes.len()];
        for (i, waits) in self.waits_for.iter().enumerate() {
            for &j in waits {
                dependents[j].push(i);
            }
        }
        dependents
    }

    /// The steps that can never start because they wait, directly or not, for each other
    /// (Kahn's algorithm: what is left once every step that can start has been taken).
    fn stuck(&self) -> Vec<usize> {
        let mut left: Vec<usize> = self.waits_for.iter().map(Vec::len).collect();
        let dependents = self.dependents();
        let mut free: Vec<usize> = (0..self.nodes.len()).filter(|&i| left[i] == 0).collect();
        while let Some(i) = free.pop() {
            for &d in &dependents[i] {
                left[d] -= 1;
                if left[d] == 0 {
                    free.push(d);
                }
            }
        }
        (0..self.nodes.len()).filter(|&i| left[i] > 0).collect()
    }

    /// Cuts cycles: only renames can wait for each other in a ring (each takes the name
    /// another frees), so a stuck rename stops waiting for the other stuck renames. The
    /// steps that wait for a stuck rename (a create of a name it frees, a delete at its
    /// node) keep waiting for it.
    fn cut_rename_cycles(&mut self, changes: &[Change]) {
        let stuck = self.stuck();
        if stuck.is_empty() {
            return;
        }
        let is_rename = |i: usize| {
            self.nodes[i].kind == StepKind::Change
                && changes[self.nodes[i].change].action == Action::Rename
        };
        let stuck_renames: Vec<usize> = stuck.into_iter().filter(|&i| is_rename(i)).collect();
        for &i in &stuck_renames {
            self.waits_for[i].retain(|j| !stuck_renames.contains(j));
        }
    }
}

/// Whether a step whose wait is over is run after all. `waited_for` are the results of
/// the steps it waited for. `None`: run it; `Some(reason)`: skip it with that reason.
/// A DN audit runs only after its change was applied; a delete only when every other
/// step at its node was; any other step only when the steps it waited for were (a
/// create whose name a failed rename still holds would fail too).
pub(crate) fn held_back(
    kind: StepKind,
    action: Action,
    waited_for: &[&StepResult],
) -> Option<String> {
    let unapplied = waited_for
        .iter()
        .find(|r| !matches!(r.outcome, Outcome::Applied { .. }))?;
    Some(match (kind, action) {
        (StepKind::DnAudit, _) => match unapplied.outcome {
            Outcome::Uncertain { .. } => "whether its change was made is unknown",
            _ => "its change was not applied",
        }
        .to_owned(),
        (StepKind::Change, Action::Delete) => "another change at this hierarchy was not \
             applied; the delete waits for the next run"
            .to_owned(),
        (StepKind::Change, _) => format!(
            "it waits for {} {} at {}, which was not applied; it waits for the next run",
            unapplied.step, unapplied.name, unapplied.hierarchy
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const R1: &str = "sys.hcs.P.R1";
    const R2: &str = "sys.hcs.P.R2";

    fn change(action: Action, hierarchy: &str, name: &str) -> Change {
        Change {
            action,
            hierarchy: hierarchy.into(),
            name: name.into(),
            renamed_from: None,
            pkid: None,
            fields: Vec::new(),
            blocked: Vec::new(),
            follow_up: Vec::new(),
            live_fingerprint: None,
            reason: None,
        }
    }

    fn rename(hierarchy: &str, from: &str, to: &str) -> Change {
        Change {
            renamed_from: Some(from.into()),
            ..change(Action::Rename, hierarchy, to)
        }
    }

    fn with_audit(mut c: Change) -> Change {
        c.follow_up.push(FollowUp::DnAudit);
        c
    }

    fn blocked(mut c: Change) -> Change {
        c.blocked.push("it has dependents".into());
        c
    }

    /// Each step's label (`create Acme`, `dn_audit Acme`) with the labels it waits for.
    fn waits(changes: &[Change]) -> Vec<(String, Vec<String>)> {
        let graph = Graph::of(changes);
        let label = |i: usize| {
            let node = graph.nodes[i];
            let change = &changes[node.change];
            let step = match node.kind {
                StepKind::Change => change.action.name(),
                StepKind::DnAudit => "dn_audit",
            };
            format!("{step} {}", change.name)
        };
        (0..graph.nodes.len())
            .map(|i| {
                (
                    label(i),
                    graph.waits_for[i].iter().map(|&j| label(j)).collect(),
                )
            })
            .collect()
    }

    fn row(step: &str, waits_for: &[&str]) -> (String, Vec<String>) {
        (
            step.to_owned(),
            waits_for.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn which_step_waits_for_which() {
        type Case = (&'static str, Vec<Change>, Vec<(String, Vec<String>)>);
        let cases: Vec<Case> = vec![
            (
                "independent creates and updates wait for nothing",
                vec![
                    change(Action::Create, R1, "A"),
                    change(Action::Create, R2, "B"),
                    change(Action::Update, R1, "C"),
                ],
                vec![
                    row("create A", &[]),
                    row("create B", &[]),
                    row("update C", &[]),
                ],
            ),
            (
                "a create waits for the rename that frees its name at the same node",
                vec![
                    change(Action::Create, R1, "Acme"),
                    change(Action::Create, R2, "Acme"),
                    rename(R1, "Acme", "Acme Old"),
                ],
                vec![
                    row("create Acme", &["rename Acme Old"]),
                    row("create Acme", &[]),
                    row("rename Acme Old", &[]),
                ],
            ),
            (
                "names and nodes are compared ignoring letter case",
                vec![
                    change(Action::Create, "sys.hcs.p.r1", "ACME"),
                    rename(R1, "acme", "Acme Old"),
                ],
                vec![
                    row("create ACME", &["rename Acme Old"]),
                    row("rename Acme Old", &[]),
                ],
            ),
            (
                "a create waits for a migrate of the same name at the same node",
                vec![
                    change(Action::Migrate, R1, "Hcmf Co"),
                    change(Action::Create, R1, "Hcmf Co"),
                    change(Action::Create, R1, "Other Co"),
                ],
                vec![
                    row("migrate Hcmf Co", &[]),
                    row("create Hcmf Co", &["migrate Hcmf Co"]),
                    row("create Other Co", &[]),
                ],
            ),
            (
                "a rename waits for the rename that frees its new name",
                vec![rename(R1, "B", "C"), rename(R1, "A", "B")],
                vec![row("rename C", &[]), row("rename B", &["rename C"])],
            ),
            (
                "the DN audit waits for its change only",
                vec![
                    with_audit(change(Action::Update, R1, "Acme")),
                    change(Action::Update, R1, "Globex"),
                ],
                vec![
                    row("update Acme", &[]),
                    row("dn_audit Acme", &["update Acme"]),
                    row("update Globex", &[]),
                ],
            ),
            (
                "a delete waits for every other step at its node, audits included, not for \
                 other deletes nor other nodes",
                vec![
                    change(Action::Create, R1, "New"),
                    with_audit(change(Action::Update, R1, "Acme")),
                    change(Action::Update, R2, "Elsewhere"),
                    change(Action::Delete, R1, "Old"),
                    change(Action::Delete, R1, "Older"),
                ],
                vec![
                    row("create New", &[]),
                    row("update Acme", &[]),
                    row("dn_audit Acme", &["update Acme"]),
                    row("update Elsewhere", &[]),
                    row(
                        "delete Old",
                        &["create New", "update Acme", "dn_audit Acme"],
                    ),
                    row(
                        "delete Older",
                        &["create New", "update Acme", "dn_audit Acme"],
                    ),
                ],
            ),
            (
                "a blocked change waits for nothing, it has no audit; a delete does not wait for a blocked update or delete",
                vec![
                    blocked(with_audit(change(Action::Update, R1, "Held"))),
                    blocked(change(Action::Delete, R1, "Hooli")),
                    change(Action::Delete, R1, "Old"),
                    change(Action::Create, R1, "New"),
                ],
                vec![
                    row("update Held", &[]),
                    row("delete Hooli", &[]),
                    row("delete Old", &["create New"]),
                    row("create New", &[]),
                ],
            ),
            (
                "a delete waits for a blocked create, migrate or rename at its node (the \
                 other half of a replacement), not for a blocked update",
                vec![
                    blocked(change(Action::Create, R1, "Wayne Two")),
                    blocked(change(Action::Migrate, R1, "Hcmf Co")),
                    blocked(rename(R1, "X", "Y")),
                    blocked(change(Action::Update, R1, "Held")),
                    blocked(change(Action::Create, R2, "Elsewhere")),
                    change(Action::Delete, R1, "Wayne"),
                ],
                vec![
                    row("create Wayne Two", &[]),
                    row("migrate Hcmf Co", &[]),
                    row("rename Y", &[]),
                    row("update Held", &[]),
                    row("create Elsewhere", &[]),
                    row(
                        "delete Wayne",
                        &["create Wayne Two", "migrate Hcmf Co", "rename Y"],
                    ),
                ],
            ),
            (
                "renames that swap names do not wait for each other; a create of a freed \
                 name still waits",
                vec![
                    rename(R1, "A", "B"),
                    rename(R1, "B", "A"),
                    change(Action::Create, R1, "C"),
                    rename(R1, "C", "D"),
                    change(Action::Delete, R1, "E"),
                ],
                vec![
                    row("rename B", &[]),
                    row("rename A", &[]),
                    row("create C", &["rename D"]),
                    row("rename D", &[]),
                    row(
                        "delete E",
                        &["rename B", "rename A", "create C", "rename D"],
                    ),
                ],
            ),
        ];
        for (case, changes, expected) in cases {
            assert_eq!(waits(&changes), expected, "{case}");
            let graph = Graph::of(&changes);
            assert!(graph.stuck().is_empty(), "{case}: a cycle is left");
        }
    }

    #[test]
    fn a_ring_of_three_renames_is_cut() {
        let changes = [
            rename(R1, "A", "B"),
            rename(R1, "B", "C"),
            rename(R1, "C", "A"),
        ];
        let graph = Graph::of(&changes);
        assert!(graph.stuck().is_empty());
        assert!(graph.waits_for.iter().all(Vec::is_empty));
    }

    #[test]
    fn dependents_are_the_reverse_of_waits() {
        let changes = [
            with_audit(change(Action::Update, R1, "Acme")),
            change(Action::Delete, R1, "Old"),
        ];
        let graph = Graph::of(&changes);
        assert_eq!(graph.dependents(), vec![vec![1, 2], vec![2], vec![]]);
    }

    fn result(step: &str, name: &str, outcome: Outcome) -> StepResult {
        StepResult {
            step: step.into(),
            hierarchy: R1.into(),
            name: name.into(),
            outcome,
            attempts: 1,
        }
    }

    #[test]
    fn a_step_runs_only_after_what_it_waited_for_was_applied() {
        let applied = result(
            "update",
            "Acme",
            Outcome::Applied {
                message: String::new(),
            },
        );
        let uncertain = result(
            "update",
            "Acme",
            Outcome::Uncertain {
                detail: "no answer".into(),
            },
        );
        let failed = result(
            "rename",
            "Acme Old",
            Outcome::Failed {
                error: "refused".into(),
            },
        );
        let skipped = result(
            "create",
            "New",
            Outcome::Skipped {
                reason: "interrupted".into(),
            },
        );
        type Case<'a> = (StepKind, Action, Vec<&'a StepResult>, Option<&'a str>);
        let cases: Vec<Case> = vec![
            (StepKind::DnAudit, Action::Update, vec![&applied], None),
            (
                StepKind::DnAudit,
                Action::Update,
                vec![&uncertain],
                Some("whether its change was made is unknown"),
            ),
            (
                StepKind::DnAudit,
                Action::Update,
                vec![&failed],
                Some("its change was not applied"),
            ),
            (StepKind::Change, Action::Delete, vec![], None),
            (StepKind::Change, Action::Delete, vec![&applied], None),
            (
                StepKind::Change,
                Action::Delete,
                vec![&applied, &skipped],
                Some(
                    "another change at this hierarchy was not applied; the delete waits for \
                     the next run",
                ),
            ),
            (
                StepKind::Change,
                Action::Create,
                vec![&failed],
                Some(
                    "it waits for rename Acme Old at sys.hcs.P.R1, which was not applied; it \
                     waits for the next run",
                ),
            ),
            (StepKind::Change, Action::Create, vec![&applied], None),
        ];
        for (kind, action, waited_for, expected) in cases {
            assert_eq!(
                held_back(kind, action, &waited_for).as_deref(),
                expected,
                "{kind:?} {action:?} after {waited_for:?}"
            );
        }
    }
}
