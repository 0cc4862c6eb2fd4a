//! The API's shape and strictness: query parameters, pagination, hierarchy by path or
//! pkid, the read-only model types, and bad requests answered with the field named.

mod sim_support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use sim_support::*;

#[tokio::test]
async fn lists_paginate_sort_and_take_a_path_or_a_pkid() {
    let h = start_example().await;
    let all = h.customers(PROVIDER, "sys.hcs.CS-P").await;
    let names: Vec<&str> = all.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Globex",
            "Hooli",
            "Umbrella",
            "Soylent",
            "Stark",
            "Wayne Enterprises"
        ]
    );

    let (_, page) = h
        .get(
            PROVIDER,
            "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P&format=json&skip=4&limit=1",
        )
        .await;
    let p = &page["pagination"];
    assert_eq!(
        (&p["skip"], &p["limit"], &p["total"], &p["maximum_limit"]),
        (&json!(4), &json!(1), &json!(6), &json!(200))
    );
    assert_eq!(page["resources"][0]["data"]["name"], "Stark");
    let (_, page) = h
        .get(
            PROVIDER,
            "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P&format=json&limit=99999&count=false",
        )
        .await;
    assert_eq!(
        (&page["pagination"]["limit"], &page["pagination"]["total"]),
        (&json!(200), &json!(0)),
        "capped at maximum_limit; count=false: no total"
    );

    // The reseller node by pkid, from the node list.
    let (_, nodes) = h
        .get(
            PROVIDER,
            "data/HierarchyNode/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    let r1 = nodes["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["data"]["name"] == "CS-R1")
        .unwrap();
    assert_eq!(r1["data"]["node_type"], "Reseller");
    let r1_pkid = r1["pkid"].as_str().unwrap();
    let (_, by_pkid) = h
        .get(
            PROVIDER,
            &format!("relation/HcsCustomerREL/?hierarchy={r1_pkid}&format=json"),
        )
        .await;
    assert_eq!(by_pkid["pagination"]["total"], 3);
    let (status, node) = h
        .get(
            RESELLER1,
            &format!("data/HierarchyNode/{r1_pkid}/?format=json"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(node["meta"]["path"].as_array().unwrap().len(), 4);
    assert_eq!(node["meta"]["path"][3], r1_pkid);
    // A customer's parent reference is its node.
    let globex = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(globex["meta"]["references"]["parent"][0]["pkid"], r1_pkid);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn roles_prime_collaboration_and_dependents_are_listed() {
    let h = start_example().await;
    let (_, roles) = h
        .get(RESELLER1, &format!("data/Role/?hierarchy={R1}&format=json"))
        .await;
    let names: Vec<&str> = roles["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["CustomerAdminTemplate", "R1CustomerAdmin"],
        "visible from R1: its own and its provider's"
    );
    let (_, roles) = h
        .get(RESELLER2, &format!("data/Role/?hierarchy={R2}&format=json"))
        .await;
    assert_eq!(roles["pagination"]["total"], 1);

    let (_, prime) = h
        .get(
            RESELLER2,
            &format!("data/HcsPrimeCollaborationDAT/?hierarchy={R2}&format=json"),
        )
        .await;
    let names: Vec<&str> = prime["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["PC-East", "PC-West"]);

    let node = "sys.hcs.CS-P.CS-R1.Globex";
    for (model, total) in [
        ("data/Ldap", 1),
        ("data/SsoIdentityProvider", 0),
        ("device/cucm/Phone", 12),
        ("relation/HcsNetworkDeviceListREL", 1),
        ("relation/HcsSiteREL", 2),
    ] {
        let (status, list) = h
            .get(
                RESELLER1,
                &format!("{model}/?hierarchy={node}&format=json&limit=5"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{model}: {list}");
        assert_eq!(list["pagination"]["total"], total, "{model}");
        if total > 0 {
            assert_eq!(list["resources"][0]["data"]["hierarchy_path"], node);
            assert_eq!(list["resources"][0]["meta"]["model_type"], model);
        }
    }
    h.sim.shutdown().await;
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    let h = start_example().await;
    let list = "relation/HcsCustomerREL/";
    let cases = [
        (
            format!("{list}?hierarchy={R1}"),
            StatusCode::BAD_REQUEST,
            "format",
        ),
        (
            format!("{list}?hierarchy={R1}&format=xml"),
            StatusCode::BAD_REQUEST,
            "format",
        ),
        (
            format!("{list}?format=json"),
            StatusCode::BAD_REQUEST,
            "hierarchy",
        ),
        (
            format!("{list}?hierarchy=sys.hcs.Nowhere&format=json"),
            StatusCode::NOT_FOUND,
            "hierarchy",
        ),
        (
            format!("{list}?hierarchy=0123456789abcdef01234567&format=json"),
            StatusCode::NOT_FOUND,
            "hierarchy",
        ),
        (
            format!("{list}?hierarchy={R1}&format=json&limit=ten"),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            format!("{list}?hierarchy={R1}&format=json&count=maybe"),
            StatusCode::BAD_REQUEST,
            "count",
        ),
        (
            format!("{list}0123456789abcdef01234567/?format=json"),
            StatusCode::NOT_FOUND,
            "pkid",
        ),
        (
            format!("{list}not-a-pkid/?format=json"),
            StatusCode::BAD_REQUEST,
            "pkid",
        ),
        (
            "data/NoSuchModel/?format=json".to_owned(),
            StatusCode::NOT_FOUND,
            "path",
        ),
    ];
    for (path, want, field) in cases {
        let (status, body) = h.get(PROVIDER, &path).await;
        assert_eq!(status, want, "{path}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{path}: {body}");
    }

    let url = format!("{}/api/{list}?hierarchy={R1}&format=json", h.sim.url());
    let post = |body: Vec<u8>| {
        h.http
            .post(&url)
            .basic_auth(PROVIDER.0, Some(PROVIDER.1))
            .body(body)
            .send()
    };
    let bad_json = post(b"{\"name\": ".to_vec()).await.unwrap();
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = bad_json.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["field"], "body");
    let not_object = post(b"[1]".to_vec()).await.unwrap();
    assert_eq!(not_object.status(), StatusCode::BAD_REQUEST);
    let huge = format!(
        "{{\"name\": \"Big\", \"description\": \"{}\"}}",
        "x".repeat(600 * 1024)
    );
    let oversize = post(huge.into_bytes()).await.unwrap();
    assert_eq!(oversize.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = oversize.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "body");

    let (status, body) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("{list}?hierarchy=sys.hcs.CS-P.CS-R1.Globex&format=json"),
            Some(json!({"name": "Nested"})),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("hierarchy"))
    );
    h.sim.shutdown().await;
}
