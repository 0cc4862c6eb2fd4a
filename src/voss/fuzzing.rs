//! The client's own decoding of every API answer it reads, as public plain data, for the
//! fuzz targets (`fuzz/`) and the property tests (`tests/prop_*.rs`); and a cheap encoder of
//! each decoded answer back into the shape the server sends, so that "decoded, re-encoded
//! and decoded again is equal" can be checked. The tool itself does not call this module:
//! each function here runs exactly the decoding the client runs on that answer
//! ([`super::decode`], [`super::fields`], [`super::add_schema`], the error body of
//! [`super::failure`]), with nothing added but the conversion to public types.
//!
//! Every function takes the answer's raw bytes (anything a server may send) and never
//! panics; an answer the client would refuse is an `Err` with the client's own sentence.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::add_schema::{self, Properties};
use super::decode::{self, Record, TxnState, Unreadable};
use super::failure;
use super::fields::live_from_record;
use super::list::node_type;
use super::profile::Profile;
use crate::model::{Field, LiveCustomer, NodeType};

/// The hierarchy a record is read under when neither `data.hierarchy_path` nor `meta.path`
/// places it (the client reads such a record only from a list at a known hierarchy).
pub const LISTED_AT: &str = "sys.hcs.CS-P";

/// One resource of a list or an instance answer, as the client decodes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedRecord {
    /// The relation instance's pkid (top-level `pkid`, else `meta.references.self[0].pkid`).
    pub pkid: String,
    /// `data.hierarchy_path`, when given as a non-empty text or a number.
    pub parent: Option<String>,
    /// `meta.path`: the non-empty pkids (texts or numbers), in order.
    pub path_pkids: Vec<String>,
    /// `meta.version_tag` when a text, else `""`.
    pub version: String,
    /// The instance's data as sent.
    pub data: Map<String, Value>,
    /// The record read as a customer (under its parent, else [`LISTED_AT`]) with the
    /// profile's field names, or the client's sentence why it cannot be.
    pub customer: Result<LiveCustomer, String>,
    /// The record read as a hierarchy node's type (`data.node_type`).
    pub node_type: NodeType,
}

/// One page of a list answer, as the client decodes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedPage {
    pub records: Vec<DecodedRecord>,
    /// `pagination.total` (a number or a numeric text).
    pub total: Option<u64>,
    /// `pagination.skip`.
    pub skip: Option<u64>,
    /// `pagination.maximum_limit`, when above 0.
    pub maximum_limit: Option<u64>,
}

/// A transaction's entry in a poll answer, as the client decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedPoll {
    /// `status` when a text, else `""`.
    pub status: String,
    /// `description` when a text, else `""`.
    pub description: String,
    /// What the status means with the profile's `writes.success_statuses` and
    /// `writes.failure_statuses`: `running`, `succeeded`, `failed` or `unknown: STATUS`
    /// (at most 40 characters of it).
    pub state: String,
}

/// The customer add form (`GET …/add/?schema=1`), as far as the client reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedAddForm {
    /// The first `properties` object of objects found (depth first, bounded depth).
    pub properties: Option<Properties>,
    /// `meta.api_version`, trimmed, when a non-empty text.
    pub release: Option<String>,
    /// What the preflight finds with every managed field and the local admin, as the
    /// sentences `doctor` prints.
    pub findings: Vec<String>,
    /// The properties marked `is_password`.
    pub passwords: Vec<String>,
}

impl DecodedRecord {
    fn of(record: Record, profile: &Profile) -> DecodedRecord {
        let parent = record.parent_given(LISTED_AT).unwrap_or_default();
        let customer = live_from_record(&record, &parent, profile).map_err(|Unreadable(e)| e);
        DecodedRecord {
            node_type: node_type(&record),
            customer,
            pkid: record.pkid,
            parent: record.parent,
            path_pkids: record.path_pkids,
            version: record.version,
            data: record.data,
        }
    }

    /// The resource a server would send for this record: `{"pkid", "meta": {"path",
    /// "version_tag"}, "data"}`.
    pub fn to_answer(&self) -> Value {
        json!({
            "pkid": self.pkid,
            "meta": {"path": self.path_pkids, "version_tag": self.version},
            "data": self.data,
        })
    }
}

impl DecodedPage {
    /// The list answer a server would send for this page: `{"pagination": {...},
    /// "resources": [...]}`.
    pub fn to_answer(&self) -> Value {
        let mut pagination = Map::new();
        for (key, number) in [
            ("total", self.total),
            ("skip", self.skip),
            ("maximum_limit", self.maximum_limit),
        ] {
            if let Some(number) = number {
                pagination.insert(key.to_owned(), Value::from(number));
            }
        }
        let resources: Vec<Value> = self.records.iter().map(DecodedRecord::to_answer).collect();
        json!({"pagination": pagination, "resources": resources})
    }
}

/// A list answer (`GET …/MODEL/?hierarchy=…`): every resource, each also read as a
/// customer and as a hierarchy node.
pub fn list_answer(bytes: &[u8], profile: &Profile) -> Result<DecodedPage, String> {
    let page = decode::page(bytes).map_err(|Unreadable(e)| e)?;
    Ok(DecodedPage {
        total: page.total,
        skip: page.skip,
        maximum_limit: page.maximum_limit,
        records: page
            .resources
            .into_iter()
            .map(|record| DecodedRecord::of(record, profile))
            .collect(),
    })
}

/// An instance answer (`GET …/MODEL/PKID/`), also read as a customer and a node.
pub fn instance_answer(bytes: &[u8], profile: &Profile) -> Result<DecodedRecord, String> {
    let record = decode::instance(bytes).map_err(|Unreadable(e)| e)?;
    Ok(DecodedRecord::of(record, profile))
}

/// A poll answer (`GET tool/Transaction/ID/poll/`) for transaction `id`; `None` when it
/// holds no entry for `id`.
pub fn poll_answer(
    bytes: &[u8],
    id: &str,
    profile: &Profile,
) -> Result<Option<DecodedPoll>, String> {
    let Some((status, description)) = decode::poll(bytes, id).map_err(|Unreadable(e)| e)? else {
        return Ok(None);
    };
    let writes = &profile.writes;
    let state = match TxnState::of(&status, &writes.success_statuses, &writes.failure_statuses) {
        TxnState::Running => "running".to_owned(),
        TxnState::Succeeded => "succeeded".to_owned(),
        TxnState::Failed => "failed".to_owned(),
        TxnState::Unknown(text) => format!("unknown: {text}"),
    };
    Ok(Some(DecodedPoll {
        status,
        description,
        state,
    }))
}

/// The poll answer a server would send for `poll` of transaction `id`.
pub fn poll_to_answer(id: &str, poll: &DecodedPoll) -> Value {
    json!({id: {"status": poll.status, "description": poll.description}})
}

/// A write answer sent with `nowait=true`: the transaction id, or `None` when it names
/// none or says `success: false`.
pub fn write_answer(bytes: &[u8]) -> Result<Option<String>, String> {
    decode::accepted(bytes).map_err(|Unreadable(e)| e)
}

/// The write answer a server would send for transaction `id` (its `transaction_id`).
pub fn write_to_answer(id: &str) -> Value {
    json!({"success": true, "transaction_id": id})
}

/// A 4xx/5xx answer: its message and field errors, or a short excerpt of a body that is
/// not an error body (what the client puts in its error).
pub fn error_answer(bytes: &[u8]) -> (String, Vec<(String, String)>) {
    failure::error_details(bytes)
}

/// The error body a server would send with `message` and `errors`.
pub fn error_to_answer(status: u16, message: &str, errors: &[(String, String)]) -> Value {
    let errors: Vec<Value> = errors
        .iter()
        .map(|(field, message)| json!({"field": field, "message": message}))
        .collect();
    json!({"success": false, "code": status, "message": message, "errors": errors})
}

/// A transaction's own answer (`GET tool/Transaction/ID/`): why it failed (`data.message`),
/// as the client reads it when a transaction fails; `Err` when it is not JSON.
pub fn transaction_answer(bytes: &[u8]) -> Result<Option<String>, String> {
    let value = json_value(bytes)?;
    Ok(value
        .pointer("/data/message")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned))
}

/// The customer add form with its schema, checked against `profile` with every managed
/// field and the local admin (what `doctor` and the preflight do with it).
pub fn add_form_answer(bytes: &[u8], profile: &Profile) -> Result<DecodedAddForm, String> {
    let answer = json_value(bytes)?;
    let properties = add_schema::find_properties(&answer, 0);
    let release = answer
        .pointer("/meta/api_version")
        .and_then(Value::as_str)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let (findings, passwords) = match &properties {
        Some(properties) => {
            let fields: BTreeSet<Field> = std::iter::once(Field::Name)
                .chain(Field::managed())
                .collect();
            let findings = add_schema::check(profile, properties, &fields, true)
                .iter()
                .map(|finding| match finding.fix() {
                    Some(fix) => format!("{finding} ({fix})"),
                    None => finding.to_string(),
                })
                .collect();
            let passwords = add_schema::password_properties(properties)
                .into_iter()
                .map(str::to_owned)
                .collect();
            (findings, passwords)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(DecodedAddForm {
        properties,
        release,
        findings,
        passwords,
    })
}

/// The add form a server would send for `form`.
pub fn add_form_to_answer(form: &DecodedAddForm) -> Value {
    let mut answer = Map::new();
    if let Some(properties) = &form.properties {
        answer.insert("properties".to_owned(), Value::Object(properties.clone()));
    }
    if let Some(release) = &form.release {
        answer.insert("meta".to_owned(), json!({"api_version": release}));
    }
    Value::Object(answer)
}

/// A JSON answer read the way the client reads a generic one (`Client::send`).
fn json_value(bytes: &[u8]) -> Result<Value, String> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| e.to_string())
}
