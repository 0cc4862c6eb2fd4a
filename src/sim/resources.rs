//! Store records → the wire shapes of [`crate::voss::wire`]: `{"meta", "data"}` resources
//! and `{"pagination", "meta", "resources"}` pages.

use serde_json::json;

use crate::voss::routes::{CUSTOMER, HIERARCHY_NODE};
use crate::voss::wire::{
    CustomerData, HierarchyNodeData, ListBody, Meta, NamedData, NumberData, Pagination, Reference,
    References, Resource,
};

use super::rules::href;
use super::store::{CustomerRec, Node, NumberRec, Store, parent_of};

/// Where a list starts and how much of it to return.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub skip: u64,
    pub limit: u64,
    /// `count=false` makes `total` 0.
    pub count: bool,
}

/// One page of `items`, rendering only the instances on it (`render` may skip one).
pub fn page<I, T>(
    model_type: &str,
    hierarchy: &str,
    items: impl Iterator<Item = I>,
    window: Window,
    render: impl Fn(I) -> Option<Resource<T>>,
) -> ListBody<T> {
    let mut total = 0u64;
    let mut resources = Vec::new();
    for item in items {
        if total >= window.skip && (resources.len() as u64) < window.limit {
            resources.extend(render(item));
        }
        total += 1;
    }
    ListBody {
        pagination: Pagination {
            skip: window.skip,
            limit: window.limit,
            total: if window.count { total } else { 0 },
        },
        meta: json!({"model_type": model_type, "path": hierarchy}),
        resources,
    }
}

/// An instance's meta: self and parent references, its path and version.
pub fn meta(store: &Store, model_type: &str, pkid: &str, path: &str, version: &str) -> Meta {
    let parent = store
        .node_pkid(path)
        .map(|node| Reference {
            pkid: node.to_owned(),
            href: href(HIERARCHY_NODE, node),
        })
        .into_iter()
        .collect();
    Meta {
        tags: Vec::new(),
        version_tag: version.to_owned(),
        model_type: model_type.to_owned(),
        references: References {
            self_: vec![Reference {
                pkid: pkid.to_owned(),
                href: href(model_type, pkid),
            }],
            parent,
            ..References::default()
        },
        summary_attrs: Vec::new(),
        actions: Vec::new(),
        path: path.to_owned(),
        singleton: false,
    }
}

/// A customer: every stored field, never a password.
pub fn customer(store: &Store, c: &CustomerRec) -> Resource<CustomerData> {
    let f = &c.fields;
    Resource {
        meta: meta(store, CUSTOMER, &c.pkid, &c.parent, &c.version),
        data: CustomerData {
            pkid: Some(c.pkid.clone()),
            name: Some(f.name.clone()),
            description: Some(f.description.clone()),
            extended_name: Some(f.extended_name.clone()),
            external_customer_id: Some(f.external_customer_id.clone()),
            domain_name: Some(f.domain_name.clone()),
            public_sector: Some(f.public_sector),
            inactive_billing: Some(f.inactive_billing),
            create_admin: Some(f.create_admin),
            cloned_admin_role: Some(f.cloned_admin_role.clone()),
            default_admin_role: Some(f.default_admin_role.clone()),
            default_admin_password: None,
            repeat_default_admin_password: None,
            account_id: Some(f.account_id.clone()),
            deal_ids: Some(f.deal_ids.clone()),
            prime_collaboration: Some(f.prime_collaboration.clone()),
            shared_uc_apps: Some(f.shared_uc_apps),
            disable_num_mgmt: Some(f.disable_num_mgmt),
            migrate: None,
            hierarchy_path: Some(c.parent.clone()),
        },
    }
}

/// A hierarchy node; it lives at its parent's path.
pub fn node(store: &Store, path: &str, n: &Node) -> Resource<HierarchyNodeData> {
    let (parent, name) = match parent_of(path) {
        Some(parent) => (parent, &path[parent.len() + 1..]),
        None => ("", path),
    };
    Resource {
        meta: meta(store, HIERARCHY_NODE, &n.pkid, parent, &n.version),
        data: HierarchyNodeData {
            pkid: Some(n.pkid.clone()),
            name: name.to_owned(),
            node_type: n.node_type.as_str().to_owned(),
            domain: n.domain.clone(),
        },
    }
}

pub fn named(
    store: &Store,
    model_type: &str,
    path: &str,
    pkid: &str,
    name: &str,
    version: &str,
) -> Resource<NamedData> {
    Resource {
        meta: meta(store, model_type, pkid, path, version),
        data: NamedData {
            pkid: Some(pkid.to_owned()),
            name: name.to_owned(),
        },
    }
}

pub fn number(store: &Store, model_type: &str, path: &str, n: &NumberRec) -> Resource<NumberData> {
    Resource {
        meta: meta(store, model_type, &n.pkid, path, &n.version),
        data: NumberData {
            pkid: Some(n.pkid.clone()),
            number: n.number.clone(),
            status: Some(n.status.clone()),
        },
    }
}
