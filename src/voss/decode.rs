//! Reading the API's answers as real servers shape them, tolerant of everything this tool
//! does not need: unknown keys anywhere, references without `href` or with a `null` pkid,
//! pagination numbers as texts, statuses it has never seen.
//!
//! The shapes ([seen] in answers captured from a real server unless marked):
//! - a list: `{"pagination": {"skip", "limit", "total", "maximum_limit", ...},
//!   "resources": [RESOURCE...], "meta", "operations"}`;
//! - a resource: `{"pkid": RELATION_PKID, "meta": {"path": [PKID...],
//!   "references": {"self": [{"pkid", "href"}], "parent": [...]}, ...}, "data": {...}}`.
//!   The relation's pkid is the top-level `pkid`, else `meta.references.self[0].pkid`;
//!   `data.pkid` is the underlying data model's id, a different one, and is never used.
//!   `data.hierarchy_path` is the dotted path of the parent node; `meta.path` lists the
//!   pkids from `sys` down to the instance itself.

use serde::Deserialize;
use serde_json::{Map, Value};

/// One page of a list.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    pub resources: Vec<Record>,
    /// `pagination.total`, when the server gave one.
    pub total: Option<u64>,
    /// `pagination.skip` as the server answered it.
    pub skip: Option<u64>,
    /// `pagination.maximum_limit`: the largest page the server serves [seen: 200].
    pub maximum_limit: Option<u64>,
}

/// One instance, decoded only as far as this tool needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Record {
    /// The relation instance's pkid (what GET, PUT and DELETE address).
    pub pkid: String,
    /// `data.hierarchy_path`: the dotted path of the parent node, when given.
    pub parent: Option<String>,
    /// `meta.path`: the pkids from `sys` down to the instance itself (may be empty).
    pub path_pkids: Vec<String>,
    /// `meta.version_tag` when it is a text (never relied on: absent on old servers).
    pub version: String,
    /// The instance's data, every key as the server sent it.
    pub data: Map<String, Value>,
}

impl Record {
    /// The dotted path of the node the instance lives under, given the hierarchy the
    /// list was asked at: `data.hierarchy_path` when present; else `at` itself when
    /// `meta.path` shows the instance directly below it; else unknown (`None`).
    pub fn parent_given(&self, at: &str) -> Option<String> {
        if let Some(parent) = &self.parent {
            return Some(parent.clone());
        }
        let depth = at.split('.').count();
        (self.path_pkids.len() == depth + 1).then(|| at.to_owned())
    }

    /// A text field of the data (`None` when absent or not a text).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Value::as_str)
    }
}

/// Why an answer could not be read; the caller names the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unreadable(pub String);

#[derive(Deserialize)]
struct RawPage {
    #[serde(default)]
    pagination: Map<String, Value>,
    resources: Vec<LeanResource>,
}

/// A listed resource with only the keys [`record`] reads; the others (meta's `actions`,
/// `summary_attrs`, ... [seen]) are skipped while parsing instead of built and dropped,
/// which is most of a large list's decoding.
#[derive(Deserialize)]
struct LeanResource {
    #[serde(default)]
    pkid: Option<Value>,
    #[serde(default)]
    meta: Option<LeanMeta>,
    #[serde(default)]
    data: Option<Value>,
}

#[derive(Deserialize)]
struct LeanMeta {
    #[serde(default)]
    path: Option<Value>,
    #[serde(default)]
    references: Option<LeanReferences>,
    #[serde(default)]
    version_tag: Option<Value>,
}

#[derive(Deserialize)]
struct LeanReferences {
    #[serde(default, rename = "self")]
    self_: Option<Value>,
}

impl LeanResource {
    /// The resource as a [`Record`], by the rules of [`record`] (without building the
    /// resource as a value first).
    fn into_record(self) -> Result<Record, Unreadable> {
        let (path, version_tag, self_refs) = match self.meta {
            Some(meta) => (
                meta.path,
                meta.version_tag,
                meta.references.and_then(|r| r.self_),
            ),
            None => (None, None, None),
        };
        let data = match self.data {
            Some(Value::Object(data)) => data,
            Some(Value::Null) | None => Map::new(),
            Some(_) => return Err(Unreadable("`data` is not an object".to_owned())),
        };
        let self_pkid = || {
            self_refs
                .as_ref()
                .and_then(Value::as_array)
                .and_then(|refs| refs.first())
                .and_then(|r| r.get("pkid"))
                .and_then(non_empty)
        };
        let pkid = self
            .pkid
            .and_then(owned_non_empty)
            .or_else(self_pkid)
            .ok_or_else(no_pkid)?;
        // The texts are moved out of the parsed values, not copied.
        let path_pkids = match path {
            Some(Value::Array(items)) => items.into_iter().filter_map(owned_non_empty).collect(),
            _ => Vec::new(),
        };
        Ok(Record {
            pkid,
            parent: data.get("hierarchy_path").and_then(non_empty),
            path_pkids,
            version: version_tag
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            data,
        })
    }
}

fn no_pkid() -> Unreadable {
    Unreadable(
        "a resource without its pkid (neither a top-level `pkid` nor \
         `meta.references.self[0].pkid`)"
            .to_owned(),
    )
}

/// A list answer. Errors: not an object with a `resources` list, or a resource with no
/// relation pkid.
pub(crate) fn page(bytes: &[u8]) -> Result<Page, Unreadable> {
    let raw: RawPage = serde_json::from_slice(bytes).map_err(|e| {
        Unreadable(format!(
            "not a list answer ({e}); expected {{\"pagination\", \"resources\"}}"
        ))
    })?;
    let number = |key: &str| raw.pagination.get(key).and_then(lenient_u64);
    let resources = raw
        .resources
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            value
                .into_record()
                .map_err(|Unreadable(e)| Unreadable(format!("resources[{i}]: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Page {
        resources,
        total: number("total"),
        skip: number("skip"),
        maximum_limit: number("maximum_limit").filter(|n| *n > 0),
    })
}

/// One instance's answer (`GET .../MODEL/PKID/`).
pub(crate) fn instance(bytes: &[u8]) -> Result<Record, Unreadable> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| Unreadable(format!("not JSON ({e})")))?;
    record(value)
}

/// A resource value → [`Record`].
pub(crate) fn record(value: Value) -> Result<Record, Unreadable> {
    let Value::Object(mut resource) = value else {
        return Err(Unreadable("a resource that is not an object".to_owned()));
    };
    let meta = match resource.remove("meta") {
        Some(Value::Object(meta)) => meta,
        _ => Map::new(),
    };
    let data = match resource.remove("data") {
        Some(Value::Object(data)) => data,
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err(Unreadable("`data` is not an object".to_owned())),
    };
    let self_pkid = meta
        .get("references")
        .and_then(|r| r.get("self"))
        .and_then(Value::as_array)
        .and_then(|refs| refs.first())
        .and_then(|r| r.get("pkid"))
        .and_then(non_empty);
    let pkid = resource
        .get("pkid")
        .and_then(non_empty)
        .or(self_pkid)
        .ok_or_else(no_pkid)?;
    let path_pkids = meta
        .get("path")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(non_empty).collect())
        .unwrap_or_default();
    Ok(Record {
        pkid,
        parent: data.get("hierarchy_path").and_then(non_empty),
        path_pkids,
        version: meta
            .get("version_tag")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        data,
    })
}

/// The state of a transaction, from its `status` text [doc]: `Queued`, `In Progress`,
/// `Success`, `Fail`; a guide example shows `Completed` (success). Which texts mean done
/// and failed is the profile's (`writes.success_statuses`, `writes.failure_statuses`).
/// Anything else is `Unknown` and keeps being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TxnState {
    Running,
    Succeeded,
    Failed,
    Unknown(String),
}

impl TxnState {
    /// The state `status` means, given the texts that mean success and failure (compared
    /// without regard to case or surrounding spaces).
    pub fn of(status: &str, success: &[String], failure: &[String]) -> TxnState {
        let is = |list: &[String]| {
            list.iter()
                .any(|s| s.trim().eq_ignore_ascii_case(status.trim()))
        };
        if is(success) {
            TxnState::Succeeded
        } else if is(failure) {
            TxnState::Failed
        } else if matches!(
            status.trim().to_ascii_lowercase().as_str(),
            "queued" | "in progress"
        ) {
            TxnState::Running
        } else {
            TxnState::Unknown(status.chars().take(40).collect())
        }
    }
}

/// A poll answer `{"UUID": {"status", "href", "description"}}` [doc]: the status text and
/// the description of transaction `id`; `None` when the answer holds no entry for it.
pub(crate) fn poll(bytes: &[u8], id: &str) -> Result<Option<(String, String)>, Unreadable> {
    let value: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|e| Unreadable(format!("not a poll answer ({e})")))?;
    let Some(entry) = value.get(id) else {
        return Ok(None);
    };
    let status = entry.get("status").and_then(Value::as_str).unwrap_or("");
    let description = entry
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    Ok(Some((status.to_owned(), description)))
}

/// The answer to a write sent with `nowait=true` [doc]: `{"success": true, "href":
/// "/api/tool/Transaction/UUID", "transaction_id": "UUID"}`. The id is taken from
/// `transaction_id`, else from the end of `href`; `None` when neither names one (blank
/// counts as none, in both) or `success` is false.
pub(crate) fn accepted(bytes: &[u8]) -> Result<Option<String>, Unreadable> {
    let value: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|e| Unreadable(format!("not a write answer ({e})")))?;
    if value.get("success") == Some(&Value::Bool(false)) {
        return Ok(None);
    }
    let from_href = || {
        value
            .get("href")
            .and_then(Value::as_str)
            .and_then(|href| href.trim_end_matches('/').rsplit('/').next())
            .filter(|id| !id.trim().is_empty() && *id != "Transaction")
            .map(str::to_owned)
    };
    Ok(value
        .get("transaction_id")
        .and_then(non_empty)
        .or_else(from_href))
}

/// A non-empty text, or a number written as one (some pkids are numbers on old servers).
fn non_empty(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// [`non_empty`], taking the text out of the value.
fn owned_non_empty(value: Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A count as a number or a numeric text.
fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
