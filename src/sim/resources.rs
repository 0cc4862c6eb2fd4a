//! Store records → the wire shapes of [`crate::voss::wire`], as real servers answer
//! (`voss-api.md`, [seen] on 11.5.1): `{"pkid", "meta", "data"}` resources whose top-level
//! pkid is the instance's (for a relation, not `data.pkid`), `meta.path` as a list of
//! pkids, references without `href` here and there, the meta keys a client must ignore,
//! and `{"operations", "pagination", "meta", "resources"}` pages.

use serde_json::{Map, Value, json};

use crate::voss::routes::{CUSTOMER, HIERARCHY_NODE};
use crate::voss::wire::{
    CustomerData, HierarchyNodeData, ListBody, Meta, NamedData, NumberData, Pagination,
    ProviderData, Reference, References, Resource,
};

use super::rules::href;
use super::store::{CustomerRec, Node, NumberRec, Store, parent_of};

/// The `api_version` the simulator announces [ours].
const API_VERSION: &str = "25.4";
/// The `schema_version` of every model [ours].
pub const SCHEMA_VERSION: &str = "1.6";

/// Where a list starts, how much of it to return, and the server's page limit.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub skip: u64,
    pub limit: u64,
    /// `count=false` makes `total` 0 [ours].
    pub count: bool,
    /// `pagination.maximum_limit`.
    pub maximum_limit: u64,
}

/// How a list is sorted (announced in `pagination.order_by`).
#[derive(Debug, Clone, Copy)]
pub enum OrderBy {
    Name,
    Number,
}

impl OrderBy {
    fn field(self) -> &'static str {
        match self {
            OrderBy::Name => "name",
            OrderBy::Number => "number",
        }
    }
}

/// One page of `items` listed at the node `node_pkid`, rendering only the instances on it
/// (`render` may skip one). Items before the page are counted, not rendered.
pub fn page<I, T>(
    model_type: &str,
    node_pkid: &str,
    order_by: OrderBy,
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
    body(model_type, node_pkid, order_by, total, resources, window)
}

/// One page of a list whose length is known (`total`) and whose items are given from
/// the window's `skip` on: only the page is walked and rendered. (`emit::page_from`
/// writes the same answer's JSON without building it.)
pub fn page_from<I, T>(
    model_type: &str,
    node_pkid: &str,
    order_by: OrderBy,
    total: u64,
    items_from_skip: impl Iterator<Item = I>,
    window: Window,
    render: impl Fn(I) -> Option<Resource<T>>,
) -> ListBody<T> {
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    let resources = items_from_skip.take(limit).filter_map(render).collect();
    body(model_type, node_pkid, order_by, total, resources, window)
}

/// A list answer around `resources`.
pub fn body<T>(
    model_type: &str,
    node_pkid: &str,
    order_by: OrderBy,
    total: u64,
    resources: Vec<Resource<T>>,
    window: Window,
) -> ListBody<T> {
    let order = order_by.field();
    ListBody {
        operations: json!(["help", "get", "list", "add", "update", "remove", "export"]),
        pagination: Pagination {
            skip: window.skip,
            limit: window.limit,
            total: if window.count { total } else { 0 },
            maximum_limit: Some(window.maximum_limit),
            total_limit: None,
            current: Some(format!(
                "/api/{model_type}/?skip={}&limit={}&order_by={order}&direction=asc&traversal=default",
                window.skip, window.limit
            )),
            order_by: Some(order.to_owned()),
            direction: Some("asc".to_owned()),
        },
        meta: json!({
            "title": "",
            "cached": true,
            "tags": [],
            "schema_version": SCHEMA_VERSION,
            "references": {
                "self": [{"pkid": null, "href": format!("/api/{model_type}/None/")}],
                "parent": [{"pkid": node_pkid, "href": format!("/api/{HIERARCHY_NODE}/{node_pkid}")}],
                "children": [],
                "foreign_key": [],
            },
            "api_version": API_VERSION,
            "model_type": model_type,
            "actions": [
                {"list": action(&format!("/api/{model_type}/?hierarchy={node_pkid}"), "List", "GET", "list", false)},
                {"add": action(&format!("/api/{model_type}/add/?hierarchy={node_pkid}"), "Add", "GET", "add", false)},
            ],
            "business_key": {},
            "tagged_versions": [],
        }),
        resources,
    }
}

fn action(href: &str, title: &str, method: &str, class: &str, support_async: bool) -> Value {
    json!({"href": href, "title": title, "method": method, "class": class,
        "support_async": support_async})
}

/// An instance's meta [seen]: `path` (the pkids of `sys` down to `parent`, then `pkid`),
/// references (self with href, parent without), and the keys a client must ignore.
pub fn meta(store: &Store, model_type: &str, pkid: &str, parent: &str, title: &str) -> Meta {
    let parent_ref = store
        .node_pkid(parent)
        .map(|node| Reference {
            pkid: Some(node.to_owned()),
            href: None,
        })
        .into_iter()
        .collect();
    let own = href(model_type, pkid);
    let fixed = FixedMeta::new();
    Meta {
        path: store.path_pkids(parent, pkid),
        references: References {
            self_: vec![Reference {
                pkid: Some(pkid.to_owned()),
                href: Some(own.clone()),
            }],
            parent: parent_ref,
            owner: vec![Reference {
                pkid: Some(String::new()),
                href: None,
            }],
            device: vec![Reference {
                pkid: Some(String::new()),
                href: Some(String::new()),
            }],
            ..References::default()
        },
        model_type: model_type.to_owned(),
        version_tag: None,
        title: Some(json!(title)),
        cached: Some(fixed.cached),
        schema_version: Some(fixed.schema_version),
        summary: Some(fixed.summary),
        summary_attrs: Some(fixed.summary_attrs),
        business_key: Some(fixed.business_key),
        tagged_versions: Some(fixed.tagged_versions),
        tags: Some(fixed.tags),
        actions: Some(Value::Array(
            ACTIONS
                .iter()
                .map(|a| {
                    let mut one = Map::new();
                    let href = a.href(&own);
                    let body = action(&href, a.title, a.method, a.class, a.support_async);
                    one.insert(a.name.to_owned(), body);
                    Value::Object(one)
                })
                .collect(),
        )),
        api_version: Some(fixed.api_version),
    }
}

/// The meta keys whose values are the same for every instance, in [`Meta`]'s order
/// (`title` and `actions` come between: they are the instance's own). Each field is the
/// JSON value of the `meta` key of the same name, shaped after the captured answers
/// (docs/voss-api.md).
pub struct FixedMeta {
    pub cached: Value,
    pub schema_version: Value,
    pub summary: Value,
    pub summary_attrs: Value,
    pub business_key: Value,
    pub tagged_versions: Value,
    pub tags: Value,
    pub api_version: Value,
}

impl FixedMeta {
    /// The values every simulated instance carries.
    pub fn new() -> Self {
        FixedMeta {
            cached: json!(true),
            schema_version: json!(SCHEMA_VERSION),
            summary: json!("false"),
            summary_attrs: json!([
                {"name": "name", "title": "Name"},
                {"allow_filtering": false, "name": "hierarchy_path", "title": "Hierarchy"},
            ]),
            business_key: json!({"hierarchy": true, "unique": ["name"]}),
            tagged_versions: json!([]),
            tags: json!([]),
            api_version: json!(API_VERSION),
        }
    }
}

/// One of an instance's `meta.actions`: `{NAME: {"href", "title", "method", "class",
/// "support_async"}}`, its href the instance's own (with `suffix`).
pub struct InstanceAction {
    pub name: &'static str,
    pub suffix: &'static str,
    pub title: &'static str,
    pub method: &'static str,
    pub class: &'static str,
    pub support_async: bool,
}

impl InstanceAction {
    /// The action's href for an instance whose own href is `own`: `own` + `suffix`.
    pub fn href(&self, own: &str) -> String {
        format!("{own}{}", self.suffix)
    }
}

/// Every instance's actions, in order [seen].
pub const ACTIONS: [InstanceAction; 4] = [
    InstanceAction {
        name: "update",
        suffix: "",
        title: "Modify",
        method: "PUT",
        class: "update",
        support_async: true,
    },
    InstanceAction {
        name: "remove",
        suffix: "",
        title: "Delete",
        method: "DELETE",
        class: "delete",
        support_async: true,
    },
    InstanceAction {
        name: "get",
        suffix: "",
        title: "Get",
        method: "GET",
        class: "get",
        support_async: false,
    },
    InstanceAction {
        name: "help",
        suffix: "help",
        title: "Help",
        method: "GET",
        class: "help",
        support_async: false,
    },
];

/// An instance as a list or a GET answers it: what its meta is made of (see [`meta`]),
/// and its data. [`Instance::resource`] builds the wire [`Resource`];
/// `emit::Emitter` writes the same JSON without building it.
#[derive(Debug, Clone)]
pub struct Instance<'a, T> {
    /// `meta.model_type`, e.g. `relation/HcsCustomerREL`.
    pub model_type: &'a str,
    /// The instance's own pkid (a relation's, not `data.pkid`).
    pub pkid: &'a str,
    /// The dotted path of the node it lives at.
    pub parent: &'a str,
    /// `meta.title`.
    pub title: &'a str,
    /// The answer's `data` (serialised as it is).
    pub data: T,
}

impl<T> Instance<'_, T> {
    /// The wire [`Resource`]: its meta (path of ancestor pkids from `store`, references,
    /// the fixed keys, the actions) and its data.
    pub fn resource(self, store: &Store) -> Resource<T> {
        Resource {
            pkid: Some(self.pkid.to_owned()),
            meta: meta(store, self.model_type, self.pkid, self.parent, self.title),
            data: self.data,
        }
    }
}

/// A customer. `full`: every stored field (never a password), as a GET answers;
/// otherwise the summary a list carries: `name` and `hierarchy_path`.
pub fn customer(store: &Store, c: &CustomerRec, full: bool) -> Resource<CustomerData> {
    customer_instance(c, full).resource(store)
}

/// What [`customer`] is made of.
pub fn customer_instance(c: &CustomerRec, full: bool) -> Instance<'_, CustomerData> {
    let f = &c.fields;
    let summary = CustomerData {
        name: Some(f.name.clone()),
        hierarchy_path: Some(c.parent.clone()),
        ..CustomerData::default()
    };
    let data = if full {
        CustomerData {
            pkid: Some(c.data_pkid.clone()),
            description: Some(f.description.clone()),
            extended_name: Some(f.extended_name.clone()),
            external_customer_id: Some(f.external_customer_id.clone()),
            directory_domain: Some(f.domain_name.clone()),
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
            form_hierarchy_path: None,
            ..summary
        }
    } else {
        summary
    };
    Instance {
        model_type: CUSTOMER,
        pkid: &c.pkid,
        parent: &c.parent,
        title: &f.name,
        data,
    }
}

/// The name and parent of a node path (`sys` has no parent).
fn split(path: &str) -> (&str, &str) {
    match parent_of(path) {
        Some(parent) => (parent, &path[parent.len() + 1..]),
        None => ("", path),
    }
}

/// A hierarchy node [doc]: `name`, `description`, `node_type`; no domain.
pub fn node(store: &Store, path: &str, n: &Node) -> Resource<HierarchyNodeData> {
    node_instance(path, n).resource(store)
}

/// What [`node`] is made of.
pub fn node_instance<'a>(path: &'a str, n: &'a Node) -> Instance<'a, HierarchyNodeData> {
    let (parent, name) = split(path);
    Instance {
        model_type: HIERARCHY_NODE,
        pkid: &n.pkid,
        parent,
        title: name,
        data: HierarchyNodeData {
            pkid: Some(n.pkid.clone()),
            name: name.to_owned(),
            description: Some(String::new()),
            node_type: Some(n.node_type.wire_name().to_owned()),
        },
    }
}

/// A provider's or reseller's relation (`HcsProviderREL`/`HcsResellerREL`), when the
/// node has one.
pub fn relation(
    store: &Store,
    model_type: &str,
    path: &str,
    n: &Node,
) -> Option<Resource<ProviderData>> {
    let ids = n.relation.as_ref()?;
    let (parent, name) = split(path);
    Some(Resource {
        pkid: Some(ids.pkid.clone()),
        meta: meta(store, model_type, &ids.pkid, parent, name),
        data: ProviderData {
            pkid: Some(ids.data_pkid.clone()),
            name: name.to_owned(),
            directory_domain: Some(n.domain.clone().unwrap_or_default()),
            hierarchy_path: Some(parent.to_owned()),
        },
    })
}

/// A named instance living at `path`.
pub fn named(
    store: &Store,
    model_type: &str,
    path: &str,
    pkid: &str,
    name: &str,
) -> Resource<NamedData> {
    Resource {
        pkid: Some(pkid.to_owned()),
        meta: meta(store, model_type, pkid, path, name),
        data: NamedData {
            pkid: Some(pkid.to_owned()),
            name: name.to_owned(),
            hierarchy_path: Some(path.to_owned()),
        },
    }
}

/// A number in a customer's inventory, living at the customer's node `path`.
pub fn number(store: &Store, model_type: &str, path: &str, n: &NumberRec) -> Resource<NumberData> {
    Resource {
        pkid: Some(n.pkid.clone()),
        meta: meta(store, model_type, &n.pkid, path, &n.number),
        data: NumberData {
            pkid: Some(n.pkid.clone()),
            number: n.number.clone(),
            status: Some(n.status.clone()),
            hierarchy_path: Some(path.to_owned()),
        },
    }
}
