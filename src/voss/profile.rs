//! The API profile: every choice about the server that the vendor's pages leave open (the
//! route of each model, the JSON name of each customer field, page sizes, the update
//! method, which transaction statuses mean what, how a local admin is asked for per
//! release), as data. The default is `profile.yaml` beside this file, compiled in and
//! documented line by line; a user's `--profile FILE` overrides any subset of it, key by
//! key, so a wrong guess is corrected on their own server without recompiling.
//!
//! A profile file is checked like a desired-state file: every problem is
//! `FILE:LINE:COL: message`, an unknown key gets a "did you mean".

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::Field;
use crate::yaml::{self, Parsed};

/// The default profile's text (YAML).
pub const DEFAULT_PROFILE: &str = include_str!("profile.yaml");

/// Everything this tool assumes about a server's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The VOSS Automate release, e.g. `"21.4"` (major.minor).
    pub release: String,
    pub routes: Routes,
    /// A desired-state file's field name → its JSON name on the customer model.
    pub fields: BTreeMap<String, String>,
    pub local_admin: LocalAdminNames,
    pub lists: Lists,
    pub writes: Writes,
}

/// The URL path under `/api/` of each model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routes {
    pub customer: String,
    pub hierarchy_node: String,
    pub role: String,
    pub transaction: String,
    pub ldap: String,
    pub sso_provider: String,
    pub phone: String,
    pub network_device_list: String,
    pub site: String,
    pub prime_collaboration: String,
    pub dn_audit: String,
}

/// The JSON names of Create Local Admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalAdminNames {
    pub create: String,
    pub cloned_role: String,
    pub derived_role: String,
    pub password: String,
    pub repeat_password: String,
    /// The flag that asks for the role to be cloned, from `clone_from_release` on.
    pub clone_flag: String,
    pub clone_from_release: String,
}

/// How lists are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    /// The first page size asked for (the server's `maximum_limit` wins), at least 1.
    pub page_size: u64,
    pub hcmf_hierarchy: String,
    pub prime_collaboration_hierarchy: String,
}

/// How writes are sent and followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Writes {
    pub update_method: UpdateMethodName,
    pub success_statuses: Vec<String>,
    pub failure_statuses: Vec<String>,
    /// Texts in a failed transaction's message that say the cause was passing and nothing
    /// was changed (matched without regard to case): such a failure is tried again.
    pub transient_failure_texts: Vec<String>,
    pub read_only: Vec<String>,
}

/// `put` or `patch` in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateMethodName {
    Put,
    Patch,
}

/// A profile problem: where (`FILE:LINE:COL`, or the file alone) and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ProfileError {
    pub location: String,
    pub message: String,
}

impl Profile {
    /// The compiled-in default profile.
    ///
    /// Errors only if `profile.yaml` itself is broken (a test keeps it readable).
    pub fn builtin() -> Result<Profile, ProfileError> {
        Profile::layered(None)
    }

    /// The default profile with the file at `path` laid over it (key by key; a list
    /// replaces a list). Errors name the place in the file and what to do.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError {
            location: file.clone(),
            message: format!("cannot read the profile: {e}"),
        })?;
        Profile::layered(Some((&file, &text)))
    }

    /// The default profile, with `overlay` (its name and text) laid over it.
    pub fn layered(overlay: Option<(&str, &str)>) -> Result<Profile, ProfileError> {
        let base = parse("profile.yaml (built in)", DEFAULT_PROFILE)?;
        let mut merged = base.value.clone();
        let user = match overlay {
            Some((file, text)) => {
                let parsed = parse(file, text)?;
                check_keys(file, &parsed, &parsed.value, &base.value, "")?;
                merge(&mut merged, &parsed.value);
                Some((file, parsed))
            }
            None => None,
        };
        // Where a problem of the merged profile is: in the user's file when it wrote that
        // key, else in the built-in one.
        let locate = |pointer: &str, message: String| match &user {
            Some((file, parsed)) if parsed.value.pointer(pointer).is_some() => {
                at(file, parsed.position(pointer), message)
            }
            _ => at("profile.yaml (built in)", base.position(pointer), message),
        };
        let profile: Profile = serde_path_to_error::deserialize(&merged).map_err(|e| {
            let pointer = crate::yaml::pointer_of(e.path());
            locate(&pointer, e.into_inner().to_string())
        })?;
        profile
            .check()
            .map_err(|(pointer, message)| locate(&pointer, message))?;
        Ok(profile)
    }

    /// The rules serde cannot say: known fields, non-empty names, no name used twice,
    /// a release of the form `MAJOR.MINOR`, a page size of at least 1.
    fn check(&self) -> Result<(), (String, String)> {
        for (key, json) in &self.fields {
            let pointer = format!("/fields/{key}");
            match Field::from_name(key) {
                Some(field) if field == Field::Name || Field::managed().any(|f| f == field) => {}
                _ => {
                    let known: Vec<&str> = std::iter::once(Field::Name)
                        .chain(Field::managed())
                        .map(Field::name)
                        .collect();
                    let hint = yaml::nearest(key, &known)
                        .map(|k| format!(": did you mean `{k}`?"))
                        .unwrap_or_else(|| format!(" (known: {})", known.join(", ")));
                    return Err((
                        pointer,
                        format!("`{key}` is not a customer field this tool writes{hint}"),
                    ));
                }
            }
            if json.trim().is_empty() {
                return Err((pointer, format!("the JSON name of `{key}` is empty")));
            }
            if let Some((other, _)) = self
                .fields
                .iter()
                .find(|(other, name)| *other != key && *name == json)
            {
                return Err((
                    pointer,
                    format!("`{key}` and `{other}` both map to the JSON name `{json}`"),
                ));
            }
        }
        for (name, route) in self.routes.all() {
            if route.trim().is_empty() || route.starts_with('/') || route.ends_with('/') {
                return Err((
                    format!("/routes/{name}"),
                    format!(
                        "the route of `{name}` must be a model path like `relation/HcsCustomerREL` (no leading or trailing `/`)"
                    ),
                ));
            }
        }
        for (pointer, release) in [
            ("/release", &self.release),
            (
                "/local_admin/clone_from_release",
                &self.local_admin.clone_from_release,
            ),
        ] {
            if release_number(release).is_none() {
                return Err((
                    pointer.to_owned(),
                    format!("`{release}` is not a release: write MAJOR.MINOR, e.g. \"24.2\""),
                ));
            }
        }
        if self.lists.page_size == 0 {
            return Err((
                "/lists/page_size".to_owned(),
                "the page size must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    /// The JSON name of `field` on the customer model; `None` for what only files carry.
    pub fn json_name(&self, field: Field) -> Option<&str> {
        self.fields.get(field.name()).map(String::as_str)
    }

    /// Whether a failed transaction's `message` says the cause was passing (one of
    /// `writes.transient_failure_texts`, without regard to case).
    pub fn transient_failure(&self, message: &str) -> bool {
        let message = message.to_lowercase();
        self.writes
            .transient_failure_texts
            .iter()
            .any(|text| !text.is_empty() && message.contains(&text.to_lowercase()))
    }

    /// Whether this release asks for the local admin's role to be cloned explicitly.
    pub fn asks_to_clone_role(&self) -> bool {
        match (
            release_number(&self.release),
            release_number(&self.local_admin.clone_from_release),
        ) {
            (Some(release), Some(from)) => release >= from,
            _ => false,
        }
    }

    /// The profile as YAML (what `voss-customers profile` prints).
    pub fn to_yaml(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = String::new();
        write_yaml(&mut out, &value, 0);
        out
    }
}

impl Routes {
    /// Every (name, route), in the profile's order.
    pub fn all(&self) -> [(&'static str, &str); 11] {
        [
            ("customer", &self.customer),
            ("hierarchy_node", &self.hierarchy_node),
            ("role", &self.role),
            ("transaction", &self.transaction),
            ("ldap", &self.ldap),
            ("sso_provider", &self.sso_provider),
            ("phone", &self.phone),
            ("network_device_list", &self.network_device_list),
            ("site", &self.site),
            ("prime_collaboration", &self.prime_collaboration),
            ("dn_audit", &self.dn_audit),
        ]
    }
}

/// `"24.2"` → `(24, 2)`.
pub fn release_number(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn parse(file: &str, text: &str) -> Result<Parsed, ProfileError> {
    let parsed = yaml::parse(text)
        .map_err(|e| at(file, e.position, e.message))?
        .unwrap_or(Parsed {
            value: Value::Object(Map::new()),
            positions: Default::default(),
        });
    if !parsed.value.is_object() {
        return Err(at(
            file,
            parsed.position(""),
            "a profile is a mapping of sections (`routes:`, `fields:`...)".to_owned(),
        ));
    }
    Ok(parsed)
}

fn at(file: &str, position: yaml::Position, message: String) -> ProfileError {
    ProfileError {
        location: format!("{file}:{}:{}", position.line, position.column),
        message,
    }
}

/// Every key of `user` must be a key of `base` at the same place (`fields` takes any
/// key: its names are checked against the customer's fields later).
fn check_keys(
    file: &str,
    parsed: &Parsed,
    user: &Value,
    base: &Value,
    pointer: &str,
) -> Result<(), ProfileError> {
    let (Value::Object(user), Value::Object(base)) = (user, base) else {
        return Ok(());
    };
    if pointer == "/fields" {
        return Ok(());
    }
    for (key, value) in user {
        let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        match base.get(key) {
            Some(known) => check_keys(file, parsed, value, known, &here)?,
            None => {
                let known: Vec<&str> = base.keys().map(String::as_str).collect();
                let section = if pointer.is_empty() {
                    "a profile".to_owned()
                } else {
                    format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
                };
                let hint = yaml::nearest(key, &known)
                    .map(|k| format!(": did you mean `{k}`?"))
                    .unwrap_or_else(|| format!(" (known: {})", known.join(", ")));
                return Err(at(
                    file,
                    parsed.key_position(&here),
                    format!("unknown key `{key}` in {section}{hint}"),
                ));
            }
        }
    }
    Ok(())
}

/// Lays `overlay` over `base`: mappings merge key by key, anything else replaces.
fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

/// A value made of mappings, lists of scalars and scalars, as block YAML (texts quoted).
fn write_yaml(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    if let Value::Object(map) = value {
        for (key, value) in map {
            match value {
                Value::Object(_) => {
                    out.push_str(&format!("{pad}{key}:\n"));
                    write_yaml(out, value, indent + 2);
                }
                other => out.push_str(&format!("{pad}{key}: {}\n", scalar(other))),
            }
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => yaml::quote(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

impl fmt::Display for UpdateMethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UpdateMethodName::Put => "put",
            UpdateMethodName::Patch => "patch",
        })
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
