//! One step of an apply: a change of the plan, or its DN audit follow-up, carried out
//! through the client. A step never panics and never retries a write blindly: when a
//! create's answer is lost, the customer is looked up before anything else is said. A
//! write whose outcome stays unknown is [`Outcome::Uncertain`], never done or failed.

use super::request::{local_admin_from_plan, updates_from_plan};
use crate::model::Field;
use crate::plan::{Action, Change};
use crate::voss::{ApiError, Client, CreateRequest, LocalAdminRequest, Secret};

use super::report::Outcome;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepKind {
    Change,
    DnAudit,
}

/// A step, ready to run on its own task.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub kind: StepKind,
    pub change: Change,
    /// The local admin's password, for a create that makes one.
    pub password: Option<Secret>,
}

impl Step {
    pub fn label(&self) -> &'static str {
        match self.kind {
            StepKind::DnAudit => "dn_audit",
            StepKind::Change => self.change.action.name(),
        }
    }

    pub async fn run(&self, client: &Client) -> Outcome {
        let change = &self.change;
        match (self.kind, change.action) {
            (StepKind::DnAudit, _) => {
                let node = format!("{}.{}", change.hierarchy, change.name);
                finish(client.run_dn_audit(&node).await)
            }
            (StepKind::Change, Action::Create | Action::Migrate) => {
                create(client, change, self.password.clone()).await
            }
            (StepKind::Change, Action::Update | Action::Rename) => update(client, change).await,
            (StepKind::Change, Action::Delete) => delete(client, change).await,
        }
    }
}

fn finish(result: Result<crate::voss::WriteOutcome, ApiError>) -> Outcome {
    match result {
        Ok(outcome) => Outcome::Applied {
            message: outcome.message,
        },
        Err(error) if error.is_uncertain() => Outcome::Uncertain {
            detail: error.to_string(),
        },
        Err(error) => Outcome::Failed {
            error: error.to_string(),
        },
    }
}

fn failed(error: impl ToString) -> Outcome {
    Outcome::Failed {
        error: error.to_string(),
    }
}

async fn create(client: &Client, change: &Change, password: Option<Secret>) -> Outcome {
    let fields = match updates_from_plan(&change.fields) {
        Ok(mut fields) => {
            fields.remove(Field::Name);
            fields
        }
        Err(error) => return failed(error),
    };
    let local_admin = match local_admin_from_plan(&change.fields) {
        Ok(Some(admin)) => match password {
            Some(password) => Some(LocalAdminRequest {
                cloned_role: admin.cloned_role,
                password,
            }),
            None => {
                return failed(format!(
                    "the local admin password variable {} is not set",
                    admin.password_env
                ));
            }
        },
        Ok(None) => None,
        Err(error) => return failed(error),
    };
    let request = CreateRequest {
        name: change.name.clone(),
        fields,
        migrate: change.action == Action::Migrate,
        local_admin,
    };
    match client.create_customer(&change.hierarchy, &request).await {
        Err(error) if error.is_uncertain() => {
            // The create may or may not have happened: look before saying anything, and
            // never send it again from here (the next run plans afresh).
            match client.find_customer(&change.hierarchy, &change.name).await {
                Ok(Some(_)) => Outcome::Applied {
                    message: "its answer was lost, but the customer exists now".to_owned(),
                },
                Ok(None) => Outcome::Uncertain {
                    detail: format!(
                        "{error}; a look-up finds no such customer yet: run plan to check, then apply again"
                    ),
                },
                Err(lookup) => Outcome::Uncertain {
                    detail: format!(
                        "{error}; looking the customer up failed too ({lookup}): run plan to see whether it exists"
                    ),
                },
            }
        }
        result => finish(result),
    }
}

/// An update or rename: the instance is read first and compared with the plan (its
/// fingerprint: nobody's edit since the plan is overwritten), then written whole with the
/// planned fields changed.
async fn update(client: &Client, change: &Change) -> Outcome {
    let Some(pkid) = &change.pkid else {
        return failed(
            "the plan names no live instance (pkid) for this change: make the plan again",
        );
    };
    let updates = match updates_from_plan(&change.fields) {
        Ok(updates) if updates.is_empty() => {
            return Outcome::Applied {
                message: "nothing to write".to_owned(),
            };
        }
        Ok(updates) => updates,
        Err(error) => return failed(error),
    };
    let (mut now, current) = match client.customer_record(pkid).await {
        Ok(Some(read)) => read,
        Ok(None) => return failed("it no longer exists live: make the plan again"),
        Err(error) => return failed(error),
    };
    if now.hierarchy.is_empty() {
        now.hierarchy = change.hierarchy.clone();
    }
    if let Some(problem) = crate::apply::stale::moved_since_plan(change, &now) {
        return failed(format!(
            "refused as stale: {problem} since the plan was made; nothing was written: make              the plan again"
        ));
    }
    finish(client.put_customer(pkid, &current, &updates).await)
}

async fn delete(client: &Client, change: &Change) -> Outcome {
    // Dependents are checked again right before the delete: they may have been added
    // since the plan was made.
    let Some(pkid) = &change.pkid else {
        return failed(
            "the plan names no live instance (pkid) for this delete: make the plan again",
        );
    };
    let live = match client.customer(pkid, &change.hierarchy).await {
        Ok(Some(live)) => live,
        Ok(None) => {
            return Outcome::Applied {
                message: "already gone".to_owned(),
            };
        }
        Err(error) => return failed(error),
    };
    if live.name != change.name || live.hierarchy != change.hierarchy {
        return failed(format!(
            "instance {pkid} is now {} at {}: make the plan again",
            live.name, live.hierarchy
        ));
    }
    match client.dependents(&live).await {
        Ok(dependents) if !dependents.is_empty() => failed(format!(
            "not deleted: it {}",
            crate::plan::has_dependents(&dependents).unwrap_or_default()
        )),
        Ok(_) => finish(client.delete_customer(&live.pkid).await),
        Err(error) => failed(error),
    }
}
