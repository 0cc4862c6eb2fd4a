//! `--state FILE`: acknowledged writes survive a SIGKILL; a corrupt state file is an
//! error, left as it is. Also the seed's own errors, with their positions.

mod sim_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::json;
use sim_support::*;
use voss_customers::sim::{self, SimConfig};

/// Starts the real binary with a state file; returns it and its URL.
fn spawn(state: &Path) -> (Child, String) {
    spawn_with(&["--state".as_ref(), state.as_os_str()])
}

/// Starts the real binary on the example seed with `args`; returns it and its URL (read
/// from its first line).
fn spawn_with(args: &[&std::ffi::OsStr]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--listen", "127.0.0.1:0", "--seed"])
        .arg(example_seed())
        .args(args)
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
    (child, url)
}

async fn call(
    h: &reqwest::Client,
    url: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut request = h
        .request(method, format!("{url}/api/{path}"))
        .basic_auth(RESELLER1.0, Some(RESELLER1.1));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, url) = spawn(&state);
    let h = reqwest::Client::new();
    let list = format!("relation/HcsCustomerREL/?hierarchy={R1}&format=json");

    let (status, sync) = call(
        &h,
        &url,
        Method::POST,
        &list,
        Some(json!({"name": "Sync Co", "create_admin": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, txn) = call(
        &h,
        &url,
        Method::POST,
        &format!("{list}&nowait=true"),
        Some(json!({"name": "Async Co", "create_admin": false})),
    )
    .await;
    let id = txn["transaction_id"].as_str().unwrap().to_owned();
    let mut done = false;
    for _ in 0..200 {
        let (_, t) = call(
            &h,
            &url,
            Method::GET,
            &format!("tool/Transaction/{id}/?format=json"),
            None,
        )
        .await;
        if t["data"]["status"] == "Success" || t["data"]["status"] == "Completed" {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(done, "the transaction finished");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(std::fs::read_to_string(&state).unwrap().len() > 100);
    assert!(
        !std::fs::read_to_string(&state).unwrap().contains("secret"),
        "no passwords in the state"
    );

    let (mut child, url) = spawn(&state);
    let (_, listed) = call(&h, &url, Method::GET, &list, None).await;
    let names: Vec<&str> = listed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Async Co", "Globex", "Hooli", "Sync Co", "Umbrella"]
    );
    let (status, again) = call(
        &h,
        &url,
        Method::GET,
        &format!(
            "relation/HcsCustomerREL/{}/?format=json",
            sync["pkid"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the pkid is kept");
    assert_eq!(again["data"]["name"], "Sync Co");
    let (_, t) = call(
        &h,
        &url,
        Method::GET,
        &format!("tool/Transaction/{id}/?format=json"),
        None,
    )
    .await;
    assert!(
        t["data"]["status"] == "Success" || t["data"]["status"] == "Completed",
        "transactions are kept too: {t}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{\"format_version\": 1, \"nodes\": [").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--listen", "127.0.0.1:0", "--seed"])
        .arg(example_seed())
        .arg("--state")
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is corrupt") && stderr.contains("state.json"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"format_version\": 1, \"nodes\": ["
    );
}

#[tokio::test]
async fn seed_errors_carry_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "admins:\n  - {email: a@x, password: p, hierarchy: sys.hcs.Nope}\n",
            ":2:",
            "not a node",
        ),
        (
            "hierarchy:\n  - {path: sys.hcs.P, type: provider, colour: red}\n",
            ":2:",
            "unknown field `colour`",
        ),
        (
            "hierarchy: [{path: sys.hcs.P, type: provider}]\ncustomers:\n  - name: Bad.Name\n    hierarchy: sys.hcs.P\n",
            ":3:11",
            "Customer Name",
        ),
        // An unclosed `[` is reported at the bracket.
        ("hierarchy: [\n", ":1:12:", "never closed"),
    ];
    for (text, at, what) in cases {
        let seed = dir.path().join("seed.yaml");
        std::fs::write(&seed, text).unwrap();
        let err = sim::start(
            SimConfig {
                seed: seed.clone(),
                ..SimConfig::default()
            },
            loopback(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(err.starts_with(&seed.display().to_string()), "{err}");
        assert!(err.contains(at) && err.contains(what), "{text:?} → {err}");
    }
}

#[test]
fn tls_with_a_missing_certificate_file_names_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_voss-customers"))
        .args(["sim", "--seed"])
        .arg(example_seed())
        .args(["--tls-cert", "c.pem", "--tls-key", "k.pem"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("certificate file c.pem cannot be read"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_state_file_of_an_older_simulator_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = || SimConfig {
        seed: example_seed(),
        state: Some(state.clone()),
        ..SimConfig::default()
    };
    let h = start(config()).await;
    let globex = h.customer(R1, "Globex").await.unwrap();
    h.sim.shutdown().await;

    // Written before the data pkids and the provider/reseller relations existed.
    let mut old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    for customer in old["customers"].as_object_mut().unwrap().values_mut() {
        assert!(
            customer
                .as_object_mut()
                .unwrap()
                .remove("data_pkid")
                .is_some()
        );
    }
    for node in old["nodes"].as_object_mut().unwrap().values_mut() {
        node.as_object_mut().unwrap().remove("relation");
    }
    std::fs::write(&state, serde_json::to_vec(&old).unwrap()).unwrap();

    let h = start(config()).await;
    let again = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(pkid(&again), pkid(&globex), "the relation pkid is kept");
    let data_pkid = again["data"]["pkid"].as_str().unwrap().to_owned();
    assert_eq!(data_pkid.len(), 24);
    assert_ne!(data_pkid, pkid(&again));
    let (status, resellers) = h
        .get(
            PROVIDER,
            "relation/HcsResellerREL/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resellers["pagination"]["total"], 2);
    h.sim.shutdown().await;

    // The ids given on load are written back and stay.
    let h = start(config()).await;
    let third = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(third["data"]["pkid"], data_pkid.as_str());
    h.sim.shutdown().await;
}

#[tokio::test]
async fn the_api_behaviour_switches_reach_the_binary() {
    let args = [
        "--max-page",
        "3",
        "--over-limit",
        "refuse",
        "--list-fields",
        "full",
        "--txn-success",
        "completed",
        "--csrf-in",
        "header",
    ]
    .map(std::ffi::OsStr::new);
    let (mut child, url) = spawn_with(&args);
    let h = reqwest::Client::new();
    let list = format!("relation/HcsCustomerREL/?hierarchy={R1}&format=json");
    let (status, refused) = call(&h, &url, Method::GET, &format!("{list}&limit=4"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["errors"][0]["field"], "limit");
    let (_, page) = call(&h, &url, Method::GET, &format!("{list}&limit=3"), None).await;
    assert_eq!(page["pagination"]["maximum_limit"], 3);
    assert_eq!(page["resources"][0]["data"]["accountId"], "A-200", "full");
    let (_, txn) = call(
        &h,
        &url,
        Method::POST,
        &format!("{list}&nowait=true"),
        Some(json!({"name": "Switched", "create_admin": false})),
    )
    .await;
    let id = txn["transaction_id"].as_str().unwrap().to_owned();
    let mut end = serde_json::Value::Null;
    for _ in 0..200 {
        let (_, t) = call(
            &h,
            &url,
            Method::GET,
            &format!("tool/Transaction/{id}/poll/?format=json"),
            None,
        )
        .await;
        end = t[&id]["status"].clone();
        if end == "Completed" || end == "Fail" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(end, "Completed");
    let login = h
        .post(format!("{url}/noninteractivelogin/"))
        .json(&json!({"username": RESELLER1.0, "password": RESELLER1.1}))
        .send()
        .await
        .unwrap();
    assert!(login.headers().contains_key("x-csrftoken"));
    assert!(
        login
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("csrftoken=")),
        "--csrf-in header: no csrftoken cookie"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
