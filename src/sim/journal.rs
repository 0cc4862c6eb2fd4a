//! The transaction records the store keeps (and the `--state` file holds). The write a
//! transaction runs is not part of its record: it travels with the queue (`txn.rs`), so
//! this module, the store and the rules do not depend on each other in a circle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::voss::routes::TRANSACTION;
use crate::voss::wire::TxnStatus;

/// A transaction as the store keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Txn {
    pub id: String,
    pub status: TxnStatus,
    pub username: String,
    pub hierarchy: String,
    pub description: String,
    /// Why it failed.
    #[serde(default)]
    pub message: Option<String>,
    /// The instance's href after the transaction (absent for a delete or a failure).
    #[serde(default)]
    pub after: Option<String>,
    /// Finished but not yet in the state file: still shown as `In Progress`.
    #[serde(skip)]
    pub awaiting_save: bool,
}

impl Txn {
    /// A queued transaction; `description` says what it does (never a password).
    pub fn new(id: String, username: &str, hierarchy: &str, description: String) -> Self {
        Txn {
            id,
            status: TxnStatus::Queued,
            username: username.to_owned(),
            hierarchy: hierarchy.to_owned(),
            description,
            message: None,
            after: None,
            awaiting_save: false,
        }
    }

    /// The status a client sees.
    pub fn visible_status(&self) -> TxnStatus {
        if self.awaiting_save {
            TxnStatus::InProgress
        } else {
            self.status.clone()
        }
    }

    pub fn href(&self) -> String {
        format!("/api/{TRANSACTION}/{}/", self.id)
    }
}

/// Marks transactions a previous run left unfinished as failed (their writes never ran).
pub fn fail_unfinished(txns: &mut BTreeMap<String, Txn>) {
    for txn in txns.values_mut().filter(|t| !t.status.is_final()) {
        txn.status = TxnStatus::Fail;
        txn.message = Some("the simulator stopped before this transaction ran".into());
    }
}
