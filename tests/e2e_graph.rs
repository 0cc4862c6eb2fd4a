//! The apply runs a dependency graph, not phases (issue 13): a change waits only for what
//! it depends on. Against the simulator behind a small proxy on 127.0.0.1:0 that holds
//! back the answer to every customer create until an update has reached the server: in
//! phases (all creates, then all updates) the update would only start after the creates,
//! and the creates would wait out the hold.

mod e2e_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use e2e_support::*;
use tokio::sync::watch;

/// How long the proxy holds a create at most before sending it on anyway.
const HOLD: Duration = Duration::from_secs(15);

struct Proxy {
    /// The simulator's base URL.
    upstream: String,
    http: reqwest::Client,
    /// Set once an update of a customer has been sent on.
    updated: watch::Sender<bool>,
    /// What the proxy saw, in order: `update sent`, `create held`, `create released after
    /// an update` or `create released by timeout`.
    log: Mutex<Vec<String>>,
}

impl Proxy {
    fn note(&self, what: &str) {
        self.log.lock().unwrap().push(what.to_owned());
    }
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let customer = uri.path().contains("HcsCustomerREL");
    if customer && method == Method::POST {
        proxy.note("create held");
        let mut updated = proxy.updated.subscribe();
        let waited = tokio::time::timeout(HOLD, updated.wait_for(|sent| *sent)).await;
        proxy.note(match waited {
            Ok(Ok(_)) => "create released after an update",
            _ => "create released by timeout",
        });
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = proxy
        .http
        .request(method.clone(), format!("{}{path}", proxy.upstream))
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let Ok(answer) = request.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    if customer && (method == Method::PUT || method == Method::PATCH) {
        proxy.note("update sent");
        proxy.updated.send_replace(true);
    }
    let status = answer.status();
    let mut out_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            out_headers.append(name, value.clone());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    (status, out_headers, bytes).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_does_not_wait_for_an_unrelated_create() {
    let sim = Sim::start(&[]);
    let proxy = Arc::new(Proxy {
        upstream: sim.url.clone(),
        http: reqwest::Client::new(),
        updated: watch::channel(false).0,
        log: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    // Two creates at CS-R1 and an update of Wayne Enterprises at CS-R2 (its description).
    let file = write_file(
        dir.path(),
        "mixed.yaml",
        "customers:
  - name: Graph Co 1
    hierarchy: sys.hcs.CS-P.CS-R1
  - name: Graph Co 2
    hierarchy: sys.hcs.CS-P.CS-R1
  - name: Wayne Enterprises
    hierarchy: sys.hcs.CS-P.CS-R2
    description: Wayne Enterprises, edited while the creates wait
",
    );
    let path = file.to_str().unwrap().to_owned();
    let applied = tokio::task::spawn_blocking(move || {
        run(tool(&["apply", &path, "--yes", "--concurrency", "3"])
            .env("VOSS_URL", &url)
            .env("VOSS_USERNAME", PROVIDER.0)
            .env("VOSS_PASSWORD", PROVIDER.1))
    })
    .await
    .unwrap();
    assert_eq!(applied.code, 0, "{}", applied.all());
    assert!(
        applied
            .stdout
            .contains("Apply complete: 3 applied, 0 uncertain, 0 failed, 0 blocked, 0 skipped."),
        "{}",
        applied.all()
    );
    let log = proxy.log.lock().unwrap().clone();
    assert_eq!(
        log.iter()
            .filter(|l| *l == "create released after an update")
            .count(),
        2,
        "the update waited for the creates: {log:?}"
    );
    assert_eq!(
        log.iter().filter(|l| *l == "create held").count(),
        2,
        "each create was sent once: {log:?}"
    );
    let names = sim.customers();
    for name in ["Graph Co 1", "Graph Co 2"] {
        assert_eq!(
            names.iter().filter(|(_, n)| n == name).count(),
            1,
            "{name}: {names:?}"
        );
    }
}

mod plan_fixtures;

/// Records what the executor tells its observer.
#[derive(Default)]
struct Recorder {
    finished: Mutex<Vec<String>>,
}

impl voss_customers::apply::Observer for Recorder {
    fn started(&self, _step: &str, _hierarchy: &str, _name: &str) {}

    fn finished(&self, result: &voss_customers::apply::StepResult) {
        self.finished
            .lock()
            .unwrap()
            .push(format!("{} {}", result.step, result.name));
    }
}

#[tokio::test]
async fn what_waited_for_a_failed_change_is_skipped_and_the_report_keeps_the_plan_order() {
    use plan_fixtures::*;
    use voss_customers::apply::{ApplyOptions, Outcome, Secrets, execute};
    use voss_customers::voss::{Client, ConnectSettings, RetryPolicy, Secret};

    // A port nothing listens on: every request fails to connect, quickly.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut settings = ConnectSettings::new(&url, "admin@p.example", Secret::new("pw")).unwrap();
    settings.retry = RetryPolicy {
        max_attempts: 1,
        max_total: Duration::from_secs(1),
        base: Duration::from_millis(1),
        cap: Duration::from_millis(1),
    };
    let client = Client::new(settings).unwrap();

    // Acme's number management is re-enabled (an update and its DN audit) and Old is pruned
    // at the same reseller; Globex at the other one is updated.
    let desired = desired(
        vec![
            with(R1, "Acme", |c| c.number_management = Some(true)),
            with(R2, "Globex", |c| c.description = Some("edited".into())),
        ],
        &[(R1, true)],
    );
    let mut live = state(vec![
        live_with(R1, "Acme", "a1", |l| l.number_management = false),
        live(R1, "Old", "o1"),
        live(R2, "Globex", "g1"),
    ]);
    live.dependents.insert("o1".into(), deps(0, 0, 0, 0, 0));
    let plan = voss_customers::plan::diff(&desired, &live, &url);
    let planned: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("{} {}", c.action.name(), c.name))
        .collect();
    assert_eq!(planned, ["update Acme", "update Globex", "delete Old"]);

    let recorder = Arc::new(Recorder::default());
    let report = execute(
        &client,
        &plan,
        &Secrets::from_env(&plan).unwrap(),
        ApplyOptions {
            concurrency: 4,
            retries: 0,
        },
        recorder.clone(),
        &tokio_util::sync::CancellationToken::new(),
    )
    .await;

    let steps: Vec<(String, String, &Outcome)> = report
        .results
        .iter()
        .map(|r| (r.step.clone(), r.name.clone(), &r.outcome))
        .collect();
    let labels: Vec<String> = steps.iter().map(|(s, n, _)| format!("{s} {n}")).collect();
    assert_eq!(
        labels,
        [
            "update Acme",
            "dn_audit Acme",
            "update Globex",
            "delete Old"
        ],
        "the report is in the plan's order"
    );
    assert!(matches!(steps[0].2, Outcome::Failed { .. }), "{steps:?}");
    assert_eq!(
        steps[1].2,
        &Outcome::Skipped {
            reason: "its change was not applied".into()
        }
    );
    assert!(matches!(steps[2].2, Outcome::Failed { .. }), "{steps:?}");
    assert_eq!(
        steps[3].2,
        &Outcome::Skipped {
            reason: "another change at this hierarchy was not applied; the delete waits for \
                     the next run"
                .into()
        }
    );
    // Each step is told to the observer once.
    let mut told = recorder.finished.lock().unwrap().clone();
    told.sort();
    let mut expected = labels.clone();
    expected.sort();
    assert_eq!(told, expected);
}

/// A delete at a node where a create is blocked waits: the blocked create may be the
/// customer's replacement under a new name (no `renamed_from`), and deleting the live one
/// first would lose it. Found by a review: the graph let such a delete run.
#[test]
fn a_delete_waits_when_a_create_at_its_node_is_blocked() {
    let sim = Sim::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    // Wayne Enterprises is pruned (not declared); "Wayne Ent Two" would replace it but its
    // local admin names a role the server does not have, so its create is blocked.
    let file = write_file(
        dir.path(),
        "r2.yaml",
        "scopes:\n  - hierarchy: sys.hcs.CS-P.CS-R2\n    prune: true\n\
         customers:\n\
         \x20 - name: Wayne Ent Two\n    hierarchy: sys.hcs.CS-P.CS-R2\n\
         \x20   description: Wayne Enterprises, Gotham\n\
         \x20   local_admin:\n      cloned_role: NoSuchRole\n      password_env: ACME_ADMIN_PASSWORD\n\
         \x20 - name: Stark\n    hierarchy: sys.hcs.CS-P.CS-R2\n    description: Stark Industries\n\
         \x20 - name: Soylent\n    hierarchy: sys.hcs.CS-P.CS-R2\n",
    );
    let before = sim.customers();
    assert!(
        before.iter().any(|(_, name)| name == "Wayne Enterprises"),
        "{before:?}"
    );
    let (_, plan) = plan_json(&sim, &[&file]);
    let planned = changes(&plan);
    assert!(
        planned.iter().any(|c| c.contains("Wayne Enterprises")),
        "the plan deletes Wayne Enterprises: {planned:?}"
    );

    let applied = run(&mut against(
        &sim,
        PROVIDER,
        &["apply", file.to_str().unwrap(), "--yes"],
    ));
    assert_eq!(applied.code, 1, "{}", applied.all());
    let after = sim.customers();
    assert!(
        after.iter().any(|(_, name)| name == "Wayne Enterprises"),
        "the live customer is kept while its replacement is blocked: {after:?}\n{}",
        applied.all()
    );
    assert!(
        applied
            .all()
            .contains("another change at this hierarchy was not applied"),
        "{}",
        applied.all()
    );
}
