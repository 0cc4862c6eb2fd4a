//! `GET relation/HcsCustomerREL/add/?hierarchy=H&format=json[&schema=1]`: the add form
//! of a customer [doc: every model answers `add/`; with `schema=1` the answer holds the
//! JSON schema of the create payload].
//!
//! The answer [ours, shaped like the vendor's resources]:
//! `{"meta": {model_type, title, api_version, actions, references}, "data": {defaults},
//! "schema": {"$schema", "type": "object", "title", "properties": {...}}}`. Without
//! `schema=1` the same answer without `schema`: the form's defaults only.
//!
//! A property is `{type, title, required?, readonly?, is_password?, maxLength?, pattern?,
//! default?}` (draft-03 style [doc]), under the simulator's profile's names. The types are
//! what the simulator stores (string, boolean); the titles are the labels of the vendor's
//! Manage Customers page, except `directoryDomain` whose schema title is "Directory
//! Domain" [doc]. `name` is required, at most 64 characters, `^[A-Za-z0-9_\- ]+$` [doc];
//! `create_admin` defaults to "true" and `shared_uc_apps` to "false" (strings [doc]);
//! `defaultAdminRole` is read-only; the two passwords are `is_password`. The clone flag
//! (`clone_admin_role`) is a property only from the release that knows it (24.2 [doc]).

use serde_json::{Map, Value, json};

use crate::voss::routes::{CUSTOMER, HIERARCHY_NODE};

use super::dialect::{CLONE_FLAG, Dialect};

/// The JSON Schema draft the vendor's schemas follow [doc: draft-03 style].
const DRAFT: &str = "http://json-schema.org/draft-03/schema#";

/// What a property says besides its type and title.
#[derive(Clone, Copy, Default)]
struct Extra {
    required: bool,
    readonly: bool,
    password: bool,
    max_length: Option<u64>,
    pattern: Option<&'static str>,
    default: Option<&'static str>,
}

const PLAIN: Extra = Extra {
    required: false,
    readonly: false,
    password: false,
    max_length: None,
    pattern: None,
    default: None,
};

/// The create payload's properties, in the form's order, under the simulator's own names:
/// (name, type, title, extra).
fn properties() -> Vec<(&'static str, &'static str, &'static str, Extra)> {
    let password = Extra {
        password: true,
        ..PLAIN
    };
    vec![
        (
            "name",
            "string",
            "Customer Name",
            Extra {
                required: true,
                max_length: Some(64),
                pattern: Some(r"^[A-Za-z0-9_\- ]+$"),
                ..PLAIN
            },
        ),
        ("description", "string", "Description", PLAIN),
        ("extendedName", "string", "Extended Name", PLAIN),
        (
            "externalCustomerId",
            "string",
            "External Customer ID",
            PLAIN,
        ),
        ("directoryDomain", "string", "Directory Domain", PLAIN),
        ("publicSector", "boolean", "Public Sector", PLAIN),
        ("inactiveBilling", "boolean", "Inactive Billing", PLAIN),
        (
            "create_admin",
            "boolean",
            "Create Local Admin",
            Extra {
                default: Some("true"),
                ..PLAIN
            },
        ),
        (
            CLONE_FLAG,
            "boolean",
            "Clone Admin Role",
            Extra {
                default: Some("false"),
                ..PLAIN
            },
        ),
        ("clonedAdminRole", "string", "Cloned Admin Role", PLAIN),
        (
            "defaultAdminRole",
            "string",
            "Default Admin Role",
            Extra {
                readonly: true,
                ..PLAIN
            },
        ),
        (
            "defaultAdminPassword",
            "string",
            "Default Admin Password",
            password,
        ),
        (
            "repeatDefaultAdminPassword",
            "string",
            "Repeat Default Admin Password",
            password,
        ),
        ("accountId", "string", "Account ID", PLAIN),
        ("dealIds", "string", "Deal IDs", PLAIN),
        ("primeCollaboration", "string", "Prime Collaboration", PLAIN),
        (
            "shared_uc_apps",
            "boolean",
            "Shared UC Applications",
            Extra {
                default: Some("false"),
                ..PLAIN
            },
        ),
        (
            "disableNumMgmt",
            "boolean",
            "Disable Number Management",
            PLAIN,
        ),
        ("migrate", "boolean", "Migrate from HCM-F", PLAIN),
        ("HierarchyPath", "string", "Hierarchy", PLAIN),
    ]
}

/// The add form at the node `node_pkid` (`hierarchy` is its path); with `schema`, the
/// JSON schema of the create payload too.
pub fn answer(dialect: &Dialect, hierarchy: &str, node_pkid: &str, schema: bool) -> Value {
    let clone_known = dialect.asks_to_clone_role();
    let mut props = Map::new();
    let mut defaults = Map::new();
    for (own, kind, title, extra) in properties() {
        if own == CLONE_FLAG && !clone_known {
            continue;
        }
        let name = dialect.sent_name(own);
        let mut p = Map::new();
        p.insert("type".into(), json!(kind));
        p.insert("title".into(), json!(title));
        if extra.required {
            p.insert("required".into(), json!(true));
        }
        if extra.readonly {
            p.insert("readonly".into(), json!(true));
        }
        if extra.password {
            p.insert("is_password".into(), json!(true));
        }
        if let Some(n) = extra.max_length {
            p.insert("maxLength".into(), json!(n));
        }
        if let Some(pattern) = extra.pattern {
            p.insert("pattern".into(), json!(pattern));
        }
        if let Some(default) = extra.default {
            p.insert("default".into(), json!(default));
            defaults.insert(name.clone(), json!(default));
        }
        props.insert(name, Value::Object(p));
    }
    defaults.insert("HierarchyPath".into(), json!(hierarchy));
    let add = format!("/api/{CUSTOMER}/add/?hierarchy={node_pkid}");
    let mut answer = json!({
        "meta": {
            "model_type": CUSTOMER,
            "title": "Add Customer",
            "api_version": dialect.release,
            "schema_version": super::resources::SCHEMA_VERSION,
            "references": {
                "parent": [{"pkid": node_pkid, "href": format!("/api/{HIERARCHY_NODE}/{node_pkid}")}],
            },
            "actions": [
                {"add": {"href": format!("/api/{CUSTOMER}/?hierarchy={node_pkid}"),
                    "title": "Save", "method": "POST", "class": "add", "support_async": true}},
                {"schema": {"href": format!("{add}&schema=1"),
                    "title": "Schema", "method": "GET", "class": "schema", "support_async": false}},
            ],
        },
        "data": Value::Object(defaults),
    });
    if schema {
        answer["schema"] = json!({
            "$schema": DRAFT,
            "type": "object",
            "title": "Customer",
            "properties": Value::Object(props),
        });
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_has_the_documented_name_and_the_release_s_clone_flag() {
        let d = Dialect::new(None, None).unwrap();
        let a = answer(&d, "sys.hcs.P", "aaaaaaaaaaaaaaaaaaaaaaaa", true);
        let name = &a["schema"]["properties"]["name"];
        assert_eq!(name["required"], true);
        assert_eq!(name["maxLength"], 64);
        assert!(a["schema"]["properties"].get(CLONE_FLAG).is_none());
        assert_eq!(a["data"]["create_admin"], "true");
        let d = Dialect::new(None, Some("24.2")).unwrap();
        let a = answer(&d, "sys.hcs.P", "aaaaaaaaaaaaaaaaaaaaaaaa", false);
        assert!(a.get("schema").is_none());
        let a = answer(&d, "sys.hcs.P", "aaaaaaaaaaaaaaaaaaaaaaaa", true);
        assert_eq!(a["schema"]["properties"][CLONE_FLAG]["type"], "boolean");
    }
}
