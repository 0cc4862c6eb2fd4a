//! The "Manage Customers" rules as the simulator enforces them, over real HTTP.

mod sim_support;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sim_support::*;

const CUSTOMERS_R1: &str = "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P.CS-R1&format=json";

fn field_of(body: &Value) -> &str {
    body["errors"][0]["field"].as_str().unwrap_or("")
}

#[tokio::test]
async fn create_with_local_admin_derives_role_and_admin_and_hides_passwords() {
    let h = start_example().await;
    let body = json!({
        "name": "Acme Corp", "create_admin": true, "clonedAdminRole": "CustomerAdminTemplate",
        "defaultAdminPassword": "s3cret-pw", "repeatDefaultAdminPassword": "s3cret-pw",
        "description": "Flagship", "dealIds": "D-1,D-2"
    });
    let (status, created) = h
        .call(RESELLER1, Method::POST, CUSTOMERS_R1, Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["success"], true);
    let pkid = created["pkid"].as_str().unwrap();
    assert_eq!(pkid.len(), 24);

    let (_, got) = h
        .get(
            RESELLER1,
            &format!("relation/HcsCustomerREL/{pkid}/?format=json"),
        )
        .await;
    assert_eq!(got["data"]["hierarchy_path"], R1);
    assert_eq!(
        got["data"]["defaultAdminRole"],
        "Acme_CorpCustomerAdminTemplate"
    );
    assert_eq!(
        got["data"]["directoryDomain"], "",
        "the stored domain stays as sent"
    );
    assert!(
        !got.to_string().contains("s3cret-pw"),
        "a password came back: {got}"
    );

    // The derived role lives at the customer's node; the local admin has the reseller's domain.
    let node = enc("sys.hcs.CS-P.CS-R1.Acme Corp");
    let (_, roles) = h
        .get(
            RESELLER1,
            &format!("data/Role/?hierarchy={node}&format=json"),
        )
        .await;
    let at_node: Vec<&serde_json::Value> = roles["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["data"]["hierarchy_path"] == "sys.hcs.CS-P.CS-R1.Acme Corp")
        .collect();
    assert_eq!(at_node.len(), 1, "{roles}");
    assert_eq!(at_node[0]["data"]["name"], "Acme_CorpCustomerAdminTemplate");
    let (_, users) = h
        .get(
            RESELLER1,
            &format!("data/User/?hierarchy={node}&format=json"),
        )
        .await;
    assert_eq!(
        users["resources"][0]["data"]["name"],
        "Acme_CorpAdmin@r1.example"
    );
    assert!(!users.to_string().contains("s3cret-pw"));

    // Under a reseller without a domain, the provider's applies.
    let body = json!({"name": "Initech", "create_admin": true, "clonedAdminRole": "CustomerAdminTemplate",
        "defaultAdminPassword": "pw", "repeatDefaultAdminPassword": "pw"});
    let (status, _) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json"),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, users) = h
        .get(
            PROVIDER,
            &format!(
                "data/User/?hierarchy={}&format=json",
                enc("sys.hcs.CS-P.CS-R2.Initech")
            ),
        )
        .await;
    assert_eq!(
        users["resources"][0]["data"]["name"],
        "InitechAdmin@cs-p.example"
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn create_refusals_name_the_field() {
    let h = start_example().await;
    let admin = |extra: Value| {
        let mut body = json!({"name": "NewCo", "create_admin": true, "clonedAdminRole": "CustomerAdminTemplate",
            "defaultAdminPassword": "pw", "repeatDefaultAdminPassword": "pw"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (
            admin(json!({"name": "Bad.Name"})),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (
            admin(json!({"name": "x".repeat(65)})),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (
            admin(json!({"name": "Globex"})),
            StatusCode::CONFLICT,
            "name",
        ),
        (
            admin(json!({"name": "GLOBEX"})),
            StatusCode::CONFLICT,
            "name",
        ),
        (
            admin(json!({"name": "globex"})),
            StatusCode::CONFLICT,
            "name",
        ),
        (
            admin(json!({"clonedAdminRole": "NoSuchRole"})),
            StatusCode::BAD_REQUEST,
            "clonedAdminRole",
        ),
        (
            admin(json!({"repeatDefaultAdminPassword": "other"})),
            StatusCode::BAD_REQUEST,
            "repeatDefaultAdminPassword",
        ),
        (
            admin(json!({"defaultAdminPassword": "", "repeatDefaultAdminPassword": ""})),
            StatusCode::BAD_REQUEST,
            "defaultAdminPassword",
        ),
        (
            admin(json!({"primeCollaboration": "PC-Nowhere"})),
            StatusCode::BAD_REQUEST,
            "primeCollaboration",
        ),
        (
            admin(json!({"defaultAdminRole": "Anything"})),
            StatusCode::BAD_REQUEST,
            "defaultAdminRole",
        ),
        (
            admin(json!({"colour": "red"})),
            StatusCode::BAD_REQUEST,
            "colour",
        ),
        (
            admin(json!({"publicSector": "yes"})),
            StatusCode::BAD_REQUEST,
            "publicSector",
        ),
        (
            admin(json!({"migrate": true})),
            StatusCode::BAD_REQUEST,
            "migrate",
        ),
    ];
    for (body, want, field) in cases {
        let (status, answer) = h
            .call(RESELLER1, Method::POST, CUSTOMERS_R1, Some(body.clone()))
            .await;
        assert_eq!(status, want, "{body} → {answer}");
        assert_eq!(field_of(&answer), field, "{answer}");
        assert_eq!(answer["success"], false);
        assert_eq!(answer["code"], want.as_u16());
    }
    // A role defined at the other reseller is not visible from R1.
    let (status, answer) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json"),
            Some(admin(json!({"clonedAdminRole": "R1CustomerAdmin"}))),
        )
        .await;
    assert_eq!(
        (status, field_of(&answer)),
        (StatusCode::BAD_REQUEST, "clonedAdminRole")
    );
    // Nothing was created by the refused writes.
    assert_eq!(h.customers(RESELLER1, R1).await.len(), 3);
    // The same name under another parent is fine.
    let (status, _) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json"),
            Some(json!({"name": "Globex", "create_admin": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn patch_changes_only_sent_fields_and_renames() {
    let h = start_example().await;
    let before = h.customer(R1, "Globex").await.unwrap();
    let url = format!("relation/HcsCustomerREL/{}/?format=json", pkid(&before));
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &url,
            Some(json!({"description": "new", "primeCollaboration": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let after = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(after["data"]["description"], "new");
    assert_eq!(after["data"]["primeCollaboration"], "");
    assert_eq!(after["data"]["accountId"], before["data"]["accountId"]);

    // A rename moves the node: its dependents are listed at the new path.
    let (status, _) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &url,
            Some(json!({"name": "Globex Corp"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.customer(R1, "Globex").await.is_none());
    let (_, phones) = h
        .get(
            RESELLER1,
            &format!(
                "device/cucm/Phone/?hierarchy={}&format=json",
                enc("sys.hcs.CS-P.CS-R1.Globex Corp")
            ),
        )
        .await;
    assert_eq!(phones["pagination"]["total"], 12);
    let (status, _) = h
        .get(
            RESELLER1,
            "device/cucm/Phone/?hierarchy=sys.hcs.CS-P.CS-R1.Globex&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Renaming onto a sibling's name is a conflict.
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &url,
            Some(json!({"name": "Hooli"})),
        )
        .await;
    assert_eq!((status, field_of(&answer)), (StatusCode::CONFLICT, "name"));
    // So is renaming onto a name that differs from a sibling's only in letter case.
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &url,
            Some(json!({"name": "HOOLI"})),
        )
        .await;
    assert_eq!((status, field_of(&answer)), (StatusCode::CONFLICT, "name"));
    assert_eq!(
        answer["errors"][0]["message"].as_str().unwrap_or(""),
        "`Hooli` already exists at sys.hcs.CS-P.CS-R1, and `HOOLI` differs from it only in letter case",
        "{answer}"
    );
    // Changing only the case of its own name is a rename.
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &url,
            Some(json!({"name": "GLOBEX CORP"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(h.customer(R1, "GLOBEX CORP").await.is_some());
    h.sim.shutdown().await;
}

#[tokio::test]
async fn async_writes_run_as_transactions_and_deletes_with_dependents_fail() {
    let h = start_example().await;
    let hooli = h.customer(R1, "Hooli").await.unwrap();
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!(
                "relation/HcsCustomerREL/{}/?format=json&nowait=true",
                pkid(&hooli)
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = answer["transaction_id"].as_str().unwrap();
    assert_eq!(answer["href"], format!("/api/tool/Transaction/{id}/"));
    let (status, data) = h.wait_txn(RESELLER1, id).await;
    assert_eq!(status, "Fail");
    assert_eq!(
        data["message"],
        "customer Hooli still has 1 SSO identity provider, 3 devices, 1 site: remove them first"
    );
    assert!(h.customer(R1, "Hooli").await.is_some());
    let (_, poll) = h
        .get(
            RESELLER1,
            &format!("tool/Transaction/{id}/poll/?format=json"),
        )
        .await;
    assert_eq!(poll[id]["status"], "Fail");

    // The same delete, synchronous: refused with the same words.
    let globex = h.customer(R1, "Globex").await.unwrap();
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!("relation/HcsCustomerREL/{}/?format=json", pkid(&globex)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        answer["message"],
        "customer Globex still has 1 LDAP server, 12 devices, 1 Network Device List, 2 sites: remove them first"
    );

    // A customer without dependents goes, and its create comes back with the pkid.
    let (_, answer) = h
        .call(
            RESELLER1,
            Method::POST,
            &format!("{CUSTOMERS_R1}&nowait=true"),
            Some(json!({"name": "Temp", "create_admin": false})),
        )
        .await;
    let (status, data) = h
        .wait_txn(RESELLER1, answer["transaction_id"].as_str().unwrap())
        .await;
    assert!(matches!(status.as_str(), "Success" | "Completed"), "{data}");
    let href = data["resource"]["after_transaction"].as_str().unwrap();
    let path = href.trim_start_matches("/api/");
    let (_, temp) = h.get(RESELLER1, &format!("{path}?format=json")).await;
    assert_eq!(temp["data"]["name"], "Temp");
    let (status, _) = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!("{path}?format=json"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.customer(R1, "Temp").await.is_none());
    h.sim.shutdown().await;
}

#[tokio::test]
async fn migrate_moves_the_hcmf_record_keeping_pkid_and_values() {
    let h = start_example().await;
    let (status, hcmf) = h
        .get(
            RESELLER1,
            "relation/HcsCustomerREL/?hierarchy=sys.hcs&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let legacy = &hcmf["resources"][0];
    assert_eq!(legacy["data"]["name"], "Legacy Co");
    assert_eq!(legacy["data"]["hierarchy_path"], "sys.hcs");
    let pkid = legacy["pkid"].as_str().unwrap();

    let (status, answer) = h
        .call(
            RESELLER1,
            Method::POST,
            CUSTOMERS_R1,
            Some(json!({"name": "Legacy Co", "migrate": true, "description": "moved"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["pkid"], pkid);
    let moved = h.customer(R1, "Legacy Co").await.unwrap();
    assert_eq!(moved["data"]["accountId"], "HCMF-9", "HCM-F values kept");
    assert_eq!(
        moved["data"]["description"], "moved",
        "sent values overlaid"
    );
    let waiting = h.customers(PROVIDER, "sys.hcs").await;
    assert!(
        waiting.iter().all(|(path, _)| path != "sys.hcs"),
        "{waiting:?}"
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn number_management_gates_numbers_and_the_dn_audit() {
    let h = start_example().await;
    let node = "sys.hcs.CS-P.CS-R1.Umbrella";
    let numbers = format!("data/InternalNumberInventory/?hierarchy={node}&format=json");
    let audit = format!("tool/DnAudit/?hierarchy={node}&format=json");
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::POST,
            &numbers,
            Some(json!({"number": "1000"})),
        )
        .await;
    assert_eq!(
        (status, field_of(&answer)),
        (StatusCode::BAD_REQUEST, "number"),
        "{answer}"
    );
    let (_, txn) = h.call(RESELLER1, Method::POST, &audit, None).await;
    let (status, data) = h
        .wait_txn(RESELLER1, txn["transaction_id"].as_str().unwrap())
        .await;
    assert_eq!(status, "Fail");
    assert!(
        data["message"]
            .as_str()
            .unwrap()
            .contains("number management is disabled")
    );

    // Enable it: numbers go in, and the audit runs.
    let umbrella = h.customer(R1, "Umbrella").await.unwrap();
    let (status, _) = h
        .call(
            RESELLER1,
            Method::PATCH,
            &format!("relation/HcsCustomerREL/{}/?format=json", pkid(&umbrella)),
            Some(json!({"disableNumMgmt": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .call(
            RESELLER1,
            Method::POST,
            &numbers,
            Some(json!({"number": "1000"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "numbers go in once enabled");
    let (status, _) = h
        .call(
            RESELLER1,
            Method::POST,
            &numbers,
            Some(json!({"number": "1000"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, txn) = h.call(RESELLER1, Method::POST, &audit, None).await;
    let (status, _) = h
        .wait_txn(RESELLER1, txn["transaction_id"].as_str().unwrap())
        .await;
    assert!(matches!(status.as_str(), "Success" | "Completed"));
    let (_, listed) = h.get(RESELLER1, &numbers).await;
    assert_eq!(listed["pagination"]["total"], 1);
    assert_eq!(listed["resources"][0]["data"]["number"], "1000");
    // Numbers go only to a customer's node.
    let (status, answer) = h
        .call(
            RESELLER1,
            Method::POST,
            &format!("data/InternalNumberInventory/?hierarchy={R1}&format=json"),
            Some(json!({"number": "1"})),
        )
        .await;
    assert_eq!(
        (status, field_of(&answer)),
        (StatusCode::BAD_REQUEST, "hierarchy")
    );
    h.sim.shutdown().await;
}
