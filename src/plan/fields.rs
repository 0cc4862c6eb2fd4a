//! The managed fields of a customer, read from a declared customer (only when written) and
//! from a live one, and compared after normalisation so that equal values never show as a
//! change.
//!
//! Values are in the desired-state file's terms: text as strings, `deal_ids` a list,
//! `prime_collaboration` null for none.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::{Customer, LiveCustomer};

/// A field that a desired-state file can manage on an existing customer (`local_admin` is
/// create-only and not one of them; `name` changes only through a rename).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Description,
    ExtendedName,
    ExternalCustomerId,
    Domain,
    PublicSector,
    InactiveBilling,
    AccountId,
    DealIds,
    PrimeCollaboration,
    SharedUcApps,
    NumberManagement,
}

impl Field {
    /// Every managed field, in the order of the desired-state file format.
    pub(crate) const ALL: [Field; 11] = [
        Field::Description,
        Field::ExtendedName,
        Field::ExternalCustomerId,
        Field::Domain,
        Field::PublicSector,
        Field::InactiveBilling,
        Field::AccountId,
        Field::DealIds,
        Field::PrimeCollaboration,
        Field::SharedUcApps,
        Field::NumberManagement,
    ];

    /// The field's name in desired-state files and in the plan.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Description => "description",
            Field::ExtendedName => "extended_name",
            Field::ExternalCustomerId => "external_customer_id",
            Field::Domain => "domain",
            Field::PublicSector => "public_sector",
            Field::InactiveBilling => "inactive_billing",
            Field::AccountId => "account_id",
            Field::DealIds => "deal_ids",
            Field::PrimeCollaboration => "prime_collaboration",
            Field::SharedUcApps => "shared_uc_apps",
            Field::NumberManagement => "number_management",
        }
    }

    /// The value a file wrote for this field; `None` when it is not written (unmanaged).
    pub(crate) fn written(self, c: &Customer) -> Option<Value> {
        match self {
            Field::Description => c.description.clone().map(Value::from),
            Field::ExtendedName => c.extended_name.clone().map(Value::from),
            Field::ExternalCustomerId => c.external_customer_id.clone().map(Value::from),
            Field::Domain => c.domain.clone().map(Value::from),
            Field::PublicSector => c.public_sector.map(Value::from),
            Field::InactiveBilling => c.inactive_billing.map(Value::from),
            Field::AccountId => c.account_id.clone().map(Value::from),
            Field::DealIds => c.deal_ids.clone().map(Value::from),
            Field::PrimeCollaboration => c
                .prime_collaboration
                .clone()
                .map(|p| p.map_or(Value::Null, Value::from)),
            Field::SharedUcApps => c.shared_uc_apps.map(Value::from),
            Field::NumberManagement => c.number_management.map(Value::from),
        }
    }

    /// The live value of this field.
    pub(crate) fn live(self, l: &LiveCustomer) -> Value {
        match self {
            Field::Description => Value::from(l.description.as_str()),
            Field::ExtendedName => Value::from(l.extended_name.as_str()),
            Field::ExternalCustomerId => Value::from(l.external_customer_id.as_str()),
            Field::Domain => Value::from(l.domain.as_str()),
            Field::PublicSector => Value::from(l.public_sector),
            Field::InactiveBilling => Value::from(l.inactive_billing),
            Field::AccountId => Value::from(l.account_id.as_str()),
            Field::DealIds => Value::from(l.deal_ids.clone()),
            Field::PrimeCollaboration => l
                .prime_collaboration
                .as_deref()
                .map_or(Value::Null, Value::from),
            Field::SharedUcApps => Value::from(l.shared_uc_apps),
            Field::NumberManagement => Value::from(l.number_management),
        }
    }

    /// True when a file's value and a live value mean the same thing to VOSS.
    pub(crate) fn same(self, written: &Value, live: &Value) -> bool {
        self.normalise(written) == self.normalise(live)
    }

    /// The comparable form: deal ids as a sorted set of trimmed ids (VOSS stores
    /// "D-100,D-200"), domains in lower case, "" or "None" for no Prime Collaboration
    /// (VOSS's "None" un-associates), text and booleans as they are.
    fn normalise(self, v: &Value) -> Value {
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
}

/// The written fields of `c` whose values differ from `live`, as (field, before, after).
pub(crate) fn differences(c: &Customer, live: &LiveCustomer) -> Vec<(Field, Value, Value)> {
    Field::ALL
        .into_iter()
        .filter_map(|f| {
            let after = f.written(c)?;
            let before = f.live(live);
            (!f.same(&after, &before)).then_some((f, before, after))
        })
        .collect()
}
