//! Authentication and the admins' scopes, in both directions.

mod sim_support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use sim_support::*;

#[tokio::test]
async fn basic_auth_is_required_and_emails_are_case_sensitive() {
    let h = start_example().await;
    let path = format!("relation/HcsCustomerREL/?hierarchy={R1}&format=json");
    for who in [
        ("admin@cs-p.example", "provider-secret"),
        ("Admin@cs-p.example", "wrong"),
        ("nobody@example", "x"),
    ] {
        let (status, body) = h.get(who, &path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{who:?}");
        assert_eq!(body["code"], 401);
    }
    let anonymous = h
        .http
        .get(format!("{}/api/{path}", h.sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let (status, _) = h.get(PROVIDER, &path).await;
    assert_eq!(status, StatusCode::OK);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_reseller_admin_sees_and_touches_only_its_subtree() {
    let h = start_example().await;
    // Reading: its own customers only; the provider's and the other reseller's are refused.
    let own = h.customers(RESELLER1, R1).await;
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|(path, _)| path == R1));
    for hierarchy in [R2, "sys.hcs.CS-P", "sys"] {
        let (status, body) = h
            .get(
                RESELLER1,
                &format!("relation/HcsCustomerREL/?hierarchy={hierarchy}&format=json"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{hierarchy}: {body}");
        assert!(body.get("resources").is_none());
    }
    // At sys.hcs: the HCM-F customers waiting there and its own, nothing of R2's.
    let at_hcs = h.customers(RESELLER1, "sys.hcs").await;
    let mut paths: Vec<&str> = at_hcs.iter().map(|(p, _)| p.as_str()).collect();
    paths.dedup();
    assert_eq!(paths, ["sys.hcs", R1], "{at_hcs:?}");
    let stark = h.customer(R2, "Stark").await.unwrap();
    let one = format!("relation/HcsCustomerREL/{}/?format=json", pkid(&stark));
    let (status, _) = h.get(RESELLER1, &one).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = h
        .get(
            RESELLER1,
            &format!(
                "device/cucm/Phone/?hierarchy={}&format=json",
                enc("sys.hcs.CS-P.CS-R2.Wayne Enterprises")
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Writing: refused outside, nothing changes.
    let (status, _) = h
        .call(
            RESELLER1,
            Method::PUT,
            &one,
            Some(json!({"description": "hacked"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!("{one}&nowait=true"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = h
        .call(
            RESELLER1,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json"),
            Some(json!({"name": "Intruder"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.customer(R2, "Stark").await.unwrap()["data"]["description"],
        "Stark Industries"
    );
    assert!(h.customer(R2, "Intruder").await.is_none());

    // Another admin's transaction at another reseller is not readable.
    let (_, txn) = h
        .call(
            RESELLER2,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json&nowait=true"),
            Some(json!({"name": "R2 Only", "create_admin": false})),
        )
        .await;
    let id = txn["transaction_id"].as_str().unwrap();
    let (status, _) = h
        .get(RESELLER1, &format!("tool/Transaction/{id}/?format=json"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn a_provider_admin_sees_and_touches_every_reseller() {
    let h = start_example().await;
    let all = h.customers(PROVIDER, "sys.hcs.CS-P").await;
    assert_eq!(all.len(), 6);
    assert!(all.iter().any(|(p, _)| p == R1) && all.iter().any(|(p, _)| p == R2));
    let globex = h.customer(R1, "Globex").await.unwrap();
    let (status, _) = h
        .call(
            PROVIDER,
            Method::PATCH,
            &format!("relation/HcsCustomerREL/{}/?format=json", pkid(&globex)),
            Some(json!({"accountId": "A-201"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // And sees the reseller's write in its list, but not beyond its provider.
    assert_eq!(
        h.customer(R1, "Globex").await.unwrap()["data"]["accountId"],
        "A-201"
    );
    // At sys.hcs: the HCM-F customers and its own, never another provider's.
    let at_hcs = h.customers(PROVIDER, "sys.hcs").await;
    assert_eq!(at_hcs.len(), 7, "{at_hcs:?}");
    assert!(
        at_hcs
            .iter()
            .all(|(p, _)| p == "sys.hcs" || p.starts_with("sys.hcs.CS-P.")),
        "{at_hcs:?}"
    );
    let (status, _) = h
        .get(
            PROVIDER,
            "relation/HcsCustomerREL/?hierarchy=sys&format=json",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "sys is beyond a provider");
    h.sim.shutdown().await;
}
