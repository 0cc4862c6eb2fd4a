//! The field map: a customer in model terms ↔ the customer model's JSON. The JSON names
//! come from the API profile (`profile.yaml`: each with its source, [doc], [seen] or
//! [ours]); how each value travels is fixed here: texts as texts, `deal_ids` as one
//! comma-separated text, `prime_collaboration` `""` for none, `number_management` as its
//! opposite (`disableNumMgmt`), flags as booleans.
//!
//! Booleans are read as JSON booleans or as the texts `"true"`/`"false"` (the vendor's
//! schema defaults are texts [doc]); a whole-record update writes a flag back in the form
//! the server used for it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::decode::{Record, Unreadable};
use super::profile::Profile;
use super::secret::Secret;
use crate::model::{Field, FieldValues, LiveCustomer};

/// How a field's value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Text,
    Flag,
    /// A flag whose JSON means the opposite (`disableNumMgmt`).
    NegatedFlag,
    /// A list as one comma-separated text.
    CommaList,
    /// A text, `""` for none.
    EmptyIsNone,
}

/// How each managed field (and the name) travels.
const CUSTOMER_FIELDS: [(Field, Form); 12] = [
    (Field::Name, Form::Text),
    (Field::Description, Form::Text),
    (Field::ExtendedName, Form::Text),
    (Field::ExternalCustomerId, Form::Text),
    (Field::Domain, Form::Text),
    (Field::PublicSector, Form::Flag),
    (Field::InactiveBilling, Form::Flag),
    (Field::AccountId, Form::Text),
    (Field::DealIds, Form::CommaList),
    (Field::PrimeCollaboration, Form::EmptyIsNone),
    (Field::SharedUcApps, Form::Flag),
    (Field::NumberManagement, Form::NegatedFlag),
];

/// Migrate from HCM-F [doc].
pub const MIGRATE: &str = "migrate";
/// The create form's hierarchy field [doc].
pub const HIERARCHY_PATH: &str = "HierarchyPath";

/// Each field with its JSON name in `profile` and how it travels.
fn entries(profile: &Profile) -> impl Iterator<Item = (Field, &str, Form)> {
    CUSTOMER_FIELDS
        .into_iter()
        .filter_map(|(field, form)| Some((field, profile.json_name(field)?, form)))
}

fn entry(profile: &Profile, field: Field) -> Option<(&str, Form)> {
    entries(profile)
        .find(|(f, _, _)| *f == field)
        .map(|(_, json, form)| (json, form))
}

/// The keys a write never sends back: the profile's read-only keys, and the local admin's
/// passwords (write-only, create-only).
fn never_sent_back(profile: &Profile) -> impl Iterator<Item = &str> {
    profile.writes.read_only.iter().map(String::as_str).chain([
        profile.local_admin.password.as_str(),
        profile.local_admin.repeat_password.as_str(),
    ])
}

/// The JSON value of a model value (in file terms). `like` is the server's current value
/// of the key: a flag is written back as a text when the server keeps it as one.
fn to_json(form: Form, value: &Value, like: Option<&Value>) -> Value {
    let flag = |on: bool| match like {
        Some(Value::String(_)) => Value::from(if on { "true" } else { "false" }),
        _ => Value::Bool(on),
    };
    match form {
        Form::Text => value.clone(),
        Form::Flag => value.as_bool().map_or(Value::Null, flag),
        Form::NegatedFlag => value.as_bool().map_or(Value::Null, |on| flag(!on)),
        Form::CommaList => {
            let ids: Vec<String> = value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            Value::from(deal_ids_to_wire(&ids))
        }
        Form::EmptyIsNone => Value::from(value.as_str().unwrap_or_default()),
    }
}

/// A managed field's value as read, borrowing the record's texts (each is copied once,
/// into the live customer).
enum Decoded<'a> {
    Text(&'a str),
    Flag(bool),
    List(Vec<String>),
    /// A text, `None` for none.
    Optional(Option<&'a str>),
}

impl Decoded<'_> {
    fn text(&self) -> String {
        match self {
            Decoded::Text(s) | Decoded::Optional(Some(s)) => (*s).to_owned(),
            _ => String::new(),
        }
    }

    fn flag(&self) -> bool {
        matches!(self, Decoded::Flag(true))
    }

    fn optional(&self) -> Option<String> {
        match self {
            Decoded::Text(s) | Decoded::Optional(Some(s)) => Some((*s).to_owned()),
            _ => None,
        }
    }

    fn list(self) -> Vec<String> {
        match self {
            Decoded::List(items) => items,
            _ => Vec::new(),
        }
    }
}

/// The model value of a JSON value; `Err` names the shape expected.
fn from_json(form: Form, value: &Value) -> Result<Decoded<'_>, &'static str> {
    let flag = |value: &Value| match value {
        Value::Bool(on) => Some(*on),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    };
    match form {
        Form::Text => match value {
            Value::String(s) => Ok(Decoded::Text(s)),
            Value::Null => Ok(Decoded::Text("")),
            _ => Err("a text"),
        },
        Form::Flag => flag(value).map(Decoded::Flag).ok_or("true or false"),
        Form::NegatedFlag => flag(value)
            .map(|on| Decoded::Flag(!on))
            .ok_or("true or false"),
        Form::CommaList => match value {
            Value::String(s) => Ok(Decoded::List(deal_ids_from_wire(s))),
            Value::Null => Ok(Decoded::List(Vec::new())),
            Value::Array(items) => Ok(Decoded::List(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .flat_map(deal_ids_from_wire)
                    .collect(),
            )),
            _ => Err("a comma-separated text"),
        },
        Form::EmptyIsNone => match value {
            Value::String(s) if s.trim().is_empty() => Ok(Decoded::Optional(None)),
            Value::String(s) => Ok(Decoded::Optional(Some(s))),
            Value::Null => Ok(Decoded::Optional(None)),
            _ => Err("a text"),
        },
    }
}

/// A customer record (listed or read) in model terms, living under `hierarchy`. Managed
/// fields the record does not carry keep VOSS's defaults and are listed in `unread`.
///
/// Errors: no `name`, or a managed field of a shape this map cannot read (named).
pub(crate) fn live_from_record(
    record: &Record,
    hierarchy: &str,
    profile: &Profile,
) -> Result<LiveCustomer, Unreadable> {
    let name_key = profile.json_name(Field::Name).unwrap_or("name");
    let name = record.text(name_key).ok_or_else(|| {
        Unreadable(format!(
            "customer {} has no `{name_key}` in its data",
            record.pkid
        ))
    })?;
    let mut live = LiveCustomer::with_defaults(&record.pkid, hierarchy, name);
    live.version = record.version.clone();
    let mut unread = BTreeSet::new();
    for (field, json, form) in entries(profile) {
        if field == Field::Name {
            continue;
        }
        let Some(value) = record.data.get(json) else {
            unread.insert(field);
            continue;
        };
        let value = from_json(form, value).map_err(|expected| {
            Unreadable(format!(
                "customer {name} ({}): `{json}` is not {expected}",
                record.pkid
            ))
        })?;
        set_live(&mut live, field, value);
    }
    live.unread = unread;
    let create_admin = record
        .data
        .get(&profile.local_admin.create)
        .and_then(|v| match v {
            Value::Bool(on) => Some(*on),
            Value::String(s) => Some(s.eq_ignore_ascii_case("true")),
            _ => None,
        });
    live.local_admin_role = match (create_admin, record.text(&profile.local_admin.cloned_role)) {
        (Some(false), _) | (_, None | Some("")) => None,
        (_, Some(role)) => Some(role.to_owned()),
    };
    Ok(live)
}

/// Stores a decoded model value (its shape already checked by [`from_json`]).
fn set_live(live: &mut LiveCustomer, field: Field, value: Decoded<'_>) {
    match field {
        Field::Description => live.description = value.text(),
        Field::ExtendedName => live.extended_name = value.text(),
        Field::ExternalCustomerId => live.external_customer_id = value.text(),
        Field::Domain => live.domain = value.text(),
        Field::PublicSector => live.public_sector = value.flag(),
        Field::InactiveBilling => live.inactive_billing = value.flag(),
        Field::AccountId => live.account_id = value.text(),
        Field::DealIds => live.deal_ids = value.list(),
        Field::PrimeCollaboration => live.prime_collaboration = value.optional(),
        Field::SharedUcApps => live.shared_uc_apps = value.flag(),
        Field::NumberManagement => live.number_management = value.flag(),
        Field::Name
        | Field::LocalAdmin
        | Field::LocalAdminClonedRole
        | Field::LocalAdminPasswordEnv
        | Field::RenamedFrom
        | Field::Protect => {}
    }
}

/// The body of a whole-record update (PUT replaces the record with its payload [doc]):
/// the instance's data as read, with `values` set and the read-only and write-only keys
/// left out; every other key, unknown ones too, goes back as it was.
pub fn whole_record(
    current: &Map<String, Value>,
    values: &FieldValues,
    profile: &Profile,
) -> Map<String, Value> {
    let mut body = current.clone();
    for key in never_sent_back(profile) {
        body.remove(key);
    }
    set_values(&mut body, values, current, profile);
    body
}

/// The body of a partial update (PATCH, where a server merges [seen in use]): only the
/// keys of `values`, flags in the form `current` uses.
pub fn partial_record(
    values: &FieldValues,
    current: &Map<String, Value>,
    profile: &Profile,
) -> Map<String, Value> {
    let mut body = Map::new();
    set_values(&mut body, values, current, profile);
    body
}

fn set_values(
    body: &mut Map<String, Value>,
    values: &FieldValues,
    current: &Map<String, Value>,
    profile: &Profile,
) {
    for (field, value) in values.iter() {
        if let Some((json, form)) = entry(profile, field) {
            body.insert(json.to_owned(), to_json(form, value, current.get(json)));
        }
    }
}

/// What creating a customer needs, in model terms.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRequest {
    pub name: String,
    /// The written fields (a `name` among them is ignored: `name` is the name).
    pub fields: FieldValues,
    /// Move the HCM-F customer of this name from `sys.hcs` instead of creating one.
    pub migrate: bool,
    /// Create Local Admin; `None` creates none.
    pub local_admin: Option<LocalAdminRequest>,
}

/// Create Local Admin, with the password read at apply time.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAdminRequest {
    pub cloned_role: String,
    pub password: Secret,
}

impl CreateRequest {
    /// The JSON body of the create at `hierarchy`. The password goes in twice, as the form
    /// asks. A migration carries only the name, `migrate`, `HierarchyPath` and the local
    /// admin ([doc]: what else it may carry is undocumented); its fields follow as an
    /// update.
    ///
    /// From the release the profile names in `local_admin.clone_from_release` on (24.2
    /// [doc]), a create no longer clones the role by itself: the profile's `clone_flag` is
    /// sent to ask for it.
    pub fn to_wire(&self, hierarchy: &str, profile: &Profile) -> Map<String, Value> {
        let names = &profile.local_admin;
        let mut body = Map::new();
        if self.migrate {
            body.insert(MIGRATE.to_owned(), Value::Bool(true));
            body.insert(HIERARCHY_PATH.to_owned(), Value::from(hierarchy));
        } else {
            set_values(&mut body, &self.fields, &Map::new(), profile);
        }
        let name_key = profile.json_name(Field::Name).unwrap_or("name");
        body.insert(name_key.to_owned(), Value::from(self.name.as_str()));
        body.insert(
            names.create.clone(),
            Value::Bool(self.local_admin.is_some()),
        );
        if let Some(admin) = &self.local_admin {
            let password = Value::from(admin.password.expose());
            body.insert(
                names.cloned_role.clone(),
                Value::from(admin.cloned_role.as_str()),
            );
            if profile.asks_to_clone_role() {
                body.insert(names.clone_flag.clone(), Value::Bool(true));
            }
            body.insert(names.password.clone(), password.clone());
            body.insert(names.repeat_password.clone(), password);
        }
        body
    }
}

/// `"D-100, D-200,"` → `["D-100", "D-200"]`.
pub fn deal_ids_from_wire(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `["D-100", "D-200"]` → `"D-100,D-200"`.
pub fn deal_ids_to_wire(ids: &[String]) -> String {
    ids.iter().map(|id| id.trim()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
