//! The field map: a customer in model terms ↔ `relation/HcsCustomerREL` JSON. Every
//! translation of a customer field lives here and nowhere else:
//! `deal_ids` list ↔ `dealIds` "a,b"; `number_management` ↔ `!disableNumMgmt`;
//! `prime_collaboration` none ↔ ""; `domain` ↔ `domainName`; the local admin ↔
//! `create_admin` + `clonedAdminRole` + the password sent twice.

use serde_json::Value;

use super::secret::Secret;
use super::wire::{CustomerData, Resource};
use crate::model::{Field, FieldValues, LiveCustomer};

/// The JSON body of a write that sets exactly `values` (a field not in it is not sent).
pub fn updates_to_wire(values: &FieldValues) -> CustomerData {
    let mut data = CustomerData::default();
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let flag = Value::as_bool;
    for (field, value) in values.iter() {
        match field {
            Field::Name => data.name = text(value),
            Field::Description => data.description = text(value),
            Field::ExtendedName => data.extended_name = text(value),
            Field::ExternalCustomerId => data.external_customer_id = text(value),
            Field::Domain => data.domain_name = text(value),
            Field::PublicSector => data.public_sector = flag(value),
            Field::InactiveBilling => data.inactive_billing = flag(value),
            Field::AccountId => data.account_id = text(value),
            Field::DealIds => {
                let ids: Vec<String> = value
                    .as_array()
                    .map(|items| items.iter().filter_map(text).collect())
                    .unwrap_or_default();
                data.deal_ids = Some(deal_ids_to_wire(&ids));
            }
            // VOSS's "none" is an empty text [ours].
            Field::PrimeCollaboration => {
                data.prime_collaboration = Some(text(value).unwrap_or_default())
            }
            Field::SharedUcApps => data.shared_uc_apps = flag(value),
            Field::NumberManagement => data.disable_num_mgmt = flag(value).map(|on| !on),
            // Create-only or file-only: never part of an update.
            Field::LocalAdmin
            | Field::LocalAdminClonedRole
            | Field::LocalAdminPasswordEnv
            | Field::RenamedFrom
            | Field::Protect => {}
        }
    }
    data
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
    /// The JSON body of the create. The password goes in twice, as the form asks.
    pub fn to_wire(&self) -> CustomerData {
        let mut data = updates_to_wire(&self.fields);
        data.name = Some(self.name.clone());
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
                .map(|r| r.pkid.clone())
        })
        .ok_or("a customer without a pkid")?;
    let name = data
        .name
        .clone()
        .ok_or_else(|| format!("customer {pkid} without a name"))?;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(LiveCustomer {
        pkid,
        hierarchy: resource.meta.path.clone(),
        name,
        description: text(&data.description),
        extended_name: text(&data.extended_name),
        external_customer_id: text(&data.external_customer_id),
        domain: text(&data.domain_name),
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
        version: resource.meta.version_tag.clone(),
    })
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
