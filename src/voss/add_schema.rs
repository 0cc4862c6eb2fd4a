//! What a server says it accepts: the customer model's add schema
//! (`GET /api/MODEL/add/?hierarchy=H&format=json&schema=1` [doc]: draft-03 style,
//! `properties` of `{type, title, required: true, readonly, is_password, maxLength,
//! pattern}`, nested somewhere in the answer), compared with the API profile. `doctor`
//! prints every finding; `plan` and `apply` stop before anything is written when a field
//! they are about to use is not on the server.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::client::{Client, NO_BODY};
use super::error::ApiError;
use super::profile::Profile;
use super::request::{ApiRequest, Method};
use crate::model::Field;

/// How deep the answer is searched for its `properties`.
const MAX_DEPTH: usize = 8;

/// The add schema's `properties`: JSON name → its schema.
pub type Properties = Map<String, Value>;

/// One way the profile and the server disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A field's JSON name is not a property of the customer model; `nearest` is the
    /// closest property no other field uses, when one is close.
    Missing {
        field: Field,
        json: String,
        nearest: Option<String>,
    },
    /// A field this tool writes is read-only on the server.
    ReadOnly { field: Field, json: String },
    /// The server's type for a field is not what this tool sends.
    Type {
        field: Field,
        json: String,
        expected: &'static str,
        found: String,
    },
    /// The server limits a text field's length below what files may write.
    MaxLength {
        field: Field,
        json: String,
        server: u64,
    },
    /// A local admin name of the profile is not a property of the customer model.
    LocalAdminMissing { key: &'static str, json: String },
}

impl Finding {
    /// True when a run using this field would write the wrong thing or fail (not only a
    /// stricter server rule).
    pub fn stops_writes(&self) -> bool {
        !matches!(self, Finding::MaxLength { .. })
    }

    /// The profile line that fixes it, when one does (YAML, under its section).
    pub fn fix(&self) -> Option<String> {
        match self {
            Finding::Missing {
                field,
                nearest: Some(name),
                ..
            } => {
                // A plain name as it is; anything else quoted, so a server's name can never
                // add lines of its own to the profile.
                let plain = !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                let value = if plain {
                    name.clone()
                } else {
                    crate::yaml::quote(name)
                };
                Some(format!("fields:\n  {}: {value}", field.name()))
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Finding {
    /// Names from the server or a profile are shown with control characters escaped.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = |text: &str| crate::escape::escape(text).into_owned();
        match self {
            Finding::Missing {
                field,
                json,
                nearest,
            } => {
                let json = e(json);
                let nearest = nearest.as_deref().map(e);
                write!(
                    f,
                    "`{field}` is sent as `{json}`, which the server's customer model does not have"
                )?;
                match nearest {
                    Some(name) => write!(
                        f,
                        ": the server has `{name}`; put `fields: {{{field}: {name}}}` in your --profile"
                    ),
                    None => write!(
                        f,
                        ": find its name in the add schema (doctor --format json) and put \
                         `fields: {{{field}: NAME}}` in your --profile"
                    ),
                }
            }
            Finding::ReadOnly { field, json } => {
                let json = e(json);
                write!(
                    f,
                    "`{field}` is sent as `{json}`, which the server marks read-only: remove `{field}` from your files or map it to a writable name in --profile"
                )
            }
            Finding::Type {
                field,
                json,
                expected,
                found,
            } => write!(
                f,
                "`{field}` is sent as `{}` ({expected}), but the server's type is `{}`",
                e(json),
                e(found)
            ),
            Finding::MaxLength {
                field,
                json,
                server,
            } => write!(
                f,
                "`{field}` (`{json}`) may be at most {server} characters on the server"
            ),
            Finding::LocalAdminMissing { key, json } => write!(
                f,
                "the local admin's `{key}` is sent as `{}`, which the server's customer model does not have: set `local_admin: {{{key}: NAME}}` in your --profile",
                e(json)
            ),
        }
    }
}

/// The customer model's add form, as far as this tool reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddForm {
    /// The schema's `properties`, found wherever the answer nests them.
    pub properties: Option<Properties>,
    /// The server's release as the form names it (`meta.api_version` [seen: "11.5.1"]).
    pub release: Option<String>,
}

impl Client {
    /// The customer model's add form at `hierarchy` with its schema (one request); `None`
    /// when the server serves none there (404).
    pub async fn add_form(&self, hierarchy: &str) -> Result<Option<AddForm>, ApiError> {
        let request = ApiRequest::at(Method::Get, &self.profile().routes.customer, hierarchy)
            .action("add")
            .param("schema", 1);
        let answer: Value = match self.send(&request, NO_BODY).await {
            Ok(answer) => answer,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        Ok(Some(AddForm {
            properties: find_properties(&answer, 0),
            release: answer
                .pointer("/meta/api_version")
                .and_then(Value::as_str)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
        }))
    }

    /// The add form's `properties` at `hierarchy`: `None` when the server serves no schema
    /// there (404, or an answer without `properties`).
    pub async fn add_schema(&self, hierarchy: &str) -> Result<Option<Properties>, ApiError> {
        Ok(self
            .add_form(hierarchy)
            .await?
            .and_then(|form| form.properties))
    }
}

/// The first `properties` object (of objects) in `value`, breadth first, at most
/// [`MAX_DEPTH`] levels down.
pub fn find_properties(value: &Value, depth: usize) -> Option<Properties> {
    let Value::Object(map) = value else {
        return None;
    };
    if let Some(Value::Object(properties)) = map.get("properties")
        && !properties.is_empty()
        && properties.values().all(Value::is_object)
    {
        return Some(properties.clone());
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    map.values().find_map(|v| find_properties(v, depth + 1))
}

/// How the profile's names for `fields` (and, with `local_admin`, the local admin's)
/// compare with the server's `properties`.
pub fn check(
    profile: &Profile,
    properties: &Properties,
    fields: &BTreeSet<Field>,
    local_admin: bool,
) -> Vec<Finding> {
    let claimed: BTreeSet<&str> = profile.fields.values().map(String::as_str).collect();
    let unclaimed: Vec<&str> = properties
        .keys()
        .map(String::as_str)
        .filter(|name| !claimed.contains(name))
        .collect();
    let mut findings = Vec::new();
    for &field in fields {
        let Some(json) = profile.json_name(field) else {
            continue;
        };
        let Some(schema) = properties.get(json) else {
            findings.push(Finding::Missing {
                field,
                json: json.to_owned(),
                nearest: nearest_property(field, json, &unclaimed),
            });
            continue;
        };
        if flag(schema, "readonly") && field != Field::Name {
            findings.push(Finding::ReadOnly {
                field,
                json: json.to_owned(),
            });
        }
        if let Some(found) = schema.get("type").and_then(Value::as_str) {
            let expected = expected_type(field);
            let fits = match expected {
                "boolean" => matches!(found, "boolean" | "string"),
                _ => found == "string",
            };
            if !fits {
                findings.push(Finding::Type {
                    field,
                    json: json.to_owned(),
                    expected,
                    found: found.to_owned(),
                });
            }
        }
        if let Some(server) = schema.get("maxLength").and_then(Value::as_u64)
            && field == Field::Name
            && server < 64
        {
            findings.push(Finding::MaxLength {
                field,
                json: json.to_owned(),
                server,
            });
        }
    }
    if local_admin {
        let names = &profile.local_admin;
        for (key, json) in [
            ("create", &names.create),
            ("cloned_role", &names.cloned_role),
            ("password", &names.password),
            ("repeat_password", &names.repeat_password),
        ] {
            if !properties.contains_key(json) {
                findings.push(Finding::LocalAdminMissing {
                    key,
                    json: json.clone(),
                });
            }
        }
    }
    findings
}

/// The properties the schema marks `is_password` [doc].
pub fn password_properties(properties: &Properties) -> Vec<&str> {
    properties
        .iter()
        .filter(|(_, schema)| flag(schema, "is_password"))
        .map(|(name, _)| name.as_str())
        .collect()
}

/// The JSON type this tool sends for `field`.
fn expected_type(field: Field) -> &'static str {
    match field.kind() {
        crate::model::Kind::Flag => "boolean",
        _ => "string",
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    match schema.get(key) {
        Some(Value::Bool(on)) => *on,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The unclaimed property closest to the field's file name or its profile name.
fn nearest_property(field: Field, json: &str, unclaimed: &[&str]) -> Option<String> {
    let squash = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
    unclaimed
        .iter()
        .find(|p| squash(p) == squash(field.name()) || squash(p) == squash(json))
        .map(|p| (*p).to_owned())
        .or_else(|| crate::yaml::nearest(json, unclaimed).map(str::to_owned))
        .or_else(|| crate::yaml::nearest(field.name(), unclaimed).map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn properties(value: Value) -> Properties {
        find_properties(
            &json!({"meta": {}, "schema": {"type": "object", "properties": value}}),
            0,
        )
        .unwrap()
    }

    #[test]
    fn properties_are_found_wherever_the_answer_nests_them() {
        let answer = json!({"data": {"x": 1}, "meta": {"schema": {"properties": {"name": {"type": "string"}}}}});
        assert!(find_properties(&answer, 0).unwrap().contains_key("name"));
        assert_eq!(find_properties(&json!({"properties": []}), 0), None);
        assert_eq!(find_properties(&json!([1, 2]), 0), None);
    }

    #[test]
    fn a_renamed_field_is_found_with_the_profile_line_that_fixes_it() {
        let profile = Profile::builtin().unwrap();
        let server = properties(json!({
            "name": {"type": "string", "required": true, "maxLength": 64},
            "extName": {"type": "string", "title": "Extended Name"},
            "accountId": {"type": "string"},
            "publicSector": {"type": "string", "readonly": true},
            "create_admin": {"type": "boolean"}
        }));
        let fields: BTreeSet<Field> = [
            Field::Name,
            Field::ExtendedName,
            Field::AccountId,
            Field::PublicSector,
        ]
        .into();
        let findings = check(&profile, &server, &fields, false);
        assert_eq!(
            findings,
            [
                Finding::Missing {
                    field: Field::ExtendedName,
                    json: "extendedName".into(),
                    nearest: Some("extName".into()),
                },
                Finding::ReadOnly {
                    field: Field::PublicSector,
                    json: "publicSector".into(),
                },
            ]
        );
        assert_eq!(
            findings[0].fix().as_deref(),
            Some("fields:\n  extended_name: extName")
        );
        assert!(findings.iter().all(Finding::stops_writes));
        let with_admin = check(&profile, &server, &BTreeSet::new(), true);
        let keys: Vec<&str> = with_admin
            .iter()
            .filter_map(|f| match f {
                Finding::LocalAdminMissing { key, .. } => Some(*key),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["cloned_role", "password", "repeat_password"]);
    }
}
