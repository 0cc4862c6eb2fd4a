//! The JSON bodies of the VOSS Automate API, shared by the client and the simulator.
//!
//! Shapes follow `docs/voss-api.md`: [seen] in real responses of a VOSS / HCM-Unified
//! CDM 11.5.1 server, [doc] in the vendor's pages, [ours] where both are silent. Every JSON
//! name that is a guess is marked [ours] here and lives nowhere else.
//!
//! Decoding is tolerant of what a client does not need: unknown keys are ignored
//! everywhere (no type here denies them), `null` stands for "absent" in every optional
//! key, references may lack `href` or carry a `null` or `""` pkid, and transaction
//! statuses beyond the documented four decode as [`TxnStatus::Other`].

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A page of a list [seen]: `{"operations", "pagination", "meta", "resources"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListBody<T> {
    /// The model's operations, e.g. `["help", "get", "list", "update", ...]` [seen].
    #[serde(default)]
    pub operations: Value,
    pub pagination: Pagination,
    /// The list's own meta (model type, references to the hierarchy...) [seen].
    #[serde(default)]
    pub meta: Value,
    pub resources: Vec<Resource<T>>,
}

/// Where a page sits in the whole list [seen]. `total` is 0 with `count=false` [ours].
/// Counts decode from a number, a numeric text or `null` (0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    #[serde(default, deserialize_with = "lenient::count")]
    pub skip: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    pub limit: u64,
    #[serde(default, deserialize_with = "lenient::count")]
    pub total: u64,
    /// The largest `limit` the server serves (200 seen on 11.5.1) [seen]. A client never
    /// asks for more.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub maximum_limit: Option<u64>,
    /// Seen as `null` [seen]; meaning unknown.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_limit: Option<u64>,
    /// The URL of this page, e.g. `/api/MODEL/?skip=0&limit=1&order_by=...` [seen].
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub current: Option<String>,
    /// The field the list is sorted by [seen].
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub order_by: Option<String>,
    /// `asc` or `desc` [seen].
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub direction: Option<String>,
}

/// One instance [seen]: the relation instance's `pkid`, its meta and its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource<T> {
    /// The pkid of this instance (for a relation: the relation's, which is what
    /// GET/PUT/PATCH/DELETE take) [seen]. Not `data.pkid`, the underlying data model's.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub pkid: Option<String>,
    #[serde(default)]
    pub meta: Meta,
    pub data: T,
}

impl<T> Resource<T> {
    /// The pkid to address this instance with: the top-level `pkid`, else
    /// `meta.references.self[0].pkid` [seen]; never `data.pkid`. `None` when both are
    /// missing, `null` or empty.
    pub fn instance_pkid(&self) -> Option<&str> {
        self.pkid.as_deref().filter(|p| !p.is_empty()).or_else(|| {
            self.meta
                .references
                .self_
                .first()
                .and_then(|r| r.pkid.as_deref())
                .filter(|p| !p.is_empty())
        })
    }
}

/// An instance's meta [seen]. Only `path`, `references` and `model_type` are typed. The
/// other keys seen on real servers (but `version_tag`) are here so the simulator emits
/// them; a decoder skips
/// them whatever their shape (they decode as `None`: nothing may rely on them, and
/// skipping keeps long lists cheap to read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The pkids of the ancestors from `sys` down, then the instance itself [seen]
    /// (not a dotted path).
    #[serde(default, deserialize_with = "lenient::pkids")]
    pub path: Vec<String>,
    #[serde(default)]
    pub references: References,
    #[serde(default, deserialize_with = "lenient::text")]
    pub model_type: String,
    /// Absent on 11.5.1, documented as a list later [seen]/[doc]: never rely on it.
    /// Decoded as it comes (any shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_tag: Option<Value>,
    /// [seen], e.g. a display title.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<Value>,
    /// [seen], e.g. `true`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub cached: Option<Value>,
    /// [seen], e.g. `"1.6"`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_version: Option<Value>,
    /// [seen] as `"false"` on listed records.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<Value>,
    /// [seen]: `[{"name", "title"}, ...]`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary_attrs: Option<Value>,
    /// [seen]: `{"hierarchy": true, "unique": ["username"]}`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub business_key: Option<Value>,
    /// [seen]: `[]`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub tagged_versions: Option<Value>,
    /// [seen]: `[]`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub tags: Option<Value>,
    /// [seen] on 11.5.1 as a list of `{name: {href, method, title, class, support_async}}`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub actions: Option<Value>,
    /// [seen], e.g. `"11.5.1"`.
    #[serde(
        default,
        deserialize_with = "lenient::skip",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_version: Option<Value>,
}

/// Links from an instance to others [seen]: each kind a list of [`Reference`]. A kind
/// that is missing, `null` or not a list decodes as empty; other kinds are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct References {
    #[serde(rename = "self", default, deserialize_with = "lenient::refs")]
    pub self_: Vec<Reference>,
    /// The hierarchy node the instance lives at.
    #[serde(default, deserialize_with = "lenient::refs")]
    pub parent: Vec<Reference>,
    #[serde(default, deserialize_with = "lenient::refs")]
    pub children: Vec<Reference>,
    #[serde(default, deserialize_with = "lenient::refs")]
    pub owner: Vec<Reference>,
    #[serde(default, deserialize_with = "lenient::refs")]
    pub device: Vec<Reference>,
    #[serde(default, deserialize_with = "lenient::refs")]
    pub foreign_key: Vec<Reference>,
}

/// A link [seen]: `pkid` may be `null` or `""`, `href` may be missing or `""`; other keys
/// are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub pkid: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<String>,
}

/// A customer's fields as `relation/HcsCustomerREL` names them. A write carries only the
/// fields it sets (`None` is left out). Booleans decode from `true`/`false` or the texts
/// `"true"`/`"false"` (the schema's defaults are texts [doc]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerData {
    /// The underlying data model's pkid [seen]: NOT the relation's (see
    /// [`Resource::instance_pkid`]). Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    /// Customer Name [doc]: required, at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The dotted path of the parent node, e.g. `sys.hcs.P.R` [seen]. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_path: Option<String>,
    /// [ours]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// [ours]
    #[serde(
        rename = "extendedName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub extended_name: Option<String>,
    /// [ours]
    #[serde(
        rename = "externalCustomerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_customer_id: Option<String>,
    /// Domain Name, titled "Directory Domain" [doc].
    #[serde(
        rename = "directoryDomain",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub directory_domain: Option<String>,
    /// [ours]
    #[serde(
        rename = "publicSector",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_sector: Option<bool>,
    /// [ours]
    #[serde(
        rename = "inactiveBilling",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_billing: Option<bool>,
    /// Create Local Admin [doc] (default "true").
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_admin: Option<bool>,
    /// [ours], doubtful: the local admin may travel in an embedded `dataUser`.
    #[serde(
        rename = "clonedAdminRole",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloned_admin_role: Option<String>,
    /// [ours] Read-only, derived from the name and the cloned role.
    #[serde(
        rename = "defaultAdminRole",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub default_admin_role: Option<String>,
    /// [ours] Write-only, create-only.
    #[serde(
        rename = "defaultAdminPassword",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub default_admin_password: Option<String>,
    /// [ours] Write-only, create-only.
    #[serde(
        rename = "repeatDefaultAdminPassword",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub repeat_default_admin_password: Option<String>,
    /// [ours]
    #[serde(rename = "accountId", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// [ours] One text, comma separated: "D-100,D-200".
    #[serde(rename = "dealIds", default, skip_serializing_if = "Option::is_none")]
    pub deal_ids: Option<String>,
    /// [ours] "" for none.
    #[serde(
        rename = "primeCollaboration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub prime_collaboration: Option<String>,
    /// Shared UC Applications [doc] (default "false").
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub shared_uc_apps: Option<bool>,
    /// Disable Number Management [doc].
    #[serde(
        rename = "disableNumMgmt",
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_num_mgmt: Option<bool>,
    /// Migrate from HCM-F [doc]: create-only.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub migrate: Option<bool>,
    /// The Hierarchy form field [doc]: where a create puts the customer (a dotted path).
    #[serde(
        rename = "HierarchyPath",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub form_hierarchy_path: Option<String>,
}

/// `data/HierarchyNode` data [doc]: no `type`, no `domain` (a provider's or reseller's
/// domain lives on its relation, [`ProviderData`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HierarchyNodeData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: String,
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// A reference to `data/HierarchyNodeType` [doc], by name: see [`node_type`].
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_type: Option<String>,
}

/// The names of `data/HierarchyNodeType` instances [ours]: compare without letter case.
pub mod node_type {
    /// `sys` and `sys.hcs`.
    pub const SYSTEM: &str = "System";
    pub const PROVIDER: &str = "Provider";
    pub const RESELLER: &str = "Reseller";
    pub const CUSTOMER: &str = "Customer";
}

/// `relation/HcsProviderREL` and `relation/HcsResellerREL` data [doc]: where the
/// provider's and the reseller's domains live.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderData {
    /// The underlying data model's pkid [seen] (not the relation's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: String,
    /// [doc]
    #[serde(
        rename = "directoryDomain",
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub directory_domain: Option<String>,
    /// The dotted path of the parent node [seen].
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub hierarchy_path: Option<String>,
}

/// A reseller relation has the provider relation's shape.
pub type ResellerData = ProviderData;

/// Any instance identified by its name: roles, Prime Collaboration applications, and the
/// dependents of a customer (LDAP servers, SSO providers, phones, NDLs, sites).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: String,
    /// The dotted path of the node the instance lives at [seen].
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub hierarchy_path: Option<String>,
}

/// A number in an inventory. `number` [ours]; `status` values [doc].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The dotted path of the node the number lives at (the customer's) [seen].
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub hierarchy_path: Option<String>,
}

/// The answer to a synchronous write [ours].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncWriteResponse {
    pub success: bool,
    pub pkid: String,
    pub model_type: String,
    #[serde(default)]
    pub meta: Value,
}

/// The answer to an asynchronous write (`nowait=true`) [doc].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsyncWriteResponse {
    pub success: bool,
    pub href: String,
    pub transaction_id: String,
}

/// A transaction's state [doc]: `Queued`, `In Progress`, `Success`, `Fail`; a guide
/// example shows `Completed` (a success). Any other text decodes as `Other` and never
/// fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnStatus {
    Queued,
    InProgress,
    Success,
    Completed,
    Fail,
    /// A status this tool does not know: neither final nor failed.
    Other(String),
}

impl TxnStatus {
    /// The status as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            TxnStatus::Queued => "Queued",
            TxnStatus::InProgress => "In Progress",
            TxnStatus::Success => "Success",
            TxnStatus::Completed => "Completed",
            TxnStatus::Fail => "Fail",
            TxnStatus::Other(text) => text,
        }
    }

    /// Parses a status; unknown texts become [`TxnStatus::Other`].
    pub fn parse(text: &str) -> Self {
        match text {
            "Queued" => TxnStatus::Queued,
            "In Progress" => TxnStatus::InProgress,
            "Success" => TxnStatus::Success,
            "Completed" => TxnStatus::Completed,
            "Fail" => TxnStatus::Fail,
            other => TxnStatus::Other(other.to_owned()),
        }
    }

    /// `Success`, `Completed` or `Fail`.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxnStatus::Success | TxnStatus::Completed | TxnStatus::Fail
        )
    }

    /// `Success` or `Completed`.
    pub fn is_success(&self) -> bool {
        matches!(self, TxnStatus::Success | TxnStatus::Completed)
    }
}

impl Serialize for TxnStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TxnStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(text) => TxnStatus::parse(&text),
            Value::Null => TxnStatus::Other(String::new()),
            other => TxnStatus::Other(other.to_string()),
        })
    }
}

/// `GET /api/tool/Transaction/UUID/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionBody {
    #[serde(default)]
    pub meta: Value,
    pub data: TransactionData,
}

/// A transaction's data; `status` [doc], the rest [ours].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionData {
    pub status: TxnStatus,
    #[serde(default, deserialize_with = "lenient::text")]
    pub username: String,
    #[serde(default)]
    pub resource: TransactionResource,
    /// Why a transaction failed [ours].
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
}

/// [ours]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransactionResource {
    #[serde(default, deserialize_with = "lenient::text")]
    pub hierarchy: String,
    /// The instance after the transaction (absent for a delete).
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub after_transaction: Option<String>,
}

/// `GET /api/tool/Transaction/UUID/poll/`: `{"UUID": {"status", "href", "description"}}`
/// [doc].
pub type PollBody = BTreeMap<String, PollEntry>;

/// One transaction in a poll answer [doc].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollEntry {
    pub status: TxnStatus,
    #[serde(default, deserialize_with = "lenient::text")]
    pub href: String,
    #[serde(default, deserialize_with = "lenient::text")]
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

/// One field at fault in an [`ErrorBody`] [ours].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// `POST /noninteractivelogin/` (session login) [doc]; the body's names are [ours].
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

/// Session login [doc]: the response header that carries the CSRF token (first choice),
/// the cookie that carries it too (fallback), and the request header writes send it in.
pub const CSRF_HEADER: &str = "X-CSRFToken";
/// See [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "csrftoken";
/// The session cookie set by the login [seen].
pub const SESSION_COOKIE: &str = "sessionid";

/// Deserializers that accept what real servers send where this tool expects less.
mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    use super::Reference;

    fn count_of(value: &Value) -> Option<u64> {
        match value {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < u64::MAX as f64)
                    .map(|f| f as u64)
            }),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// Skips a value of any shape: `None`.
    pub fn skip<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(None)
    }

    /// A count: a whole number, a numeric text, or `null` (0).
    pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let value = Value::deserialize(d)?;
        if value.is_null() {
            return Ok(0);
        }
        count_of(&value).ok_or_else(|| serde::de::Error::custom("expected a whole number"))
    }

    /// An optional count: anything that is not a count is `None`.
    pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(count_of(&Value::deserialize(d)?))
    }

    /// A text; `null` or any other type is "".
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(text) => text,
            _ => String::new(),
        })
    }

    /// An optional text; `null` or any other type is `None`.
    pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(text) => Some(text),
            _ => None,
        })
    }

    /// `true`/`false`, `"true"`/`"false"` (any case), or `null` (`None`); anything else
    /// is an error (a write with `"publicSector": "yes"` is refused).
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(b)),
            Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
            // The value is not repeated: a misplaced password must not reach a message.
            _ => Err(serde::de::Error::custom("expected true or false")),
        }
    }

    /// A list of pkids; `null` items are "", a value that is not a list is empty.
    pub fn pkids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => text,
                    _ => String::new(),
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    /// A list of references; items that are not objects are skipped, a value that is
    /// not a list is empty.
    pub fn refs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Reference>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Array(items) => items
                .into_iter()
                .filter(Value::is_object)
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
            _ => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_listed_resource_shaped_like_the_capture_decodes() {
        let body = json!({
            "operations": ["help", "get", "list"],
            "pagination": {"order_by": "name", "current": "/api/x/?skip=0&limit=1",
                "direction": "asc", "limit": 1, "total_limit": null, "maximum_limit": 200,
                "skip": 0, "total": 33},
            "meta": {"references": {"self": [{"pkid": null, "href": "/api/x/None/"}]}},
            "resources": [{
                "pkid": "aaaaaaaaaaaaaaaaaaaaaaa1",
                "meta": {"summary": "false", "cached": true,
                    "references": {"parent": [{"pkid": "bbbbbbbbbbbbbbbbbbbbbbb2"}],
                        "owner": [{"pkid": ""}], "device": [{"pkid": "", "href": ""}],
                        "foreign_key": [], "self": null, "weird": 3},
                    "path": ["1c0ffee2c0deab00da595101", null, "aaaaaaaaaaaaaaaaaaaaaaa1"],
                    "actions": [{"get": {"href": "/x", "method": "GET"}}],
                    "version_tag": ["v1"], "unknown": {"deep": 1}},
                "data": {"pkid": "ccccccccccccccccccccccc3", "name": "Acme",
                    "hierarchy_path": "sys.hcs.P.R", "publicSector": "false",
                    "directoryDomain": "acme.example", "dataUser": {"x": 1}}
            }]
        });
        let page: ListBody<CustomerData> = serde_json::from_value(body).unwrap();
        assert_eq!(page.pagination.maximum_limit, Some(200));
        assert_eq!(page.pagination.total_limit, None);
        assert_eq!(page.pagination.total, 33);
        let r = &page.resources[0];
        assert_eq!(r.instance_pkid(), Some("aaaaaaaaaaaaaaaaaaaaaaa1"));
        assert_ne!(r.instance_pkid(), r.data.pkid.as_deref());
        assert_eq!(r.meta.path.len(), 3);
        assert_eq!(r.meta.references.parent[0].href, None);
        assert!(r.meta.references.self_.is_empty());
        assert_eq!(r.data.public_sector, Some(false));
        assert_eq!(r.data.hierarchy_path.as_deref(), Some("sys.hcs.P.R"));
        assert_eq!(r.data.directory_domain.as_deref(), Some("acme.example"));
    }

    #[test]
    fn the_instance_pkid_falls_back_to_the_self_reference_never_data_pkid() {
        let r: Resource<CustomerData> = serde_json::from_value(json!({
            "pkid": "",
            "meta": {"references": {"self": [{"pkid": "ddddddddddddddddddddddd4"}]}},
            "data": {"pkid": "eeeeeeeeeeeeeeeeeeeeeee5"}
        }))
        .unwrap();
        assert_eq!(r.instance_pkid(), Some("ddddddddddddddddddddddd4"));
        let r: Resource<CustomerData> =
            serde_json::from_value(json!({"data": {"pkid": "eeeeeeeeeeeeeeeeeeeeeee5"}})).unwrap();
        assert_eq!(r.instance_pkid(), None);
    }

    #[test]
    fn transaction_statuses_never_fail_to_decode() {
        for (text, status) in [
            ("Success", TxnStatus::Success),
            ("Completed", TxnStatus::Completed),
            ("In Progress", TxnStatus::InProgress),
            ("Paused", TxnStatus::Other("Paused".into())),
        ] {
            let decoded: TxnStatus = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(decoded, status);
            assert_eq!(serde_json::to_value(&decoded).unwrap(), json!(text));
        }
        assert!(TxnStatus::Completed.is_success() && TxnStatus::Completed.is_final());
        assert!(!TxnStatus::Other("Paused".into()).is_final());
        let odd: TxnStatus = serde_json::from_value(json!(7)).unwrap();
        assert!(matches!(odd, TxnStatus::Other(_)));
    }

    #[test]
    fn nodes_carry_node_type_and_ignore_a_domain() {
        let node: HierarchyNodeData = serde_json::from_value(
            json!({"name": "R", "node_type": "Reseller", "domain": "x", "type": "y"}),
        )
        .unwrap();
        assert_eq!(node.node_type.as_deref(), Some(node_type::RESELLER));
        assert!(!serde_json::to_string(&node).unwrap().contains("domain"));
    }
}
