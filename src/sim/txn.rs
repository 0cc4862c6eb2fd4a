//! Transactions: a write made with `nowait=true` is queued, then a background task runs it
//! (`Queued` → `In Progress` → `Success` or `Fail`), one at a time in the order received.
//! A finished transaction shows its final status only once the state file holds it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::Sim;
use super::rules::Op;
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
    /// The write to run; held in memory only (it may carry passwords).
    #[serde(skip)]
    pub op: Option<Op>,
    /// Finished but not yet in the state file: still shown as `In Progress`.
    #[serde(skip)]
    pub awaiting_save: bool,
}

impl Txn {
    pub fn new(id: String, username: &str, hierarchy: &str, op: Op) -> Self {
        Txn {
            id,
            status: TxnStatus::Queued,
            username: username.to_owned(),
            hierarchy: hierarchy.to_owned(),
            description: op.describe(),
            message: None,
            after: None,
            op: Some(op),
            awaiting_save: false,
        }
    }

    /// The status a client sees.
    pub fn visible_status(&self) -> TxnStatus {
        if self.awaiting_save {
            TxnStatus::InProgress
        } else {
            self.status
        }
    }

    pub fn href(&self) -> String {
        format!("/api/{}/{}/", crate::voss::routes::TRANSACTION, self.id)
    }
}

/// Marks transactions a previous run left unfinished as failed (their writes never ran).
pub fn fail_unfinished(txns: &mut std::collections::BTreeMap<String, Txn>) {
    for txn in txns.values_mut().filter(|t| !t.status.is_final()) {
        txn.status = TxnStatus::Fail;
        txn.message = Some("the simulator stopped before this transaction ran".into());
    }
}

/// Runs queued transactions until the sender side is dropped.
pub async fn run_queue(sim: Arc<Sim>, mut queue: mpsc::UnboundedReceiver<String>) {
    while let Some(id) = queue.recv().await {
        run_one(&sim, &id).await;
    }
}

async fn run_one(sim: &Sim, id: &str) {
    let Some(op) = sim.with_store(|store| {
        let txn = store.transactions.get_mut(id)?;
        txn.status = TxnStatus::InProgress;
        txn.op.take()
    }) else {
        return;
    };
    // Let a poll see `In Progress` under load, as on a real server.
    tokio::task::yield_now().await;
    let injected = sim.faults.txn_fails();
    let durable = sim.persister.is_some();
    sim.with_store(|store| {
        let outcome = if injected {
            Err("simulated transaction failure (--txn-fail-rate); nothing was changed".to_owned())
        } else {
            store.apply(&op).map_err(|e| e.message)
        };
        if let Some(txn) = store.transactions.get_mut(id) {
            match outcome {
                Ok(applied) => {
                    txn.status = TxnStatus::Success;
                    txn.after = applied.href;
                }
                Err(message) => {
                    txn.status = TxnStatus::Fail;
                    txn.message = Some(message);
                }
            }
            txn.awaiting_save = durable;
        }
    });
    if durable {
        if let Err(e) = sim.save().await {
            eprintln!("voss-customers sim: {}", e.message);
        }
        sim.with_store(|store| {
            if let Some(txn) = store.transactions.get_mut(id) {
                txn.awaiting_save = false;
            }
        });
    }
}
