//! Transactions: a write made with `nowait=true` is queued with its [`Op`], then a
//! background task runs it (`Queued` → `In Progress` → `Success`/`Completed` or `Fail`),
//! one at a time in the order received. A finished transaction shows its final status
//! only once the state file holds it.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::mpsc;

use super::Sim;
use super::rules::Op;
use crate::voss::wire::TxnStatus;

/// A queued write: the transaction's id and the write (held in memory only: it may carry
/// passwords).
pub type Queued = (String, Op);

/// Runs queued transactions until the sender side is dropped.
pub async fn run_queue(sim: Arc<Sim>, mut queue: mpsc::UnboundedReceiver<Queued>) {
    while let Some((id, op)) = queue.recv().await {
        run_one(&sim, &id, op).await;
    }
}

async fn run_one(sim: &Sim, id: &str, op: Op) {
    let known = sim.with_store(|store| match store.transactions.get_mut(id) {
        Some(txn) => {
            txn.status = TxnStatus::InProgress;
            true
        }
        None => false,
    });
    if !known {
        return;
    }
    // Let a poll see `In Progress` under load, as on a real server.
    tokio::task::yield_now().await;
    let injected = sim.faults.txn_fails();
    let durable = sim.persister.is_some();
    sim.with_store(|store| {
        let outcome = if injected {
            Err("simulated transaction failure (--txn-fail-rate); nothing was changed".to_owned())
        } else {
            store
                .apply(&op)
                .map_err(|e| sim.dialect.error_out(e).message)
        };
        if let Some(txn) = store.transactions.get_mut(id) {
            match outcome {
                Ok(applied) => {
                    let n = sim.successes.fetch_add(1, Ordering::Relaxed);
                    txn.status = sim.options.txn_success.status(n);
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
