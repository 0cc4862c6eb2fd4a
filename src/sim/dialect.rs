//! The simulator's API profile (`sim --profile FILE --voss-release X`): the JSON names of
//! the customer's fields, and the release whose local-admin behaviour it shows.
//!
//! Names are translated at the boundary only [ours]: a write body is read under the
//! profile's names and turned into the simulator's own (the `CustomerData` wire names,
//! which are the built-in profile's), and every customer record it answers is turned back.
//! The store, the rules and the `--state` file only ever see the simulator's own names, so
//! a state file loads under any profile. Errors (a refused write, a failed transaction)
//! name the keys as the client sent them. The routes stay the simulator's own: the
//! `routes:` section of a simulator's profile is not used.
//!
//! With a renaming profile, a key under the simulator's own name that the profile renamed
//! (`extendedName` when the profile says `extName`) is an unknown field like any other:
//! the server knows only its own names.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::voss::profile::{Profile, release_number};
use crate::voss::wire::CustomerData;

use super::errors::ApiError;

/// The simulator's own name of the clone flag (the 24.2 `clone_admin_role` [doc]).
pub const CLONE_FLAG: &str = "clone_admin_role";

/// A profile's field key (in `fields:`) and the simulator's own JSON name of that field.
const FIELDS: [(&str, &str); 12] = [
    ("name", "name"),
    ("description", "description"),
    ("extended_name", "extendedName"),
    ("external_customer_id", "externalCustomerId"),
    ("domain", "directoryDomain"),
    ("public_sector", "publicSector"),
    ("inactive_billing", "inactiveBilling"),
    ("account_id", "accountId"),
    ("deal_ids", "dealIds"),
    ("prime_collaboration", "primeCollaboration"),
    ("shared_uc_apps", "shared_uc_apps"),
    ("number_management", "disableNumMgmt"),
];

/// Keys no profile renames: the record's ids and the form's Hierarchy and migrate [doc].
pub const FIXED: [&str; 4] = ["pkid", "hierarchy_path", "migrate", "HierarchyPath"];

/// The names and the release the simulator speaks.
#[derive(Debug, Clone)]
pub struct Dialect {
    /// The simulator's own name → the profile's, for every translated key.
    outgoing: HashMap<&'static str, String>,
    /// The profile's name → the simulator's own.
    incoming: HashMap<String, &'static str>,
    /// Whether nothing is renamed (answers are then sent as they are).
    identity: bool,
    /// The release (`MAJOR.MINOR`) whose behaviour the simulator shows.
    pub release: String,
    /// From this release on, a create clones the local admin's role only when asked.
    clone_from: String,
}

impl Dialect {
    /// The dialect of `profile` (the built-in one when `None`), at `release` when given
    /// (else the profile's). Errors: a release that is not `MAJOR.MINOR`, a profile name
    /// used twice or taken by a key no profile renames.
    pub fn new(profile: Option<&Profile>, release: Option<&str>) -> Result<Dialect, String> {
        let builtin;
        let profile = match profile {
            Some(profile) => profile,
            None => {
                builtin = Profile::builtin().map_err(|e| e.to_string())?;
                &builtin
            }
        };
        let release = release.unwrap_or(&profile.release).trim().to_owned();
        if release_number(&release).is_none() {
            return Err(format!(
                "--voss-release: `{release}` is not a release: write MAJOR.MINOR, e.g. 24.2"
            ));
        }
        let admin = &profile.local_admin;
        let pairs = FIELDS
            .iter()
            .map(|(key, own)| {
                let name = profile.fields.get(*key).cloned();
                (format!("fields.{key}"), *own, name)
            })
            .chain(
                [
                    ("create", "create_admin", &admin.create),
                    ("cloned_role", "clonedAdminRole", &admin.cloned_role),
                    ("derived_role", "defaultAdminRole", &admin.derived_role),
                    ("password", "defaultAdminPassword", &admin.password),
                    (
                        "repeat_password",
                        "repeatDefaultAdminPassword",
                        &admin.repeat_password,
                    ),
                    ("clone_flag", CLONE_FLAG, &admin.clone_flag),
                ]
                .into_iter()
                .map(|(key, own, name)| (format!("local_admin.{key}"), own, Some(name.clone()))),
            );
        let mut outgoing = HashMap::new();
        let mut incoming: HashMap<String, &'static str> = HashMap::new();
        let mut owner: HashMap<String, String> = HashMap::new();
        for (key, own, name) in pairs {
            let name = name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| own.to_owned());
            if FIXED.contains(&name.as_str()) {
                return Err(format!(
                    "the profile's {key} is `{name}`, a key the simulator keeps for itself"
                ));
            }
            if let Some(other) = owner.insert(name.clone(), key.clone()) {
                return Err(format!("the profile's {key} and {other} are both `{name}`"));
            }
            incoming.insert(name.clone(), own);
            outgoing.insert(own, name);
        }
        let identity = outgoing.iter().all(|(own, name)| own == name);
        Ok(Dialect {
            outgoing,
            incoming,
            identity,
            release,
            clone_from: admin.clone_from_release.clone(),
        })
    }

    /// Whether this release clones the local admin's role only when the create asks for
    /// it with the clone flag [doc: from 24.2 on].
    pub fn asks_to_clone_role(&self) -> bool {
        match (
            release_number(&self.release),
            release_number(&self.clone_from),
        ) {
            (Some(release), Some(from)) => release >= from,
            _ => false,
        }
    }

    /// The profile's name of the simulator's own key `own` (unchanged when not renamed).
    pub fn sent_name(&self, own: &str) -> String {
        self.outgoing
            .get(own)
            .cloned()
            .unwrap_or_else(|| own.to_owned())
    }

    /// The clone flag's name as clients send it.
    pub fn clone_flag(&self) -> String {
        self.sent_name(CLONE_FLAG)
    }

    /// A customer write body, sent under the profile's names: its data under the
    /// simulator's own names, and the clone flag when sent (a boolean, or "true"/"false").
    /// Refused: a type error, every unknown key (named as sent, the simulator's own name
    /// of a renamed field among them), the clone flag before its release.
    pub fn read_customer(
        &self,
        sent: Map<String, Value>,
    ) -> Result<(CustomerData, Option<bool>), ApiError> {
        let clone_known = self.asks_to_clone_role();
        let mut own = Map::new();
        let mut unknown = Vec::new();
        let mut clone = None;
        for (key, value) in sent {
            match self.incoming.get(&key) {
                Some(&CLONE_FLAG) if clone_known => {
                    clone = match &value {
                        Value::Null => None,
                        Value::Bool(b) => Some(*b),
                        Value::String(s) if s == "true" => Some(true),
                        Value::String(s) if s == "false" => Some(false),
                        _ => {
                            return Err(ApiError::bad_request(
                                &key,
                                format!("{key}: wrong type or value, expected a boolean"),
                            ));
                        }
                    };
                }
                Some(&CLONE_FLAG) => {
                    if !value.is_null() {
                        unknown.push(key);
                    }
                }
                Some(own_name) => {
                    own.insert((*own_name).to_owned(), value);
                }
                None if FIXED.contains(&key.as_str()) => {
                    own.insert(key, value);
                }
                None => {
                    if !value.is_null() {
                        unknown.push(key);
                    }
                }
            }
        }
        let own = Value::Object(own);
        let data: CustomerData = super::body::typed(&own, |key| self.sent_name(key))?;
        unknown.extend(
            super::body::unknown_keys(&own, &data)
                .into_iter()
                .map(|k| self.sent_name(&k)),
        );
        if !unknown.is_empty() {
            return Err(super::body::unknown_fields(unknown));
        }
        Ok((data, clone))
    }

    /// A customer's `data` (the simulator's own names) under the profile's names.
    pub fn data_out(&self, data: Value) -> Value {
        if self.identity {
            return data;
        }
        match data {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (self.sent_name(&key), value))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Whether the profile's names are the simulator's own (nothing to translate).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// A resource or a list of customers (as JSON) with every `data` under the profile's
    /// names.
    pub fn customers_out(&self, mut answer: Value) -> Value {
        if self.identity {
            return answer;
        }
        if let Some(data) = answer.get_mut("data") {
            *data = self.data_out(data.take());
        }
        if let Some(Value::Array(resources)) = answer.get_mut("resources") {
            for resource in resources {
                if let Some(data) = resource.get_mut("data") {
                    *data = self.data_out(data.take());
                }
            }
        }
        answer
    }

    /// An error under the profile's names: its fields, and the simulator's own names of
    /// renamed fields where the message spells them.
    pub fn error_out(&self, mut error: ApiError) -> ApiError {
        if self.identity {
            return error;
        }
        for field in &mut error.fields {
            *field = self.sent_name(field);
        }
        error.message = self.text_out(&error.message);
        error
    }

    /// `text` with every whole word that is the simulator's own name of a renamed field
    /// replaced by the profile's name.
    pub fn text_out(&self, text: &str) -> String {
        if self.identity {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                match self.outgoing.get(word.as_str()) {
                    Some(name) => out.push_str(name),
                    None => out.push_str(word),
                }
                word.clear();
            }
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed() -> Dialect {
        let profile = Profile::layered(Some((
            "test.yaml",
            "fields:\n  extended_name: extName\n  account_id: acctId\n",
        )))
        .unwrap();
        Dialect::new(Some(&profile), None).unwrap()
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn the_builtin_profile_is_the_simulators_own_names() {
        let d = Dialect::new(None, None).unwrap();
        assert!(d.identity);
        assert_eq!(d.release, "21.4");
        assert!(!d.asks_to_clone_role());
        assert!(
            Dialect::new(None, Some("24.2"))
                .unwrap()
                .asks_to_clone_role()
        );
        assert!(
            Dialect::new(None, Some("25.4"))
                .unwrap()
                .asks_to_clone_role()
        );
        assert!(Dialect::new(None, Some("24")).is_err());
    }

    #[test]
    fn renamed_fields_are_read_and_written_under_the_profiles_names() {
        let d = renamed();
        let (data, clone) = d
            .read_customer(object(
                serde_json::json!({"name": "A", "extName": "E", "acctId": "X"}),
            ))
            .unwrap();
        assert_eq!(data.extended_name.as_deref(), Some("E"));
        assert_eq!(data.account_id.as_deref(), Some("X"));
        assert_eq!(clone, None);
        let out = d.data_out(serde_json::to_value(&data).unwrap());
        assert_eq!(out["extName"], "E");
        assert!(out.get("extendedName").is_none());
        let e = d
            .read_customer(object(
                serde_json::json!({"extendedName": "E", "accountId": "X", "name": "A"}),
            ))
            .unwrap_err();
        assert_eq!(e.fields, ["accountId", "extendedName"]);
        let e = d
            .read_customer(object(serde_json::json!({"extName": 5})))
            .unwrap_err();
        assert_eq!(e.fields, ["extName"]);
        assert_eq!(
            d.text_out("read-only field(s) extendedName, accountIds"),
            "read-only field(s) extName, accountIds"
        );
    }

    #[test]
    fn the_clone_flag_exists_from_its_release_on() {
        let old = Dialect::new(None, Some("21.4")).unwrap();
        let e = old
            .read_customer(object(serde_json::json!({"clone_admin_role": true})))
            .unwrap_err();
        assert_eq!(e.fields, ["clone_admin_role"]);
        let new = Dialect::new(None, Some("24.2")).unwrap();
        let (_, clone) = new
            .read_customer(object(serde_json::json!({"clone_admin_role": "true"})))
            .unwrap();
        assert_eq!(clone, Some(true));
    }

    #[test]
    fn a_name_taken_twice_or_kept_by_the_simulator_is_refused() {
        let profile =
            Profile::layered(Some(("test.yaml", "fields:\n  extended_name: migrate\n"))).unwrap();
        assert!(Dialect::new(Some(&profile), None).is_err());
        let profile = Profile::layered(Some((
            "test.yaml",
            "fields:\n  extended_name: create_admin\n",
        )))
        .unwrap();
        assert!(Dialect::new(Some(&profile), None).is_err());
    }
}
