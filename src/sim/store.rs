//! The simulator's state: hierarchy nodes, roles, local admins, Prime Collaboration
//! applications, customers with their dependents and numbers, and transactions.
//! This is also the `--state` file's content (passwords are never part of it).

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// By pkid: hashed, for lists that look up every customer on their page; written to
    /// the state file sorted by pkid.
    #[serde(serialize_with = "by_key")]
    pub customers: HashMap<String, CustomerRec>,
    pub transactions: BTreeMap<String, Txn>,
    /// Source of version tags: bumped on every write.
    pub writes: u64,
    /// Parent path → customer name → pkid: the customers directly under each node,
    /// sorted as lists are (by parent path, then name). A list at H walks only the
    /// parents within H and the page it answers (see [`Store::customer_window`]).
    #[serde(skip)]
    by_parent: BTreeMap<String, BTreeMap<String, String>>,
    /// Parent path → the paths of its child nodes (every kind), for node lists.
    #[serde(skip)]
    children: BTreeMap<String, BTreeSet<String>>,
    /// The paths of the provider and reseller nodes, for relation lists.
    #[serde(skip)]
    relation_nodes: BTreeSet<String>,
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
            customers: HashMap::new(),
            transactions: BTreeMap::new(),
            writes: 0,
            by_parent: BTreeMap::new(),
            children: BTreeMap::new(),
            relation_nodes: BTreeSet::new(),
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
        self.by_parent = BTreeMap::new();
        let places: Vec<(String, String, String)> = self
            .customers
            .values()
            .map(|c| (c.parent.clone(), c.fields.name.clone(), c.pkid.clone()))
            .collect();
        for (parent, name, pkid) in places {
            self.by_parent.entry(parent).or_default().insert(name, pkid);
        }
        self.node_paths = self
            .nodes
            .iter()
            .map(|(path, node)| (node.pkid.clone(), path.clone()))
            .collect();
        self.children = BTreeMap::new();
        self.relation_nodes = BTreeSet::new();
        let typed: Vec<(String, NodeType)> = self
            .nodes
            .iter()
            .map(|(path, node)| (path.clone(), node.node_type))
            .collect();
        for (path, node_type) in typed {
            self.index_node(&path, node_type);
        }
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
            if let Some(parent) = parent_of(path)
                && !self.nodes.contains_key(parent)
            {
                found.push(format!(
                    "node `{path}` is under `{parent}`, which is not a node"
                ));
            }
            if let Some(pkid) = &node.customer
                && !self.customers.contains_key(pkid)
            {
                found.push(format!(
                    "node `{path}` belongs to customer pkid `{pkid}`, which is not a customer"
                ));
            }
        }
        let mut places: HashMap<(&str, &str), &str> = HashMap::new();
        let mut customers: Vec<(&String, &CustomerRec)> = self.customers.iter().collect();
        customers.sort_unstable_by_key(|(key, _)| *key);
        for (key, customer) in customers {
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
        self.index_node(path, node_type);
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
            self.unindex_node(path, node.node_type);
        }
    }

    /// Files a node in the parent and relation indexes.
    fn index_node(&mut self, path: &str, node_type: NodeType) {
        if let Some(parent) = parent_of(path) {
            self.children
                .entry(parent.to_owned())
                .or_default()
                .insert(path.to_owned());
        }
        if node_type.has_relation() {
            self.relation_nodes.insert(path.to_owned());
        }
    }

    fn unindex_node(&mut self, path: &str, node_type: NodeType) {
        if let Some(parent) = parent_of(path)
            && let Some(siblings) = self.children.get_mut(parent)
        {
            siblings.remove(path);
            if siblings.is_empty() {
                self.children.remove(parent);
            }
        }
        if node_type.has_relation() {
            self.relation_nodes.remove(path);
        }
    }

    /// The paths of the nodes at and below `root`, sorted by path (a range of the node
    /// map: proportional to the subtree, not to the store).
    pub fn node_paths_within(&self, root: &str) -> Vec<String> {
        self.nodes
            .range(root.to_owned()..)
            .take_while(|(p, _)| p.starts_with(root))
            .filter(|(p, _)| within(p, root))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The nodes at and below `path`: `path` itself first, then by parent path and
    /// path, starting at `skip`; with their number. Walks the parents within `path` and
    /// the page, not every node below it.
    pub fn nodes_window<'a>(
        &'a self,
        path: &'a str,
        skip: u64,
    ) -> (u64, impl Iterator<Item = (&'a String, &'a Node)> + 'a) {
        let own = self.nodes.get_key_value(path);
        let groups: Vec<&BTreeSet<String>> = self
            .children
            .range(path.to_owned()..)
            .take_while(move |(parent, _)| parent.starts_with(path))
            .filter(move |(parent, _)| within(parent, path))
            .map(|(_, set)| set)
            .collect();
        let below: u64 = groups.iter().map(|g| g.len() as u64).sum();
        let total = below + u64::from(own.is_some());
        let skip_below = skip.saturating_sub(u64::from(own.is_some()));
        let own = own.filter(|_| skip == 0);
        let rest = skip_groups(groups, skip_below, |set| set.iter())
            .filter_map(move |p| self.nodes.get_key_value(p.as_str()));
        (total, own.into_iter().chain(rest))
    }

    /// The provider (or reseller) nodes at and below `path`, `path` itself first, then by
    /// parent path and path.
    pub fn relation_nodes_within<'a>(
        &'a self,
        path: &str,
        node_type: NodeType,
    ) -> Vec<(&'a String, &'a Node)> {
        let mut found: Vec<(&String, &Node)> = self
            .relation_nodes
            .range(path.to_owned()..)
            .take_while(|p| p.starts_with(path))
            .filter(|p| within(p, path))
            .filter_map(|p| self.nodes.get_key_value(p.as_str()))
            .filter(|(_, n)| n.node_type == node_type)
            .collect();
        found.sort_by(|(a, _), (b, _)| {
            (a.as_str() != path)
                .cmp(&(b.as_str() != path))
                .then(parent_of(a).cmp(&parent_of(b)))
                .then(a.cmp(b))
        });
        found
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
        self.by_parent
            .get(parent)
            .and_then(|names| names.get(name))
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

    /// The pkids of [`Store::customers_under`], without looking the customers up.
    pub fn pkids_under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.customer_groups_under(path)
            .flat_map(|names| names.values())
    }

    /// The customers directly under each node at or below `path`, by parent path: one
    /// name → pkid map per parent (the index; empty parents are not filed).
    pub fn customer_groups_under<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = &'a BTreeMap<String, String>> + 'a {
        self.by_parent
            .range(path.to_owned()..)
            .take_while(move |(parent, _)| parent.starts_with(path))
            .filter(move |(parent, _)| within(parent, path))
            .map(|(_, names)| names)
    }

    /// The customers directly under `path`, name → pkid (none: `None`).
    pub fn customer_group_at(&self, path: &str) -> Option<&BTreeMap<String, String>> {
        self.by_parent.get(path)
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
        self.by_parent
            .entry(customer.parent.clone())
            .or_default()
            .insert(customer.fields.name.clone(), customer.pkid.clone());
        self.customers.insert(customer.pkid.clone(), customer);
    }

    pub fn remove_customer(&mut self, pkid: &str) -> Option<CustomerRec> {
        let customer = self.customers.remove(pkid)?;
        if let Some(names) = self.by_parent.get_mut(&customer.parent) {
            names.remove(&customer.fields.name);
            if names.is_empty() {
                self.by_parent.remove(&customer.parent);
            }
        }
        Some(customer)
    }

    /// Moves the node at `from`, and everything at or below it, to `to`.
    pub fn move_subtree(&mut self, from: &str, to: &str) {
        for old in self.node_paths_within(from) {
            if let Some(node) = self.nodes.remove(&old) {
                let new = format!("{to}{}", &old[from.len()..]);
                self.unindex_node(&old, node.node_type);
                self.index_node(&new, node.node_type);
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

/// A map written sorted by key (the state file's bytes do not depend on hashing).
fn by_key<S: serde::Serializer, V: Serialize>(
    map: &HashMap<String, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter().collect::<BTreeMap<_, _>>())
}

/// The items of `groups` (each sorted, in order) from the `skip`-th on: whole groups
/// before it are passed over by their length, without walking them.
pub fn skip_groups<'a, G: 'a, T: 'a, I>(
    groups: Vec<&'a G>,
    skip: u64,
    items: impl Fn(&'a G) -> I + 'a,
) -> impl Iterator<Item = T> + 'a
where
    I: ExactSizeIterator<Item = T> + 'a,
{
    let mut left = skip;
    let mut first = groups.len();
    for (i, group) in groups.iter().enumerate() {
        let len = items(group).len() as u64;
        if left < len {
            first = i;
            break;
        }
        left -= len;
    }
    // `left` is below the first kept group's length, a usize.
    let offset = usize::try_from(left).unwrap_or(usize::MAX);
    groups
        .into_iter()
        .skip(first)
        .enumerate()
        .flat_map(move |(i, group)| items(group).skip(if i == 0 { offset } else { 0 }))
}

/// The answer for a `hierarchy=` that names no node (as given: a path or a pkid).
pub fn unknown_hierarchy(hierarchy: &str) -> ApiError {
    ApiError::not_found(
        "hierarchy",
        format!("unknown hierarchy `{hierarchy}`: no such node path or pkid"),
    )
}

/// Whether `path` is `root` or below it.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(store: &mut Store, parent: &str, name: &str) -> String {
        let pkid = store.new_pkid();
        let node = format!("{parent}.{name}");
        store.add_node(&node, NodeType::Customer, None, Some(pkid.clone()));
        let data_pkid = store.new_pkid();
        store.insert_customer(CustomerRec {
            pkid: pkid.clone(),
            data_pkid,
            parent: parent.to_owned(),
            version: "1".to_owned(),
            fields: Fields {
                name: name.to_owned(),
                ..Fields::default()
            },
            dependents: Dependents::default(),
            internal_numbers: Vec::new(),
            e164_numbers: Vec::new(),
        });
        pkid
    }

    /// A provider with resellers R0..R3 (R2 empty) and a sibling provider `P-x` whose
    /// path shares the prefix `sys.hcs.P`.
    fn tree() -> Store {
        let mut store = Store::new();
        store.add_node("sys.hcs.P", NodeType::Provider, None, None);
        store.add_node("sys.hcs.P-x", NodeType::Provider, None, None);
        for r in 0..4 {
            store.add_node(&format!("sys.hcs.P.R{r}"), NodeType::Reseller, None, None);
        }
        for (parent, n) in [
            ("sys.hcs.P.R0", 3),
            ("sys.hcs.P.R1", 5),
            ("sys.hcs.P.R3", 2),
        ] {
            for i in 0..n {
                customer(&mut store, parent, &format!("C{i}"));
            }
        }
        customer(&mut store, "sys.hcs.P", "Direct");
        customer(&mut store, "sys.hcs.P-x", "Other");
        store
    }

    /// The state file's customers are in pkid order, whatever the hash map's order: two
    /// stores with the same customers inserted in opposite orders write the same bytes.
    #[test]
    fn customers_are_written_sorted_by_pkid() {
        let mut store = tree();
        let mut pkids: Vec<String> = store.customers.keys().cloned().collect();
        pkids.sort();
        let text = serde_json::to_string(&store).unwrap();
        // Each customer's entry, in the text's order: the pkids' own order.
        let positions: Vec<usize> = pkids
            .iter()
            .map(|pkid| text.find(&format!("\"{pkid}\":{{")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        // The same customers in a new map (another hash seed), inserted in reverse.
        let mut old = std::mem::take(&mut store.customers);
        store.customers = pkids
            .iter()
            .rev()
            .map(|pkid| (pkid.clone(), old.remove(pkid).unwrap()))
            .collect();
        assert_eq!(serde_json::to_string(&store).unwrap(), text);
    }

    /// Every page, for every skip, is the slice of the whole list a walk would give.
    #[test]
    fn customer_windows_are_slices_of_the_whole_list() {
        let store = tree();
        let whole: Vec<&String> = store.pkids_under("sys.hcs.P").collect();
        assert_eq!(whole.len(), 11, "P-x's customer is not under P");
        for skip in 0..=12u64 {
            let groups: Vec<_> = store.customer_groups_under("sys.hcs.P").collect();
            let page: Vec<&String> = skip_groups(groups, skip, |g| g.values()).collect();
            let expected: Vec<&String> = whole.iter().copied().skip(skip as usize).collect();
            assert_eq!(page, expected, "skip {skip}");
        }
    }

    #[test]
    fn node_windows_start_with_the_node_then_follow_parents() {
        let store = tree();
        let (total, all) = store.nodes_window("sys.hcs.P", 0);
        let all: Vec<&str> = all.map(|(p, _)| p.as_str()).collect();
        assert_eq!(total as usize, all.len());
        assert_eq!(all[0], "sys.hcs.P");
        assert_eq!(all[1], "sys.hcs.P.Direct");
        assert!(!all.iter().any(|p| p.starts_with("sys.hcs.P-x")));
        let mut sorted = all[1..].to_vec();
        sorted.sort_by(|a, b| parent_of(a).cmp(&parent_of(b)).then(a.cmp(b)));
        assert_eq!(sorted, all[1..]);
        for skip in 0..=all.len() as u64 + 1 {
            let (t, page) = store.nodes_window("sys.hcs.P", skip);
            let page: Vec<&str> = page.map(|(p, _)| p.as_str()).collect();
            assert_eq!(t, total);
            assert_eq!(
                page,
                all.iter().copied().skip(skip as usize).collect::<Vec<_>>()
            );
        }
        let resellers: Vec<&str> = store
            .relation_nodes_within("sys.hcs.P", NodeType::Reseller)
            .into_iter()
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(
            resellers,
            [
                "sys.hcs.P.R0",
                "sys.hcs.P.R1",
                "sys.hcs.P.R2",
                "sys.hcs.P.R3"
            ]
        );
    }

    /// Renames, deletes and a state file's reload keep the indexes in step with the records.
    #[test]
    fn indexes_follow_moves_removals_and_reindexing() {
        let mut store = tree();
        let pkid = store
            .customer_at("sys.hcs.P.R1", "C0")
            .map(|c| c.pkid.clone());
        let pkid = pkid.expect("seeded");
        let mut moved = store.remove_customer(&pkid).expect("present");
        moved.fields.name = "Renamed".to_owned();
        store.move_subtree("sys.hcs.P.R1.C0", "sys.hcs.P.R1.Renamed");
        store.insert_customer(moved);
        assert!(store.customer_at("sys.hcs.P.R1", "C0").is_none());
        assert!(store.customer_at("sys.hcs.P.R1", "Renamed").is_some());
        let (_, nodes) = store.nodes_window("sys.hcs.P.R1", 0);
        let nodes: Vec<&str> = nodes.map(|(p, _)| p.as_str()).collect();
        assert!(nodes.contains(&"sys.hcs.P.R1.Renamed") && !nodes.contains(&"sys.hcs.P.R1.C0"));

        for path in store.node_paths_within("sys.hcs.P.R3") {
            store.remove_node(&path);
        }
        let before: Vec<String> = store.pkids_under("sys").cloned().collect();
        let (nodes_before, _) = store.nodes_window("sys", 0);
        store.reindex();
        let after: Vec<String> = store.pkids_under("sys").cloned().collect();
        let (nodes_after, _) = store.nodes_window("sys", 0);
        assert_eq!(before, after);
        assert_eq!(nodes_before, nodes_after);
        assert!(store.relation_nodes_within("sys", NodeType::Reseller).len() == 3);
    }
}
