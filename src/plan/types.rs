//! The plan: a plain, serialisable value. `--format json` and `--out FILE` write exactly
//! this (format version 1); `apply --plan FILE` reads it back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Field;

/// The version of the plan's JSON format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// What would change on the live system, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "voss-customers plan")]
pub struct Plan {
    /// Always 1 for this format.
    pub format_version: u32,
    /// The voss-customers version that made the plan.
    pub tool_version: String,
    /// The VOSS Automate server the plan was made against.
    pub target: String,
    /// True when `target` is the built-in simulator (`--sim SEED`), started for this run on
    /// a loopback port of its own; the header then says so. Left out when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub simulator: bool,
    /// SHA-256 of the normalised desired state the plan was made from.
    pub desired_digest: String,
    /// The changes, in the order they are applied.
    pub changes: Vec<Change>,
    /// Counts of the changes by action.
    pub summary: Summary,
    /// Things the user should know that change nothing (e.g. a create-only field edited).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// The hierarchies of `prune: true` scopes, so that `apply --plan` can refuse a saved
    /// plan that empties one, as a fresh apply does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruned_scopes: Vec<String>,
    /// Why `apply` would refuse this plan (exit 3, nothing changed), one sentence each, as
    /// checked by `plan` with its `--max-deletes` (a pruned scope emptied, more deletes than
    /// allowed); `plan` then exits 3. `apply` checks again and does not read this list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<String>,
    /// Set when the plan was made with `plan --changed-since REV`: only the customers
    /// whose declaration changed since REV were read in full, so the others' fields were
    /// not compared. Absent from a whole plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Box<Partial>>,
}

/// What a partial plan (`plan --changed-since REV`) did not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Partial {
    /// The git revision the declarations were compared with.
    pub changed_since: String,
    /// The declared customers whose instances were not read (their declarations did not
    /// change since `changed_since`; their listed records lacked fields they write), sorted
    /// by hierarchy then name. Their fields may have drifted unseen: `drift` and `apply`
    /// read them.
    pub not_read: Vec<NotRead>,
}

/// A customer a partial plan did not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct NotRead {
    pub hierarchy: String,
    pub name: String,
}

/// The kind of change; the reason for it is kept apart, in `fields` and `blocked`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new customer.
    Create,
    /// Managed fields of an existing customer change.
    Update,
    /// An HCM-F customer at `sys.hcs` with the same name is moved here instead of created.
    Migrate,
    /// An existing customer gets a new name (and possibly field updates).
    Rename,
    /// The customer is deleted.
    Delete,
}

/// One customer's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    pub action: Action,
    /// The hierarchy node the customer lives (or will live) under.
    pub hierarchy: String,
    /// The customer's name (its new name for a rename).
    pub name: String,
    /// For a rename: the customer's live name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The live instance's pkid (update, rename, delete; the HCM-F record for a migrate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    /// Per-field values before and after, in the desired-state file's field names.
    pub fields: Vec<FieldChange>,
    /// Why the change cannot be applied; empty when it can.
    pub blocked: Vec<String>,
    /// Work that must follow the change.
    pub follow_up: Vec<FollowUp>,
    /// The live customer's version when planned; `apply --plan` refuses when it moved.
    pub live_fingerprint: Option<String>,
    /// For a delete: why the customer is deleted. Left out for the other actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeleteReason>,
}

/// Why a customer is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeleteReason {
    /// A file declares it with `state: absent`.
    StateAbsent,
    /// No file declares it, and it lives directly under a `prune: true` scope.
    PrunedScope,
}

/// For `skip_serializing_if`: a false flag is left out of the JSON.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// One field's change. Values are as in desired-state files (`deal_ids` a list,
/// `prime_collaboration` null for none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    /// The field, by its name in desired-state files (`local_admin.cloned_role` and
    /// `local_admin.password_env` for a create's local admin).
    pub field: Field,
    pub before: Value,
    pub after: Value,
    /// True for secrets: `after` then holds the *name* of the environment variable that
    /// holds the value, never the value.
    pub sensitive: bool,
}

/// Work that follows a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// Audit Number Inventory, after number management is re-enabled.
    DnAudit,
}

/// Counts of changes by action; `blocked` counts changes that cannot be applied, and
/// `unchanged` declared customers that already match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub migrate: usize,
    pub rename: usize,
    pub delete: usize,
    pub blocked: usize,
    pub unchanged: usize,
}

/// Something worth knowing that changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    pub hierarchy: String,
    pub name: String,
    pub message: String,
}

impl Plan {
    /// True when applying the plan would change nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// True when some change cannot be applied.
    pub fn has_blocked(&self) -> bool {
        self.changes.iter().any(|c| !c.blocked.is_empty())
    }

    /// True when every change is blocked: applying changes nothing until they are
    /// unblocked.
    pub fn only_blocked(&self) -> bool {
        !self.changes.is_empty() && self.changes.iter().all(Change::is_blocked)
    }
}

impl Action {
    /// The action's name as the plan JSON writes it.
    pub fn name(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Migrate => "migrate",
            Action::Rename => "rename",
            Action::Delete => "delete",
        }
    }
}

impl Change {
    pub fn is_blocked(&self) -> bool {
        !self.blocked.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every action; the match makes a new variant a compile error here until it is listed.
    fn every_action() -> [Action; 5] {
        let all = [
            Action::Create,
            Action::Update,
            Action::Migrate,
            Action::Rename,
            Action::Delete,
        ];
        for action in all {
            match action {
                Action::Create
                | Action::Update
                | Action::Migrate
                | Action::Rename
                | Action::Delete => {}
            }
        }
        all
    }

    #[test]
    fn an_actions_name_is_its_serde_name() {
        for action in every_action() {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                Value::from(action.name()),
                "{action:?}"
            );
            assert_eq!(
                serde_json::from_value::<Action>(Value::from(action.name())).unwrap(),
                action
            );
        }
    }
}
