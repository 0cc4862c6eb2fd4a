//! The diff engine: declared customers and the live state in, a plan out. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::blocked;
use super::digest::{digest, fingerprint};
use super::fields::differences;
use super::index::{LiveIndex, case_partners, deletions, fold};
use super::reads::{is_artefact, not_read_part, unread_of};
use super::types::{
    Action, Change, DeleteReason, FORMAT_VERSION, FieldChange, FollowUp, Plan, Summary, Warning,
};
use crate::model::{Customer, Desired, Field, LiveCustomer, LiveState};

/// The warning for a `local_admin` written on an existing customer that has no local admin
/// made from that role (it is create-only, so nothing is sent).
pub const LOCAL_ADMIN_WARNING: &str =
    "local_admin is create-only; it is not applied to an existing customer";

/// What it takes to make `live` match `desired`, against the server `target`.
///
/// Only written fields are managed; equal values (after normalisation) never show as a
/// change. Changes come in the order they are applied: migrates and creates, then renames
/// and updates, then deletes; each group sorted by (hierarchy, name).
pub fn diff(desired: &Desired, live: &LiveState, target: &str) -> Plan {
    diff_with(desired, live, target, DiffOptions::default())
}

/// What [`diff_with`] is told beyond the desired and live states.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions<'a> {
    /// The desired state's [`digest`], when the caller computed it already (say, while
    /// the live system was read); computed here otherwise. A caller that looks only at
    /// the plan's changes (a first diff that finds what to read) may pass any text, the
    /// empty one say: the plan's `desired_digest` is then that text.
    pub digest: Option<String>,
    /// A partial plan (`plan --changed-since REV`): the pkids of the live customers not
    /// read, and REV. Made as [`super::partial_plan`] makes it from [`diff`]'s plan, without
    /// fingerprinting the updates it drops.
    pub partial: Option<(&'a BTreeSet<String>, &'a str)>,
}

/// [`diff`], told more (see [`DiffOptions`]): the same plan, made with less work.
pub fn diff_with(
    desired: &Desired,
    live: &LiveState,
    target: &str,
    options: DiffOptions<'_>,
) -> Plan {
    let index = LiveIndex::new(live);
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut unchanged = 0;

    for c in desired.customers.iter().map(|d| &d.customer) {
        if !c.state.is_present() {
            continue;
        }
        let change = present_change(c, &index, live);
        let existing = !matches!(
            change.as_ref().map(|ch| ch.action),
            Some(Action::Create | Action::Migrate)
        );
        // Quiet when the live local admin was made from the written role: nothing differs.
        let live_role = index
            .get(&c.hierarchy, &c.name)
            .or_else(|| {
                c.renamed_from
                    .as_deref()
                    .and_then(|old| index.get(&c.hierarchy, old))
            })
            .and_then(|l| l.local_admin_role.as_deref());
        if let Some(admin) = c.local_admin.as_ref().filter(|_| existing) {
            let message = match live_role {
                Some(role) if role == admin.cloned_role => None,
                Some(role) => Some(format!(
                    "local_admin is create-only: the live local admin was made from `{role}`, not `{}`; nothing is changed",
                    admin.cloned_role
                )),
                None => Some(LOCAL_ADMIN_WARNING.to_owned()),
            };
            if let Some(message) = message {
                warnings.push(Warning {
                    hierarchy: c.hierarchy.clone(),
                    name: c.name.clone(),
                    message,
                });
            }
        }
        match change {
            Some(change) => {
                warnings.extend(
                    blocked::unchecked_prime_in(&change.fields, live)
                        .into_iter()
                        .map(|message| Warning {
                            hierarchy: change.hierarchy.clone(),
                            name: change.name.clone(),
                            message,
                        }),
                );
                changes.push(change);
            }
            None => unchanged += 1,
        }
    }
    let partners = case_partners(desired, &index);
    // Pruned deletes blocked by dependents, by hierarchy: a create next to one may be a
    // rename written without `renamed_from`.
    let mut held: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (l, declared) in deletions(desired, live, &index) {
        if declared.is_none() && live.dependents.get(&l.pkid).is_some_and(|d| !d.is_empty()) {
            held.entry(l.hierarchy.as_str())
                .or_default()
                .push(l.name.as_str());
        }
        let mut change = delete_change(l, declared, live);
        // Pruned while the files create a name that differs from it only in letter case:
        // most likely a rename written without `renamed_from`; never deleted for it.
        if let (None, Some(c)) = (declared, partners.get(&fold(&l.hierarchy, &l.name))) {
            let written = c.renamed_from.as_deref().filter(|old| {
                fold(&c.hierarchy, old) == fold(&l.hierarchy, &l.name)
                    && fold(&c.hierarchy, &c.name) != fold(&l.hierarchy, &l.name)
            });
            change
                .blocked
                .push(blocked::case_only_delete(&l.name, &c.name, written));
        }
        changes.push(change);
    }

    for create in changes.iter().filter(|c| c.action == Action::Create) {
        if let Some(olds) = held.get(create.hierarchy.as_str()) {
            warnings.push(Warning {
                hierarchy: create.hierarchy.clone(),
                name: create.name.clone(),
                message: blocked::rename_hint(&create.name, olds),
            });
        }
    }

    // A partial plan drops the updates that only compare fields it did not read (counted
    // unchanged), before any is fingerprinted.
    let unread = options
        .partial
        .map(|(not_read, _)| unread_of(live, not_read));
    if let Some(unread) = &unread {
        let before = changes.len();
        changes.retain(|change| !is_artefact(change, unread));
        unchanged += before - changes.len();
    }
    for change in &mut changes {
        change.live_fingerprint = touched(change, &index).map(fingerprint);
    }

    changes.sort_by(|a, b| {
        (group(a.action), &a.hierarchy, &a.name).cmp(&(group(b.action), &b.hierarchy, &b.name))
    });
    warnings.sort_by(|a, b| {
        (&a.hierarchy, &a.name, &a.message).cmp(&(&b.hierarchy, &b.name, &b.message))
    });
    let summary = summarise(&changes, unchanged);
    let partial = match (options.partial, &unread) {
        (Some((_, since)), Some(unread)) => not_read_part(live, unread, since),
        _ => None,
    };
    Plan {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        target: target.to_owned(),
        simulator: false,
        desired_digest: options.digest.unwrap_or_else(|| digest(desired)),
        changes,
        summary,
        warnings,
        pruned_scopes: desired
            .scopes
            .iter()
            .filter(|s| s.scope.prune)
            .map(|s| s.scope.hierarchy.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        refusals: Vec::new(),
        partial,
    }
}

/// The live record a change touches (the one its pkid names): an HCM-F customer for a
/// migration, the old name's for a rename, its own otherwise.
fn touched<'a>(change: &Change, index: &LiveIndex<'a>) -> Option<&'a LiveCustomer> {
    let pkid = change.pkid.as_deref()?;
    let found = match change.action {
        Action::Create => None,
        Action::Migrate => index.hcmf(&change.name),
        Action::Rename => index.get(&change.hierarchy, change.renamed_from.as_deref()?),
        Action::Update | Action::Delete => index.get(&change.hierarchy, &change.name),
    };
    found.filter(|l| l.pkid == pkid)
}

/// The pkids of the live customers [`diff`] would delete: the caller fetches dependents
/// for these only.
pub fn deletes_to_check(desired: &Desired, live: &LiveState) -> Vec<String> {
    deletions(desired, live, &LiveIndex::new(live))
        .into_iter()
        .map(|(l, _)| l.pkid.clone())
        .collect()
}

/// The change for a declared present customer; `None` when it already matches.
fn present_change(c: &Customer, index: &LiveIndex, live: &LiveState) -> Option<Change> {
    let current = index.get(&c.hierarchy, &c.name);
    let previous = c
        .renamed_from
        .as_deref()
        .filter(|old| *old != c.name)
        .and_then(|old| index.get(&c.hierarchy, old));
    match (current, previous) {
        (Some(_), Some(old)) => Some(blocked_rename(c, old)),
        (Some(l), None) => update(c, l, live),
        (None, Some(old)) => {
            let mut change = rename(c, old, live);
            for other in index.case_variants(&c.hierarchy, &c.name) {
                if other.pkid != old.pkid {
                    change.blocked.push(blocked::rename_onto_case_variant(
                        &other.name,
                        &c.name,
                        &c.hierarchy,
                    ));
                }
            }
            Some(change)
        }
        (None, None) => {
            let mut change = match index.hcmf(&c.name) {
                Some(record) => migrate(c, record, live),
                None => create(c, live),
            };
            change.blocked.extend(case_blocks(c, index));
            Some(change)
        }
    }
}

/// Why a create (or migrate) of `c` must wait: a live customer at its hierarchy whose
/// name differs from it only in letter case (most likely the customer meant, renamed
/// without `renamed_from`), or a `renamed_from` that matches a live name only ignoring
/// case. Names are unique per hierarchy on VOSS, which may ignore case.
fn case_blocks(c: &Customer, index: &LiveIndex) -> Vec<String> {
    let mut reasons = Vec::new();
    let mut named = BTreeSet::new();
    if let Some(old) = c.renamed_from.as_deref() {
        for l in index.case_variants(&c.hierarchy, old) {
            named.insert(l.pkid.as_str());
            reasons.push(blocked::renamed_from_case(old, &l.name, &c.hierarchy));
        }
    }
    for l in index.case_variants(&c.hierarchy, &c.name) {
        if !named.contains(l.pkid.as_str()) {
            reasons.push(blocked::case_only_create(&l.name, &c.name, &c.hierarchy));
        }
    }
    reasons
}

fn create(c: &Customer, live: &LiveState) -> Change {
    let mut fields: Vec<FieldChange> = Field::managed()
        .filter_map(|f| Some(field_change(f, Value::Null, f.written(c)?)))
        .collect();
    fields.extend(local_admin_fields(c));
    let mut change = new_change(Action::Create, c, fields, None);
    change.blocked = creation_blocks(c, &change.fields, live);
    change
}

fn migrate(c: &Customer, record: &LiveCustomer, live: &LiveState) -> Change {
    let mut fields = field_changes(c, record);
    fields.extend(local_admin_fields(c));
    let mut change = new_change(Action::Migrate, c, fields, Some(record));
    change.blocked = creation_blocks(c, &change.fields, live);
    change.follow_up = follow_ups(&change.fields);
    change
}

fn update(c: &Customer, l: &LiveCustomer, live: &LiveState) -> Option<Change> {
    let fields = field_changes(c, l);
    if fields.is_empty() {
        return None;
    }
    let mut change = new_change(Action::Update, c, fields, Some(l));
    change.blocked = blocked::unknown_prime_in(&change.fields, live);
    change.follow_up = follow_ups(&change.fields);
    Some(change)
}

fn rename(c: &Customer, old: &LiveCustomer, live: &LiveState) -> Change {
    let mut fields = vec![name_change(old, c)];
    fields.extend(field_changes(c, old));
    let mut change = new_change(Action::Rename, c, fields, Some(old));
    change.renamed_from = Some(old.name.clone());
    change.blocked = blocked::unknown_prime_in(&change.fields, live);
    change.follow_up = follow_ups(&change.fields);
    change
}

/// A rename whose old and new names both exist: shown, never applied.
fn blocked_rename(c: &Customer, old: &LiveCustomer) -> Change {
    let mut change = new_change(Action::Rename, c, vec![name_change(old, c)], Some(old));
    change.renamed_from = Some(old.name.clone());
    change.blocked = vec![blocked::both_live(&old.name, &c.name, &c.hierarchy)];
    change
}

fn delete_change(l: &LiveCustomer, declared: Option<&Customer>, live: &LiveState) -> Change {
    let mut blocked = Vec::new();
    if declared.is_some_and(|c| c.protect) {
        blocked.push(blocked::protected());
    }
    if let Some(reason) = live
        .dependents
        .get(&l.pkid)
        .and_then(blocked::has_dependents)
    {
        blocked.push(reason);
    }
    Change {
        action: Action::Delete,
        hierarchy: l.hierarchy.clone(),
        name: l.name.clone(),
        renamed_from: None,
        pkid: Some(l.pkid.clone()),
        fields: Vec::new(),
        blocked,
        follow_up: Vec::new(),
        // Filled in by `diff_with` (with every other change's).
        live_fingerprint: None,
        reason: Some(match declared {
            Some(_) => DeleteReason::StateAbsent,
            None => DeleteReason::PrunedScope,
        }),
    }
}

/// Blocks of a create or migrate: missing parent node, a parent that is a customer's node,
/// missing cloned role, unknown Prime Collaboration.
fn creation_blocks(c: &Customer, fields: &[FieldChange], live: &LiveState) -> Vec<String> {
    let mut reasons = Vec::new();
    reasons.extend(blocked::missing_node(live, &c.hierarchy));
    reasons.extend(blocked::customer_node(live, &c.hierarchy));
    if let Some(admin) = &c.local_admin {
        reasons.extend(blocked::missing_role(
            live,
            &c.hierarchy,
            &admin.cloned_role,
        ));
    }
    reasons.extend(blocked::unknown_prime_in(fields, live));
    reasons
}

/// A change of `c` with no blocks nor follow-ups yet; `live` is the record it touches.
fn new_change(
    action: Action,
    c: &Customer,
    fields: Vec<FieldChange>,
    live: Option<&LiveCustomer>,
) -> Change {
    Change {
        action,
        hierarchy: c.hierarchy.clone(),
        name: c.name.clone(),
        renamed_from: None,
        pkid: live.map(|l| l.pkid.clone()),
        fields,
        blocked: Vec::new(),
        follow_up: Vec::new(),
        // Filled in by `diff_with` for the changes the plan keeps: `touched` finds `live`
        // again by the pkid.
        live_fingerprint: None,
        reason: None,
    }
}

fn field_changes(c: &Customer, l: &LiveCustomer) -> Vec<FieldChange> {
    differences(c, l)
        .into_iter()
        .map(|(f, before, after)| field_change(f, before, after))
        .collect()
}

fn name_change(old: &LiveCustomer, c: &Customer) -> FieldChange {
    field_change(
        Field::Name,
        Value::from(old.name.as_str()),
        Value::from(c.name.as_str()),
    )
}

/// `local_admin.cloned_role` and `local_admin.password_env`; the latter is sensitive and
/// its `after` is the variable's name, never a value.
fn local_admin_fields(c: &Customer) -> Vec<FieldChange> {
    [Field::LocalAdminClonedRole, Field::LocalAdminPasswordEnv]
        .into_iter()
        .filter_map(|f| Some(field_change(f, Value::Null, f.written(c)?)))
        .collect()
}

fn field_change(field: Field, before: Value, after: Value) -> FieldChange {
    FieldChange {
        field,
        before,
        after,
        sensitive: field.is_sensitive(),
    }
}

/// The DN audit follows number management going from disabled to enabled.
fn follow_ups(fields: &[FieldChange]) -> Vec<FollowUp> {
    let re_enabled = fields.iter().any(|f| {
        f.field == Field::NumberManagement
            && f.before == Value::Bool(false)
            && f.after == Value::Bool(true)
    });
    if re_enabled {
        vec![FollowUp::DnAudit]
    } else {
        Vec::new()
    }
}

/// The order changes are applied in: migrates and creates, renames and updates, deletes.
fn group(action: Action) -> u8 {
    match action {
        Action::Migrate | Action::Create => 0,
        Action::Rename | Action::Update => 1,
        Action::Delete => 2,
    }
}

fn summarise(changes: &[Change], unchanged: usize) -> Summary {
    let mut s = Summary {
        unchanged,
        ..Summary::default()
    };
    for c in changes {
        match c.action {
            Action::Create => s.create += 1,
            Action::Update => s.update += 1,
            Action::Migrate => s.migrate += 1,
            Action::Rename => s.rename += 1,
            Action::Delete => s.delete += 1,
        }
        if c.is_blocked() {
            s.blocked += 1;
        }
    }
    s
}
