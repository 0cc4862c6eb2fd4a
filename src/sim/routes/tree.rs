//! The hierarchy and what hangs on it: `data/HierarchyNode` (list, get), the provider and
//! reseller relations (`relation/HcsProviderREL`, `relation/HcsResellerREL`: list; their
//! `directoryDomain` is the provider's or reseller's domain), `data/Role` (list),
//! `data/User` (local admins, [ours]) and `data/HcsPrimeCollaborationDAT` (the
//! applications synced from HCM-F, [ours]).
//!
//! Every list at a hierarchy H includes what lives below H. [ours]: the node-like lists
//! (nodes, provider and reseller relations) start with H's own instance, so an admin can
//! read its own node; role lists also hold the roles visible from H (defined at its
//! ancestors), which a local admin may be cloned from.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use crate::voss::routes::{
    HCMF_HIERARCHY, HIERARCHY_NODE, PRIME_COLLABORATION, PROVIDER_REL, RESELLER_REL, ROLE, USER,
};
use crate::voss::wire::{HierarchyNodeData, ListBody, NamedData, ProviderData, Resource};

use super::super::Sim;
use super::super::auth::Admin;
use super::super::emit;
use super::super::errors::ApiError;
use super::super::resources::{self, OrderBy};
use super::super::store::{NodeType, Placed, Store, within};
use super::{Params, Routes, check_pkid};

pub fn routes() -> Routes {
    let relation = |model: &'static str, kind: NodeType| {
        move |sim: State<Arc<Sim>>, admin: Admin, params: Params| {
            list_relations(sim, admin, params, model, kind)
        }
    };
    vec![
        (HIERARCHY_NODE.to_owned(), get(list_nodes)),
        (format!("{HIERARCHY_NODE}/{{pkid}}"), get(read_node)),
        (
            PROVIDER_REL.to_owned(),
            get(relation(PROVIDER_REL, NodeType::Provider)),
        ),
        (
            RESELLER_REL.to_owned(),
            get(relation(RESELLER_REL, NodeType::Reseller)),
        ),
        (ROLE.to_owned(), get(list_roles)),
        (USER.to_owned(), get(list_users)),
        (PRIME_COLLABORATION.to_owned(), get(list_prime)),
    ]
}

/// The nodes at and below the hierarchy, its own first; written as JSON as they are
/// walked (a list at a provider holds every customer's node).
async fn list_nodes(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Response, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(emit::response(sim.with_store(|store| {
        let store = &*store;
        let node = store.node_pkid(&path).unwrap_or_default();
        let (total, nodes) = store.nodes_window(&path, params.window.skip);
        emit::page_from(
            store,
            HIERARCHY_NODE,
            node,
            OrderBy::Name,
            total,
            nodes,
            params.window,
            |(p, n)| Some(resources::node_instance(p, n)),
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
        let missing = || ApiError::not_found("pkid", format!("no hierarchy node has pkid {pkid}"));
        let path = store.node_path_of(&pkid).ok_or_else(missing)?.to_owned();
        admin.require(&path, missing)?;
        let node = store
            .nodes
            .get(&path)
            .ok_or_else(|| ApiError::internal("a hierarchy node lost its record"))?;
        Ok(Json(resources::node(store, &path, node)))
    })
}

/// The providers (or resellers) at and below the hierarchy, with their domains.
async fn list_relations(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
    model: &'static str,
    kind: NodeType,
) -> Result<Json<ListBody<ProviderData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let store = &*store;
        let node = store.node_pkid(&path).unwrap_or_default();
        let nodes = store.relation_nodes_within(&path, kind);
        resources::page(
            model,
            node,
            OrderBy::Name,
            nodes.into_iter(),
            params.window,
            |(p, n)| resources::relation(store, model, p, n),
        )
    })))
}

/// Roles visible from the hierarchy (defined at it or its ancestors), then those defined
/// below it.
async fn list_roles(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let roles = sorted(
            store
                .roles
                .iter()
                .filter(|r| within(&path, &r.path) || within(&r.path, &path)),
        );
        placed_page(store, ROLE, &path, roles, &params)
    })))
}

/// Local admins at the hierarchy and below.
async fn list_users(
    State(sim): State<Arc<Sim>>,
    admin: Admin,
    params: Params,
) -> Result<Json<ListBody<NamedData>>, ApiError> {
    let path = params.hierarchy_in(&sim, &admin)?;
    Ok(Json(sim.with_store(|store| {
        let users = sorted(store.users.iter().filter(|u| within(&u.path, &path)));
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
        let node = store.node_pkid(&path).unwrap_or_default();
        let mut apps: Vec<_> = store.prime_collaboration.iter().collect();
        apps.sort_by(|a, b| a.name.cmp(&b.name));
        resources::page(
            PRIME_COLLABORATION,
            node,
            OrderBy::Name,
            apps.into_iter(),
            params.window,
            |p| {
                Some(resources::named(
                    store,
                    PRIME_COLLABORATION,
                    HCMF_HIERARCHY,
                    &p.pkid,
                    &p.name,
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
    store: &Store,
    model_type: &str,
    path: &str,
    items: Vec<&Placed>,
    params: &Params,
) -> ListBody<NamedData> {
    let node = store.node_pkid(path).unwrap_or_default();
    resources::page(
        model_type,
        node,
        OrderBy::Name,
        items.into_iter(),
        params.window,
        |p| {
            Some(resources::named(
                store, model_type, &p.path, &p.pkid, &p.name,
            ))
        },
    )
}
