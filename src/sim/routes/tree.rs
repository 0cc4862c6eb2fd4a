//! The hierarchy and what hangs on it: `data/HierarchyNode` (list, get), `data/Role`
//! (list: roles visible from the hierarchy), `data/User` (local admins, [ours]) and
//! `data/HcsPrimeCollaborationDAT` (the applications synced from HCM-F, [ours]).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::voss::routes::{HCMF_HIERARCHY, HIERARCHY_NODE, PRIME_COLLABORATION, ROLE, USER};
use crate::voss::wire::{HierarchyNodeData, ListBody, NamedData, Resource};

use super::super::Sim;
use super::super::auth::Admin;
use super::super::errors::ApiError;
use super::super::resources;
use super::super::store::{Placed, parent_of, within};
use super::{Params, Routes, check_pkid};

pub fn routes() -> Routes {
    vec![
        (HIERARCHY_NODE.to_owned(), get(list_nodes)),
        (format!("{HIERARCHY_NODE}/{{pkid}}"), get(read_node)),
        (ROLE.to_owned(), get(list_roles)),
        (USER.to_owned(), get(list_users)),
        (PRIME_COLLABORATION.to_owned(), get(list_prime)),
    ]
}

/// The nodes below the hierarchy (each lives at its parent's path).
async fn list_nodes(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<HierarchyNodeData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        let mut nodes: Vec<_> = store
            .nodes
            .iter()
            // At H: H itself first, then the nodes below it (`direct`: its children only).
            .filter(|(p, _)| match parent_of(p) {
                Some(parent) if params.direct => parent == path,
                Some(parent) => within(parent, &path) || p.as_str() == path,
                None => false,
            })
            .collect();
        nodes.sort_by(|(a, _), (b, _)| parent_of(a).cmp(&parent_of(b)).then(a.cmp(b)));
        resources::page(
            HIERARCHY_NODE,
            &path,
            nodes.into_iter(),
            params.window,
            |(p, n)| Some(resources::node(store, p, n)),
        )
    })))
}

async fn read_node(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    _params: Params,
    Path(pkid): Path<String>,
) -> Result<Json<Resource<HierarchyNodeData>>, ApiError> {
    check_pkid(&pkid)?;
    sim.with_store(|store| {
        let path = store
            .node_path_of(&pkid)
            .ok_or_else(|| {
                ApiError::not_found("pkid", format!("no hierarchy node has pkid {pkid}"))
            })?
            .to_owned();
        admin.require(&path)?;
        let node = store
            .nodes
            .get(&path)
            .ok_or_else(|| ApiError::internal("a hierarchy node lost its record"))?;
        Ok(Json(resources::node(store, &path, node)))
    })
}

/// Roles defined at the hierarchy and its ancestors (`direct=true`: at it only).
async fn list_roles(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let roles: Vec<&Placed> = sorted(store.roles_visible_from(&path, params.direct));
        placed_page(store, ROLE, &path, roles, &params)
    })))
}

/// Local admins at the hierarchy and below (`direct=true`: at it only).
async fn list_users(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let users = sorted(store.users.iter().filter(|u| {
            if params.direct {
                u.path == path
            } else {
                within(&u.path, &path)
            }
        }));
        placed_page(store, USER, &path, users, &params)
    })))
}

/// Every Prime Collaboration application synced from HCM-F; readable at any hierarchy
/// the admin may read.
async fn list_prime(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        let mut apps: Vec<_> = store.prime_collaboration.iter().collect();
        apps.sort_by(|a, b| a.name.cmp(&b.name));
        resources::page(
            PRIME_COLLABORATION,
            &path,
            apps.into_iter(),
            params.window,
            |p| {
                let (pkid, name, version) = (&p.pkid, &p.name, &p.version);
                Some(resources::named(
                    store,
                    PRIME_COLLABORATION,
                    HCMF_HIERARCHY,
                    pkid,
                    name,
                    version,
                ))
            },
        )
    })))
}

fn sorted<'a>(items: impl Iterator<Item = &'a Placed>) -> Vec<&'a Placed> {
    let mut items: Vec<&Placed> = items.collect();
    items.sort_by(|a, b| a.path.cmp(&b.path).then(a.name.cmp(&b.name)));
    items
}

fn placed_page(
    store: &super::super::store::Store,
    model_type: &str,
    path: &str,
    items: Vec<&Placed>,
    params: &Params,
) -> ListBody<NamedData> {
    resources::page(model_type, path, items.into_iter(), params.window, |p| {
        Some(resources::named(
            store, model_type, &p.path, &p.pkid, &p.name, &p.version,
        ))
    })
}
