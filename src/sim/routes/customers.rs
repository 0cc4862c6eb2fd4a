//! `relation/HcsCustomerREL`: list, get, create (POST), update (PUT), delete (DELETE).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::voss::routes::{CUSTOMER, HCMF_HIERARCHY};
use crate::voss::wire::{CustomerData, ListBody, Resource};

use super::super::Sim;
use super::super::auth::Admin;
use super::super::errors::ApiError;
use super::super::resources;
use super::super::rules::Op;
use super::{Params, Routes, check_pkid, parse_body, write};

pub fn routes() -> Routes {
    vec![
        (CUSTOMER.to_owned(), get(list).post(create)),
        (
            format!("{CUSTOMER}/{{pkid}}"),
            get(read).put(update).delete(delete),
        ),
    ]
}

/// Customers at the hierarchy and below (`direct=true`: exactly at it), by path then name.
/// HCM-F customers wait at `sys.hcs`: any admin may list them with `direct=true` [ours].
async fn list(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<CustomerData>>, ApiError> {
    let path = params.resolve(&sim)?;
    let hcmf = path == HCMF_HIERARCHY && params.direct;
    if !hcmf {
        admin.require(&path)?;
    }
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        resources::page(
            CUSTOMER,
            &path,
            store.pkids_under(&path, params.direct),
            params.window,
            |pkid| {
                store
                    .customers
                    .get(pkid)
                    .map(|c| resources::customer(store, c))
            },
        )
    })))
}

/// Whether the admin may read this customer: in its subtree, or an HCM-F customer.
fn visible(admin: &Admin, parent: &str) -> Result<(), ApiError> {
    if parent == HCMF_HIERARCHY {
        Ok(())
    } else {
        admin.require(parent)
    }
}

async fn read(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    _params: Params,
    Path(pkid): Path<String>,
) -> Result<Json<Resource<CustomerData>>, ApiError> {
    check_pkid(&pkid)?;
    sim.with_store(|store| {
        let c = store
            .customers
            .get(&pkid)
            .ok_or_else(|| ApiError::not_found("pkid", format!("no customer has pkid {pkid}")))?;
        visible(&admin, &c.parent)?;
        Ok(Json(resources::customer(store, c)))
    })
}

async fn create(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let prepared = (|| {
        let parent = params.hierarchy_in(&sim, &admin)?;
        let data: CustomerData = parse_body(body)?;
        refuse_read_only(&data)?;
        Ok::<_, ApiError>((parent, data))
    })();
    match prepared {
        Ok((parent, data)) => {
            write(
                &sim,
                &admin,
                &parent.clone(),
                Op::Create { parent, data },
                params.nowait,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

async fn update(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    Path(pkid): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let prepared = (|| {
        let parent = owned_customer(&sim, &admin, &pkid)?;
        let data: CustomerData = parse_body(body)?;
        refuse_read_only(&data)?;
        Ok::<_, ApiError>((parent, data))
    })();
    match prepared {
        Ok((parent, data)) => {
            write(
                &sim,
                &admin,
                &parent,
                Op::Update { pkid, data },
                params.nowait,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

async fn delete(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    Path(pkid): Path<String>,
) -> Response {
    match owned_customer(&sim, &admin, &pkid) {
        Ok(parent) => write(&sim, &admin, &parent, Op::Delete { pkid }, params.nowait).await,
        Err(e) => e.into_response(),
    }
}

/// The parent of a customer the admin may change (HCM-F customers are changed only by
/// migrating them).
fn owned_customer(sim: &Sim, admin: &Admin, pkid: &str) -> Result<String, ApiError> {
    check_pkid(pkid)?;
    let parent = sim.with_store(|store| store.customers.get(pkid).map(|c| c.parent.clone()));
    let parent = parent
        .ok_or_else(|| ApiError::not_found("pkid", format!("no customer has pkid {pkid}")))?;
    admin.require(&parent)?;
    Ok(parent)
}

fn refuse_read_only(data: &CustomerData) -> Result<(), ApiError> {
    if data.default_admin_role.is_some() {
        return Err(ApiError::bad_request(
            "defaultAdminRole",
            "defaultAdminRole is read-only: it is derived from the customer name and the cloned role",
        ));
    }
    Ok(())
}
