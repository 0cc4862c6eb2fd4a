//! Builders for declared customers and live state, shared by the plan and render tests.
#![allow(dead_code)] // each test crate uses some of these

use std::collections::BTreeSet;
use std::path::PathBuf;

use voss_customers::model::{
    Customer, DeclaredCustomer, DeclaredScope, Dependents, Desired, LiveCustomer, LiveState,
    LocalAdmin, Origin, Scope, State,
};

pub const R1: &str = "sys.hcs.CS-P.CS-R1";
pub const R2: &str = "sys.hcs.CS-P.CS-R2";
pub const P: &str = "sys.hcs.CS-P";

/// A declared customer with nothing but its identity written.
pub fn cust(hierarchy: &str, name: &str) -> Customer {
    Customer {
        name: name.into(),
        hierarchy: hierarchy.into(),
        state: State::Present,
        description: None,
        extended_name: None,
        external_customer_id: None,
        domain: None,
        public_sector: None,
        inactive_billing: None,
        local_admin: None,
        account_id: None,
        deal_ids: None,
        prime_collaboration: None,
        shared_uc_apps: None,
        number_management: None,
        renamed_from: None,
        protect: false,
    }
}

/// A declared customer, changed by `f`.
pub fn with(hierarchy: &str, name: &str, f: impl FnOnce(&mut Customer)) -> Customer {
    let mut c = cust(hierarchy, name);
    f(&mut c);
    c
}

pub fn absent(hierarchy: &str, name: &str) -> Customer {
    with(hierarchy, name, |c| c.state = State::Absent)
}

pub fn admin(role: &str, env: &str) -> Option<LocalAdmin> {
    Some(LocalAdmin {
        cloned_role: role.into(),
        password_env: env.into(),
    })
}

pub fn ids(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| s.to_string()).collect())
}

/// A live customer with VOSS's defaults (empty text, false flags, number management on).
pub fn live(hierarchy: &str, name: &str, pkid: &str) -> LiveCustomer {
    LiveCustomer {
        version: "v1".into(),
        ..LiveCustomer::with_defaults(pkid, hierarchy, name)
    }
}

pub fn live_with(
    hierarchy: &str,
    name: &str,
    pkid: &str,
    f: impl FnOnce(&mut LiveCustomer),
) -> LiveCustomer {
    let mut l = live(hierarchy, name, pkid);
    f(&mut l);
    l
}

/// Desired state from customers and (hierarchy, prune) scopes, all "declared" in one file.
pub fn desired(customers: Vec<Customer>, scopes: &[(&str, bool)]) -> Desired {
    let origin = |line| Origin {
        file: PathBuf::from("customers.yaml"),
        line,
        column: 3,
    };
    Desired {
        customers: customers
            .into_iter()
            .enumerate()
            .map(|(i, customer)| DeclaredCustomer {
                customer,
                origin: origin(i + 1),
            })
            .collect(),
        scopes: scopes
            .iter()
            .enumerate()
            .map(|(i, (h, prune))| DeclaredScope {
                scope: Scope {
                    hierarchy: h.to_string(),
                    prune: *prune,
                },
                origin: origin(100 + i),
            })
            .collect(),
    }
}

/// Live state holding these customers and nothing else known.
pub fn state(customers: Vec<LiveCustomer>) -> LiveState {
    LiveState {
        customers,
        ..LiveState::default()
    }
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

pub fn deps(ldap: u64, sso: u64, devices: u64, ndl: u64, sites: u64) -> Dependents {
    Dependents {
        ldap,
        sso_providers: sso,
        devices,
        network_device_lists: ndl,
        sites,
    }
}
