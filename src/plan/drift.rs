//! Drift: what changed on the live system outside the files (for the `drift` command).
//! Pure: no I/O.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Field;
use serde_json::Value;

use super::fields::differences;
use super::index::{LiveIndex, accounted_for};
use crate::model::{Desired, LiveCustomer, LiveState};

/// Everything live that no longer matches the files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Drift {
    /// Declared present customers whose managed fields differ live.
    pub changed: Vec<DriftedCustomer>,
    /// Declared present customers that do not exist live.
    pub missing: Vec<CustomerRef>,
    /// Declared `state: absent` customers that exist live.
    pub absent_but_live: Vec<CustomerRef>,
    /// Live customers under a scope the files own (pruned or not) that no file declares.
    pub undeclared: Vec<CustomerRef>,
}

/// A declared customer whose live values moved away from the files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftedCustomer {
    pub hierarchy: String,
    pub name: String,
    pub pkid: String,
    pub fields: Vec<DriftedField>,
}

/// One managed field: the value in the files and the value live.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftedField {
    pub field: Field,
    pub file: Value,
    pub live: Value,
}

/// A customer by its identity (and its pkid when it is live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRef {
    pub hierarchy: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkid: Option<String>,
}

impl Drift {
    /// True when the live system matches the files.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.absent_but_live.is_empty()
            && self.undeclared.is_empty()
    }
}

/// Compares the declared customers with the live ones; every list sorted by
/// (hierarchy, name).
pub fn drift(desired: &Desired, live: &LiveState) -> Drift {
    let index = LiveIndex::new(live);
    let mut out = Drift::default();
    for c in desired.customers.iter().map(|d| &d.customer) {
        let found = index.get(&c.hierarchy, &c.name);
        match (c.state.is_present(), found) {
            (true, Some(l)) => {
                let fields: Vec<DriftedField> = differences(c, l)
                    .into_iter()
                    .map(|(f, live, file)| DriftedField {
                        field: f,
                        file,
                        live,
                    })
                    .collect();
                if !fields.is_empty() {
                    out.changed.push(DriftedCustomer {
                        hierarchy: l.hierarchy.clone(),
                        name: l.name.clone(),
                        pkid: l.pkid.clone(),
                        fields,
                    });
                }
            }
            (true, None) => out.missing.push(CustomerRef {
                hierarchy: c.hierarchy.clone(),
                name: c.name.clone(),
                pkid: None,
            }),
            (false, Some(l)) => out.absent_but_live.push(live_ref(l)),
            (false, None) => {}
        }
    }
    let owned: BTreeSet<&str> = desired
        .scopes
        .iter()
        .map(|s| s.scope.hierarchy.as_str())
        .collect();
    let accounted = accounted_for(desired);
    out.undeclared = live
        .customers
        .iter()
        .filter(|l| owned.contains(l.hierarchy.as_str()))
        .filter(|l| !accounted.contains(&(l.hierarchy.as_str(), l.name.as_str())))
        .map(live_ref)
        .collect();
    let by_key =
        |a: &CustomerRef, b: &CustomerRef| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name));
    out.changed
        .sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
    out.missing.sort_by(by_key);
    out.absent_but_live.sort_by(by_key);
    out.undeclared.sort_by(by_key);
    out
}

fn live_ref(l: &LiveCustomer) -> CustomerRef {
    CustomerRef {
        hierarchy: l.hierarchy.clone(),
        name: l.name.clone(),
        pkid: Some(l.pkid.clone()),
    }
}
