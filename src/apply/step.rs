//! One step of an apply: a change of the plan, or its DN audit follow-up, carried out
//! through the client. A step never panics and never retries a write blindly: when a
//! create's answer is lost, the customer is looked up before anything else is said. A
//! write whose outcome stays unknown is [`Outcome::Uncertain`], never done or failed.

use super::request::{local_admin_from_plan, updates_from_plan};
use crate::model::{Field, LiveCustomer};
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

    /// One attempt. `retry` is true for every attempt after the first: the customer is
    /// read again and the change planned again before anything is written (a create that
    /// an earlier attempt made is not sent again; an update already made is done; a
    /// delete already made is done).
    pub async fn run(&self, client: &Client, retry: bool) -> Attempt {
        let change = &self.change;
        match (self.kind, change.action) {
            (StepKind::DnAudit, _) => {
                let node = format!("{}.{}", change.hierarchy, change.name);
                finish(client.run_dn_audit(&node).await)
            }
            (StepKind::Change, Action::Create | Action::Migrate) => {
                if retry && let Some(settled) = created_already(client, change).await {
                    return settled;
                }
                let attempt = create(client, change, self.password.clone()).await;
                // Refused on a retry because the customer exists now: an earlier
                // attempt, answered too late, made it in between.
                if retry
                    && matches!(attempt.outcome, Outcome::Failed { .. })
                    && let Ok(Some(found)) =
                        client.find_customer(&change.hierarchy, &change.name).await
                {
                    return made_earlier(client, change, &found).await;
                }
                attempt
            }
            (StepKind::Change, Action::Update | Action::Rename) => {
                update(client, change, retry).await
            }
            (StepKind::Change, Action::Delete) => delete(client, change).await,
        }
    }
}

/// How one attempt at a step ended, and whether another attempt may change that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub outcome: Outcome,
    /// The failure was transient ([`is_transient`]): a retry, which reads again first,
    /// may succeed.
    pub transient: bool,
}

impl Attempt {
    fn done(outcome: Outcome) -> Attempt {
        Attempt {
            outcome,
            transient: false,
        }
    }
}

impl From<Outcome> for Attempt {
    fn from(outcome: Outcome) -> Attempt {
        Attempt::done(outcome)
    }
}

/// Whether a step that met `error` may be tried again (after reading the customer
/// again): a busy or unreachable server (503 or 429 through the client's own retries,
/// no answer in time, no connection), a write whose outcome is unknown, or a transaction
/// that failed for a passing cause (the profile's `writes.transient_failure_texts`). A refusal (400,
/// 409, 403, 404 on a write, 401, TLS), a transaction refused by a rule, or an answer that
/// cannot be read is permanent.
pub(crate) fn is_transient(error: &ApiError) -> bool {
    match error {
        ApiError::Unavailable { .. } | ApiError::Timeout { .. } | ApiError::Connect { .. } => true,
        // One the server accepted may still be carried out: never sent again in this run.
        ApiError::Uncertain { accepted, .. } => !accepted,
        ApiError::TransactionFailed { transient, .. } => *transient,
        ApiError::Unauthorized { .. }
        | ApiError::Forbidden { .. }
        | ApiError::NotFound { .. }
        | ApiError::Rejected { .. }
        | ApiError::Tls { .. }
        | ApiError::BadResponse { .. } => false,
    }
}

fn finish(result: Result<crate::voss::WriteOutcome, ApiError>) -> Attempt {
    match result {
        Ok(outcome) => Attempt::done(Outcome::Applied {
            message: outcome.message,
        }),
        Err(error) if error.is_uncertain() => Attempt {
            transient: is_transient(&error),
            outcome: Outcome::Uncertain {
                detail: error.to_string(),
            },
        },
        Err(error) => failed_by(&error),
    }
}

/// A failure, transient or not as `error` is.
fn failed_by(error: &ApiError) -> Attempt {
    Attempt {
        outcome: Outcome::Failed {
            error: error.to_string(),
        },
        transient: is_transient(error),
    }
}

fn failed(error: impl ToString) -> Attempt {
    Attempt::done(Outcome::Failed {
        error: error.to_string(),
    })
}

/// A create or migration that an earlier attempt of this run made (`found` at its
/// hierarchy). A create carries every field, so the customer it made is the planned one;
/// a migration sets its fields after the move, which may not have happened: they are set
/// now unless they already hold the planned values.
async fn made_earlier(client: &Client, change: &Change, found: &LiveCustomer) -> Attempt {
    if change.action == Action::Create {
        return Attempt::done(Outcome::Applied {
            message: "an earlier attempt of this run made it (found by name at its hierarchy)"
                .to_owned(),
        });
    }
    set_migrated_fields(
        client,
        change,
        found,
        "an earlier attempt moved the customer here",
    )
    .await
}

/// A migration that happened (the customer `found` is at its hierarchy) but whose answer
/// was lost: whether the fields that follow the move were set is unknown, so they are
/// compared and, where they differ, written (an update of the whole record, as any
/// update). `how` starts the message.
async fn set_migrated_fields(
    client: &Client,
    change: &Change,
    found: &LiveCustomer,
    how: &str,
) -> Attempt {
    let fields = match updates_from_plan(&change.fields) {
        Ok(mut fields) => {
            fields.remove(Field::Name);
            fields
        }
        Err(error) => return failed(error),
    };
    if fields.is_empty() {
        return Attempt::done(Outcome::Applied {
            message: how.to_owned(),
        });
    }
    // A summary list may lack the fields: the whole record says whether they are set.
    let (whole, current) = match client.customer_record(&found.pkid).await {
        Ok(Some(read)) => read,
        Ok(None) => {
            return Attempt::done(Outcome::Uncertain {
                detail: format!("{how}, but it can no longer be read: run plan to see"),
            });
        }
        Err(error) => {
            return Attempt {
                transient: is_transient(&error),
                outcome: Outcome::Uncertain {
                    detail: format!(
                        "{how}, but reading it failed ({error}): run plan to see what is left"
                    ),
                },
            };
        }
    };
    let whole = LiveCustomer {
        hierarchy: if whole.hierarchy.is_empty() {
            found.hierarchy.clone()
        } else {
            whole.hierarchy
        },
        ..whole
    };
    if already_updated(change, &whole) {
        return Attempt::done(Outcome::Applied {
            message: format!("{how}; its fields are as planned"),
        });
    }
    // The record just read is the one written back (not read a second time).
    match client.put_customer(&found.pkid, &current, &fields).await {
        Ok(written) => Attempt::done(Outcome::Applied {
            message: format!("{how}; then its fields were set: {}", written.message),
        }),
        Err(error) => Attempt {
            transient: is_transient(&error),
            outcome: Outcome::Uncertain {
                detail: format!(
                    "{how}, but its fields could not be set ({error}): run plan to see what is left"
                ),
            },
        },
    }
}

/// Before a create is sent again: the customer is looked up by name at its hierarchy.
/// `None` when it is not there (send the create); else how the step ends.
async fn created_already(client: &Client, change: &Change) -> Option<Attempt> {
    match client.find_customer(&change.hierarchy, &change.name).await {
        Ok(None) => None,
        Ok(Some(found)) => Some(made_earlier(client, change, &found).await),
        Err(error) => Some(Attempt {
            outcome: Outcome::Uncertain {
                detail: format!(
                    "whether an earlier attempt made it is unknown: looking it up failed \
                     ({error})"
                ),
            },
            transient: is_transient(&error),
        }),
    }
}

async fn create(client: &Client, change: &Change, password: Option<Secret>) -> Attempt {
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
            // never send it again from here (a retry looks it up again first).
            let outcome = match client.find_customer(&change.hierarchy, &change.name).await {
                Ok(Some(found)) if change.action == Action::Migrate => {
                    return set_migrated_fields(
                        client,
                        change,
                        &found,
                        "its answer was lost, but the customer was moved",
                    )
                    .await;
                }
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
            };
            Attempt {
                transient: matches!(outcome, Outcome::Uncertain { .. }) && is_transient(&error),
                outcome,
            }
        }
        result => finish(result),
    }
}

/// An update or rename: the instance is read first and compared with the plan (its
/// fingerprint: nobody's edit since the plan is overwritten), then written whole with the
/// planned fields changed.
async fn update(client: &Client, change: &Change, retry: bool) -> Attempt {
    let Some(pkid) = &change.pkid else {
        return failed(
            "the plan names no live instance (pkid) for this change: make the plan again",
        );
    };
    let updates = match updates_from_plan(&change.fields) {
        Ok(updates) if updates.is_empty() => {
            return Attempt::done(Outcome::Applied {
                message: "nothing to write".to_owned(),
            });
        }
        Ok(updates) => updates,
        Err(error) => return failed(error),
    };
    let (mut now, current) = match client.customer_record(pkid).await {
        Ok(Some(read)) => read,
        Ok(None) => return failed("it no longer exists live: make the plan again"),
        Err(error) => return failed_by(&error),
    };
    if now.hierarchy.is_empty() {
        now.hierarchy = change.hierarchy.clone();
    }
    // An earlier attempt whose answer was lost may have made the change: then it is done,
    // not stale.
    if retry && already_updated(change, &now) {
        return Attempt::done(Outcome::Applied {
            message: "an earlier attempt made it (found before writing it again)".to_owned(),
        });
    }
    if let Some(problem) = crate::apply::stale::moved_since_plan(change, &now) {
        return failed(format!(
            "refused as stale: {problem} since the plan was made; nothing was written: make \
                 the plan again"
        ));
    }
    finish(client.put_customer(pkid, &current, &updates).await)
}

/// Whether the live customer `now` already holds every value the change writes.
fn already_updated(change: &Change, now: &crate::model::LiveCustomer) -> bool {
    now.hierarchy == change.hierarchy
        && now.name == change.name
        && change
            .fields
            .iter()
            .filter(|planned| !planned.field.is_local_admin())
            .all(|planned| {
                planned
                    .field
                    .live(now)
                    .is_some_and(|live| planned.field.same(&planned.after, &live))
            })
}

async fn delete(client: &Client, change: &Change) -> Attempt {
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
            return Attempt::done(Outcome::Applied {
                message: "already gone".to_owned(),
            });
        }
        Err(error) => return failed_by(&error),
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
        Err(error) => failed_by(&error),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::voss::request::{ApiRequest, Method};

    fn request() -> Box<ApiRequest> {
        Box::new(ApiRequest::at(
            Method::Post,
            "data/HcsCustomerDAT",
            "sys.hcs.P.R1",
        ))
    }

    #[test]
    fn a_busy_server_a_lost_answer_or_a_failed_transaction_is_retried() {
        let transient = [
            ApiError::Unavailable {
                request: request(),
                status: 503,
                attempts: 6,
                message: "service unavailable".into(),
            },
            ApiError::Unavailable {
                request: request(),
                status: 429,
                attempts: 6,
                message: "rate limit exceeded".into(),
            },
            ApiError::Timeout {
                request: request(),
                timeout: Duration::from_secs(30),
                attempts: 1,
            },
            ApiError::Connect {
                url: "https://voss".into(),
                request: request(),
                detail: "refused".into(),
            },
            ApiError::Uncertain {
                request: request(),
                detail: "HTTP 503".into(),
                accepted: false,
            },
            ApiError::TransactionFailed {
                request: request(),
                transaction_id: "7".into(),
                message: "simulated transaction failure (--txn-fail-rate); nothing was changed"
                    .into(),
                transient: true,
            },
        ];
        for error in &transient {
            assert!(is_transient(error), "{error}");
        }
    }

    #[test]
    fn a_refusal_is_never_retried() {
        let rejected = |status| ApiError::Rejected {
            request: request(),
            status,
            message: "refused".into(),
            errors: Vec::new(),
        };
        let permanent = [
            rejected(400),
            rejected(409),
            rejected(422),
            ApiError::Forbidden {
                request: request(),
                message: "outside your hierarchy".into(),
            },
            ApiError::NotFound {
                request: request(),
                message: "no such instance".into(),
            },
            ApiError::Unauthorized {
                username: "admin".into(),
            },
            ApiError::Tls {
                url: "https://voss".into(),
                detail: "unknown CA".into(),
            },
            ApiError::BadResponse {
                request: request(),
                detail: "not JSON".into(),
            },
        ];
        for error in &permanent {
            assert!(!is_transient(error), "{error}");
        }
        // A transaction refused by a rule fails again the same way.
        let refused = ApiError::TransactionFailed {
            request: request(),
            transaction_id: "8".into(),
            message: "no role named `Nope` is visible from sys.hcs.P.R1".into(),
            transient: false,
        };
        assert!(!is_transient(&refused), "{refused}");
    }

    #[test]
    fn a_write_the_server_accepted_is_never_sent_again() {
        let uncertain = |accepted| ApiError::Uncertain {
            request: request(),
            detail: "transaction 7 was still queued or in progress after 300 s".into(),
            accepted,
        };
        assert!(!is_transient(&uncertain(true)));
        assert!(is_transient(&uncertain(false)));
    }

    #[test]
    fn an_uncertain_write_is_a_transient_uncertain_attempt() {
        let attempt = finish(Err(ApiError::Uncertain {
            request: request(),
            detail: "no answer".into(),
            accepted: false,
        }));
        assert!(attempt.transient);
        assert!(matches!(attempt.outcome, Outcome::Uncertain { .. }));
        let attempt = finish(Err(ApiError::Rejected {
            request: request(),
            status: 400,
            message: "bad value".into(),
            errors: Vec::new(),
        }));
        assert!(!attempt.transient);
        assert!(matches!(attempt.outcome, Outcome::Failed { .. }));
    }
}
