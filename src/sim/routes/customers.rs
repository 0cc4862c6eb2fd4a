//! `relation/HcsCustomerREL`: list, get, create (POST), update (PUT: whole replacement;
//! PATCH: merge), delete (DELETE). Instances are addressed by the relation's pkid; the
//! `data.pkid` of a customer is another id, and a request with it answers 404 [seen].
//! `add/` answers the add form, with the create payload's JSON schema under `schema=1`
//! (see `add_form`).
//!
//! Bodies and records are under the simulator's profile's JSON names: each handler
//! translates at the boundary with the `Dialect` (see `dialect`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::voss::routes::{CUSTOMER, HCMF_HIERARCHY};
use serde_json::Value;

use crate::voss::wire::CustomerData;

use super::super::auth::Admin;
use super::super::body::read_object;
use super::super::emit;
use super::super::errors::ApiError;
use super::super::resources::{self, OrderBy};
use super::super::rules::{Op, UpdateMode, WriteKind, check_write};
use super::super::store::{skip_groups, within};
use super::super::{ListFields, Sim};
use super::{Params, Routes, check_pkid, write};

pub fn routes() -> Routes {
    vec![
        (CUSTOMER.to_owned(), get(list).post(create)),
        (format!("{CUSTOMER}/add"), get(add_form)),
        (
            format!("{CUSTOMER}/{{pkid}}"),
            get(read).put(replace).patch(merge).delete(delete),
        ),
    ]
}

/// Customers at the hierarchy and below, by parent path then name [seen: lists follow
/// the hierarchy downwards]. With `--list-fields summary` a listed customer carries only
/// `name` and `hierarchy_path`.
///
/// HCM-F customers wait at `sys.hcs`, above every provider. [ours]: an admin whose scope
/// is below `sys.hcs` may list at `sys.hcs` and gets the customers placed directly at
/// `sys.hcs` plus those in its own subtree, never another provider's or reseller's. Any
/// other hierarchy outside its scope is refused (403).
async fn list(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Response, ApiError> {
    let path = params.resolve(&sim)?;
    let hcmf_only = !admin.sees(&path) && path == HCMF_HIERARCHY;
    if !hcmf_only {
        admin.require(&path, || params.unknown())?;
    }
    let full = sim.options.list_fields == ListFields::Full;
    let identity = sim.dialect.is_identity();
    let page = sim.with_store(|store| {
        let store = &*store;
        let node = store.node_pkid(&path).unwrap_or_default();
        let instance = |pkid: &String| {
            store
                .customers
                .get(pkid)
                .map(|c| resources::customer_instance(c, full))
        };
        // One name → pkid map per parent, in list order: the page is found by the
        // groups' lengths, then only its own customers are walked and rendered.
        let groups: Vec<_> = if hcmf_only {
            // Sorted as a whole: `sys.hcs` sorts before every path below it.
            let own = &admin.hierarchy;
            store
                .customer_group_at(HCMF_HIERARCHY)
                .into_iter()
                .chain(
                    store
                        .customer_groups_under(own)
                        .filter(|_| within(own, HCMF_HIERARCHY)),
                )
                .collect()
        } else {
            store.customer_groups_under(&path).collect()
        };
        let total = groups.iter().map(|g| g.len() as u64).sum();
        let items = skip_groups(groups, params.window.skip, |g| g.values());
        if identity {
            // Written as JSON as it is walked (the same bytes, none of it built first).
            Out::Json(emit::page_from(
                store,
                CUSTOMER,
                node,
                OrderBy::Name,
                total,
                items,
                params.window,
                instance,
            ))
        } else {
            Out::Built(resources::page_from(
                CUSTOMER,
                node,
                OrderBy::Name,
                total,
                items,
                params.window,
                |pkid| instance(pkid).map(|i| i.resource(store)),
            ))
        }
    });
    Ok(out(&sim, page))
}

/// An answer carrying customers: its JSON already written (under the simulator's own
/// names), or built, for [`customers_out`] to translate under a renaming profile.
enum Out<T> {
    Json(Vec<u8>),
    Built(T),
}

fn out(sim: &Sim, answer: Out<impl serde::Serialize>) -> Response {
    match answer {
        Out::Json(bytes) => emit::response(bytes),
        Out::Built(answer) => customers_out(sim, answer),
    }
}

/// An answer carrying customers, as JSON under the profile's names. Under the
/// simulator's own names it is serialised as it is.
fn customers_out(sim: &Sim, answer: impl serde::Serialize) -> Response {
    if sim.dialect.is_identity() {
        return Json(answer).into_response();
    }
    Json(
        sim.dialect
            .customers_out(serde_json::to_value(answer).unwrap_or(Value::Null)),
    )
    .into_response()
}

/// The add form at `hierarchy=` (in the admin's scope, as for a list); the create
/// payload's JSON schema with `schema=1` (or `schema=true`). Without it, the same answer
/// without `schema` [ours]: the form's defaults.
async fn add_form(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    let schema = matches!(query.get("schema").map(String::as_str), Some("1" | "true"));
    let node = sim.with_store(|store| store.node_pkid(&path).unwrap_or_default().to_owned());
    Ok(Json(super::super::add_form::answer(
        &sim.dialect,
        &path,
        &node,
        schema,
    )))
}

/// Whether the admin may read this customer: in its subtree, or an HCM-F customer. Any
/// other answers as a missing pkid does.
fn visible(admin: &Admin, parent: &str, pkid: &str) -> Result<(), ApiError> {
    if parent == HCMF_HIERARCHY || admin.sees(parent) {
        Ok(())
    } else {
        Err(unknown(pkid))
    }
}

fn unknown(pkid: &str) -> ApiError {
    ApiError::not_found(
        "pkid",
        format!(
            "no {CUSTOMER} instance has pkid {pkid} (an instance is addressed by its top-level pkid, not data.pkid)"
        ),
    )
}

/// One customer with every field (never a password).
async fn read(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    _params: Params,
    Path(pkid): Path<String>,
) -> Result<Response, ApiError> {
    check_pkid(&pkid)?;
    let identity = sim.dialect.is_identity();
    let resource = sim.with_store(|store| {
        let c = store.customers.get(&pkid).ok_or_else(|| unknown(&pkid))?;
        visible(&admin, &c.parent, &pkid)?;
        let instance = resources::customer_instance(c, true);
        Ok::<_, ApiError>(if identity {
            let mut emitter = emit::Emitter::new(store);
            emitter.resource(&instance);
            Out::Json(emitter.into_bytes())
        } else {
            Out::Built(instance.resource(store))
        })
    })?;
    Ok(out(&sim, resource))
}

/// A customer write body under the profile's names: its data under the simulator's
/// own, checked for read-only and (on an update) create-only fields, and the clone flag.
fn read_write_body(
    sim: &Sim,
    body: Result<Bytes, BytesRejection>,
    kind: WriteKind,
) -> Result<(CustomerData, Option<bool>), ApiError> {
    let (data, clone) = sim.dialect.read_customer(read_object(body)?)?;
    check_write(&data, kind).map_err(|e| sim.dialect.error_out(e))?;
    if kind == WriteKind::Update && clone.is_some() {
        let flag = sim.dialect.clone_flag();
        return Err(ApiError::bad_fields(
            vec![flag.clone()],
            format!("create-only field(s) {flag}: an update never carries them"),
        ));
    }
    Ok((data, clone))
}

async fn create(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let prepared = (|| {
        let parent = params.hierarchy_in(&sim, &admin)?;
        let (data, clone) = read_write_body(&sim, body, WriteKind::Create)?;
        Ok::<_, ApiError>((parent, data, clone))
    })();
    match prepared {
        Ok((parent, data, clone)) => {
            // Before the clone flag's release a local admin's role is always cloned; from
            // it on, only when the create asks [doc].
            let clone_role = !sim.dialect.asks_to_clone_role() || clone == Some(true);
            let op = Op::Create {
                parent: parent.clone(),
                data,
                clone_role,
            };
            write(&sim, &admin, &parent, op, params.nowait).await
        }
        Err(e) => e.into_response(),
    }
}

/// PUT: the payload replaces the record [doc]; fields left out fall back to defaults.
async fn replace(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    Path(pkid): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    update(&sim, admin, params, pkid, body, UpdateMode::Replace).await
}

/// PATCH: only the fields sent change [seen in use, undocumented].
async fn merge(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    Path(pkid): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    update(&sim, admin, params, pkid, body, UpdateMode::Merge).await
}

async fn update(
    sim: &Sim,
    admin: Admin,
    params: Params,
    pkid: String,
    body: Result<Bytes, BytesRejection>,
    mode: UpdateMode,
) -> Response {
    let prepared = (|| {
        let parent = owned_customer(sim, &admin, &pkid)?;
        let (data, _) = read_write_body(sim, body, WriteKind::Update)?;
        Ok::<_, ApiError>((parent, data))
    })();
    match prepared {
        Ok((parent, data)) => {
            let op = Op::Update { pkid, data, mode };
            write(sim, &admin, &parent, op, params.nowait).await
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
    let parent = parent.ok_or_else(|| unknown(pkid))?;
    if !admin.sees(&parent) {
        return Err(unknown(pkid));
    }
    Ok(parent)
}
