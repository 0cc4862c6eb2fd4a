//! The VOSS client over real HTTP, against a tiny scripted server on 127.0.0.1:0 that
//! answers with bodies built from `voss::wire` types.

mod plan_fixtures;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use voss_customers::model::{DeclaredCustomer, Desired, Field, FieldValues, Origin};
use voss_customers::ops::plan::read_live;
use voss_customers::voss::{
    ApiError, Client, ConnectSettings, CreateRequest, LocalAdminRequest, PollPolicy, RetryPolicy,
    Secret, SettingsError,
};

const PASSWORD: &str = "provider-secret";
const ADMIN_PASSWORD: &str = "admin-pw-42";
const ADMIN: &str = "Admin@cs-p.example";
const R1: &str = "sys.hcs.CS-P.CS-R1";

/// One request the server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// The path after `/api/`, without the trailing slash.
    route: String,
    query: BTreeMap<String, String>,
    body: String,
    auth: Option<String>,
}

/// An answer: status, `Retry-After` seconds, JSON body.
struct Reply(u16, Option<u64>, Value);

fn ok(body: impl serde::Serialize) -> Reply {
    Reply(200, None, serde_json::to_value(body).unwrap())
}

fn error(code: u16, message: &str) -> Reply {
    // The error body this tool expects [ours]; it reads any other as a text excerpt.
    let body = json!({"success": false, "code": code, "message": message, "errors": []});
    Reply(code, None, body)
}

type Script = Box<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

struct Server {
    seen: Mutex<Vec<Seen>>,
    script: Script,
    /// The first this-many requests are answered only after a second.
    slow: usize,
}

async fn handle(
    State(server): State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = uri
        .path()
        .trim_start_matches("/api/")
        .trim_end_matches('/')
        .to_owned();
    let query = uri
        .query()
        .map(|q| {
            url_pairs(q)
                .into_iter()
                .collect::<BTreeMap<String, String>>()
        })
        .unwrap_or_default();
    let seen = Seen {
        method: method.to_string(),
        route,
        query,
        body: String::from_utf8_lossy(&body).into_owned(),
        auth: headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned()),
    };
    let nth = {
        let mut log = server.seen.lock().unwrap();
        let nth = log
            .iter()
            .filter(|s| s.method == seen.method && s.route == seen.route)
            .count();
        log.push(seen.clone());
        nth
    };
    if server.seen.lock().unwrap().len() <= server.slow {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let Reply(status, retry_after, body) = (server.script)(&seen, nth);
    let mut response = (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", seconds.to_string().parse().unwrap());
    }
    response
}

/// `a=1&b=x+y` → pairs, decoded.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

struct Harness {
    server: Arc<Server>,
    url: String,
}

impl Harness {
    async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Harness {
        Harness::start_slow(0, script).await
    }

    async fn start_slow(
        slow: usize,
        script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static,
    ) -> Harness {
        let server = Arc::new(Server {
            seen: Mutex::new(Vec::new()),
            script: Box::new(script),
            slow,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Harness { server, url }
    }

    fn client(&self) -> Client {
        Client::new(settings(&self.url)).unwrap()
    }

    /// A client that waits at most 200 ms for an answer.
    fn impatient_client(&self) -> Client {
        let mut settings = settings(&self.url);
        settings.timeout = Duration::from_millis(200);
        Client::new(settings).unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.server.seen.lock().unwrap().clone()
    }

    fn count(&self, method: &str, route: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.route == route)
            .count()
    }
}

fn settings(url: &str) -> ConnectSettings {
    let mut settings = ConnectSettings::new(url, ADMIN, Secret::new(PASSWORD)).unwrap();
    settings.retry = RetryPolicy {
        max_attempts: 4,
        max_total: Duration::from_secs(10),
        base: Duration::from_millis(10),
        cap: Duration::from_millis(40),
    };
    settings.poll = PollPolicy {
        first: Duration::from_millis(5),
        growth: 1.5,
        max_interval: Duration::from_millis(20),
        max_wait: Duration::from_secs(5),
    };
    settings.timeout = Duration::from_secs(5);
    settings.page_size = 2;
    settings
}

/// A pkid for each dotted path (24 hex characters), as a real server's `meta.path` lists.
fn path_pkids(path: &str) -> Vec<String> {
    let names: Vec<&str> = path.split('.').collect();
    (1..=names.len())
        .map(|n| format!("{:024x}", names[..n].join(".").len() * 7919 + n))
        .collect()
}

/// An instance's meta as a real server shapes it [seen]: `path` the pkids from `sys`
/// down to the instance, references without `href` here and there, unknown keys.
fn meta(parent: &str, pkid: &str, model: &str) -> Value {
    let mut path = path_pkids(parent);
    path.push(pkid.to_owned());
    json!({
        "title": "title format", "cached": true, "tags": [], "schema_version": "1.6",
        "summary": "false", "api_version": "21.4", "model_type": model,
        "version_tag": format!("v-{pkid}"),
        "path": path,
        "references": {
            "self": [{"pkid": pkid, "href": format!("/api/{model}/{pkid}/")}],
            "parent": [{"pkid": path_pkids(parent).last()}],
            "owner": [{"pkid": ""}], "device": [{"pkid": "", "href": ""}],
            "foreign_key": [], "children": []
        },
        "actions": [{"get": {"href": format!("/api/{model}/{pkid}/"), "method": "GET"}}],
        "summary_attrs": [{"name": "name", "title": "Name"}],
        "business_key": {"hierarchy": true, "unique": ["name"]},
        "tagged_versions": []
    })
}

/// A customer under `parent`: the relation's pkid top-level; `data.pkid` another id.
fn customer(parent: &str, pkid: &str, name: &str) -> Value {
    json!({
        "pkid": pkid,
        "meta": meta(parent, pkid, "relation/HcsCustomerREL"),
        "data": {
            "pkid": "0dd0000000000000000000dd", "name": name, "hierarchy_path": parent,
            "description": "", "extendedName": "", "externalCustomerId": "",
            "directoryDomain": "", "publicSector": false, "inactiveBilling": false,
            "accountId": "", "dealIds": "D-1,D-2", "primeCollaboration": "",
            "shared_uc_apps": false, "disableNumMgmt": true, "create_admin": false,
            "custom_string_1": "kept"
        }
    })
}

/// A list answer [seen]: the page of `all` that `seen` asked for.
fn page(all: &[Value], seen: &Seen) -> Value {
    let skip: usize = seen.query["skip"].parse().unwrap();
    let limit: usize = seen.query["limit"].parse().unwrap();
    json!({
        "operations": ["help", "get", "list", "update", "remove", "add"],
        "pagination": {
            "order_by": "name", "direction": "asc", "current": "/api/x/",
            "limit": limit, "total_limit": null, "maximum_limit": 200,
            "skip": skip, "total": all.len()
        },
        "meta": {"references": {"self": [{"pkid": null, "href": "/api/x/None/"}]}},
        "resources": all.iter().skip(skip).take(limit).cloned().collect::<Vec<_>>()
    })
}

/// A `data/HierarchyNode` list at `path`: the node itself.
fn node(path: &str) -> Value {
    let (parent, name) = path.rsplit_once('.').unwrap();
    let pkid = path_pkids(path).pop().unwrap();
    json!({
        "pagination": {"skip": 0, "limit": 1, "total": 3, "maximum_limit": 200},
        "resources": [{
            "pkid": pkid,
            "meta": meta(parent, &pkid, "data/HierarchyNode"),
            "data": {"name": name, "description": "", "node_type": "Reseller"}
        }]
    })
}

/// Instances known by name (roles, applications...) at `path`.
fn named(path: &str, names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|name| {
            json!({
                "pkid": "dddddddddddddddddddddddd",
                "meta": meta(path, "dddddddddddddddddddddddd", "data/Role"),
                "data": {"name": name, "hierarchy_path": path}
            })
        })
        .collect()
}

fn desired(customers: Value) -> Desired {
    let customers: Vec<voss_customers::model::Customer> =
        serde_json::from_value(customers).unwrap();
    Desired {
        customers: customers
            .into_iter()
            .map(|customer| DeclaredCustomer {
                customer,
                origin: Origin {
                    file: "customers.yaml".into(),
                    line: 1,
                    column: 1,
                },
            })
            .collect(),
        scopes: vec![],
    }
}

fn five_customers() -> Vec<Value> {
    (1..=5)
        .map(|i| customer(R1, &format!("{i:024}"), &format!("Customer {i}")))
        .collect()
}

#[tokio::test]
async fn read_live_reads_every_page_of_a_declared_hierarchy_and_nothing_else() {
    let all = five_customers();
    let harness = Harness::start(move |seen, _| match seen.route.as_str() {
        "data/HierarchyNode" => ok(node(R1)),
        "relation/HcsCustomerREL" => ok(page(&all, seen)),
        _ => error(500, "unexpected"),
    })
    .await;
    let live = read_live(
        &harness.client(),
        &desired(json!([{"name": "Customer 3", "hierarchy": R1}])),
    )
    .await
    .unwrap();

    assert_eq!(live.customers.len(), 5);
    assert!(live.customers.iter().all(|c| c.hierarchy == R1));
    let third = &live.customers[2];
    assert_eq!(third.name, "Customer 3");
    // The relation's pkid (top-level), never data.pkid (the data model's own id).
    assert_eq!(third.pkid, format!("{:024}", 3));
    assert_eq!(third.deal_ids, vec!["D-1", "D-2"]);
    assert!(!third.number_management);
    assert!(live.nodes.contains_key(R1));
    assert!(live.hcmf_customers.is_empty());
    assert_eq!(live.prime_collaboration, None);

    let seen = harness.seen();
    // The list answered for the hierarchy, so its node exists: no node lookup.
    assert_eq!(seen.len(), 3, "three pages: {seen:#?}");
    let skips: Vec<&str> = seen.iter().map(|s| s.query["skip"].as_str()).collect();
    assert_eq!(skips, ["0", "2", "4"]);
    // There is no documented `direct=true`: nothing relies on it.
    assert!(seen.iter().all(|s| !s.query.contains_key("direct")));
    assert!(seen.iter().all(|s| s.query["format"] == "json"));
    assert!(seen.iter().all(|s| s.query["hierarchy"] == R1));
    assert!(
        seen.iter()
            .all(|s| s.auth.as_deref().is_some_and(|a| a.starts_with("Basic ")))
    );
}

#[tokio::test]
async fn a_missing_node_is_reported_and_its_customers_are_not_listed() {
    let harness =
        Harness::start(
            |seen, _| match (seen.route.as_str(), seen.query["hierarchy"].as_str()) {
                ("data/HierarchyNode", _) => error(404, "Unknown hierarchy"),
                ("relation/HcsCustomerREL", "sys.hcs") => error(403, "Permission denied"),
                ("relation/HcsCustomerREL", _) => error(404, "Unknown hierarchy"),
                ("data/HcsPrimeCollaborationDAT", _) => {
                    ok(page(&named("sys.hcs", &["PC-East"]), seen))
                }
                _ => error(500, "unexpected"),
            },
        )
        .await;
    let live = read_live(
        &harness.client(),
        &desired(json!([{
            "name": "Acme", "hierarchy": "sys.hcs.CS-P.Nope",
            "prime_collaboration": "PC-East",
            "local_admin": {"cloned_role": "CustomerAdminTemplate", "password_env": "X"}
        }])),
    )
    .await
    .unwrap();
    assert!(live.missing_nodes.contains("sys.hcs.CS-P.Nope"));
    assert!(live.customers.is_empty());
    // HCM-F customers are looked for (Acme is not live); a 403 there means none.
    assert!(live.hcmf_customers.is_empty());
    // One list at the missing node (404, confirmed by the node lookup), one at sys.hcs.
    assert_eq!(harness.count("GET", "relation/HcsCustomerREL"), 2);
    assert_eq!(harness.count("GET", "data/HierarchyNode"), 1);
    // No roles are read below a node that does not exist.
    assert_eq!(harness.count("GET", "data/Role"), 0);
    assert_eq!(
        live.prime_collaboration,
        Some(["PC-East".to_owned()].into_iter().collect())
    );
}

#[tokio::test]
async fn roles_and_hcmf_customers_are_read_for_customers_to_create() {
    let harness =
        Harness::start(
            |seen, _| match (seen.route.as_str(), seen.query["hierarchy"].as_str()) {
                ("data/HierarchyNode", _) => ok(node(R1)),
                ("relation/HcsCustomerREL", "sys.hcs") => ok(page(
                    &[customer("sys.hcs", "eeeeeeeeeeeeeeeeeeeeeeee", "Legacy Co")],
                    seen,
                )),
                ("relation/HcsCustomerREL", _) => ok(page(&five_customers(), seen)),
                ("data/Role", _) => ok(page(
                    &named("sys.hcs.CS-P", &["CustomerAdminTemplate"]),
                    seen,
                )),
                _ => error(500, "unexpected"),
            },
        )
        .await;
    let live = read_live(
        &harness.client(),
        &desired(json!([
            {"name": "Legacy Co", "hierarchy": R1,
             "local_admin": {"cloned_role": "CustomerAdminTemplate", "password_env": "X"}},
            {"name": "Customer 1", "hierarchy": R1,
             "local_admin": {"cloned_role": "CustomerAdminTemplate", "password_env": "X"}}
        ])),
    )
    .await
    .unwrap();
    assert_eq!(live.hcmf_customers.len(), 1);
    assert_eq!(live.hcmf_customers[0].hierarchy, "sys.hcs");
    assert!(live.roles[R1].contains("CustomerAdminTemplate"));
    assert_eq!(harness.count("GET", "data/Role"), 1);
}

#[tokio::test]
async fn reads_are_retried_after_503() {
    let harness = Harness::start(|seen, nth| match seen.route.as_str() {
        "data/HierarchyNode" if nth < 2 => error(503, "busy"),
        "data/HierarchyNode" => ok(node(R1)),
        _ => error(500, "unexpected"),
    })
    .await;
    let node = harness.client().hierarchy_node(R1).await.unwrap();
    assert!(node.is_some());
    assert_eq!(harness.count("GET", "data/HierarchyNode"), 3);
}

#[tokio::test]
async fn a_read_that_times_out_is_retried() {
    let harness = Harness::start_slow(1, |_, _| ok(node(R1))).await;
    assert!(
        harness
            .impatient_client()
            .hierarchy_node(R1)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(harness.count("GET", "data/HierarchyNode"), 2);
}

#[tokio::test]
async fn a_write_that_times_out_is_uncertain_and_not_sent_again() {
    let harness = Harness::start_slow(1, |_, _| accepted(TXN)).await;
    let error = harness
        .impatient_client()
        .delete_customer("aaaaaaaaaaaaaaaaaaaaaaaa")
        .await
        .unwrap_err();
    assert!(error.is_uncertain(), "{error:?}");
    assert!(
        error.to_string().contains("no answer within 0.2 s"),
        "{error}"
    );
    assert_eq!(harness.seen().len(), 1);
}

#[tokio::test]
async fn a_429_is_retried_after_the_time_the_server_asks_for() {
    let harness = Harness::start(|seen, nth| match seen.route.as_str() {
        "data/HierarchyNode" if nth == 0 => Reply(429, Some(1), json!({})),
        "data/HierarchyNode" => ok(node(R1)),
        _ => error(500, "unexpected"),
    })
    .await;
    let started = Instant::now();
    assert!(harness.client().hierarchy_node(R1).await.unwrap().is_some());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(harness.count("GET", "data/HierarchyNode"), 2);
}

#[tokio::test]
async fn reads_give_up_after_the_attempt_bound() {
    let harness = Harness::start(|_, _| error(503, "maintenance")).await;
    let error = harness.client().hierarchy_node(R1).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unavailable {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(harness.count("GET", "data/HierarchyNode"), 4);
    let text = error.to_string();
    assert!(text.contains("HTTP 503: maintenance"), "{text}");
    assert!(
        text.contains(&format!("GET data/HierarchyNode at {R1}")),
        "{text}"
    );
}

#[tokio::test]
async fn refused_credentials_name_the_admin_and_never_the_password() {
    let harness = Harness::start(|_, _| error(401, "Invalid credentials")).await;
    let error = read_live(
        &harness.client(),
        &desired(json!([{"name": "A", "hierarchy": R1}])),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "VOSS Automate refused the credentials of Admin@cs-p.example (HTTP 401): check \
         VOSS_USERNAME (case-sensitive email) and VOSS_PASSWORD"
    );
    assert!(!format!("{error:?}").contains(PASSWORD));
    assert_eq!(harness.seen().len(), 1, "a 401 is not retried");
}

#[tokio::test]
async fn a_hierarchy_outside_the_admin_is_the_403_sentence() {
    let harness = Harness::start(|seen, _| match seen.route.as_str() {
        "data/HierarchyNode" => ok(node("sys.hcs.CS-P.CS-R2")),
        _ => error(403, "Permission denied"),
    })
    .await;
    let error = read_live(
        &harness.client(),
        &desired(json!([{"name": "A", "hierarchy": "sys.hcs.CS-P.CS-R2"}])),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "this admin's hierarchy does not include sys.hcs.CS-P.CS-R2 (HTTP 403 on GET \
         relation/HcsCustomerREL): plan only hierarchies the admin manages, or use a provider \
         admin"
    );
}

#[tokio::test]
async fn an_unknown_hierarchy_is_the_404_sentence() {
    let harness = Harness::start(|_, _| error(404, "Unknown hierarchy")).await;
    let error = harness
        .client()
        .find_customer("sys.hcs.Nope", "Acme")
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with(
            "hierarchy sys.hcs.Nope does not exist on VOSS Automate (HTTP 404 on GET \
             relation/HcsCustomerREL)"
        ),
        "{error}"
    );
}

fn accepted(id: &str) -> Reply {
    ok(json!({
        "success": true,
        "href": format!("/api/tool/Transaction/{id}"),
        "transaction_id": id
    }))
}

fn polled(id: &str, status: &str, description: &str) -> Reply {
    ok(json!({id: {
        "status": status,
        "href": format!("/api/tool/Transaction/{id}"),
        "description": description
    }}))
}

const TXN: &str = "6f1c2a5e-0000-4000-8000-000000000001";

#[tokio::test]
async fn a_create_is_followed_to_success() {
    let harness = Harness::start(
        |seen, nth| match (seen.method.as_str(), seen.route.as_str()) {
            ("POST", "relation/HcsCustomerREL") => accepted(TXN),
            ("GET", route) if route == format!("tool/Transaction/{TXN}/poll") => match nth {
                0 => polled(TXN, "Queued", ""),
                1 => polled(TXN, "In Progress", ""),
                _ => polled(TXN, "Success", "Add Customer Acme Corp"),
            },
            _ => error(500, "unexpected"),
        },
    )
    .await;
    let request = CreateRequest {
        name: "Acme Corp".into(),
        fields: field_values(Field::DealIds, json!(["D-100", "D-200"])),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "CustomerAdminTemplate".into(),
            password: Secret::new(ADMIN_PASSWORD),
        }),
    };
    let outcome = harness
        .client()
        .create_customer(R1, &request)
        .await
        .unwrap();
    assert_eq!(outcome.transaction_id, TXN);
    assert_eq!(outcome.message, "Add Customer Acme Corp");

    let post = harness
        .seen()
        .into_iter()
        .find(|s| s.method == "POST")
        .unwrap();
    assert_eq!(post.query["hierarchy"], R1);
    assert_eq!(post.query["nowait"], "true");
    let body: Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(body["name"], "Acme Corp");
    assert_eq!(body["dealIds"], "D-100,D-200");
    assert_eq!(body["create_admin"], true);
    assert_eq!(body["defaultAdminPassword"], ADMIN_PASSWORD);
    assert_eq!(body["repeatDefaultAdminPassword"], ADMIN_PASSWORD);
    assert_eq!(
        harness.count("GET", &format!("tool/Transaction/{TXN}/poll")),
        3
    );
}

#[tokio::test]
async fn a_server_that_echoes_the_body_never_makes_an_error_show_a_password() {
    // A refusal that quotes the request (as some servers do for a password policy) must
    // not carry the local admin's password or the admin's own into the error sentence.
    let harness = Harness::start(|seen, _| {
        let echoed = format!("rejected {}", seen.body);
        Reply(
            400,
            None,
            json!({
                "success": false, "code": 400, "message": echoed.clone(),
                "errors": [{"field": "defaultAdminPassword", "message": echoed}]
            }),
        )
    })
    .await;
    let request = CreateRequest {
        name: "Acme Corp".into(),
        fields: FieldValues::default(),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "CustomerAdminTemplate".into(),
            password: Secret::new(ADMIN_PASSWORD),
        }),
    };
    let error = harness
        .client()
        .create_customer(R1, &request)
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(ADMIN_PASSWORD), "{shown}");
    assert!(shown.contains("(sensitive)"), "{shown}");
}

#[tokio::test]
async fn a_transaction_description_that_quotes_the_password_is_not_shown() {
    let harness = Harness::start(
        |seen, _| match (seen.method.as_str(), seen.route.as_str()) {
            ("POST", _) => accepted(TXN),
            _ => polled(
                TXN,
                "Success",
                &format!("Add Customer, password {ADMIN_PASSWORD}"),
            ),
        },
    )
    .await;
    let request = CreateRequest {
        name: "Acme Corp".into(),
        fields: FieldValues::default(),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "CustomerAdminTemplate".into(),
            password: Secret::new(ADMIN_PASSWORD),
        }),
    };
    let outcome = harness
        .client()
        .create_customer(R1, &request)
        .await
        .unwrap();
    assert_eq!(outcome.message, "Add Customer, password (sensitive)");
}

#[tokio::test]
async fn a_failed_transaction_is_an_error_with_its_message() {
    let harness = Harness::start(
        |seen, _| match (seen.method.as_str(), seen.route.as_str()) {
            ("PUT", _) => accepted(TXN),
            ("GET", route) if route.ends_with("/poll") => polled(TXN, "Fail", "Modify"),
            ("GET", "relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa") => {
                ok(customer(R1, "aaaaaaaaaaaaaaaaaaaaaaaa", "Acme"))
            }
            ("GET", _) => ok(json!({
                "meta": {},
                "data": {
                    "status": "Fail", "username": ADMIN,
                    "resource": {"hierarchy": R1},
                    "message": "Domain Name acme..example is not valid"
                }
            })),
            _ => error(500, "unexpected"),
        },
    )
    .await;
    let updates = field_values(Field::Domain, json!("acme..example"));
    let error = harness
        .client()
        .update_customer("aaaaaaaaaaaaaaaaaaaaaaaa", &updates)
        .await
        .unwrap_err();
    match &error {
        ApiError::TransactionFailed {
            transaction_id,
            message,
            ..
        } => {
            assert_eq!(transaction_id, TXN);
            assert_eq!(message, "Domain Name acme..example is not valid");
        }
        other => panic!("{other:?}"),
    }
    let put = harness
        .seen()
        .into_iter()
        .find(|s| s.method == "PUT")
        .unwrap();
    assert_eq!(
        put.route,
        "relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa"
    );
    // The whole record goes back, with the domain changed and the read-only keys left out.
    let body: Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(
        body,
        json!({"name": "Acme", "description": "", "extendedName": "", "externalCustomerId": "",
               "directoryDomain": "acme..example", "publicSector": false,
               "inactiveBilling": false, "accountId": "", "dealIds": "D-1,D-2",
               "primeCollaboration": "", "shared_uc_apps": false, "disableNumMgmt": true,
               "create_admin": false, "custom_string_1": "kept"})
    );
}

#[tokio::test]
async fn a_write_answered_with_503_is_not_retried_and_is_uncertain() {
    let harness = Harness::start(|_, _| error(503, "busy")).await;
    let request = CreateRequest {
        name: "Acme".into(),
        fields: FieldValues::default(),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "R".into(),
            password: Secret::new(ADMIN_PASSWORD),
        }),
    };
    let error = harness
        .client()
        .create_customer(R1, &request)
        .await
        .unwrap_err();
    assert!(error.is_uncertain(), "{error:?}");
    assert_eq!(harness.count("POST", "relation/HcsCustomerREL"), 1);
    let text = format!("{error} {error:?}");
    assert!(!text.contains(ADMIN_PASSWORD), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn a_write_refused_with_429_is_sent_again() {
    let harness = Harness::start(
        |seen, nth| match (seen.method.as_str(), seen.route.as_str()) {
            ("DELETE", _) if nth == 0 => Reply(429, Some(0), json!({})),
            ("DELETE", _) => accepted(TXN),
            ("GET", _) => polled(TXN, "Success", "Delete"),
            _ => error(500, "unexpected"),
        },
    )
    .await;
    harness
        .client()
        .delete_customer("aaaaaaaaaaaaaaaaaaaaaaaa")
        .await
        .unwrap();
    assert_eq!(
        harness.count("DELETE", "relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa"),
        2
    );
}

#[tokio::test]
async fn dn_audit_posts_at_the_customer_node() {
    let harness = Harness::start(|seen, _| match seen.method.as_str() {
        "POST" => accepted(TXN),
        _ => polled(TXN, "Success", "Audit Number Inventory"),
    })
    .await;
    harness
        .client()
        .run_dn_audit("sys.hcs.CS-P.CS-R1.Acme Corp")
        .await
        .unwrap();
    let post = harness
        .seen()
        .into_iter()
        .find(|s| s.method == "POST")
        .unwrap();
    assert_eq!(post.route, "tool/DnAudit");
    assert_eq!(post.query["hierarchy"], "sys.hcs.CS-P.CS-R1.Acme Corp");
}

#[tokio::test]
async fn dependents_are_five_counts_at_the_customer_node() {
    let harness = Harness::start(|seen, _| {
        let total = match seen.route.as_str() {
            "data/Ldap" => 1,
            "device/cucm/Phone" => 12,
            "relation/HcsSiteREL" => 2,
            _ => 0,
        };
        assert_eq!(seen.query["limit"], "1");
        assert_eq!(seen.query["hierarchy"], "sys.hcs.CS-P.CS-R1.Globex");
        ok(json!({"pagination": {"skip": 0, "limit": 1, "total": total}, "resources": []}))
    })
    .await;
    let globex = plan_fixtures::live(R1, "Globex", "ffffffffffffffffffffffff");
    let dependents = harness.client().dependents(&globex).await.unwrap();
    assert_eq!(
        (dependents.ldap, dependents.devices, dependents.sites),
        (1, 12, 2)
    );
    assert_eq!(
        dependents.sso_providers + dependents.network_device_lists,
        0
    );
    assert_eq!(harness.seen().len(), 5);
}

#[tokio::test]
async fn a_server_that_reports_no_total_still_shows_a_dependent() {
    // With `count=false` VOSS answers `total: 0`; an item in the page still counts, so a
    // customer with a phone is never taken for one without.
    let harness = Harness::start(|seen, _| {
        let resources = match seen.route.as_str() {
            "device/cucm/Phone" => named("sys.hcs.CS-P.CS-R1.Globex", &["SEP001122334455"]),
            _ => vec![],
        };
        ok(json!({"pagination": {"skip": 0, "limit": 1, "total": 0}, "resources": resources}))
    })
    .await;
    let globex = plan_fixtures::live(R1, "Globex", "ffffffffffffffffffffffff");
    let dependents = harness.client().dependents(&globex).await.unwrap();
    assert_eq!(dependents.devices, 1);
    assert!(!dependents.is_empty());
}

#[tokio::test]
async fn a_refused_connection_names_the_url() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = Client::new(settings(&url))
        .unwrap()
        .hierarchy_node(R1)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Connect { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("--url"), "{text}");
}

#[test]
fn a_bad_ca_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("ca.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    for path in [garbage, dir.path().join("missing.pem")] {
        let mut settings = settings("https://voss.example.com");
        settings.ca_cert = Some(path.clone());
        let error = Client::new(settings).unwrap_err();
        assert!(
            matches!(error, SettingsError::BadCaCert { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains(&path.display().to_string()));
    }
}

/// A write that sets one field.
fn field_values(field: Field, value: serde_json::Value) -> FieldValues {
    let mut values = FieldValues::default();
    values.set(field, value).unwrap();
    values
}

#[tokio::test]
async fn a_list_at_the_provider_keeps_only_its_direct_customers() {
    // Lists include the customers of every node below [doc]: a provider scope must never
    // see (nor prune) a reseller's customers, whatever the server returns.
    let provider = "sys.hcs.CS-P";
    let all = vec![
        customer(provider, "aaaaaaaaaaaaaaaaaaaaaaa1", "Direct One"),
        customer(R1, "aaaaaaaaaaaaaaaaaaaaaaa2", "Reseller Customer"),
        customer(provider, "aaaaaaaaaaaaaaaaaaaaaaa3", "Direct Two"),
    ];
    let harness = Harness::start(move |seen, _| match seen.route.as_str() {
        "relation/HcsCustomerREL" => ok(page(&all, seen)),
        _ => error(500, "unexpected"),
    })
    .await;
    let live = read_live(
        &harness.client(),
        &desired(json!([{"name": "Direct One", "hierarchy": provider}])),
    )
    .await
    .unwrap();
    let names: Vec<&str> = live.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Direct One", "Direct Two"]);
    assert!(live.customers.iter().all(|c| c.hierarchy == provider));
}

#[tokio::test]
async fn a_declared_reseller_below_a_declared_provider_is_served_by_one_list() {
    let provider = "sys.hcs.CS-P";
    let all = vec![
        customer(provider, "aaaaaaaaaaaaaaaaaaaaaaa1", "Direct One"),
        customer(R1, "aaaaaaaaaaaaaaaaaaaaaaa2", "Reseller Customer"),
        customer(
            "sys.hcs.CS-P.CS-R2",
            "aaaaaaaaaaaaaaaaaaaaaaa3",
            "Undeclared",
        ),
    ];
    let harness = Harness::start(move |seen, _| match seen.route.as_str() {
        "relation/HcsCustomerREL" => ok(page(&all, seen)),
        _ => error(500, "unexpected"),
    })
    .await;
    let live = read_live(
        &harness.client(),
        &desired(json!([
            {"name": "Direct One", "hierarchy": provider},
            {"name": "Reseller Customer", "hierarchy": R1}
        ])),
    )
    .await
    .unwrap();
    let got: Vec<(&str, &str)> = live
        .customers
        .iter()
        .map(|c| (c.hierarchy.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(got, [(provider, "Direct One"), (R1, "Reseller Customer")]);
    assert!(live.nodes.contains_key(provider) && live.nodes.contains_key(R1));
    // Two pages of the provider's list, nothing at the reseller.
    assert!(
        harness
            .seen()
            .iter()
            .all(|s| s.query["hierarchy"] == provider)
    );
}

#[tokio::test]
async fn pages_never_ask_above_the_announced_maximum_limit() {
    let all: Vec<Value> = (1..=7)
        .map(|i| customer(R1, &format!("{i:024}"), &format!("Customer {i}")))
        .collect();
    // The server serves at most 3 per page and says so.
    let harness = Harness::start(move |seen, _| {
        let skip: usize = seen.query["skip"].parse().unwrap();
        let asked: usize = seen.query["limit"].parse().unwrap();
        let limit = asked.min(3);
        ok(json!({
            "pagination": {"skip": skip, "limit": limit, "maximum_limit": 3, "total": all.len()},
            "resources": all.iter().skip(skip).take(limit).cloned().collect::<Vec<_>>()
        }))
    })
    .await;
    let mut settings = settings(&harness.url);
    settings.page_size = 5;
    let client = Client::new(settings).unwrap();
    let customers = client.customers_at(R1).await.unwrap();
    assert_eq!(customers.len(), 7);
    let asked: Vec<(String, String)> = harness
        .seen()
        .iter()
        .map(|s| (s.query["skip"].clone(), s.query["limit"].clone()))
        .collect();
    // The first page asks 5 and gets 3; skip advances by what came back; then 3 at most.
    assert_eq!(
        asked,
        [("0", "5"), ("3", "3"), ("6", "3")].map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[tokio::test]
async fn a_transaction_that_ends_completed_succeeded_and_an_unknown_status_is_uncertain() {
    let harness = Harness::start(
        |seen, nth| match (seen.method.as_str(), seen.route.as_str()) {
            ("GET", "relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa") => {
                ok(customer(R1, "aaaaaaaaaaaaaaaaaaaaaaaa", "Acme"))
            }
            ("PUT", _) => accepted(TXN),
            ("GET", _) if nth == 0 => polled(TXN, "In Progress", ""),
            ("GET", _) => polled(TXN, "Completed", "Modify Acme"),
            _ => error(500, "unexpected"),
        },
    )
    .await;
    let updates = field_values(Field::Description, json!("anvils"));
    let outcome = harness
        .client()
        .update_customer("aaaaaaaaaaaaaaaaaaaaaaaa", &updates)
        .await
        .unwrap();
    assert_eq!(outcome.message, "Modify Acme");

    let harness = Harness::start(
        |seen, _| match (seen.method.as_str(), seen.route.as_str()) {
            ("POST", _) => accepted(TXN),
            _ => polled(TXN, "Suspended", ""),
        },
    )
    .await;
    let mut settings = settings(&harness.url);
    settings.poll.max_wait = Duration::from_millis(200);
    let request = CreateRequest {
        name: "Acme".into(),
        fields: FieldValues::default(),
        migrate: false,
        local_admin: None,
    };
    let error = Client::new(settings)
        .unwrap()
        .create_customer(R1, &request)
        .await
        .unwrap_err();
    assert!(error.is_uncertain(), "{error:?}");
    assert!(error.to_string().contains("`Suspended`"), "{error}");
}

#[tokio::test]
async fn a_patch_sends_only_the_changed_fields() {
    let harness = Harness::start(
        |seen, _| match (seen.method.as_str(), seen.route.as_str()) {
            ("GET", "relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa") => {
                ok(customer(R1, "aaaaaaaaaaaaaaaaaaaaaaaa", "Acme"))
            }
            ("PATCH", _) => accepted(TXN),
            ("GET", _) => polled(TXN, "Success", "Modify Acme"),
            _ => error(500, "unexpected"),
        },
    )
    .await;
    let mut settings = settings(&harness.url);
    settings.update_method = voss_customers::voss::UpdateMethod::Patch;
    Client::new(settings)
        .unwrap()
        .update_customer(
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            &field_values(Field::NumberManagement, json!(true)),
        )
        .await
        .unwrap();
    let patch = harness
        .seen()
        .into_iter()
        .find(|s| s.method == "PATCH")
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&patch.body).unwrap(),
        json!({"disableNumMgmt": false})
    );
}
