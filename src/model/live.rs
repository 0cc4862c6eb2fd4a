//! The live system as the planner sees it, in the model's terms (the `voss` module
//! translates VOSS's wire format into these types).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Field;

/// A customer as it lives on the system, with every managed field as VOSS stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCustomer {
    /// The instance id (24 hex characters).
    pub pkid: String,
    /// The hierarchy node the customer lives under (`sys.hcs` for an HCM-F customer).
    pub hierarchy: String,
    pub name: String,
    pub description: String,
    pub extended_name: String,
    pub external_customer_id: String,
    pub domain: String,
    pub public_sector: bool,
    pub inactive_billing: bool,
    pub account_id: String,
    pub deal_ids: Vec<String>,
    pub prime_collaboration: Option<String>,
    pub shared_uc_apps: bool,
    pub number_management: bool,
    /// The Cloned Admin Role the customer's local admin was made from; `None` when it has
    /// no local admin (or the server does not say).
    pub local_admin_role: Option<String>,
    /// VOSS's version tag when the server gives one as a text ("" otherwise); never
    /// relied on alone.
    pub version: String,
    /// Managed fields the record it was read from did not carry (a list may carry only
    /// summary fields [seen]): their values above are VOSS's defaults, not the live ones.
    /// Empty once the instance itself was read.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unread: BTreeSet<Field>,
}

/// Provider or reseller (or any other kind of node the system reports).
impl LiveCustomer {
    /// A live customer with VOSS's defaults: empty texts, no deal ids, no Prime
    /// Collaboration, flags off, number management on, no local admin, version "".
    pub fn with_defaults(pkid: &str, hierarchy: &str, name: &str) -> LiveCustomer {
        LiveCustomer {
            pkid: pkid.to_owned(),
            hierarchy: hierarchy.to_owned(),
            name: name.to_owned(),
            description: String::new(),
            extended_name: String::new(),
            external_customer_id: String::new(),
            domain: String::new(),
            public_sector: false,
            inactive_billing: false,
            account_id: String::new(),
            deal_ids: Vec::new(),
            prime_collaboration: None,
            shared_uc_apps: false,
            number_management: true,
            local_admin_role: None,
            version: String::new(),
            unread: BTreeSet::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeType {
    Provider,
    Reseller,
    Customer,
    Other,
}

/// A hierarchy node. Provider and reseller domains live on their own relations
/// (`directoryDomain`) [doc]; nothing here needs them, so they are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HierarchyNode {
    pub path: String,
    /// The node's kind, when the server said (`Other` when it was not asked).
    pub node_type: NodeType,
}

/// A role that a local admin can be cloned from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Role {
    /// The node the role is defined at.
    pub hierarchy: String,
    pub name: String,
}

/// What still hangs off a customer and must be removed before it can be deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependents {
    pub ldap: u64,
    pub sso_providers: u64,
    pub devices: u64,
    pub network_device_lists: u64,
    pub sites: u64,
}

impl Dependents {
    pub fn is_empty(&self) -> bool {
        *self == Dependents::default()
    }
}

/// Everything the planner needs to know about the live system.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveState {
    /// The customers under every hierarchy node that was read.
    pub customers: Vec<LiveCustomer>,
    /// Customers synced from HCM-F, waiting at `sys.hcs` to be migrated.
    pub hcmf_customers: Vec<LiveCustomer>,
    /// The hierarchy nodes that exist, by path (those that were looked up).
    pub nodes: BTreeMap<String, HierarchyNode>,
    /// The hierarchy paths that were looked up and found missing.
    pub missing_nodes: BTreeSet<String>,
    /// Roles visible from each looked-up hierarchy, by that hierarchy's path.
    pub roles: BTreeMap<String, BTreeSet<String>>,
    /// The Prime Collaboration applications synced from HCM-F; `None` when not read.
    pub prime_collaboration: Option<BTreeSet<String>>,
    /// Dependents of customers planned for deletion, by pkid.
    pub dependents: BTreeMap<String, Dependents>,
}

impl LiveState {
    /// True when some customer (or HCM-F customer) was read from a record that lacked
    /// managed fields (a summary list).
    pub fn has_partial_records(&self) -> bool {
        self.customers
            .iter()
            .chain(&self.hcmf_customers)
            .any(|c| !c.unread.is_empty())
    }
}

impl Dependents {
    /// "1 LDAP server, 12 devices, 2 sites": the non-zero kinds, singular or plural.
    pub fn describe(&self) -> String {
        let kinds = [
            (self.ldap, "LDAP server", "LDAP servers"),
            (
                self.sso_providers,
                "SSO identity provider",
                "SSO identity providers",
            ),
            (self.devices, "device", "devices"),
            (
                self.network_device_lists,
                "Network Device List",
                "Network Device Lists",
            ),
            (self.sites, "site", "sites"),
        ];
        kinds
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What must be read of the live system beyond the declared hierarchies, decided by the
/// planner from the desired state and the first read (`plan::extra_reads`) and carried out
/// by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraReads {
    /// The customers synced from HCM-F (only when some declared customer is not live and
    /// may be migrated).
    pub hcmf_customers: bool,
    /// The hierarchies whose visible roles a create's local admin needs.
    pub roles_at: BTreeSet<String>,
    /// The Prime Collaboration applications (only when a file names one).
    pub prime_collaboration: bool,
}

/// How the customers of the declared hierarchies are listed, decided by the planner
/// (`plan::list_reads`) and carried out by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListReads {
    /// Every declared hierarchy: the customers directly under one are kept.
    pub hierarchies: BTreeSet<String>,
    /// The declared hierarchies not below another: one list each, unless `common` is
    /// read instead.
    pub roots: Vec<String>,
    /// One list at the roots' lowest common ancestor, when there are two roots or more:
    /// read when its first page shows it takes fewer requests (see [`ListChoice`]).
    pub common: Option<CommonList>,
}

/// A list at the lowest common ancestor of the declared roots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonList {
    /// The ancestor's dotted path.
    pub at: String,
    /// The declared customers at or below each root, in the order of
    /// [`ListReads::roots`]: what the planner expects one list per root to hold.
    pub declared_per_root: Vec<u64>,
}

/// A choice the client asks the planner to make once a first answer told it sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListChoice {
    /// Go on with the common list, which holds `total` customers served `page` at a time,
    /// rather than one list per root.
    CommonCustomers { total: u64, page: u64 },
    /// Read every node below the common ancestor (at least `nodes` of them, `page` at a
    /// time) rather than look up `unseen` declared hierarchies one by one.
    NodeList { unseen: u64, nodes: u64, page: u64 },
}
