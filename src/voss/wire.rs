//! The JSON bodies of the VOSS Automate API, shared by the client and the simulator.
//! JSON names marked [ours] in `../shared/voss-api.md` live here and nowhere else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A page of a list: `{"pagination", "meta", "resources"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListBody<T> {
    pub pagination: Pagination,
    #[serde(default)]
    pub meta: Value,
    pub resources: Vec<Resource<T>>,
}

/// Where a page sits in the whole list; `total` is 0 with `count=false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub skip: u64,
    pub limit: u64,
    pub total: u64,
}

/// One instance: its meta and its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource<T> {
    pub meta: Meta,
    pub data: T,
}

/// An instance's meta.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub version_tag: String,
    #[serde(default)]
    pub model_type: String,
    #[serde(default)]
    pub references: References,
    #[serde(default)]
    pub summary_attrs: Vec<Value>,
    #[serde(default)]
    pub actions: Vec<Value>,
    /// The hierarchy the instance lives at.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub singleton: bool,
}

/// Links from an instance to others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct References {
    #[serde(rename = "self", default)]
    pub self_: Vec<Reference>,
    #[serde(default)]
    pub parent: Vec<Reference>,
    #[serde(default)]
    pub children: Vec<Reference>,
    #[serde(default)]
    pub owner: Vec<Reference>,
    #[serde(default)]
    pub device: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub pkid: String,
    pub href: String,
}

/// A customer's fields as `relation/HcsCustomerREL` names them. A write carries only the
/// fields it sets (`None` is left out). `primeCollaboration` is "" for none [ours].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerData {
    /// Also in `meta.references.self` [doc]; repeated here [ours].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        rename = "extendedName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub extended_name: Option<String>,
    #[serde(
        rename = "externalCustomerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_customer_id: Option<String>,
    #[serde(
        rename = "domainName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub domain_name: Option<String>,
    #[serde(
        rename = "publicSector",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub public_sector: Option<bool>,
    #[serde(
        rename = "inactiveBilling",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_billing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_admin: Option<bool>,
    #[serde(
        rename = "clonedAdminRole",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloned_admin_role: Option<String>,
    /// Read-only, derived; a write that carries it is refused.
    #[serde(
        rename = "defaultAdminRole",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub default_admin_role: Option<String>,
    /// Write-only.
    #[serde(
        rename = "defaultAdminPassword",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub default_admin_password: Option<String>,
    /// Write-only.
    #[serde(
        rename = "repeatDefaultAdminPassword",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub repeat_default_admin_password: Option<String>,
    #[serde(rename = "accountId", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// One text, comma separated: "D-100,D-200".
    #[serde(rename = "dealIds", default, skip_serializing_if = "Option::is_none")]
    pub deal_ids: Option<String>,
    #[serde(
        rename = "primeCollaboration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub prime_collaboration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_uc_apps: Option<bool>,
    #[serde(
        rename = "disableNumMgmt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_num_mgmt: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrate: Option<bool>,
    #[serde(
        rename = "HierarchyPath",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub hierarchy_path: Option<String>,
}

/// A hierarchy node's data. `type` values [ours]: "provider", "reseller", "customer".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HierarchyNodeData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub node_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// Any instance identified by its name: roles, Prime Collaboration applications, and the
/// dependents of a customer (LDAP servers, SSO providers, phones, NDLs, sites).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    pub name: String,
}

/// A number in an inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The answer to a synchronous write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncWriteResponse {
    pub success: bool,
    pub pkid: String,
    pub model_type: String,
    #[serde(default)]
    pub meta: Value,
}

/// The answer to an asynchronous write (`nowait=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsyncWriteResponse {
    pub success: bool,
    pub href: String,
    pub transaction_id: String,
}

/// A transaction's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnStatus {
    Queued,
    #[serde(rename = "In Progress")]
    InProgress,
    Success,
    Fail,
}

impl TxnStatus {
    pub fn is_final(self) -> bool {
        matches!(self, TxnStatus::Success | TxnStatus::Fail)
    }
}

/// `GET /api/tool/Transaction/UUID/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionBody {
    #[serde(default)]
    pub meta: Value,
    pub data: TransactionData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionData {
    pub status: TxnStatus,
    pub username: String,
    pub resource: TransactionResource,
    /// Why a transaction failed [ours].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionResource {
    pub hierarchy: String,
    /// The instance after the transaction (absent for a delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_transaction: Option<String>,
}

/// `GET /api/tool/Transaction/UUID/poll/`: `{"UUID": {"status", "href", "description"}}`.
pub type PollBody = BTreeMap<String, PollEntry>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollEntry {
    pub status: TxnStatus,
    pub href: String,
    #[serde(default)]
    pub description: String,
}

/// A 4xx/5xx body [ours]: `{"success": false, "code", "message", "errors": [{"field", "message"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub success: bool,
    pub code: u16,
    pub message: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// `POST /noninteractivelogin/` (25.4 session login).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The password is never printed.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"(sensitive)")
            .finish()
    }
}
