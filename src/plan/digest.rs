//! SHA-256 digests: of the desired state (a plan records what it was made from) and of a
//! live customer (`apply --plan` refuses when a customer it touches moved since).

use std::fmt::Write as _;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::model::{Customer, Desired, Field, LiveCustomer, Scope};

/// SHA-256 (hex) of the declared customers and scopes in a canonical form: sorted, so the
/// order of files and of entries, and how they are split across files, do not change it.
pub fn digest(desired: &Desired) -> String {
    let mut customers: Vec<String> = desired
        .customers
        .iter()
        .map(|d| customer_value(&d.customer).to_string())
        .collect();
    customers.sort();
    let mut scopes: Vec<String> = desired
        .scopes
        .iter()
        .map(|d| scope_value(&d.scope).to_string())
        .collect();
    scopes.sort();
    let canonical = Value::from(vec![Value::from(customers), Value::from(scopes)]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// SHA-256 (hex) of a live customer's identity, version tag and managed fields.
pub fn fingerprint(live: &LiveCustomer) -> String {
    let mut object = Map::new();
    object.insert("pkid".into(), Value::from(live.pkid.as_str()));
    object.insert("hierarchy".into(), Value::from(live.hierarchy.as_str()));
    object.insert("name".into(), Value::from(live.name.as_str()));
    object.insert("version".into(), Value::from(live.version.as_str()));
    for field in Field::managed() {
        object.insert(field.name().into(), field.live(live).unwrap_or(Value::Null));
    }
    sha256_hex(Value::Object(object).to_string().as_bytes())
}

/// Every key a file wrote, as a JSON object (`serde_json::Map` sorts its keys).
fn customer_value(c: &Customer) -> Value {
    let mut object = Map::new();
    object.insert("hierarchy".into(), Value::from(c.hierarchy.as_str()));
    object.insert("name".into(), Value::from(c.name.as_str()));
    object.insert("present".into(), Value::from(c.state.is_present()));
    object.insert("protect".into(), Value::from(c.protect));
    if let Some(old) = &c.renamed_from {
        object.insert("renamed_from".into(), Value::from(old.as_str()));
    }
    if let Some(admin) = &c.local_admin {
        object.insert(
            "local_admin".into(),
            Value::from(vec![
                admin.cloned_role.as_str(),
                admin.password_env.as_str(),
            ]),
        );
    }
    for field in Field::managed() {
        if let Some(value) = field.written(c) {
            object.insert(field.name().into(), value);
        }
    }
    Value::Object(object)
}

fn scope_value(s: &Scope) -> Value {
    Value::from(vec![
        Value::from(s.hierarchy.as_str()),
        Value::from(s.prune),
    ])
}

fn sha256_hex(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut hex = String::with_capacity(hash.len() * 2);
    for byte in hash.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}
