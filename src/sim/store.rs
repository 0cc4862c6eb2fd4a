//! The simulator's state: hierarchy nodes, roles, local admins, Prime Collaboration
//! applications, customers with their dependents and numbers, and transactions.
//! This is also the `--state` file's content (passwords are never part of it).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::errors::ApiError;
use super::journal::Txn;
use crate::voss::wire::node_type;

/// The version of the `--state` file layout.
pub const STATE_FORMAT: u32 = 1;

/// Kinds of hierarchy node. `system` is `sys` and `sys.hcs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeType {
    System,
    Provider,
    Reseller,
    Customer,
}

impl NodeType {
    /// The `node_type` of `data/HierarchyNode` [ours].
    pub fn wire_name(self) -> &'static str {
        match self {
            NodeType::System => node_type::SYSTEM,
            NodeType::Provider => node_type::PROVIDER,
            NodeType::Reseller => node_type::RESELLER,
            NodeType::Customer => node_type::CUSTOMER,
        }
    }

    /// Providers and resellers are also relation instances (`HcsProviderREL`,
    /// `HcsResellerREL`).
    pub fn has_relation(self) -> bool {
        matches!(self, NodeType::Provider | NodeType::Reseller)
    }
}

/// A hierarchy node, keyed by its dotted path in [`Store::nodes`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub pkid: String,
    pub node_type: NodeType,
    /// A provider's or reseller's `directoryDomain` (on its relation), or a customer's.
    #[serde(default)]
    pub domain: Option<String>,
    /// A provider's or reseller's relation instance (`HcsProviderREL`/`HcsResellerREL`);
    /// filled in when loading a state file written before it existed.
    #[serde(default)]
    pub relation: Option<RelationIds>,
    pub version: String,
    /// The customer whose node this is.
    #[serde(default)]
    pub customer: Option<String>,
}

/// The two ids of a relation instance [seen]: the relation's own pkid (top-level, the one
/// its URL takes) and the underlying data model's (`data.pkid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationIds {
    pub pkid: String,
    pub data_pkid: String,
}

/// A role or a local admin: a name at a hierarchy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Placed {
    pub pkid: String,
    pub path: String,
    pub name: String,
    pub version: String,
}

/// A named instance owned by a customer (a dependent), or a Prime Collaboration app.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Named {
    pub pkid: String,
    pub name: String,
    pub version: String,
}

/// A number in one of a customer's inventories.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NumberRec {
    pub pkid: String,
    pub number: String,
    pub status: String,
    pub version: String,
}

/// The kinds of dependent that block a customer's deletion, in the order messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependentKind {
    Ldap,
    SsoProvider,
    Device,
    NetworkDeviceList,
    Site,
}

impl DependentKind {
    pub const ALL: [DependentKind; 5] = [
        DependentKind::Ldap,
        DependentKind::SsoProvider,
        DependentKind::Device,
        DependentKind::NetworkDeviceList,
        DependentKind::Site,
    ];

    /// Singular and plural, as a delete refusal names them.
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            DependentKind::Ldap => ("LDAP server", "LDAP servers"),
            DependentKind::SsoProvider => ("SSO identity provider", "SSO identity providers"),
            DependentKind::Device => ("device", "devices"),
            DependentKind::NetworkDeviceList => ("Network Device List", "Network Device Lists"),
            DependentKind::Site => ("site", "sites"),
        }
    }
}

/// A customer's dependents.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dependents {
    pub ldap: Vec<Named>,
    pub sso_providers: Vec<Named>,
    pub devices: Vec<Named>,
    pub network_device_lists: Vec<Named>,
    pub sites: Vec<Named>,
}

impl Dependents {
    pub fn of(&self, kind: DependentKind) -> &Vec<Named> {
        match kind {
            DependentKind::Ldap => &self.ldap,
            DependentKind::SsoProvider => &self.sso_providers,
            DependentKind::Device => &self.devices,
            DependentKind::NetworkDeviceList => &self.network_device_lists,
            DependentKind::Site => &self.sites,
        }
    }

    pub fn of_mut(&mut self, kind: DependentKind) -> &mut Vec<Named> {
        match kind {
            DependentKind::Ldap => &mut self.ldap,
            DependentKind::SsoProvider => &mut self.sso_providers,
            DependentKind::Device => &mut self.devices,
            DependentKind::NetworkDeviceList => &mut self.network_device_lists,
            DependentKind::Site => &mut self.sites,
        }
    }
}

/// The inventories numbers are added to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Internal,
    E164,
}

/// A customer's stored fields (passwords are never stored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fields {
    pub name: String,
    pub description: String,
    pub extended_name: String,
    pub external_customer_id: String,
    /// As sent ("" when omitted); the effective domain falls back reseller → provider.
    pub domain_name: String,
    pub public_sector: bool,
    pub inactive_billing: bool,
    pub create_admin: bool,
    pub cloned_admin_role: String,
    pub default_admin_role: String,
    pub account_id: String,
    pub deal_ids: String,
    /// "" for none.
    pub prime_collaboration: String,
    pub shared_uc_apps: bool,
    pub disable_num_mgmt: bool,
}

/// A customer (`relation/HcsCustomerREL` instance).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerRec {
    /// The relation's pkid: the one its URL takes.
    pub pkid: String,
    /// The underlying data model's pkid (`data.pkid`), a different id [seen]; filled in
    /// when loading a state file written before it existed.
    #[serde(default)]
    pub data_pkid: String,
    /// `data.hierarchy_path`: the provider or reseller node it lives under (`sys.hcs` for
    /// HCM-F).
    pub parent: String,
    pub version: String,
    pub fields: Fields,
    #[serde(default)]
    pub dependents: Dependents,
    #[serde(default)]
    pub internal_numbers: Vec<NumberRec>,
    #[serde(default)]
    pub e164_numbers: Vec<NumberRec>,
}

impl CustomerRec {
    /// The customer's own hierarchy node.
    pub fn node_path(&self) -> String {
        format!("{}.{}", self.parent, self.fields.name)
    }

    pub fn numbers(&self, kind: NumberKind) -> &Vec<NumberRec> {
        match kind {
            NumberKind::Internal => &self.internal_numbers,
            NumberKind::E164 => &self.e164_numbers,
        }
    }

    pub fn numbers_mut(&mut self, kind: NumberKind) -> &mut Vec<NumberRec> {
        match kind {
            NumberKind::Internal => &mut self.internal_numbers,
            NumberKind::E164 => &mut self.e164_numbers,
        }
    }
}

/// The whole state.
#[derive(Debug, Serialize, Deserialize)]
pub struct Store {
    pub format_version: u32,
    /// By dotted path.
    pub nodes: BTreeMap<String, Node>,
    pub roles: Vec<Placed>,
    /// Local admins created with customers (`data/User` [ours]); no passwords.
    pub users: Vec<Placed>,
    pub prime_collaboration: Vec<Named>,
    /// By pkid.
    pub customers: BTreeMap<String, CustomerRec>,
    pub transactions: BTreeMap<String, Txn>,
    /// Source of version tags: bumped on every write.
    pub writes: u64,
    /// (parent, name) → customer pkid, sorted as lists are.
    #[serde(skip)]
    places: BTreeMap<(String, String), String>,
    /// Node pkid → path.
    #[serde(skip)]
    node_paths: HashMap<String, String>,
    #[serde(skip)]
    rng: fastrand::Rng,
}

/// `sys` and `sys.hcs`, present in every tree.
pub const ROOTS: [&str; 2] = ["sys", "sys.hcs"];

impl Store {
    /// An empty tree with its `sys` and `sys.hcs` roots.
    pub fn new() -> Self {
        let mut store = Store {
            format_version: STATE_FORMAT,
            nodes: BTreeMap::new(),
            roles: Vec::new(),
            users: Vec::new(),
            prime_collaboration: Vec::new(),
            customers: BTreeMap::new(),
            transactions: BTreeMap::new(),
            writes: 0,
            places: BTreeMap::new(),
            node_paths: HashMap::new(),
            rng: fastrand::Rng::new(),
        };
        for root in ROOTS {
            store.add_node(root, NodeType::System, None, None);
        }
        store
    }

    /// Rebuilds the indexes after loading a state file, and gives ids to what a state
    /// file of an older simulator lacks (customers' data pkids, provider and reseller
    /// relations).
    pub fn reindex(&mut self) {
        let mut rng = std::mem::take(&mut self.rng);
        let mut pkid = || format!("{:016x}{:08x}", rng.u64(..), rng.u32(..));
        for customer in self.customers.values_mut() {
            if customer.data_pkid.is_empty() {
                customer.data_pkid = pkid();
            }
        }
        for node in self.nodes.values_mut() {
            if node.relation.is_none() && node.node_type.has_relation() {
                node.relation = Some(RelationIds {
                    pkid: pkid(),
                    data_pkid: pkid(),
                });
            }
        }
        self.rng = rng;
        self.places = self
            .customers
            .values()
            .map(|c| ((c.parent.clone(), c.fields.name.clone()), c.pkid.clone()))
            .collect();
        self.node_paths = self
            .nodes
            .iter()
            .map(|(path, node)| (node.pkid.clone(), path.clone()))
            .collect();
    }

    /// What is wrong with a store read from a (possibly hand-edited) state file: each
    /// problem names the customer, node or transaction. Empty when it is consistent.
    /// At most `MAX_PROBLEMS` are listed.
    pub fn problems(&self) -> Vec<String> {
        const MAX_PROBLEMS: usize = 20;
        let mut found = Vec::new();
        for root in ROOTS {
            if !self.nodes.contains_key(root) {
                found.push(format!("the root node `{root}` is missing"));
            }
        }
        let mut node_pkids: HashMap<&str, &str> = HashMap::new();
        for (path, node) in &self.nodes {
            if !is_pkid(&node.pkid) {
                found.push(format!(
                    "node `{path}` has pkid `{}`, not 24 hexadecimal characters",
                    node.pkid
                ));
            }
            if let Some(other) = node_pkids.insert(&node.pkid, path) {
                found.push(format!(
                    "nodes `{other}` and `{path}` share the pkid `{}`",
                    node.pkid
                ));
            }
            if let Some(parent) = parent_of(path) {
                if !self.nodes.contains_key(parent) {
                    found.push(format!(
                        "node `{path}` is under `{parent}`, which is not a node"
                    ));
                }
            }
            if let Some(pkid) = &node.customer {
                if !self.customers.contains_key(pkid) {
                    found.push(format!(
                        "node `{path}` belongs to customer pkid `{pkid}`, which is not a customer"
                    ));
                }
            }
        }
        let mut places: HashMap<(&str, &str), &str> = HashMap::new();
        for (key, customer) in &self.customers {
            let name = &customer.fields.name;
            if *key != customer.pkid {
                found.push(format!(
                    "customer `{name}` is filed under pkid `{key}` but its pkid is `{}`",
                    customer.pkid
                ));
            }
            if !is_pkid(&customer.pkid) {
                found.push(format!(
                    "customer `{name}` has pkid `{}`, not 24 hexadecimal characters",
                    customer.pkid
                ));
            }
            if node_pkids.contains_key(customer.pkid.as_str()) {
                found.push(format!(
                    "customer `{name}` has pkid `{}`, which is also a node's",
                    customer.pkid
                ));
            }
            if !self.nodes.contains_key(&customer.parent) {
                found.push(format!(
                    "customer `{name}` is under `{}`, which is not a node",
                    customer.parent
                ));
            }
            if name.trim().is_empty() {
                found.push(format!("customer pkid `{key}` has no name"));
            }
            if let Some(other) = places.insert((&customer.parent, name), key) {
                found.push(format!(
                    "customers `{other}` and `{key}` are both named `{name}` under `{}`",
                    customer.parent
                ));
            }
        }
        for (key, txn) in &self.transactions {
            if *key != txn.id {
                found.push(format!(
                    "transaction `{key}` is filed under another id than its own (`{}`)",
                    txn.id
                ));
            }
        }
        if found.len() > MAX_PROBLEMS {
            let more = found.len() - MAX_PROBLEMS;
            found.truncate(MAX_PROBLEMS);
            found.push(format!("and {more} more"));
        }
        found
    }

    /// A fresh 24-hex pkid.
    pub fn new_pkid(&mut self) -> String {
        format!("{:016x}{:08x}", self.rng.u64(..), self.rng.u32(..))
    }

    /// A fresh version tag: every write gets a new one.
    pub fn new_version(&mut self) -> String {
        self.writes += 1;
        format!("{:08x}{:08x}", self.writes, self.rng.u32(..))
    }

    pub fn add_node(
        &mut self,
        path: &str,
        node_type: NodeType,
        domain: Option<String>,
        customer: Option<String>,
    ) -> String {
        let pkid = self.new_pkid();
        let version = self.new_version();
        let relation = node_type.has_relation().then(|| RelationIds {
            pkid: self.new_pkid(),
            data_pkid: self.new_pkid(),
        });
        self.node_paths.insert(pkid.clone(), path.to_owned());
        self.nodes.insert(
            path.to_owned(),
            Node {
                pkid: pkid.clone(),
                node_type,
                domain,
                relation,
                version,
                customer,
            },
        );
        pkid
    }

    pub fn remove_node(&mut self, path: &str) {
        if let Some(node) = self.nodes.remove(path) {
            self.node_paths.remove(&node.pkid);
        }
    }

    /// A `hierarchy=` value (dotted path or node pkid) → the node's path.
    pub fn resolve_hierarchy(&self, hierarchy: &str) -> Result<String, ApiError> {
        if is_pkid(hierarchy) {
            if let Some(path) = self.node_paths.get(hierarchy) {
                return Ok(path.clone());
            }
        } else if self.nodes.contains_key(hierarchy) {
            return Ok(hierarchy.to_owned());
        }
        Err(unknown_hierarchy(hierarchy))
    }

    pub fn node_pkid(&self, path: &str) -> Option<&str> {
        self.nodes.get(path).map(|n| n.pkid.as_str())
    }

    pub fn node_path_of(&self, pkid: &str) -> Option<&str> {
        self.node_paths.get(pkid).map(String::as_str)
    }

    /// The customer named `name` directly under `parent`.
    pub fn customer_at(&self, parent: &str, name: &str) -> Option<&CustomerRec> {
        self.places
            .get(&(parent.to_owned(), name.to_owned()))
            .and_then(|pkid| self.customers.get(pkid))
    }

    /// The customer whose own node is `node_path`.
    pub fn customer_of_node(&self, node_path: &str) -> Option<&CustomerRec> {
        let pkid = self.nodes.get(node_path)?.customer.as_ref()?;
        self.customers.get(pkid)
    }

    /// Customers at `path` and below, sorted by path then name.
    pub fn customers_under<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = &'a CustomerRec> + 'a {
        self.pkids_under(path)
            .filter_map(|pkid| self.customers.get(pkid))
    }

    /// The pkids of [`Store::customers_under`], without looking the customers up (a page
    /// counts them all but renders only its own).
    pub fn pkids_under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.places
            .range((path.to_owned(), String::new())..)
            .take_while(move |((parent, _), _)| parent.starts_with(path))
            .filter(move |((parent, _), _)| within(parent, path))
            .map(|(_, pkid)| pkid)
    }

    /// The pkids of the customers exactly at `path`, sorted by name.
    pub fn pkids_at<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.places
            .range((path.to_owned(), String::new())..)
            .take_while(move |((parent, _), _)| parent == path)
            .map(|(_, pkid)| pkid)
    }

    /// `meta.path` of an instance living at `parent`: the pkids of the nodes from `sys`
    /// down to `parent`, then `own` [seen].
    pub fn path_pkids(&self, parent: &str, own: &str) -> Vec<String> {
        let mut pkids: Vec<String> = prefixes(parent)
            .filter_map(|p| self.node_pkid(p).map(str::to_owned))
            .collect();
        pkids.push(own.to_owned());
        pkids
    }

    pub fn insert_customer(&mut self, customer: CustomerRec) {
        self.places.insert(
            (customer.parent.clone(), customer.fields.name.clone()),
            customer.pkid.clone(),
        );
        self.customers.insert(customer.pkid.clone(), customer);
    }

    pub fn remove_customer(&mut self, pkid: &str) -> Option<CustomerRec> {
        let customer = self.customers.remove(pkid)?;
        self.places
            .remove(&(customer.parent.clone(), customer.fields.name.clone()));
        Some(customer)
    }

    /// Moves the node at `from`, and everything at or below it, to `to`.
    pub fn move_subtree(&mut self, from: &str, to: &str) {
        let moved: Vec<String> = self
            .nodes
            .keys()
            .filter(|p| within(p, from))
            .cloned()
            .collect();
        for old in moved {
            if let Some(node) = self.nodes.remove(&old) {
                let new = format!("{to}{}", &old[from.len()..]);
                self.node_paths.insert(node.pkid.clone(), new.clone());
                self.nodes.insert(new, node);
            }
        }
        for placed in self.roles.iter_mut().chain(self.users.iter_mut()) {
            if within(&placed.path, from) {
                placed.path = format!("{to}{}", &placed.path[from.len()..]);
            }
        }
    }

    /// The domain that applies to a customer under `parent`: its own, else the nearest
    /// reseller's or provider's.
    pub fn effective_domain(&self, parent: &str, own: &str) -> String {
        if !own.is_empty() {
            return own.to_owned();
        }
        ancestors_or_self(parent)
            .filter_map(|p| self.nodes.get(p))
            .filter(|n| matches!(n.node_type, NodeType::Reseller | NodeType::Provider))
            .find_map(|n| n.domain.clone().filter(|d| !d.is_empty()))
            .unwrap_or_default()
    }

    /// Roles visible from `path`: defined at it or an ancestor.
    pub fn roles_visible_from<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = &'a Placed> + 'a {
        self.roles.iter().filter(move |r| within(path, &r.path))
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `path` is `root` or below it.
/// The answer for a `hierarchy=` that names no node (as given: a path or a pkid).
pub fn unknown_hierarchy(hierarchy: &str) -> ApiError {
    ApiError::not_found(
        "hierarchy",
        format!("unknown hierarchy `{hierarchy}`: no such node path or pkid"),
    )
}

pub fn within(path: &str, root: &str) -> bool {
    path == root
        || (path.len() > root.len()
            && path.starts_with(root)
            && path.as_bytes()[root.len()] == b'.')
}

/// `a.b.c`, `a.b`, `a`.
pub fn ancestors_or_self(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.rfind('.').map(|i| &current[..i]);
        Some(current)
    })
}

/// `a`, `a.b`, `a.b.c`: the path's prefixes from the root down.
pub fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('.')
        .map(move |(i, _)| &path[..i])
        .chain(std::iter::once(path))
}

/// The parent of a dotted path (`None` for `sys`).
pub fn parent_of(path: &str) -> Option<&str> {
    path.rfind('.').map(|i| &path[..i])
}

/// 24 hexadecimal characters.
pub fn is_pkid(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit())
}
