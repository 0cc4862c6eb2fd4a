//! Slow and limited servers: a transaction poll that keeps getting 429 (with
//! `Retry-After`), 503 or no answer in time keeps following the transaction within the
//! poll budget, and an outcome still unknown at the end is uncertain, never failed.
//! Against a scripted server on 127.0.0.1:0; every test is bounded in requests and time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use voss_customers::model::FieldValues;
use voss_customers::voss::{
    Client, ConnectSettings, CreateRequest, PollPolicy, RetryPolicy, Secret,
};

const TXN: &str = "6f1c2a5e-0000-4000-8000-000000000001";
const R1: &str = "sys.hcs.CS-P.CS-R1";

/// How the server answers the `n`-th poll (from 0).
#[derive(Clone, Copy)]
enum Poll {
    /// 429 with `Retry-After: 0` for the first `n` polls, then `Success`.
    TooManyThenSuccess(usize),
    /// 503 for the first `n` polls, then `Success`.
    UnavailableThenSuccess(usize),
    /// No answer within the client's timeout for the first `n` polls, then `Success`.
    SlowThenSuccess(usize),
    /// 429 for ever.
    AlwaysTooMany,
}

async fn start(poll: Poll) -> (String, Arc<AtomicUsize>) {
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&polls);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let counter = Arc::clone(&counter);
        async move { answer(poll, &uri, &counter).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, polls)
}

async fn answer(poll: Poll, uri: &Uri, polls: &AtomicUsize) -> Response {
    if !uri.path().ends_with("/poll/") {
        return axum::Json(json!({
            "success": true,
            "href": format!("/api/tool/Transaction/{TXN}"),
            "transaction_id": TXN
        }))
        .into_response();
    }
    let n = polls.fetch_add(1, Ordering::SeqCst);
    let busy = |status: StatusCode| {
        let mut response = (status, axum::Json(json!({}))).into_response();
        response
            .headers_mut()
            .insert("retry-after", "0".parse().unwrap());
        response
    };
    match poll {
        Poll::TooManyThenSuccess(k) if n < k => return busy(StatusCode::TOO_MANY_REQUESTS),
        Poll::UnavailableThenSuccess(k) if n < k => return busy(StatusCode::SERVICE_UNAVAILABLE),
        Poll::SlowThenSuccess(k) if n < k => tokio::time::sleep(Duration::from_millis(400)).await,
        Poll::AlwaysTooMany => return busy(StatusCode::TOO_MANY_REQUESTS),
        _ => {}
    }
    axum::Json(json!({TXN: {"status": "Success", "href": "", "description": "Add Customer Acme"}}))
        .into_response()
}

fn client(url: &str, max_wait: Duration) -> Client {
    let mut settings = ConnectSettings::new(url, "admin@cs-p.example", Secret::new("pw")).unwrap();
    settings.retry = RetryPolicy {
        max_attempts: 6,
        max_total: Duration::from_secs(10),
        base: Duration::from_millis(2),
        cap: Duration::from_millis(10),
    };
    settings.poll = PollPolicy {
        first: Duration::from_millis(2),
        growth: 1.5,
        max_interval: Duration::from_millis(10),
        max_wait,
    };
    settings.timeout = Duration::from_millis(150);
    Client::new(settings).unwrap()
}

fn create() -> CreateRequest {
    CreateRequest {
        name: "Acme".into(),
        fields: FieldValues::default(),
        migrate: false,
        local_admin: None,
    }
}

#[tokio::test]
async fn a_poll_answered_429_more_than_the_attempt_bound_keeps_following() {
    // 20 polls answered 429: more than three times the read's 6 attempts.
    let (url, polls) = start(Poll::TooManyThenSuccess(20)).await;
    let outcome = client(&url, Duration::from_secs(20))
        .create_customer(R1, &create())
        .await
        .unwrap();
    assert_eq!(outcome.message, "Add Customer Acme");
    assert_eq!(polls.load(Ordering::SeqCst), 21);
}

#[tokio::test]
async fn a_poll_answered_503_or_too_slowly_keeps_following() {
    let (url, polls) = start(Poll::UnavailableThenSuccess(13)).await;
    let outcome = client(&url, Duration::from_secs(20))
        .create_customer(R1, &create())
        .await
        .unwrap();
    assert_eq!(outcome.transaction_id, TXN);
    assert_eq!(polls.load(Ordering::SeqCst), 14);

    let (url, polls) = start(Poll::SlowThenSuccess(7)).await;
    let outcome = client(&url, Duration::from_secs(20))
        .create_customer(R1, &create())
        .await
        .unwrap();
    assert_eq!(outcome.transaction_id, TXN);
    assert_eq!(polls.load(Ordering::SeqCst), 8);
}

#[tokio::test]
async fn a_poll_that_never_gets_an_answer_is_uncertain_within_the_budget() {
    let (url, polls) = start(Poll::AlwaysTooMany).await;
    let started = Instant::now();
    let error = client(&url, Duration::from_millis(800))
        .create_customer(R1, &create())
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(error.is_uncertain(), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("could not be followed to its end"), "{text}");
    assert!(text.contains("429"), "{text}");
    assert!(
        polls.load(Ordering::SeqCst) > 6,
        "kept polling past 6 attempts"
    );
    assert!(took < Duration::from_secs(5), "bounded: {took:?}");
}
