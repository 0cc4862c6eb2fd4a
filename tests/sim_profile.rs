//! The simulator's API profile and release (`sim --profile FILE --voss-release X`): the
//! customer model's add schema (`add/?schema=1`), JSON names translated at the boundary,
//! and the local admin's role cloned or not by release. Raw HTTP on 127.0.0.1.

mod sim_support;

use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sim_support::*;
use voss_customers::sim::{ListFields, Options, SimConfig};
use voss_customers::voss::profile::Profile;

const CUSTOMERS_R1: &str = "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P.CS-R1&format=json";
const ADD_SCHEMA_R1: &str =
    "relation/HcsCustomerREL/add/?hierarchy=sys.hcs.CS-P.CS-R1&format=json&schema=1";

fn fields_of(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

/// The `properties` object wherever the answer nests it (as a client must find it).
fn properties(answer: &Value) -> Option<&serde_json::Map<String, Value>> {
    match answer {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                return Some(props);
            }
            map.values().find_map(properties)
        }
        Value::Array(items) => items.iter().find_map(properties),
        _ => None,
    }
}

/// A profile renaming Extended Name and Account ID (and the derived role).
fn renaming() -> Profile {
    Profile::layered(Some((
        "renaming.yaml",
        "fields:\n  extended_name: extName\n  account_id: acctId\nlocal_admin:\n  derived_role: adminRole\n",
    )))
    .unwrap()
}

async fn start_with(profile: Option<Profile>, release: Option<&str>) -> Harness {
    start_example_with(Options {
        profile,
        voss_release: release.map(str::to_owned),
        ..Options::default()
    })
    .await
}

fn one(pkid: &str) -> String {
    format!("relation/HcsCustomerREL/{pkid}/?format=json")
}

#[tokio::test]
async fn the_add_schema_has_the_default_names_and_the_documented_rules() {
    let h = start_example().await;
    let (status, answer) = h.get(PROVIDER, ADD_SCHEMA_R1).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let props = properties(&answer).expect("a properties object");
    let name = &props["name"];
    assert_eq!(name["type"], "string");
    assert_eq!(name["title"], "Customer Name");
    assert_eq!(name["required"], true);
    assert_eq!(name["maxLength"], 64);
    assert_eq!(name["pattern"], r"^[A-Za-z0-9_\- ]+$");
    for password in ["defaultAdminPassword", "repeatDefaultAdminPassword"] {
        assert_eq!(props[password]["is_password"], true, "{password}");
    }
    assert_eq!(props["defaultAdminRole"]["readonly"], true);
    assert_eq!(props["create_admin"]["type"], "boolean");
    assert_eq!(props["create_admin"]["default"], "true");
    assert_eq!(props["publicSector"]["type"], "boolean");
    assert_eq!(props["extendedName"]["title"], "Extended Name");
    assert_eq!(props["directoryDomain"]["type"], "string");
    for key in [
        "accountId",
        "dealIds",
        "primeCollaboration",
        "disableNumMgmt",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert!(
        !props.contains_key("clone_admin_role"),
        "21.4 knows no clone flag"
    );
    for (key, p) in props {
        assert!(p["title"].is_string(), "{key} has a title");
        assert!(
            p.get("required").is_none() || key == "name",
            "only name is required"
        );
    }

    // Without schema=1: the add form's defaults, no schema.
    let (status, form) = h
        .get(
            PROVIDER,
            "relation/HcsCustomerREL/add/?hierarchy=sys.hcs.CS-P.CS-R1&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(properties(&form).is_none(), "{form}");
    assert_eq!(form["data"]["create_admin"], "true");

    // Scope as for lists: another reseller's hierarchy answers as a missing one; a
    // hierarchy is needed.
    let (status, _) = h.get(RESELLER2, ADD_SCHEMA_R1).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = h.get(RESELLER1, ADD_SCHEMA_R1).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .get(
            PROVIDER,
            "relation/HcsCustomerREL/add/?format=json&schema=1",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let stats = h.stats().await;
    assert_eq!(stats["by_route"]["GET relation/HcsCustomerREL/add"], 5);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_renaming_profile_serves_its_names_and_refuses_the_default_ones() {
    let h = start_example_with(Options {
        profile: Some(renaming()),
        list_fields: ListFields::Full,
        ..Options::default()
    })
    .await;
    let (_, answer) = h.get(PROVIDER, ADD_SCHEMA_R1).await;
    let props = properties(&answer).unwrap();
    for key in ["extName", "acctId", "adminRole"] {
        assert!(props.contains_key(key), "{key}: {answer}");
    }
    for key in ["extendedName", "accountId", "defaultAdminRole"] {
        assert!(!props.contains_key(key), "{key}: {answer}");
    }
    assert_eq!(props["extName"]["title"], "Extended Name");
    assert_eq!(props["adminRole"]["readonly"], true);

    // The default names are unknown fields, named as sent.
    let (status, refused) = h
        .call(
            PROVIDER,
            Method::POST,
            CUSTOMERS_R1,
            Some(json!({"name": "Renamed", "create_admin": false,
                "extendedName": "E", "accountId": "A"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let mut named = fields_of(&refused);
    named.sort_unstable();
    assert_eq!(named, ["accountId", "extendedName"], "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("`extendedName`") && message.contains("`accountId`"),
        "{message}"
    );

    // The profile's names are written and read back.
    let (status, created) = h
        .call(
            PROVIDER,
            Method::POST,
            CUSTOMERS_R1,
            Some(json!({"name": "Renamed", "create_admin": false,
                "extName": "Renamed Ltd", "acctId": "A-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let pkid = created["pkid"].as_str().unwrap().to_owned();
    let (_, got) = h.get(PROVIDER, &one(&pkid)).await;
    assert_eq!(got["data"]["extName"], "Renamed Ltd", "{got}");
    assert_eq!(got["data"]["acctId"], "A-1");
    assert!(got["data"].get("adminRole").is_some(), "{got}");
    for key in ["extendedName", "accountId", "defaultAdminRole"] {
        assert!(got["data"].get(key).is_none(), "{key}: {got}");
    }
    // A full list speaks the same names.
    let (_, listed) = h.get(PROVIDER, &format!("{CUSTOMERS_R1}&limit=200")).await;
    assert!(listed.to_string().contains("\"extName\""));

    // A whole-record PUT of what was read is accepted; with a default name it is not.
    let mut data = got["data"].clone();
    for key in ["pkid", "hierarchy_path", "adminRole"] {
        data.as_object_mut().unwrap().remove(key);
    }
    data["extName"] = json!("Renamed Group");
    let (status, answer) = h
        .call(PROVIDER, Method::PUT, &one(&pkid), Some(data.clone()))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    data["accountId"] = json!("A-2");
    let (status, refused) = h.call(PROVIDER, Method::PUT, &one(&pkid), Some(data)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&refused), ["accountId"]);

    // Type errors and read-only fields are named as sent too.
    let (status, refused) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &one(&pkid),
            Some(json!({"extName": 7})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&refused), ["extName"], "{refused}");
    let (status, refused) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &one(&pkid),
            Some(json!({"adminRole": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&refused), ["adminRole"], "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("adminRole"),
        "{refused}"
    );
    let (_, got) = h.get(PROVIDER, &one(&pkid)).await;
    assert_eq!(got["data"]["extName"], "Renamed Group");
    h.sim.shutdown().await;
}

/// Creates `name` at R1 with a local admin from CustomerAdminTemplate, plus `extra`;
/// returns the customer as read back and the roles at its node.
async fn create_with_admin(h: &Harness, name: &str, extra: Value) -> (Value, Vec<String>) {
    let mut body = json!({
        "name": name, "create_admin": true, "clonedAdminRole": "CustomerAdminTemplate",
        "defaultAdminPassword": "pw-1", "repeatDefaultAdminPassword": "pw-1",
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, created) = h
        .call(PROVIDER, Method::POST, CUSTOMERS_R1, Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let got = h.customer(R1, name).await.unwrap();
    let node = format!("{R1}.{name}");
    let (_, roles) = h
        .get(
            PROVIDER,
            &format!("data/Role/?hierarchy={}&format=json", enc(&node)),
        )
        .await;
    let at_node = roles["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["data"]["hierarchy_path"] == node.as_str())
        .map(|r| r["data"]["name"].as_str().unwrap().to_owned())
        .collect();
    (got, at_node)
}

#[tokio::test]
async fn before_24_2_a_local_admin_s_role_is_always_cloned() {
    let h = start_with(None, Some("21.4")).await;
    let (got, roles) = create_with_admin(&h, "Old Co", json!({})).await;
    assert_eq!(
        got["data"]["defaultAdminRole"],
        "Old_CoCustomerAdminTemplate"
    );
    assert_eq!(roles, ["Old_CoCustomerAdminTemplate"]);
    // The flag is not known before 24.2.
    let (status, refused) = h
        .call(
            PROVIDER,
            Method::POST,
            CUSTOMERS_R1,
            Some(json!({"name": "Flagged", "create_admin": false, "clone_admin_role": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&refused), ["clone_admin_role"]);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn from_24_2_the_role_is_cloned_only_when_asked() {
    let h = start_with(None, Some("24.2")).await;
    let (_, schema) = h.get(PROVIDER, ADD_SCHEMA_R1).await;
    assert_eq!(
        properties(&schema).unwrap()["clone_admin_role"]["type"],
        "boolean"
    );

    let (got, roles) = create_with_admin(&h, "Plain Co", json!({})).await;
    assert_eq!(got["data"]["defaultAdminRole"], "CustomerAdminTemplate");
    assert!(roles.is_empty(), "no role cloned: {roles:?}");
    let (got, roles) =
        create_with_admin(&h, "Unasked Co", json!({"clone_admin_role": false})).await;
    assert_eq!(got["data"]["defaultAdminRole"], "CustomerAdminTemplate");
    assert!(roles.is_empty(), "{roles:?}");

    let (got, roles) = create_with_admin(&h, "Cloned Co", json!({"clone_admin_role": true})).await;
    assert_eq!(
        got["data"]["defaultAdminRole"],
        "Cloned_CoCustomerAdminTemplate"
    );
    assert_eq!(roles, ["Cloned_CoCustomerAdminTemplate"]);

    // The flag is create-only.
    let pkid = pkid(&got);
    let (status, refused) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &one(&pkid),
            Some(json!({"clone_admin_role": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&refused), ["clone_admin_role"]);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_transaction_follows_the_release_and_the_profile_s_clone_flag_name() {
    let profile = Profile::layered(Some((
        "flag.yaml",
        "release: \"24.2\"\nlocal_admin:\n  clone_flag: cloneRole\n",
    )))
    .unwrap();
    let h = start_with(Some(profile), None).await;
    let (status, queued) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("{CUSTOMERS_R1}&nowait=true"),
            Some(json!({
                "name": "Async Co", "create_admin": true, "clonedAdminRole": "CustomerAdminTemplate",
                "defaultAdminPassword": "pw-1", "repeatDefaultAdminPassword": "pw-1",
                "cloneRole": "true",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let (end, _) = h
        .wait_txn(PROVIDER, queued["transaction_id"].as_str().unwrap())
        .await;
    assert!(end == "Success" || end == "Completed", "{end}");
    let got = h.customer(R1, "Async Co").await.unwrap();
    assert_eq!(
        got["data"]["defaultAdminRole"],
        "Async_CoCustomerAdminTemplate"
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_state_file_loads_under_any_profile_and_never_holds_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = |profile: Option<Profile>, release: Option<&str>| SimConfig {
        seed: example_seed(),
        state: Some(state.clone()),
        options: Options {
            profile,
            voss_release: release.map(str::to_owned),
            ..Options::default()
        },
        ..SimConfig::default()
    };
    let h = start(config(None, None)).await;
    let (status, created) = h
        .call(
            PROVIDER,
            Method::POST,
            CUSTOMERS_R1,
            Some(json!({"name": "Kept", "create_admin": false, "extendedName": "Kept Ltd"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    h.sim.shutdown().await;
    let before = std::fs::read_to_string(&state).unwrap();

    let h = start(config(Some(renaming()), Some("24.2"))).await;
    let got = h.customer(R1, "Kept").await.unwrap();
    assert_eq!(got["data"]["extName"], "Kept Ltd");
    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &one(&pkid(&got)),
            Some(json!({"acctId": "K-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    h.sim.shutdown().await;
    let after = std::fs::read_to_string(&state).unwrap();
    assert!(!after.contains("extName") && !after.contains("acctId"));
    assert!(before.contains("Kept Ltd") && after.contains("K-1"));

    let h = start(config(None, None)).await;
    let got = h.customer(R1, "Kept").await.unwrap();
    assert_eq!(got["data"]["extendedName"], "Kept Ltd");
    assert_eq!(got["data"]["accountId"], "K-1");
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_profile_or_release_the_simulator_cannot_speak_stops_it() {
    let clash = Profile::layered(Some((
        "clash.yaml",
        "fields:\n  extended_name: HierarchyPath\n",
    )))
    .unwrap();
    for (profile, release, what) in [
        (Some(clash), None, "HierarchyPath"),
        (None, Some("24"), "MAJOR.MINOR"),
    ] {
        let err = voss_customers::sim::start(
            SimConfig {
                seed: example_seed(),
                options: Options {
                    profile,
                    voss_release: release.map(str::to_owned),
                    ..Options::default()
                },
                ..SimConfig::default()
            },
            loopback(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(err.contains(what), "{err}");
    }
}

#[test]
fn sim_profile_errors_name_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.yaml");
    std::fs::write(&profile, "fields:\n  extended_nam: extName\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--seed"])
        .arg(example_seed())
        .arg("--profile")
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:", profile.display())) && stderr.contains("extended_name"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--seed"])
        .arg(example_seed())
        .args(["--voss-release", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--voss-release"));
}

#[tokio::test]
async fn the_binary_takes_a_profile_and_a_release() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.yaml");
    std::fs::write(&profile, "fields:\n  extended_name: extName\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--listen", "127.0.0.1:0", "--seed"])
        .arg(example_seed())
        .arg("--profile")
        .arg(&profile)
        .args(["--voss-release", "24.2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let answer: Value = reqwest::Client::new()
        .get(format!("{url}/api/{ADD_SCHEMA_R1}"))
        .basic_auth(PROVIDER.0, Some(PROVIDER.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let props = properties(&answer).unwrap();
    assert!(props.contains_key("extName") && props.contains_key("clone_admin_role"));
    assert_eq!(answer["meta"]["api_version"], "24.2");
}
