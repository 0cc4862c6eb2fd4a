//! The one list of a customer's fields: each field's name in files and plans, the label the
//! VOSS "Manage Customers" page gives it, how its value is read from a declared and a live
//! customer, and when two values mean the same thing. Everything else (the diff engine,
//! `diff --base`, the plan JSON, the apply translation, the wording of errors, the API field
//! map) derives from this list and never spells a field name again.
//!
//! Values are in the desired-state file's terms: text as JSON strings, `deal_ids` a list of
//! strings, `prime_collaboration` `null` for none, flags as booleans.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{Customer, LiveCustomer};

/// A field of a customer, as files and plans name it.
///
/// The plan JSON writes a field as [`Field::name`] (`"extended_name"`,
/// `"local_admin.cloned_role"`...); reading a plan refuses any other name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Customer Name; changes only through a rename.
    Name,
    Description,
    ExtendedName,
    ExternalCustomerId,
    Domain,
    PublicSector,
    InactiveBilling,
    /// Create Local Admin as files write it: `{cloned_role, password_env}` (create-only).
    LocalAdmin,
    /// The local admin's cloned role, as a plan lists it.
    LocalAdminClonedRole,
    /// The environment variable holding the local admin's password, as a plan lists it
    /// (sensitive: the plan holds the variable's name, never a value).
    LocalAdminPasswordEnv,
    AccountId,
    DealIds,
    PrimeCollaboration,
    SharedUcApps,
    NumberManagement,
    /// The customer's previous name (a rename), in files only.
    RenamedFrom,
    /// Never deleted by this tool, in files only.
    Protect,
}

/// The shape of a field's value, for reading it back from a plan or a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON string.
    Text,
    /// A JSON boolean.
    Flag,
    /// A list of strings.
    TextList,
    /// A string, or `null` for none.
    OptionalText,
    /// An object (`local_admin` in files).
    Object,
}

impl Field {
    /// Every field, in the file format's order (a create's two local admin entries after
    /// `local_admin`): the one list of a customer's fields.
    pub const ALL: [Field; 17] = [
        Field::Name,
        Field::Description,
        Field::ExtendedName,
        Field::ExternalCustomerId,
        Field::Domain,
        Field::PublicSector,
        Field::InactiveBilling,
        Field::LocalAdmin,
        Field::LocalAdminClonedRole,
        Field::LocalAdminPasswordEnv,
        Field::AccountId,
        Field::DealIds,
        Field::PrimeCollaboration,
        Field::SharedUcApps,
        Field::NumberManagement,
        Field::RenamedFrom,
        Field::Protect,
    ];

    /// The fields a desired-state file manages on an existing customer, in the file
    /// format's order (`local_admin` is create-only; `name` changes only by a rename;
    /// `renamed_from` and `protect` instruct this tool).
    pub fn managed() -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(|f| {
            !f.is_local_admin() && !matches!(f, Field::Name | Field::RenamedFrom | Field::Protect)
        })
    }

    /// Every key a file may write for a customer besides its identity (`name`,
    /// `hierarchy`, `state`), in the file format's order: what `diff --base` compares.
    pub fn written_keys() -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(|f| {
            !matches!(
                f,
                Field::Name | Field::LocalAdminClonedRole | Field::LocalAdminPasswordEnv
            )
        })
    }

    /// The field's name in desired-state files and in the plan JSON.
    pub fn name(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Description => "description",
            Field::ExtendedName => "extended_name",
            Field::ExternalCustomerId => "external_customer_id",
            Field::Domain => "domain",
            Field::PublicSector => "public_sector",
            Field::InactiveBilling => "inactive_billing",
            Field::LocalAdmin => "local_admin",
            Field::LocalAdminClonedRole => "local_admin.cloned_role",
            Field::LocalAdminPasswordEnv => "local_admin.password_env",
            Field::AccountId => "account_id",
            Field::DealIds => "deal_ids",
            Field::PrimeCollaboration => "prime_collaboration",
            Field::SharedUcApps => "shared_uc_apps",
            Field::NumberManagement => "number_management",
            Field::RenamedFrom => "renamed_from",
            Field::Protect => "protect",
        }
    }

    /// The field named `name` in files or plans.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The field's label on the VOSS "Manage Customers" page (or its key in backquotes,
    /// for fields of this tool's own).
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Customer Name",
            Field::Description => "Description",
            Field::ExtendedName => "Extended Name",
            Field::ExternalCustomerId => "External Customer ID",
            Field::Domain => "Domain Name",
            Field::PublicSector => "Public Sector",
            Field::InactiveBilling => "Inactive Billing",
            Field::LocalAdmin => "Create Local Admin (`local_admin`)",
            Field::LocalAdminClonedRole => "Cloned Admin Role",
            Field::LocalAdminPasswordEnv => "`local_admin.password_env`",
            Field::AccountId => "Account ID",
            Field::DealIds => "Deal IDs",
            Field::PrimeCollaboration => "Prime Collaboration",
            Field::SharedUcApps => "Shared UC Applications",
            Field::NumberManagement => "`number_management`",
            Field::RenamedFrom => "`renamed_from`",
            Field::Protect => "`protect`",
        }
    }

    /// The shape of the field's value.
    pub fn kind(self) -> Kind {
        match self {
            Field::PublicSector
            | Field::InactiveBilling
            | Field::SharedUcApps
            | Field::NumberManagement
            | Field::Protect => Kind::Flag,
            Field::DealIds => Kind::TextList,
            Field::PrimeCollaboration => Kind::OptionalText,
            Field::LocalAdmin => Kind::Object,
            Field::Name
            | Field::Description
            | Field::ExtendedName
            | Field::ExternalCustomerId
            | Field::Domain
            | Field::LocalAdminClonedRole
            | Field::LocalAdminPasswordEnv
            | Field::AccountId
            | Field::RenamedFrom => Kind::Text,
        }
    }

    /// True for `local_admin` and its two plan entries (create-only).
    pub fn is_local_admin(self) -> bool {
        matches!(
            self,
            Field::LocalAdmin | Field::LocalAdminClonedRole | Field::LocalAdminPasswordEnv
        )
    }

    /// True when the plan holds a secret's variable name in `after`, never a value.
    pub fn is_sensitive(self) -> bool {
        self == Field::LocalAdminPasswordEnv
    }

    /// The value a file wrote for this field; `None` when it is not written (unmanaged).
    pub fn written(self, c: &Customer) -> Option<Value> {
        let text = |s: &Option<String>| s.as_deref().map(Value::from);
        match self {
            Field::Name => Some(Value::from(c.name.as_str())),
            Field::Description => text(&c.description),
            Field::ExtendedName => text(&c.extended_name),
            Field::ExternalCustomerId => text(&c.external_customer_id),
            Field::Domain => text(&c.domain),
            Field::PublicSector => c.public_sector.map(Value::from),
            Field::InactiveBilling => c.inactive_billing.map(Value::from),
            Field::LocalAdmin => c.local_admin.as_ref().map(|a| {
                serde_json::json!({"cloned_role": a.cloned_role, "password_env": a.password_env})
            }),
            Field::LocalAdminClonedRole => c
                .local_admin
                .as_ref()
                .map(|a| Value::from(a.cloned_role.as_str())),
            Field::LocalAdminPasswordEnv => c
                .local_admin
                .as_ref()
                .map(|a| Value::from(a.password_env.as_str())),
            Field::AccountId => text(&c.account_id),
            Field::DealIds => c.deal_ids.clone().map(Value::from),
            Field::PrimeCollaboration => c
                .prime_collaboration
                .as_ref()
                .map(|p| p.as_deref().map_or(Value::Null, Value::from)),
            Field::SharedUcApps => c.shared_uc_apps.map(Value::from),
            Field::NumberManagement => c.number_management.map(Value::from),
            Field::RenamedFrom => text(&c.renamed_from),
            Field::Protect => c.protect.then_some(Value::Bool(true)),
        }
    }

    /// The live value of this field; `None` for what a live customer does not carry
    /// (the local admin's password, `renamed_from`, `protect`).
    pub fn live(self, l: &LiveCustomer) -> Option<Value> {
        let text = |s: &str| Some(Value::from(s));
        match self {
            Field::Name => text(&l.name),
            Field::Description => text(&l.description),
            Field::ExtendedName => text(&l.extended_name),
            Field::ExternalCustomerId => text(&l.external_customer_id),
            Field::Domain => text(&l.domain),
            Field::PublicSector => Some(Value::from(l.public_sector)),
            Field::InactiveBilling => Some(Value::from(l.inactive_billing)),
            Field::LocalAdminClonedRole => l.local_admin_role.as_deref().map(Value::from),
            Field::AccountId => text(&l.account_id),
            Field::DealIds => Some(Value::from(l.deal_ids.clone())),
            Field::PrimeCollaboration => Some(
                l.prime_collaboration
                    .as_deref()
                    .map_or(Value::Null, Value::from),
            ),
            Field::SharedUcApps => Some(Value::from(l.shared_uc_apps)),
            Field::NumberManagement => Some(Value::from(l.number_management)),
            Field::LocalAdmin
            | Field::LocalAdminPasswordEnv
            | Field::RenamedFrom
            | Field::Protect => None,
        }
    }

    /// True when two values of this field mean the same thing to VOSS: the one answer
    /// that `plan`, `drift`, `apply`'s stale check and `diff --base` all use.
    pub fn same(self, a: &Value, b: &Value) -> bool {
        a == b || self.normalise(a) == self.normalise(b)
    }

    /// The comparable form: deal ids as a sorted set of trimmed ids (VOSS stores
    /// "D-100,D-200"), domains trimmed and in lower case, `""` or `"None"` for no Prime
    /// Collaboration (VOSS's "None" un-associates), everything else as it is.
    pub fn normalise(self, v: &Value) -> Value {
        match self {
            Field::Domain => match v {
                Value::String(s) => Value::from(s.trim().to_ascii_lowercase()),
                other => other.clone(),
            },
            Field::DealIds => {
                let mut ids = BTreeSet::new();
                let mut add = |s: &str| {
                    ids.extend(
                        s.split(',')
                            .map(str::trim)
                            .filter(|id| !id.is_empty())
                            .map(str::to_owned),
                    );
                };
                match v {
                    Value::Array(items) => items.iter().filter_map(Value::as_str).for_each(add),
                    Value::String(s) => add(s),
                    _ => {}
                }
                Value::from(ids.into_iter().collect::<Vec<_>>())
            }
            Field::PrimeCollaboration => match v {
                Value::String(s)
                    if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("none") =>
                {
                    Value::Null
                }
                other => other.clone(),
            },
            _ => v.clone(),
        }
    }

    /// Whether `value` has this field's shape (see [`Kind`]).
    pub fn fits(self, value: &Value) -> bool {
        match self.kind() {
            Kind::Text => value.is_string(),
            Kind::Flag => value.is_boolean(),
            Kind::TextList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            Kind::OptionalText => value.is_string() || value.is_null(),
            Kind::Object => value.is_object() || value.is_null(),
        }
    }
}

/// The values a write sets, in file terms, by field; a field not in it is left as it is.
/// Every value has its field's shape ([`Field::fits`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldValues(BTreeMap<Field, Value>);

/// A value whose shape is not its field's (see [`Kind`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` is not {expected}")]
pub struct Misfit {
    pub field: Field,
    /// What the value should be: "a text", "true or false"...
    pub expected: &'static str,
}

impl FieldValues {
    /// The managed fields a declared customer writes (not its name nor its local admin).
    pub fn written(c: &Customer) -> Self {
        FieldValues(
            Field::managed()
                .filter_map(|f| Some((f, f.written(c)?)))
                .collect(),
        )
    }

    /// Sets `field` to `value`, refusing a value of the wrong shape.
    pub fn set(&mut self, field: Field, value: Value) -> Result<(), Misfit> {
        if !field.fits(&value) {
            let expected = match field.kind() {
                Kind::Text => "a text",
                Kind::Flag => "true or false",
                Kind::TextList => "a list of texts",
                Kind::OptionalText => "a text or null",
                Kind::Object => "an object",
            };
            return Err(Misfit { field, expected });
        }
        self.0.insert(field, value);
        Ok(())
    }

    /// Removes `field`, returning its value.
    pub fn remove(&mut self, field: Field) -> Option<Value> {
        self.0.remove(&field)
    }

    /// The value set for `field`.
    pub fn get(&self, field: Field) -> Option<&Value> {
        self.0.get(&field)
    }

    /// The text set for `field` (`None` when unset or not a text).
    pub fn text(&self, field: Field) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    /// Every (field, value), in [`Field`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &Value)> {
        self.0.iter().map(|(f, v)| (*f, v))
    }

    /// True when the write would set nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Field::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{name}` is not a customer field this version of voss-customers knows"
            ))
        })
    }
}

impl JsonSchema for Field {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Field".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Field::ALL.into_iter().map(Field::name).collect();
        schemars::json_schema!({
            "description": "A customer field, as desired-state files name it.",
            "type": "string",
            "enum": names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_field_round_trips_by_name_and_serde() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
            let json = serde_json::to_value(field).unwrap();
            assert_eq!(json, json!(field.name()));
            assert_eq!(serde_json::from_value::<Field>(json).unwrap(), field);
        }
        let error = serde_json::from_value::<Field>(json!("colour")).unwrap_err();
        assert!(error.to_string().contains("`colour`"), "{error}");
    }

    #[test]
    fn the_written_keys_are_the_customer_schema_s_keys() {
        // The desired-state file's keys (from the Customer type) are identity + written_keys().
        let schema = schemars::schema_for!(Customer);
        let keys: BTreeSet<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut expected: BTreeSet<String> =
            Field::written_keys().map(|f| f.name().to_owned()).collect();
        expected.extend(["name", "hierarchy", "state"].map(str::to_owned));
        assert_eq!(keys, expected);
    }

    #[test]
    fn managed_fields_are_the_file_s_fields_a_live_customer_carries() {
        let managed: Vec<&str> = Field::managed().map(Field::name).collect();
        assert_eq!(
            managed,
            [
                "description",
                "extended_name",
                "external_customer_id",
                "domain",
                "public_sector",
                "inactive_billing",
                "account_id",
                "deal_ids",
                "prime_collaboration",
                "shared_uc_apps",
                "number_management"
            ]
        );
        let live = LiveCustomer::with_defaults("a", "sys.hcs.P", "A");
        assert!(Field::managed().all(|f| f.live(&live).is_some()));
    }

    #[test]
    fn normalisation_is_idempotent() {
        let values = [
            json!(" Example.COM "),
            json!(["D-2", " D-1", "D-2"]),
            json!("D-1, D-2,"),
            json!("None"),
            json!(""),
            json!(null),
            json!(true),
        ];
        for field in Field::ALL {
            for v in &values {
                let once = field.normalise(v);
                assert_eq!(field.normalise(&once), once, "{field} {v}");
            }
        }
    }
}
