//! Helpers for the simulator's integration tests: start it on 127.0.0.1:0, talk to it
//! over real HTTP as a given admin, follow transactions.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use voss_customers::sim::{self, Options, RunningSim, SimConfig};

pub const PROVIDER: (&str, &str) = ("Admin@cs-p.example", "provider-secret");
pub const RESELLER1: (&str, &str) = ("ops@r1.example", "reseller-secret");
pub const RESELLER2: (&str, &str) = ("ops@r2.example", "reseller2-secret");
pub const R1: &str = "sys.hcs.CS-P.CS-R1";
pub const R2: &str = "sys.hcs.CS-P.CS-R2";

pub fn example_seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/sim-seed.yaml")
}

pub fn loopback() -> std::net::SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A running simulator and a client for it.
pub struct Harness {
    pub sim: RunningSim,
    pub http: reqwest::Client,
}

pub async fn start(config: SimConfig) -> Harness {
    let sim = sim::start(config, loopback()).await.unwrap();
    Harness::at(sim)
}

pub async fn start_example() -> Harness {
    start(SimConfig {
        seed: example_seed(),
        ..SimConfig::default()
    })
    .await
}

/// The example seed with these API options.
pub async fn start_example_with(options: Options) -> Harness {
    start(SimConfig {
        seed: example_seed(),
        options,
        ..SimConfig::default()
    })
    .await
}

/// The top-level pkid of a resource (the one its URL takes).
pub fn pkid(resource: &Value) -> String {
    resource["pkid"].as_str().unwrap().to_owned()
}

impl Harness {
    pub fn at(sim: RunningSim) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Harness { sim, http }
    }

    /// `METHOD /api/PATH` as `who`, with a JSON body when given; (status, body as JSON).
    pub async fn call(
        &self,
        who: (&str, &str),
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/api/{path}", self.sim.url()))
            .basic_auth(who.0, Some(who.1));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, who: (&str, &str), path: &str) -> (StatusCode, Value) {
        self.call(who, Method::GET, path, None).await
    }

    /// All customers listed at `hierarchy` (and below) as `who`, every page:
    /// (hierarchy_path, name) pairs.
    pub async fn customers(&self, who: (&str, &str), hierarchy: &str) -> Vec<(String, String)> {
        let mut all = Vec::new();
        for page in 0..100 {
            let (status, body) = self
                .get(
                    who,
                    &format!(
                        "relation/HcsCustomerREL/?hierarchy={}&format=json&skip={}",
                        enc(hierarchy),
                        all.len()
                    ),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let got = body["resources"].as_array().unwrap();
            all.extend(got.iter().map(|r| {
                (
                    r["data"]["hierarchy_path"].as_str().unwrap().to_owned(),
                    r["data"]["name"].as_str().unwrap().to_owned(),
                )
            }));
            if got.is_empty() || all.len() as u64 >= body["pagination"]["total"].as_u64().unwrap() {
                return all;
            }
            assert!(page < 99, "too many pages");
        }
        all
    }

    /// The customer named `name` directly at `hierarchy`, as a GET of the instance by
    /// the provider admin answers it (every field).
    pub async fn customer(&self, hierarchy: &str, name: &str) -> Option<Value> {
        let (_, body) = self
            .get(
                PROVIDER,
                &format!(
                    "relation/HcsCustomerREL/?hierarchy={}&format=json&limit=200",
                    enc(hierarchy)
                ),
            )
            .await;
        let listed = body["resources"]
            .as_array()?
            .iter()
            .find(|r| r["data"]["name"] == name && r["data"]["hierarchy_path"] == hierarchy)
            .cloned()?;
        let (status, got) = self
            .get(
                PROVIDER,
                &format!("relation/HcsCustomerREL/{}/?format=json", pkid(&listed)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{got}");
        Some(got)
    }

    /// Follows a transaction to its end (bounded): (status, its data).
    pub async fn wait_txn(&self, who: (&str, &str), id: &str) -> (String, Value) {
        for _ in 0..200 {
            let (code, body) = self
                .get(who, &format!("tool/Transaction/{id}/?format=json"))
                .await;
            assert_eq!(code, StatusCode::OK, "{body}");
            let status = body["data"]["status"].as_str().unwrap().to_owned();
            if matches!(status.as_str(), "Success" | "Completed" | "Fail") {
                return (status, body["data"].clone());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("transaction {id} did not finish in time");
    }

    pub async fn stats(&self) -> Value {
        self.http
            .get(format!("{}/_sim/stats", self.sim.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// The URL-encoded form of a hierarchy path with spaces.
pub fn enc(path: &str) -> String {
    path.replace(' ', "%20")
}
