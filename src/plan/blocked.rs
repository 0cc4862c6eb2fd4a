//! Why a change cannot be applied: each reason is one sentence that names what to do.
//! They are written to follow "blocked: " in the renderers.

use std::collections::BTreeSet;

use serde_json::Value;

use super::types::FieldChange;
use crate::model::{Dependents, Field, LiveState, NodeType};

/// How many names a reason lists before it says "and N more".
const LISTED: usize = 5;

/// The parent node of a create or migrate is missing.
pub(crate) fn missing_node(live: &LiveState, hierarchy: &str) -> Option<String> {
    live.missing_nodes.contains(hierarchy).then(|| {
        format!(
            "parent node {hierarchy} does not exist, or the admin may not see it (a server \
             answers both alike): create that provider or reseller node first, correct \
             `hierarchy`, or log in as an admin whose scope includes it"
        )
    })
}

/// The parent node of a create or migrate is a customer's own node, not a provider or
/// reseller: known from its looked-up type, or because a live customer of its parent
/// node carries its last name (a customer's node is `<hierarchy>.<name>`).
pub(crate) fn customer_node(live: &LiveState, hierarchy: &str) -> Option<String> {
    let (parent, last) = hierarchy.rsplit_once('.')?;
    let owner = live
        .customers
        .iter()
        .find(|l| l.hierarchy == parent && l.name == last)
        .map(|l| l.name.as_str());
    let typed = live
        .nodes
        .get(hierarchy)
        .is_some_and(|n| n.node_type == NodeType::Customer);
    let owner = owner.or(typed.then_some(last))?;
    Some(format!(
        "{hierarchy} is the node of customer \"{owner}\", not a provider or reseller node: \
         customers are added under a provider or reseller; set `hierarchy` to {parent} (or \
         the reseller meant)"
    ))
}

/// The local admin's cloned role is not among the roles read for the hierarchy.
pub(crate) fn missing_role(live: &LiveState, hierarchy: &str, role: &str) -> Option<String> {
    let roles = live.roles.get(hierarchy)?;
    (!roles.contains(role)).then(|| {
        format!(
            "cloned role \"{role}\" is not visible from {hierarchy} ({}): correct \
             `local_admin.cloned_role`, or create the role first",
            listing("roles visible there", roles)
        )
    })
}

/// The Prime Collaboration a change sets is not one of those synced from HCM-F (checked
/// only when they were read).
pub(crate) fn unknown_prime_in(fields: &[FieldChange], live: &LiveState) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.field == Field::PrimeCollaboration)
        .filter_map(|f| unknown_prime(live, &f.after))
        .collect()
}

fn unknown_prime(live: &LiveState, after: &Value) -> Option<String> {
    let known = live.prime_collaboration.as_ref()?;
    let name = after.as_str()?;
    (!is_none_name(name) && !known.contains(name)).then(|| {
        format!(
            "Prime Collaboration \"{name}\" is not one of those synced from HCM-F ({}): \
             correct `prime_collaboration`, or set it to null to un-associate it",
            listing("synced", known)
        )
    })
}

/// A Prime Collaboration name that could not be checked, because the applications synced
/// from HCM-F could not be read (a warning: the server judges it at apply).
pub(crate) fn unchecked_prime_in(fields: &[FieldChange], live: &LiveState) -> Vec<String> {
    if live.prime_collaboration.is_some() {
        return Vec::new();
    }
    fields
        .iter()
        .filter(|f| f.field == Field::PrimeCollaboration)
        .filter_map(|f| f.after.as_str())
        .filter(|name| !is_none_name(name))
        .map(|name| {
            format!(
                "Prime Collaboration \"{name}\" was not checked: the applications synced \
                 from HCM-F could not be read (the admin may not see them), so a wrong name \
                 is found only when apply sends it: check the name in VOSS, or plan as an \
                 admin who can see them"
            )
        })
        .collect()
}

/// Whether a Prime Collaboration value means none ("None" is VOSS's way of
/// un-associating, not an application's name).
fn is_none_name(name: &str) -> bool {
    name.trim().is_empty() || name.trim().eq_ignore_ascii_case("none")
}

/// A create at a hierarchy where the pruned scope's deletes of `blocked` (live customers
/// with dependents) are blocked: `new` may be one of them renamed without `renamed_from`.
pub(crate) fn rename_hint(new: &str, blocked: &[&str]) -> String {
    match blocked {
        [old] => format!(
            "the pruned scope's delete of \"{old}\" here is blocked by its dependents: if \
             \"{new}\" is \"{old}\" under a new name, add `renamed_from: {old}` to \"{new}\" \
             (a rename keeps the dependents); if not, remove the dependents of \"{old}\" and \
             its delete goes ahead"
        ),
        olds => {
            let shown: Vec<String> = olds
                .iter()
                .take(LISTED)
                .map(|old| format!("\"{old}\""))
                .collect();
            let rest = olds.len().saturating_sub(LISTED);
            let more = if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            };
            format!(
                "the pruned scope's deletes of {}{more} here are blocked by their dependents: \
                 if \"{new}\" is one of them under a new name, add `renamed_from: <its live \
                 name>` to \"{new}\" (a rename keeps the dependents); if not, remove their \
                 dependents and the deletes go ahead",
                shown.join(", ")
            )
        }
    }
}

/// A declared `protect: true` customer is declared absent.
pub(crate) fn protected() -> String {
    "it is protected (`protect: true`): remove `protect` from its file first if it must \
     really be deleted"
        .to_owned()
}

/// A customer planned for deletion still has dependents.
pub(crate) fn has_dependents(d: &Dependents) -> Option<String> {
    if d.is_empty() {
        return None;
    }
    let total = d.ldap + d.sso_providers + d.devices + d.network_device_lists + d.sites;
    let them = if total == 1 { "it" } else { "them" };
    Some(format!("still has {}: remove {them} first", d.describe()))
}

/// A rename whose old and new names are both live.
pub(crate) fn both_live(old: &str, new: &str, hierarchy: &str) -> String {
    format!(
        "both \"{old}\" and \"{new}\" exist at {hierarchy}: delete one of them, or remove \
         `renamed_from` from \"{new}\""
    )
}

/// A create (or migrate) of `new` while `live` exists at the same hierarchy under a name
/// that differs only in letter case.
pub(crate) fn case_only_create(live: &str, new: &str, hierarchy: &str) -> String {
    format!(
        "\"{live}\" exists at {hierarchy}, and \"{new}\" differs from it only in letter case \
         (VOSS may take them for one name): to rename it, add `renamed_from: {live}` to \
         \"{new}\"; to keep it, write its name as it is live"
    )
}

/// A create whose `renamed_from` matches a live customer only ignoring letter case.
pub(crate) fn renamed_from_case(written: &str, live: &str, hierarchy: &str) -> String {
    format!(
        "`renamed_from: {written}` matches \"{live}\" at {hierarchy} only ignoring letter case: \
         write `renamed_from: {live}`, exactly as it is live"
    )
}

/// A rename to `new` while another live customer's name differs from it only in case.
pub(crate) fn rename_onto_case_variant(other: &str, new: &str, hierarchy: &str) -> String {
    format!(
        "\"{other}\" exists at {hierarchy}, and \"{new}\" differs from it only in letter case \
         (VOSS may take them for one name): choose another name, or delete \"{other}\" first"
    )
}

/// A delete (by a pruned scope) of `live` while the files create `new`, which matches it
/// only ignoring letter case (by its name, or its `renamed_from`).
pub(crate) fn case_only_delete(live: &str, new: &str, renamed_from: Option<&str>) -> String {
    match renamed_from {
        Some(written) => format!(
            "\"{new}\" is renamed from \"{written}\", which differs from \"{live}\" only in \
             letter case: write `renamed_from: {live}` on \"{new}\", exactly as it is live"
        ),
        None => format!(
            "\"{new}\" is to be created, and differs from it only in letter case (VOSS may \
             take them for one name): to rename it, add `renamed_from: {live}` to \"{new}\"; \
             to replace it, remove \"{new}\" from the files and apply, then add it back"
        ),
    }
}

/// "LABEL: A, B, C" or "LABEL: A, B, C, D, E and 3 more"; "LABEL: none" when empty.
fn listing(label: &str, names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        return format!("{label}: none");
    }
    let shown: Vec<&str> = names.iter().take(LISTED).map(String::as_str).collect();
    let rest = names.len().saturating_sub(LISTED);
    if rest == 0 {
        format!("{label}: {}", shown.join(", "))
    } else {
        format!("{label}: {} and {rest} more", shown.join(", "))
    }
}
