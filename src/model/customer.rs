//! A customer as declared in a desired-state file.
//!
//! Every optional field is *managed only when written*: `None` means "leave it as it is
//! live". The doc comments are the JSON Schema's descriptions (an editor shows them on
//! hover), worded as the VOSS Automate "Manage Customers" page words them.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// A customer of a VOSS Automate system (Customer Management > Customers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Customer Name. Mandatory; at most 64 characters: letters, digits, spaces, `_` and `-`,
    /// not starting or ending with a space. When a local admin is created, spaces become
    /// underscores in the administrator's name and email.
    #[schemars(
        length(min = 1, max = 64),
        pattern(r"^[A-Za-z0-9_\-](?:[A-Za-z0-9_\- ]*[A-Za-z0-9_\-])?$")
    )]
    pub name: String,

    /// The hierarchy path of the Provider or Reseller node the customer lives under,
    /// for example `sys.hcs.CS-P.CS-R1`. If a Provider admin adds a customer under a
    /// reseller, this is the reseller's path.
    #[schemars(pattern(r"^sys(?:\.[A-Za-z0-9_\-](?:[A-Za-z0-9_\- ]*[A-Za-z0-9_\-])?)+$"))]
    pub hierarchy: String,

    /// `present` (default) keeps the customer; `absent` deletes it.
    #[serde(default, skip_serializing_if = "State::is_present")]
    pub state: State,

    /// Description: the customer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Extended Name (Provider): descriptive name used by external clients to correlate
    /// their own customer records with those stored in HCS; synced to the Shared Data
    /// Repository (SDR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_name: Option<String>,

    /// External Customer ID (Provider): the customer ID used by the Service Inventory
    /// service and its reports; also used to correlate customer records in external systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_customer_id: Option<String>,

    /// Domain Name: the customer domain, used to create email addresses. Omitted: the
    /// reseller domain (when the customer is under a reseller that has one), else the
    /// provider domain applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), pattern(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"))]
    pub domain: Option<String>,

    /// Public Sector: set the customer as a Public Sector customer (License Reporting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_sector: Option<bool>,

    /// Inactive Billing: exclude the customer from billing, for testing (License Reporting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_billing: Option<bool>,

    /// Create Local Admin: a default local administrator created with the customer.
    /// Create-only: changing it later has no effect on an existing customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_admin: Option<LocalAdmin>,

    /// Account ID: used by external clients to correlate their own customer records with
    /// those stored in HCS; synced to the Shared Data Repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,

    /// Deal IDs: used by the Hosted License Manager (HLM) for Point of Sales reports.
    /// Zero or more; VOSS stores them as one comma-separated text ("D-100,D-200"), so
    /// none holds a comma or starts or ends with whitespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(length(min = 1), pattern(r"^[^,\s](?:[^,]*[^,\s])?$")))]
    pub deal_ids: Option<Vec<String>>,

    /// Prime Collaboration: the application that monitors this customer's equipment, one
    /// of those synced from HCM-F. `null` un-associates it (None).
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub prime_collaboration: Option<Option<String>>,

    /// Shared UC Applications: the customer's sites may use Network Device Lists that
    /// contain UC applications defined above the customer level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_uc_apps: Option<bool>,

    /// Number management: `false` is VOSS's "Disable Number Management" (no Directory
    /// Numbers or E164 Numbers can be added to this customer's inventories). Re-enabling
    /// it is followed by the DN audit (Audit Number Inventory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_management: Option<bool>,

    /// The customer's previous name: the live customer of that name at the same hierarchy
    /// is renamed, not deleted and created again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 64),
        pattern(r"^[A-Za-z0-9_\-](?:[A-Za-z0-9_\- ]*[A-Za-z0-9_\-])?$")
    )]
    pub renamed_from: Option<String>,

    /// Never delete this customer, whatever the files or scopes say.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protect: bool,
}

/// Whether the customer should exist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The customer exists (created when missing).
    #[default]
    Present,
    /// The customer is deleted.
    Absent,
}

impl State {
    pub fn is_present(&self) -> bool {
        *self == State::Present
    }
}

/// Create Local Admin: the default local administrator made when the customer is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalAdmin {
    /// Cloned Admin Role: the Provider or Reseller role cloned into a new role prefixed
    /// with the customer name (the Default Admin Role of the local administrator).
    #[schemars(length(min = 1))]
    pub cloned_role: String,

    /// The name of the environment variable that holds the Default Admin Password.
    /// Never the password itself.
    #[schemars(pattern(r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub password_env: String,
}

/// A customer's identity: its name under its parent hierarchy node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CustomerKey {
    pub hierarchy: String,
    pub name: String,
}

impl CustomerKey {
    pub fn new(hierarchy: impl Into<String>, name: impl Into<String>) -> Self {
        CustomerKey {
            hierarchy: hierarchy.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for CustomerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.name, self.hierarchy)
    }
}

impl Customer {
    pub fn key(&self) -> CustomerKey {
        CustomerKey::new(&self.hierarchy, &self.name)
    }
}

/// Keeps an explicit `null` apart from an omitted key: omitted is `None` (through
/// `#[serde(default)]`), `null` is `Some(None)`.
fn present_or_null<'de, D>(deserializer: D) -> Result<Option<Option<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    Option::<String>::deserialize(deserializer).map(Some)
}
