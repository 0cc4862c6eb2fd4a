//! The simulator answers as real servers do (`voss-api.md`), at least as strictly: each
//! test asserts what a client would notice if it relied on one of the old guesses.

mod sim_support;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sim_support::*;
use voss_customers::sim::{CsrfIn, ListFields, Options, OverLimit, TxnSuccess};

const LIST_PROVIDER: &str = "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P&format=json";

fn one(pkid: &str) -> String {
    format!("relation/HcsCustomerREL/{pkid}/?format=json")
}

fn fields_of(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn data_pkid_is_not_the_relation_pkid_and_addresses_nothing() {
    let h = start_example().await;
    let globex = h.customer(R1, "Globex").await.unwrap();
    let relation = pkid(&globex);
    let data = globex["data"]["pkid"].as_str().unwrap().to_owned();
    assert_ne!(relation, data);
    assert_eq!(globex["meta"]["references"]["self"][0]["pkid"], relation);
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"name": "Globex"}))),
        (Method::PATCH, Some(json!({"description": "x"}))),
        (Method::DELETE, None),
    ] {
        let (status, answer) = h.call(PROVIDER, method.clone(), &one(&data), body).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{method} data.pkid: {answer}"
        );
    }
    let (status, _) = h.get(PROVIDER, &one(&relation)).await;
    assert_eq!(status, StatusCode::OK);
    h.sim.shutdown().await;
}

/// The nodes at and below the provider, as the provider admin lists them.
async fn provider_nodes(h: &Harness) -> Value {
    let (status, nodes) = h
        .get(
            PROVIDER,
            "data/HierarchyNode/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{nodes}");
    nodes
}

#[tokio::test]
async fn meta_path_is_a_list_of_pkids_ending_with_the_instance() {
    let h = start_example().await;
    let nodes = provider_nodes(&h).await;
    let pkid_of_node = |name: &str| {
        nodes["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["data"]["name"] == name)
            .map(pkid)
            .unwrap()
    };
    let (provider, r1) = (pkid_of_node("CS-P"), pkid_of_node("CS-R1"));
    let globex = h.customer(R1, "Globex").await.unwrap();
    let path: Vec<&str> = globex["meta"]["path"]
        .as_array()
        .expect("meta.path is a list")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(path.len(), 5, "sys, sys.hcs, provider, reseller, itself");
    assert_eq!(&path[2..], [provider.as_str(), r1.as_str(), &pkid(&globex)]);
    assert_eq!(globex["data"]["hierarchy_path"], R1);
    let parent = &globex["meta"]["references"]["parent"][0];
    assert_eq!(parent["pkid"], r1);
    assert!(parent.get("href").is_none(), "a reference without href");
    let meta = &globex["meta"];
    for key in [
        "title",
        "cached",
        "schema_version",
        "summary_attrs",
        "api_version",
        "model_type",
    ] {
        assert!(meta.get(key).is_some(), "meta.{key}");
    }
    assert_eq!(
        meta["business_key"],
        json!({"hierarchy": true, "unique": ["name"]})
    );
    assert!(meta["actions"].is_array() && meta.get("version_tag").is_none());
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_list_at_the_provider_includes_the_resellers_customers_and_has_the_seen_shape() {
    let h = start_example().await;
    let (status, page) = h.get(PROVIDER, LIST_PROVIDER).await;
    assert_eq!(status, StatusCode::OK);
    let paths: Vec<&str> = page["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["hierarchy_path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&R1) && paths.contains(&R2), "{paths:?}");
    assert!(page["operations"].is_array());
    assert!(page["meta"].is_object());
    for key in [
        "order_by",
        "current",
        "direction",
        "limit",
        "total_limit",
        "maximum_limit",
        "skip",
        "total",
    ] {
        assert!(page["pagination"].get(key).is_some(), "pagination.{key}");
    }
    h.sim.shutdown().await;
}

#[tokio::test]
async fn direct_true_and_other_unknown_parameters_are_ignored() {
    let h = start_example().await;
    let (_, plain) = h.get(PROVIDER, LIST_PROVIDER).await;
    let (status, direct) = h
        .get(
            PROVIDER,
            &format!("{LIST_PROVIDER}&direct=true&colour=red&direct=maybe"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{direct}");
    assert_eq!(direct["pagination"]["total"], 6);
    assert_eq!(direct["resources"], plain["resources"]);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn summary_lists_carry_only_name_and_hierarchy_path_full_lists_everything() {
    let summary = start_example().await;
    let (_, page) = summary.get(PROVIDER, LIST_PROVIDER).await;
    for r in page["resources"].as_array().unwrap() {
        let mut keys: Vec<&String> = r["data"].as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["hierarchy_path", "name"], "{r}");
    }
    let globex = summary.customer(R1, "Globex").await.unwrap();
    assert_eq!(
        globex["data"]["accountId"], "A-200",
        "a GET has every field"
    );
    summary.sim.shutdown().await;

    let full = start_example_with(Options {
        list_fields: ListFields::Full,
        ..Options::default()
    })
    .await;
    let (_, page) = full.get(PROVIDER, LIST_PROVIDER).await;
    let listed = page["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["data"]["name"] == "Globex")
        .unwrap();
    let got = full.customer(R1, "Globex").await.unwrap();
    assert_eq!(listed["data"], got["data"]);
    assert!(!page.to_string().contains("Password"));
    full.sim.shutdown().await;
}

#[tokio::test]
async fn a_limit_above_maximum_limit_is_capped_or_refused() {
    let capped = start_example_with(Options {
        max_page: 2,
        ..Options::default()
    })
    .await;
    let (status, page) = capped
        .get(PROVIDER, &format!("{LIST_PROVIDER}&limit=5"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["pagination"]["maximum_limit"], 2);
    assert_eq!(page["pagination"]["limit"], 2);
    assert_eq!(page["resources"].as_array().unwrap().len(), 2);
    let (_, page) = capped
        .get(PROVIDER, &format!("{LIST_PROVIDER}&skip=4&limit=2"))
        .await;
    assert_eq!(page["resources"][0]["data"]["name"], "Stark");
    capped.sim.shutdown().await;

    let strict = start_example_with(Options {
        max_page: 2,
        over_limit: OverLimit::Refuse,
        ..Options::default()
    })
    .await;
    let (status, answer) = strict
        .get(PROVIDER, &format!("{LIST_PROVIDER}&limit=5"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&answer), ["limit"]);
    let (status, _) = strict
        .get(PROVIDER, &format!("{LIST_PROVIDER}&limit=2"))
        .await;
    assert_eq!(status, StatusCode::OK);
    strict.sim.shutdown().await;
}

#[tokio::test]
async fn put_replaces_the_record_patch_merges() {
    let h = start_example().await;
    let globex = h.customer(R1, "Globex").await.unwrap();
    let url = one(&pkid(&globex));
    assert_eq!(globex["data"]["description"], "Globex (old description)");

    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &url,
            Some(json!({"accountId": "A-9"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let patched = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(patched["data"]["description"], "Globex (old description)");
    assert_eq!(patched["data"]["accountId"], "A-9");

    // A PUT without description, domain, prime collaboration...: they take defaults.
    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PUT,
            &url,
            Some(json!({"name": "Globex", "accountId": "A-10"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let put = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(put["data"]["description"], "");
    assert_eq!(put["data"]["directoryDomain"], "");
    assert_eq!(put["data"]["primeCollaboration"], "");
    assert_eq!(put["data"]["shared_uc_apps"], false);
    assert_eq!(put["data"]["accountId"], "A-10");

    // A PUT is the whole record: without the required name it is refused.
    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PUT,
            &url,
            Some(json!({"description": "x"})),
        )
        .await;
    assert_eq!(
        (status, fields_of(&answer)),
        (StatusCode::BAD_REQUEST, vec!["name"])
    );

    // A whole-record PUT of what a GET returned, without the read-only fields, is fine.
    let mut back = put["data"].clone();
    for key in ["pkid", "hierarchy_path", "defaultAdminRole"] {
        back.as_object_mut().unwrap().remove(key);
    }
    back["description"] = json!("restored");
    let (status, answer) = h.call(PROVIDER, Method::PUT, &url, Some(back)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let again = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(again["data"]["description"], "restored");
    assert_eq!(again["data"]["accountId"], "A-10");
    h.sim.shutdown().await;
}

#[tokio::test]
async fn unknown_read_only_and_create_only_write_fields_are_named() {
    let h = start_example().await;
    let globex = h.customer(R1, "Globex").await.unwrap();
    let url = one(&pkid(&globex));
    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &url,
            Some(json!({"colour": "red", "domainName": "x.example", "description": "y"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named = fields_of(&answer);
    named.sort();
    assert_eq!(named, ["colour", "domainName"], "{answer}");

    let (status, answer) = h
        .call(PROVIDER, Method::PUT, &url, Some(globex["data"].clone()))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a GET's data sent back as is"
    );
    let mut named = fields_of(&answer);
    named.sort();
    assert_eq!(named, ["defaultAdminRole", "hierarchy_path", "pkid"]);

    let (status, answer) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &url,
            Some(json!({"defaultAdminPassword": "s3cret-pw", "repeatDefaultAdminPassword": "s3cret-pw"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named = fields_of(&answer);
    named.sort();
    assert_eq!(
        named,
        ["defaultAdminPassword", "repeatDefaultAdminPassword"]
    );
    assert!(!answer.to_string().contains("s3cret-pw"));

    let (status, answer) = h
        .call(
            PROVIDER,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R1}&format=json"),
            Some(json!({"name": "New", "create_admin": false, "pkid": "x", "publicSector": 7})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_of(&answer), ["publicSector"], "{answer}");
    let unchanged = h.customer(R1, "Globex").await.unwrap();
    assert_eq!(unchanged["data"], globex["data"], "nothing was written");
    h.sim.shutdown().await;
}

#[tokio::test]
async fn nodes_have_node_type_and_no_domain_relations_have_directory_domain() {
    let h = start_example().await;
    let nodes = provider_nodes(&h).await;
    let nodes = nodes["resources"].as_array().unwrap();
    assert_eq!(nodes[0]["data"]["name"], "CS-P", "the node itself first");
    for node in nodes {
        let data = node["data"].as_object().unwrap();
        assert!(data.contains_key("node_type") && data.contains_key("description"));
        assert!(
            !data.contains_key("domain") && !data.contains_key("type"),
            "{node}"
        );
    }
    let types: Vec<&str> = nodes
        .iter()
        .map(|n| n["data"]["node_type"].as_str().unwrap())
        .collect();
    assert_eq!(&types[..3], ["Provider", "Reseller", "Reseller"]);
    assert!(types[3..].iter().all(|t| *t == "Customer"), "{types:?}");

    let (status, providers) = h
        .get(
            PROVIDER,
            "relation/HcsProviderREL/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{providers}");
    let p = &providers["resources"][0];
    assert_eq!(
        (
            &p["data"]["name"],
            &p["data"]["directoryDomain"],
            &p["data"]["hierarchy_path"]
        ),
        (&json!("CS-P"), &json!("cs-p.example"), &json!("sys.hcs"))
    );
    assert_ne!(p["pkid"], p["data"]["pkid"]);
    // Resellers below the provider, each with its domain ("" when it has none).
    let (_, resellers) = h
        .get(
            PROVIDER,
            "relation/HcsResellerREL/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    let domains: Vec<(&str, &str)> = resellers["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["data"]["name"].as_str().unwrap(),
                r["data"]["directoryDomain"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(domains, [("CS-R1", "r1.example"), ("CS-R2", "")]);
    // A reseller admin reads its own reseller, not the provider above it.
    let (_, own) = h
        .get(
            RESELLER1,
            &format!("relation/HcsResellerREL/?hierarchy={R1}&format=json"),
        )
        .await;
    assert_eq!(own["pagination"]["total"], 1);
    let (status, _) = h
        .get(
            RESELLER1,
            "relation/HcsProviderREL/?hierarchy=sys.hcs.CS-P&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    h.sim.shutdown().await;
}

/// Creates customers `n` times as transactions; the final statuses, in order.
async fn txn_statuses(h: &Harness, n: usize) -> Vec<String> {
    let mut statuses = Vec::new();
    for i in 0..n {
        let (status, answer) = h
            .call(
                RESELLER1,
                Method::POST,
                &format!("relation/HcsCustomerREL/?hierarchy={R1}&format=json&nowait=true"),
                Some(json!({"name": format!("T{i}"), "create_admin": false})),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        let id = answer["transaction_id"].as_str().unwrap().to_owned();
        let (end, _) = h.wait_txn(RESELLER1, &id).await;
        let (_, poll) = h
            .get(
                RESELLER1,
                &format!("tool/Transaction/{id}/poll/?format=json"),
            )
            .await;
        assert_eq!(poll[&id]["status"], end.as_str(), "{poll}");
        assert_eq!(poll[&id]["href"], format!("/api/tool/Transaction/{id}/"));
        statuses.push(end);
    }
    statuses
}

#[tokio::test]
async fn transactions_end_success_or_completed_as_switched() {
    let mixed = start_example().await;
    assert_eq!(
        txn_statuses(&mixed, 4).await,
        ["Success", "Completed", "Success", "Completed"]
    );
    mixed.sim.shutdown().await;
    for (switch, want) in [
        (TxnSuccess::Success, "Success"),
        (TxnSuccess::Completed, "Completed"),
    ] {
        let h = start_example_with(Options {
            txn_success: switch,
            ..Options::default()
        })
        .await;
        assert_eq!(txn_statuses(&h, 2).await, [want, want]);
        h.sim.shutdown().await;
    }
}

/// Logs in as the provider admin: (CSRF header, csrftoken cookie, sessionid cookie).
async fn login(h: &Harness) -> (Option<String>, Option<String>, String) {
    let response = h
        .http
        .post(format!("{}/noninteractivelogin/", h.sim.url()))
        .json(&json!({"username": PROVIDER.0, "password": PROVIDER.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = response
        .headers()
        .get("x-csrftoken")
        .map(|v| v.to_str().unwrap().to_owned());
    let cookie = |name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
    };
    let (csrf, session) = (cookie("csrftoken"), cookie("sessionid"));
    (header, csrf, session.unwrap())
}

#[tokio::test]
async fn the_csrf_token_comes_in_the_header_the_cookie_or_both() {
    for (place, header, cookie) in [
        (CsrfIn::Both, true, true),
        (CsrfIn::Header, true, false),
        (CsrfIn::Cookie, false, true),
    ] {
        let h = start_example_with(Options {
            csrf_in: place,
            ..Options::default()
        })
        .await;
        let (got_header, got_cookie, session) = login(&h).await;
        assert_eq!(
            (got_header.is_some(), got_cookie.is_some()),
            (header, cookie),
            "{place:?}"
        );
        if let (Some(a), Some(b)) = (&got_header, &got_cookie) {
            assert_eq!(a, b, "one token");
        }
        // A write with the token succeeds; without it, it is refused.
        let token = got_header.or(got_cookie).unwrap();
        let url = format!(
            "{}/api/relation/HcsCustomerREL/?hierarchy={R1}&format=json",
            h.sim.url()
        );
        let write = |csrf: Option<&str>| {
            let mut request = h
                .http
                .post(&url)
                .header("cookie", format!("sessionid={session}"))
                .json(&json!({"name": "Via Session", "create_admin": false}));
            if let Some(csrf) = csrf {
                request = request.header("X-CSRFToken", csrf);
            }
            request.send()
        };
        assert_eq!(write(None).await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(write(Some(&token)).await.unwrap().status(), StatusCode::OK);
        h.sim.shutdown().await;
    }
}

#[tokio::test]
async fn requests_are_counted_by_route_patch_included() {
    let h = start_example().await;
    let globex = h.customer(R1, "Globex").await.unwrap();
    let (status, _) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &one(&pkid(&globex)),
            Some(json!({"description": "z"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let stats = h.stats().await;
    assert_eq!(stats["by_route"]["GET relation/HcsCustomerREL"], 2);
    assert_eq!(stats["by_route"]["PATCH relation/HcsCustomerREL"], 1);
    assert_eq!(stats["requests"], 3);
    h.sim.shutdown().await;
}
