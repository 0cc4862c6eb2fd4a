//! `tool/Transaction`: get and poll. An admin sees its own transactions and those at
//! hierarchies in its subtree.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::json;

use crate::voss::routes::TRANSACTION;
use crate::voss::wire::{
    PollBody, PollEntry, TransactionBody, TransactionData, TransactionResource,
};

use super::super::Sim;
use super::super::auth::Admin;
use super::super::errors::ApiError;
use super::super::journal::Txn;
use super::{Params, Routes};

pub fn routes() -> Routes {
    vec![
        (format!("{TRANSACTION}/{{id}}"), get(read)),
        (format!("{TRANSACTION}/{{id}}/poll"), get(poll)),
    ]
}

fn find(sim: &Sim, admin: &Admin, id: &str) -> Result<Txn, ApiError> {
    let txn = sim.with_store(|store| store.transactions.get(id).cloned());
    let missing = || ApiError::not_found("id", format!("no transaction has id {id}"));
    let txn = txn.ok_or_else(missing)?;
    // Another admin's transaction outside this admin's subtree answers as a missing one.
    if txn.username != admin.email && !admin.sees(&txn.hierarchy) {
        return Err(missing());
    }
    Ok(txn)
}

async fn read(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    _params: Params,
    Path(id): Path<String>,
) -> Result<Json<TransactionBody>, ApiError> {
    let txn = find(&sim, &admin, &id)?;
    let status = txn.visible_status();
    let final_ = status.is_final();
    Ok(Json(TransactionBody {
        meta: json!({
            "model_type": TRANSACTION,
            "references": {"self": [{"pkid": txn.id, "href": txn.href()}]},
        }),
        data: TransactionData {
            status,
            username: txn.username.clone(),
            resource: TransactionResource {
                hierarchy: txn.hierarchy.clone(),
                after_transaction: txn.after.clone().filter(|_| final_),
            },
            message: txn.message.clone().filter(|_| final_),
        },
    }))
}

async fn poll(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    _params: Params,
    Path(id): Path<String>,
) -> Result<Json<PollBody>, ApiError> {
    let txn = find(&sim, &admin, &id)?;
    let status = txn.visible_status();
    let description = match (&txn.message, status.is_final()) {
        (Some(message), true) => format!("{}: {message}", txn.description),
        _ => txn.description.clone(),
    };
    let mut body = PollBody::new();
    body.insert(
        txn.id.clone(),
        PollEntry {
            status,
            href: txn.href(),
            description,
        },
    );
    Ok(Json(body))
}
