//! VOSS 25.4 session login (`--auth session`) against the simulator: plan and apply work
//! with it, the simulator refuses a session write without `X-CSRFToken`, a wrong password
//! is the 401 sentence, and the client logs in again, once, when its session expires.

mod e2e_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use e2e_support::*;
use serde_json::{Value, json};
use voss_customers::voss::{ApiError, Auth, Client, ConnectSettings, Secret};

fn tyrell(dir: &Path) -> PathBuf {
    write_file(
        dir,
        "tyrell.yaml",
        "customers:\n  - {name: Tyrell, hierarchy: sys.hcs.CS-P.CS-R2}\n",
    )
}

/// How many times the simulator was asked to log someone in.
fn logins(sim: &Sim) -> u64 {
    sim.stats()["by_route"]["POST noninteractivelogin"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn plan_and_apply_work_with_a_session() {
    session_round_trip(&[]);
}

/// The guide says to take the CSRF token from the `X-CSRFToken` response header; older
/// servers set only the `csrftoken` cookie. Either alone is enough.
#[test]
fn the_csrf_token_is_taken_from_the_header_or_else_the_cookie() {
    session_round_trip(&["--csrf-in", "header"]);
    session_round_trip(&["--csrf-in", "cookie"]);
}

fn session_round_trip(sim_args: &[&str]) {
    let sim = Sim::start(sim_args);
    let dir = tempfile::tempdir().unwrap();
    let file = tyrell(dir.path());
    let file = file.to_str().unwrap();

    let plan = run(&mut against(
        &sim,
        PROVIDER,
        &["plan", file, "--auth", "session"],
    ));
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert!(plan.stdout.contains("Tyrell"), "{}", plan.all());
    assert_eq!(logins(&sim), 1, "one login for the whole plan");

    let apply = run(against(&sim, PROVIDER, &["apply", file, "--yes"]).env("VOSS_AUTH", "session"));
    assert_eq!(apply.code, 0, "{}", apply.all());
    assert!(
        sim.customers()
            .contains(&("sys.hcs.CS-P.CS-R2".to_owned(), "Tyrell".to_owned())),
        "{}",
        apply.all()
    );
    assert_eq!(logins(&sim), 2, "one login for the whole apply");

    let again = run(&mut against(
        &sim,
        PROVIDER,
        &["plan", file, "--auth", "session", "--detailed-exitcode"],
    ));
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(again.stdout.contains("No changes"), "{}", again.all());
}

#[test]
fn a_wrong_password_is_the_401_sentence_without_the_password() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = tyrell(dir.path());
    let refused = run(against(
        &sim,
        PROVIDER,
        &["plan", file.to_str().unwrap(), "--auth", "session"],
    )
    .env("VOSS_PASSWORD", "wrong-password-1234"));
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("VOSS Automate refused the credentials of Admin@cs-p.example (HTTP 401)"),
        "{}",
        refused.all()
    );
    assert!(!refused.all().contains("wrong-password-1234"));
    assert_eq!(logins(&sim), 1, "refused at the login, not at a request");
}

/// The simulator's `sessionid` and `csrftoken` after logging in as `who`.
async fn login(http: &reqwest::Client, url: &str, who: (&str, &str)) -> (String, String) {
    let response = http
        .post(format!("{url}/noninteractivelogin/"))
        .json(&json!({"username": who.0, "password": who.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = |name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .unwrap()
    };
    (cookie("sessionid"), cookie("csrftoken"))
}

#[tokio::test]
async fn the_simulator_checks_the_session_and_the_csrf_token_of_writes() {
    let sim = Sim::start(&[]);
    let http = reqwest::Client::new();
    let (id, csrf) = login(&http, &sim.url, PROVIDER).await;
    let cookies = format!("sessionid={id}; csrftoken={csrf}");
    let customers = format!(
        "{}/api/relation/HcsCustomerREL/?format=json&hierarchy=sys.hcs.CS-P",
        sim.url
    );
    let create =
        json!({"name": "Tyrell", "description": "made with a session", "create_admin": false});
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };

    let (status, _) = send(http.get(&customers).header("cookie", &cookies)).await;
    assert_eq!(status, 200, "a read needs only the session cookie");

    let (status, body) = send(
        http.post(&customers)
            .header("cookie", &cookies)
            .json(&create),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("X-CSRFToken"),
        "{body}"
    );

    let (status, body) = send(
        http.post(&customers)
            .header("cookie", &cookies)
            .header("X-CSRFToken", "not-the-token")
            .json(&create),
    )
    .await;
    assert_eq!(status, 403, "{body}");

    let (status, body) = send(
        http.post(&customers)
            .header("cookie", &cookies)
            .header("X-CSRFToken", &csrf)
            .json(&create),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, _) = send(http.get(&customers).header("cookie", "sessionid=unknown")).await;
    assert_eq!(status, 401, "an unknown session is refused");

    let wrong = http
        .post(format!("{}/noninteractivelogin/", sim.url))
        .json(&json!({"username": PROVIDER.0.to_lowercase(), "password": PROVIDER.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401, "the email is case-sensitive");
    assert!(wrong.headers().get("set-cookie").is_none());
}

/// A server whose sessions expire after one request each, counting logins.
async fn expiring_server(logins: Arc<AtomicUsize>) -> SocketAddr {
    let login = {
        let logins = logins.clone();
        move || async move {
            let n = logins.fetch_add(1, Ordering::SeqCst) + 1;
            (
                AppendHeaders([
                    ("set-cookie", format!("sessionid=s{n}; HttpOnly; Path=/")),
                    ("set-cookie", format!("csrftoken=t{n}; Path=/")),
                ]),
                "{}",
            )
                .into_response()
        }
    };
    let used = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let list = move |headers: HeaderMap| async move {
        let cookie = headers
            .get("cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(headers.get("authorization").is_none());
        let mut used = used.lock().unwrap();
        if used.contains(&cookie) {
            return (StatusCode::UNAUTHORIZED, "{}").into_response();
        }
        used.push(cookie);
        axum::Json(json!({
            "pagination": {"skip": 0, "limit": 250, "total": 0},
            "meta": {},
            "resources": []
        }))
        .into_response()
    };
    let app = axum::Router::new()
        .route("/noninteractivelogin/", axum::routing::post(login))
        .route("/api/relation/HcsCustomerREL/", axum::routing::get(list));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test]
async fn an_expired_session_is_renewed_once() {
    let logins = Arc::new(AtomicUsize::new(0));
    let addr = expiring_server(logins.clone()).await;
    let mut settings = ConnectSettings::new(
        &format!("http://{addr}"),
        PROVIDER.0,
        Secret::new(PROVIDER.1),
    )
    .unwrap();
    settings.auth = Auth::Session;
    let client = Client::new(settings).unwrap();
    client.customers_at("sys.hcs.CS-P").await.unwrap();
    assert_eq!(
        logins.load(Ordering::SeqCst),
        1,
        "one login for the first request"
    );
    client.customers_at("sys.hcs.CS-P").await.unwrap();
    assert_eq!(
        logins.load(Ordering::SeqCst),
        2,
        "a new login after the 401"
    );
}

#[tokio::test]
async fn a_session_refused_right_after_login_is_the_401_sentence() {
    let app = axum::Router::new()
        .route(
            "/noninteractivelogin/",
            axum::routing::post(|| async {
                (
                    AppendHeaders([
                        ("set-cookie", "sessionid=s; Path=/"),
                        ("set-cookie", "csrftoken=t; Path=/"),
                    ]),
                    "{}",
                )
            }),
        )
        .fallback(|| async { (StatusCode::UNAUTHORIZED, "{}") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut settings = ConnectSettings::new(
        &format!("http://{addr}"),
        PROVIDER.0,
        Secret::new(PROVIDER.1),
    )
    .unwrap();
    settings.auth = Auth::Session;
    let error = Client::new(settings)
        .unwrap()
        .customers_at("sys.hcs.CS-P")
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Unauthorized { .. }), "{error}");
}
