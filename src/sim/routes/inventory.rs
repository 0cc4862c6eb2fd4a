//! What lives at a customer's own node: its dependents (LDAP servers, SSO identity
//! providers, phones, Network Device Lists, sites: list only), its number inventories
//! (list, POST) and the DN audit (`tool/DnAudit`, POST → a transaction, [ours]).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::voss::routes::{DN_AUDIT, LDAP, NETWORK_DEVICE_LIST, PHONE, SITE, SSO_PROVIDER};
use crate::voss::wire::{ListBody, NamedData, NumberData};

use super::super::Sim;
use super::super::auth::Admin;
use super::super::errors::ApiError;
use super::super::resources::{self, OrderBy};
use super::super::rules::{Op, number_model};
use super::super::store::{CustomerRec, DependentKind, NumberKind, Store};
use super::{Params, Routes, parse_body, queue, write};

pub fn routes() -> Routes {
    let dependents = [
        (LDAP, DependentKind::Ldap),
        (SSO_PROVIDER, DependentKind::SsoProvider),
        (PHONE, DependentKind::Device),
        (NETWORK_DEVICE_LIST, DependentKind::NetworkDeviceList),
        (SITE, DependentKind::Site),
    ];
    let mut routes: Routes = dependents
        .into_iter()
        .map(|(model, kind)| {
            let handler = move |sim: State<Arc<Sim>>, admin: Admin, params: Params| {
                list_dependents(sim, admin, params, model, kind)
            };
            (model.to_owned(), get(handler))
        })
        .collect();
    for kind in [NumberKind::Internal, NumberKind::E164] {
        let list = move |sim: State<Arc<Sim>>, admin: Admin, params: Params| {
            list_numbers(sim, admin, params, kind)
        };
        let add = move |sim: State<Arc<Sim>>,
                        admin: Admin,
                        params: Params,
                        body: Result<Bytes, BytesRejection>| {
            add_number(sim, admin, params, body, kind)
        };
        routes.push((number_model(kind).to_owned(), get(list).post(add)));
    }
    routes.push((DN_AUDIT.to_owned(), post(dn_audit)));
    routes
}

/// The customers whose nodes are at the hierarchy or below it.
fn owners<'a>(store: &'a Store, path: &'a str) -> Vec<&'a CustomerRec> {
    match store.customer_of_node(path) {
        Some(customer) => vec![customer],
        None => store.customers_under(path).collect(),
    }
}

async fn list_dependents(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    model: &'static str,
    kind: DependentKind,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        let mut items: Vec<(String, &_)> = owners(store, &path)
            .into_iter()
            .flat_map(|c| {
                let node = c.node_path();
                c.dependents.of(kind).iter().map(move |d| (node.clone(), d))
            })
            .collect();
        items.sort_by(|(pa, a), (pb, b)| pa.cmp(pb).then(a.name.cmp(&b.name)));
        let node = store.node_pkid(&path).unwrap_or_default();
        resources::page(
            model,
            node,
            OrderBy::Name,
            items.into_iter(),
            params.window,
            |(p, d)| Some(resources::named(store, model, &p, &d.pkid, &d.name)),
        )
    })))
}

async fn list_numbers(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    kind: NumberKind,
) -> Result<Json<ListBody<NumberData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    let model = number_model(kind);
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        let mut items: Vec<(String, &_)> = owners(store, &path)
            .into_iter()
            .flat_map(|c| {
                let node = c.node_path();
                c.numbers(kind).iter().map(move |n| (node.clone(), n))
            })
            .collect();
        items.sort_by(|(pa, a), (pb, b)| pa.cmp(pb).then(a.number.cmp(&b.number)));
        let node = store.node_pkid(&path).unwrap_or_default();
        resources::page(
            model,
            node,
            OrderBy::Number,
            items.into_iter(),
            params.window,
            |(p, n)| Some(resources::number(store, model, &p, n)),
        )
    })))
}

/// The customer whose own node the request's hierarchy names.
fn customer_at_node(
    sim: &Sim,
    admin: &Admin,
    params: &Params,
) -> Result<(String, String), ApiError> {
    let path = params.hierarchy_in(sim, admin)?;
    let pkid = sim.with_store(|store| store.customer_of_node(&path).map(|c| c.pkid.clone()));
    let pkid = pkid.ok_or_else(|| {
        ApiError::bad_request(
            "hierarchy",
            format!("`{path}` is not a customer's node: numbers and the DN audit live at one"),
        )
    })?;
    Ok((path, pkid))
}

async fn add_number(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    body: Result<Bytes, BytesRejection>,
    kind: NumberKind,
) -> Response {
    let prepared = customer_at_node(&sim, &admin, &params)
        .and_then(|target| Ok((target, parse_body::<NumberData>(body)?)));
    match prepared {
        Ok(((path, customer), data)) => {
            let op = Op::AddNumber {
                customer,
                kind,
                number: data.number,
            };
            write(&sim, &admin, &path, op, params.nowait).await
        }
        Err(e) => e.into_response(),
    }
}

/// Always a transaction; it fails while number management is disabled.
async fn dn_audit(State(sim): State<Arc<Sim>>, admin: Admin, params: Params) -> Response {
    match customer_at_node(&sim, &admin, &params) {
        Ok((path, customer)) => {
            queue(&sim, &admin, &path, Op::DnAudit { customer }).into_response()
        }
        Err(e) => e.into_response(),
    }
}
