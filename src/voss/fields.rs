//! The field map: a customer in model terms ↔ `relation/HcsCustomerREL` JSON. Every
//! translation of a customer field lives here and nowhere else:
//! `deal_ids` list ↔ `dealIds` "a,b"; `number_management` ↔ `!disableNumMgmt`;
//! `prime_collaboration` none ↔ ""; `domain` ↔ `domainName`; the local admin ↔
//! `create_admin` + `clonedAdminRole` + the password sent twice.

use serde_json::Value;

use super::secret::Secret;
use super::wire::{CustomerData, Resource};
use crate::model::{Customer, LiveCustomer, LocalAdmin};
use crate::plan::types::FieldChange;

/// Values of the managed fields that a write sets, in model terms; `None` is not sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldUpdates {
    /// A new name (a rename).
    pub name: Option<String>,
    pub description: Option<String>,
    pub extended_name: Option<String>,
    pub external_customer_id: Option<String>,
    pub domain: Option<String>,
    pub public_sector: Option<bool>,
    pub inactive_billing: Option<bool>,
    pub account_id: Option<String>,
    pub deal_ids: Option<Vec<String>>,
    /// `Some(None)` un-associates.
    pub prime_collaboration: Option<Option<String>>,
    pub shared_uc_apps: Option<bool>,
    pub number_management: Option<bool>,
}

impl FieldUpdates {
    /// The fields a declared customer writes (its name is not among them).
    pub fn from_customer(customer: &Customer) -> Self {
        FieldUpdates {
            name: None,
            description: customer.description.clone(),
            extended_name: customer.extended_name.clone(),
            external_customer_id: customer.external_customer_id.clone(),
            domain: customer.domain.clone(),
            public_sector: customer.public_sector,
            inactive_billing: customer.inactive_billing,
            account_id: customer.account_id.clone(),
            deal_ids: customer.deal_ids.clone(),
            prime_collaboration: customer.prime_collaboration.clone(),
            shared_uc_apps: customer.shared_uc_apps,
            number_management: customer.number_management,
        }
    }

    /// True when the write would set nothing.
    pub fn is_empty(&self) -> bool {
        *self == FieldUpdates::default()
    }

    /// The JSON body of a write that sets exactly these fields.
    pub fn to_wire(&self) -> CustomerData {
        CustomerData {
            name: self.name.clone(),
            description: self.description.clone(),
            extended_name: self.extended_name.clone(),
            external_customer_id: self.external_customer_id.clone(),
            // TODO(issue 10 client): the wire field was renamed to directoryDomain.
            directory_domain: self.domain.clone(),
            public_sector: self.public_sector,
            inactive_billing: self.inactive_billing,
            account_id: self.account_id.clone(),
            deal_ids: self.deal_ids.as_deref().map(deal_ids_to_wire),
            prime_collaboration: self
                .prime_collaboration
                .as_ref()
                .map(|p| p.clone().unwrap_or_default()),
            shared_uc_apps: self.shared_uc_apps,
            disable_num_mgmt: self.number_management.map(|on| !on),
            ..CustomerData::default()
        }
    }
}

/// What creating a customer needs, in model terms.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRequest {
    pub name: String,
    /// The written fields.
    pub fields: FieldUpdates,
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
    /// The JSON body of the create. The password goes in twice, as the form asks.
    pub fn to_wire(&self) -> CustomerData {
        let mut data = FieldUpdates {
            name: Some(self.name.clone()),
            ..self.fields.clone()
        }
        .to_wire();
        data.migrate = self.migrate.then_some(true);
        data.create_admin = Some(self.local_admin.is_some());
        if let Some(admin) = &self.local_admin {
            data.cloned_admin_role = Some(admin.cloned_role.clone());
            data.default_admin_password = Some(admin.password.expose().to_owned());
            data.repeat_default_admin_password = Some(admin.password.expose().to_owned());
        }
        data
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

/// A listed customer in model terms. The pkid comes from `data.pkid`, else from
/// `meta.references.self`; the hierarchy is `meta.path`. Absent fields take VOSS's defaults.
pub fn live_from_wire(resource: &Resource<CustomerData>) -> Result<LiveCustomer, String> {
    let data = &resource.data;
    let pkid = data
        .pkid
        .clone()
        .or_else(|| {
            resource
                .meta
                .references
                .self_
                .first()
                // TODO(issue 10 client): reference pkids are optional on the wire now.
                .and_then(|r| r.pkid.clone())
        })
        .ok_or("a customer without a pkid")?;
    let name = data
        .name
        .clone()
        .ok_or_else(|| format!("customer {pkid} without a name"))?;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(LiveCustomer {
        pkid,
        // TODO(issue 10 client): meta.path is a list of pkids now; the parent's dotted
        // path is data.hierarchy_path.
        hierarchy: data.hierarchy_path.clone().unwrap_or_default(),
        name,
        description: text(&data.description),
        extended_name: text(&data.extended_name),
        external_customer_id: text(&data.external_customer_id),
        domain: text(&data.directory_domain),
        public_sector: data.public_sector.unwrap_or(false),
        inactive_billing: data.inactive_billing.unwrap_or(false),
        account_id: text(&data.account_id),
        deal_ids: deal_ids_from_wire(data.deal_ids.as_deref().unwrap_or("")),
        prime_collaboration: data
            .prime_collaboration
            .clone()
            .filter(|p| !p.trim().is_empty()),
        shared_uc_apps: data.shared_uc_apps.unwrap_or(false),
        number_management: !data.disable_num_mgmt.unwrap_or(false),
        local_admin_role: match (data.create_admin, &data.cloned_admin_role) {
            (Some(false), _) | (_, None) => None,
            (_, Some(role)) if role.is_empty() => None,
            (_, Some(role)) => Some(role.clone()),
        },
        // TODO(issue 10 client): version_tag is optional and of any shape on the wire now.
        version: match &resource.meta.version_tag {
            Some(Value::String(tag)) => tag.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        },
    })
}

/// A plan field this map cannot turn into a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFieldError {
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for PlanFieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the plan's field `{}` {}: make the plan again with this version of voss-customers",
            self.field, self.problem
        )
    }
}

impl std::error::Error for PlanFieldError {}

/// The write that a plan's field list asks for: each managed field's `after` value (and
/// `name`, for a rename). The create-only `local_admin` fields are left to
/// [`local_admin_from_plan`].
pub fn updates_from_plan(changes: &[FieldChange]) -> Result<FieldUpdates, PlanFieldError> {
    let mut updates = FieldUpdates::default();
    for change in changes {
        let field = change.field.as_str();
        let value = &change.after;
        let err = |problem: &str| PlanFieldError {
            field: field.to_owned(),
            problem: problem.to_owned(),
        };
        match field {
            "name" => updates.name = Some(text(value).ok_or_else(|| err("is not a text"))?),
            "description" => {
                updates.description = Some(text(value).ok_or_else(|| err("is not a text"))?)
            }
            "extended_name" => {
                updates.extended_name = Some(text(value).ok_or_else(|| err("is not a text"))?)
            }
            "external_customer_id" => {
                updates.external_customer_id =
                    Some(text(value).ok_or_else(|| err("is not a text"))?)
            }
            "domain" => updates.domain = Some(text(value).ok_or_else(|| err("is not a text"))?),
            "account_id" => {
                updates.account_id = Some(text(value).ok_or_else(|| err("is not a text"))?)
            }
            "public_sector" => {
                updates.public_sector =
                    Some(flag(value).ok_or_else(|| err("is not true or false"))?)
            }
            "inactive_billing" => {
                updates.inactive_billing =
                    Some(flag(value).ok_or_else(|| err("is not true or false"))?)
            }
            "shared_uc_apps" => {
                updates.shared_uc_apps =
                    Some(flag(value).ok_or_else(|| err("is not true or false"))?)
            }
            "number_management" => {
                updates.number_management =
                    Some(flag(value).ok_or_else(|| err("is not true or false"))?)
            }
            "deal_ids" => {
                let ids = value
                    .as_array()
                    .and_then(|items| items.iter().map(text).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| err("is not a list of texts"))?;
                updates.deal_ids = Some(ids);
            }
            "prime_collaboration" => {
                updates.prime_collaboration = Some(match value {
                    Value::Null => None,
                    other => Some(text(other).ok_or_else(|| err("is neither a text nor null"))?),
                });
            }
            _ if is_local_admin(field) => {}
            _ => return Err(err("is not a field this tool writes")),
        }
    }
    Ok(updates)
}

/// The local admin a plan's create asks for: a `local_admin` field holding
/// `{"cloned_role", "password_env"}`, or the two fields `local_admin.cloned_role` and
/// `local_admin.password_env`. `None` when the plan names no local admin.
pub fn local_admin_from_plan(
    changes: &[FieldChange],
) -> Result<Option<LocalAdmin>, PlanFieldError> {
    let mut cloned_role = None;
    let mut password_env = None;
    for change in changes {
        let bad = |problem: &str| PlanFieldError {
            field: change.field.clone(),
            problem: problem.to_owned(),
        };
        match change.field.as_str() {
            "local_admin" => match &change.after {
                Value::Null => {}
                Value::Object(map) => {
                    cloned_role = map.get("cloned_role").and_then(text);
                    password_env = map.get("password_env").and_then(text);
                    if cloned_role.is_none() || password_env.is_none() {
                        return Err(bad("lacks cloned_role or password_env"));
                    }
                }
                _ => return Err(bad("is not an object")),
            },
            "local_admin.cloned_role" => {
                cloned_role = Some(text(&change.after).ok_or_else(|| bad("is not a text"))?)
            }
            "local_admin.password_env" => {
                password_env = Some(text(&change.after).ok_or_else(|| bad("is not a text"))?)
            }
            _ => {}
        }
    }
    match (cloned_role, password_env) {
        (Some(cloned_role), Some(password_env)) => Ok(Some(LocalAdmin {
            cloned_role,
            password_env,
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(PlanFieldError {
            field: "local_admin.password_env".into(),
            problem: "is missing".into(),
        }),
        (None, Some(_)) => Err(PlanFieldError {
            field: "local_admin.cloned_role".into(),
            problem: "is missing".into(),
        }),
    }
}

fn is_local_admin(field: &str) -> bool {
    field == "local_admin" || field.starts_with("local_admin.")
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn flag(value: &Value) -> Option<bool> {
    value.as_bool()
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
