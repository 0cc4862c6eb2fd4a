//! A 429 over real HTTP (issue 13 follow-up), against a tiny scripted server on
//! 127.0.0.1:0: it spends no attempt of a read, and it holds every request of the client
//! until the instant its `Retry-After` names, not only the one that met it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use voss_customers::voss::{ApiError, Client, ConnectSettings, RetryPolicy, Secret};

const R1: &str = "sys.hcs.CS-P.CS-R1";

/// What the server answers.
enum Answer {
    /// 429 with this `Retry-After` in seconds.
    TooMany(u64),
    /// 503.
    Unavailable,
    /// An empty list (no such node).
    Empty,
}

/// What the server answers to the request number `n` (0 first).
type Script = fn(usize) -> Answer;

struct Server {
    /// When each request came.
    arrivals: Mutex<Vec<Instant>>,
    script: Script,
}

async fn handle(State(server): State<Arc<Server>>) -> Response {
    let n = {
        let mut arrivals = server.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        arrivals.len() - 1
    };
    match (server.script)(n) {
        Answer::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "{}").into_response(),
        Answer::TooMany(seconds) => {
            let mut response = (StatusCode::TOO_MANY_REQUESTS, "{}").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Answer::Empty => axum::Json(json!({
            "pagination": {"skip": 0, "limit": 1, "total": 0, "maximum_limit": 200},
            "resources": []
        }))
        .into_response(),
    }
}

async fn start(script: Script) -> (Arc<Server>, Client) {
    let server = Arc::new(Server {
        arrivals: Mutex::new(Vec::new()),
        script,
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&server));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut settings = ConnectSettings::new(&url, "admin@cs-p.example", Secret::new("pw")).unwrap();
    settings.retry = RetryPolicy {
        max_attempts: 2,
        max_total: Duration::from_secs(10),
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
    };
    settings.timeout = Duration::from_secs(5);
    (server, Client::new(settings).unwrap())
}

#[tokio::test]
async fn a_read_answered_429_more_often_than_its_attempts_still_succeeds() {
    // Ten 429s ("retry now"), then the answer: ten times the read's 2 attempts.
    let (server, client) = start(|n| {
        if n < 10 {
            Answer::TooMany(0)
        } else {
            Answer::Empty
        }
    })
    .await;
    client.hierarchy_node(R1).await.unwrap();
    assert_eq!(server.arrivals.lock().unwrap().len(), 11);
}

#[tokio::test]
async fn a_read_that_only_gets_503s_still_gives_up_after_its_attempts() {
    // The 429 rule does not make real failures endless: a 503 spends an attempt.
    let (server, client) = start(|_| Answer::Unavailable).await;
    let error = client.hierarchy_node(R1).await.unwrap_err();
    assert!(
        matches!(error, ApiError::Unavailable { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(server.arrivals.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn after_a_429_no_request_of_the_client_is_sent_before_its_retry_after() {
    // The first request meets a 429 asking for 1 s; the others start while it waits.
    let (server, client) = start(|n| {
        if n == 0 {
            Answer::TooMany(1)
        } else {
            Answer::Empty
        }
    })
    .await;
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.hierarchy_node(R1).await.map(|_| ()) }
    });
    while server.arrivals.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Let the client read the 429.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let others: Vec<_> = (0..5)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.hierarchy_node(R1).await.map(|_| ()) })
        })
        .collect();
    first.await.unwrap().unwrap();
    for other in others {
        other.await.unwrap().unwrap();
    }
    let arrivals = server.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 7, "one 429, then six answers");
    for later in &arrivals[1..] {
        let after = later.duration_since(arrivals[0]);
        assert!(
            after >= Duration::from_secs(1),
            "a request came {after:?} after the 429 that asked for 1 s"
        );
    }
}
