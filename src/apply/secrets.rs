//! The local admins' passwords, read from the environment variables the plan names,
//! all before the first write: a missing one stops the apply before anything changes.

use std::collections::BTreeMap;

use super::request::local_admin_from_plan;
use crate::plan::{Action, Plan};
use crate::voss::Secret;

/// Passwords by the name of the variable that holds them.
#[derive(Debug, Default)]
pub struct Secrets {
    by_variable: BTreeMap<String, Secret>,
}

/// Variables the plan needs that are not set (or are empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the local admin password is not set in {}: set the variable{} and run apply again; \
     nothing was changed",
    listed(.missing),
    if .missing.len() == 1 { "" } else { "s" }
)]
pub struct MissingSecrets {
    /// `(variable, customer)` pairs.
    pub missing: Vec<(String, String)>,
}

fn listed(missing: &[(String, String)]) -> String {
    let list: Vec<String> = missing
        .iter()
        .map(|(var, customer)| format!("{var} (local admin of {customer})"))
        .collect();
    list.join(", ")
}

impl Secrets {
    /// Reads every password the plan's creates need, through `lookup` (the environment in
    /// production, a map in tests).
    pub fn read(
        plan: &Plan,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Secrets, MissingSecrets> {
        let mut secrets = Secrets::default();
        let mut missing = Vec::new();
        for change in &plan.changes {
            if !matches!(change.action, Action::Create | Action::Migrate) || change.is_blocked() {
                continue;
            }
            // A malformed local admin field is reported by the step that needs it.
            let Ok(Some(admin)) = local_admin_from_plan(&change.fields) else {
                continue;
            };
            match lookup(&admin.password_env).filter(|v| !v.is_empty()) {
                Some(value) => {
                    secrets
                        .by_variable
                        .insert(admin.password_env, Secret::new(value));
                }
                None => missing.push((admin.password_env, change.name.clone())),
            }
        }
        if missing.is_empty() {
            Ok(secrets)
        } else {
            Err(MissingSecrets { missing })
        }
    }

    /// Reads them from the process environment.
    pub fn from_env(plan: &Plan) -> Result<Secrets, MissingSecrets> {
        Secrets::read(plan, |name| std::env::var(name).ok())
    }

    pub fn get(&self, variable: &str) -> Option<&Secret> {
        self.by_variable.get(variable)
    }
}
