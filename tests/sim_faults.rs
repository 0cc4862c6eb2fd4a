//! The fault options and the request statistics.

mod sim_support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;
use sim_support::*;
use voss_customers::sim::SimConfig;

const LIST_R1: &str = "relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P.CS-R1&format=json";

fn config() -> SimConfig {
    SimConfig {
        seed: example_seed(),
        ..SimConfig::default()
    }
}

/// The statuses of `n` list requests in a row.
async fn statuses(h: &Harness, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(h.get(RESELLER1, LIST_R1).await.0.as_u16());
    }
    out
}

#[tokio::test]
async fn fail_rate_answers_503_the_same_way_for_the_same_seed() {
    let faulty = || SimConfig {
        fail_rate: 0.5,
        fault_seed: Some(42),
        ..config()
    };
    let a = start(faulty()).await;
    let first = statuses(&a, 40).await;
    a.sim.shutdown().await;
    let b = start(faulty()).await;
    let second = statuses(&b, 40).await;
    assert_eq!(first, second, "same fault seed, same faults");
    let failed = first.iter().filter(|s| **s == 503).count();
    assert!(
        (8..=32).contains(&failed),
        "{failed} of 40 failed: {first:?}"
    );
    assert!(first.iter().all(|s| *s == 200 || *s == 503));
    // Every request counts, the failed ones too; the stats route itself does not.
    let stats = b.stats().await;
    assert_eq!(stats["requests"], 40);
    assert_eq!(stats["by_route"]["GET relation/HcsCustomerREL"], 40);
    b.sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_and_latency_delays() {
    let h = start(SimConfig {
        rate_limit: Some(5),
        latency_ms: 20,
        ..config()
    })
    .await;
    let started = Instant::now();
    let got = statuses(&h, 7).await;
    assert!(
        started.elapsed() >= Duration::from_millis(7 * 20),
        "latency applied"
    );
    assert_eq!(&got[..5], [200; 5]);
    assert_eq!(got[5], 429, "{got:?}");
    let response = h
        .http
        .get(format!("{}/api/{LIST_R1}", h.sim.url()))
        .basic_auth(RESELLER1.0, Some(RESELLER1.1))
        .send()
        .await
        .unwrap();
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=1).contains(&retry));
        tokio::time::sleep(Duration::from_secs(retry)).await;
    }
    assert_eq!(
        h.get(RESELLER1, LIST_R1).await.0,
        StatusCode::OK,
        "the next window serves again"
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn txn_fail_rate_fails_transactions_without_changing_anything() {
    let h = start(SimConfig {
        txn_fail_rate: 1.0,
        fault_seed: Some(7),
        ..config()
    })
    .await;
    let (_, txn) = h
        .call(
            RESELLER1,
            Method::POST,
            &format!("{LIST_R1}&nowait=true"),
            Some(json!({"name": "Doomed", "create_admin": false})),
        )
        .await;
    let (status, data) = h
        .wait_txn(RESELLER1, txn["transaction_id"].as_str().unwrap())
        .await;
    assert_eq!(status, "Fail");
    assert!(
        data["message"]
            .as_str()
            .unwrap()
            .contains("--txn-fail-rate")
    );
    assert!(h.customer(R1, "Doomed").await.is_none());
    let stats = h.stats().await;
    assert_eq!(stats["by_route"]["POST relation/HcsCustomerREL"], 1);
    assert!(stats["by_route"]["GET tool/Transaction"].as_u64().unwrap() >= 1);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn out_of_range_options_are_refused() {
    for bad in [
        SimConfig {
            fail_rate: 1.5,
            ..config()
        },
        SimConfig {
            txn_fail_rate: -0.1,
            ..config()
        },
        SimConfig {
            rate_limit: Some(0),
            ..config()
        },
    ] {
        let err = voss_customers::sim::start(bad, loopback())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("--"), "{err}");
    }
    let err = voss_customers::sim::start(config(), "0.0.0.0:0".parse().unwrap())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}
