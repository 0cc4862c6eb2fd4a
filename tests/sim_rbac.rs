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

/// A pkid that names nothing.
const MISSING: &str = "0123456789abcdef01234567";

/// `(status, body)` with `from` replaced by `to` in the body: to compare an answer about
/// another reseller's thing with the answer about a missing one.
fn replaced(
    (status, body): (StatusCode, serde_json::Value),
    from: &str,
    to: &str,
) -> (StatusCode, String) {
    (status, body.to_string().replace(from, to))
}

#[tokio::test]
async fn a_reseller_admin_sees_and_touches_only_its_subtree() {
    let h = start_example().await;
    // Reading: its own customers only. The nodes above its own (its path names them) are
    // refused with 403; the other reseller answers exactly as a node that does not exist.
    let own = h.customers(RESELLER1, R1).await;
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|(path, _)| path == R1));
    let list =
        |hierarchy: &str| format!("relation/HcsCustomerREL/?hierarchy={hierarchy}&format=json");
    for hierarchy in ["sys.hcs.CS-P", "sys"] {
        let (status, body) = h.get(RESELLER1, &list(hierarchy)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{hierarchy}: {body}");
        assert!(body.get("resources").is_none());
    }
    let other = h.get(RESELLER1, &list(R2)).await;
    assert_eq!(other.0, StatusCode::NOT_FOUND, "{other:?}");
    assert!(other.1.get("resources").is_none());
    let missing = "sys.hcs.CS-P.CS-R9";
    assert_eq!(
        replaced(other, R2, missing),
        replaced(h.get(RESELLER1, &list(missing)).await, "", "")
    );
    // At sys.hcs: the HCM-F customers waiting there and its own, nothing of R2's.
    let at_hcs = h.customers(RESELLER1, "sys.hcs").await;
    let mut paths: Vec<&str> = at_hcs.iter().map(|(p, _)| p.as_str()).collect();
    paths.dedup();
    assert_eq!(paths, ["sys.hcs", R1], "{at_hcs:?}");
    let stark = h.customer(R2, "Stark").await.unwrap();
    let stark_pkid = pkid(&stark);
    let one = format!("relation/HcsCustomerREL/{stark_pkid}/?format=json");
    let none = format!("relation/HcsCustomerREL/{MISSING}/?format=json");
    let answer = h.get(RESELLER1, &one).await;
    assert_eq!(answer.0, StatusCode::NOT_FOUND);
    assert_eq!(
        replaced(answer, &stark_pkid, MISSING),
        replaced(h.get(RESELLER1, &none).await, "", "")
    );
    let (status, _) = h
        .get(
            RESELLER1,
            &format!(
                "device/cucm/Phone/?hierarchy={}&format=json",
                enc("sys.hcs.CS-P.CS-R2.Wayne Enterprises")
            ),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Writing: answered as for a missing customer or node, nothing changes.
    for method in [Method::PUT, Method::PATCH] {
        let answer = h
            .call(
                RESELLER1,
                method.clone(),
                &one,
                Some(json!({"description": "hacked"})),
            )
            .await;
        let absent = h
            .call(
                RESELLER1,
                method,
                &none,
                Some(json!({"description": "hacked"})),
            )
            .await;
        assert_eq!(answer.0, StatusCode::NOT_FOUND);
        assert_eq!(
            replaced(answer, &stark_pkid, MISSING),
            replaced(absent, "", "")
        );
    }
    let answer = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!("{one}&nowait=true"),
            None,
        )
        .await;
    let absent = h
        .call(
            RESELLER1,
            Method::DELETE,
            &format!("{none}&nowait=true"),
            None,
        )
        .await;
    assert_eq!(answer.0, StatusCode::NOT_FOUND);
    assert_eq!(
        replaced(answer, &stark_pkid, MISSING),
        replaced(absent, "", "")
    );
    let (status, _) = h
        .call(
            RESELLER1,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json"),
            Some(json!({"name": "Intruder"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.customer(R2, "Stark").await.unwrap()["data"]["description"],
        "Stark Industries"
    );
    assert!(h.customer(R2, "Intruder").await.is_none());

    // Another admin's transaction at another reseller answers as a missing one.
    let (_, txn) = h
        .call(
            RESELLER2,
            Method::POST,
            &format!("relation/HcsCustomerREL/?hierarchy={R2}&format=json&nowait=true"),
            Some(json!({"name": "R2 Only", "create_admin": false})),
        )
        .await;
    let id = txn["transaction_id"].as_str().unwrap();
    let absent_id = "00000000-0000-4000-8000-000000000000";
    let answer = h
        .get(RESELLER1, &format!("tool/Transaction/{id}/?format=json"))
        .await;
    assert_eq!(answer.0, StatusCode::NOT_FOUND);
    let absent = h
        .get(
            RESELLER1,
            &format!("tool/Transaction/{absent_id}/?format=json"),
        )
        .await;
    assert_eq!(replaced(answer, id, absent_id), replaced(absent, "", ""));
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
