//! The local VOSS Automate simulator: an axum server on a loopback address that serves
//! the API shape of `voss-api.md` with the shared [`crate::voss::wire`] types, at least as
//! strictly as real servers: relation pkids differ from `data.pkid`, `meta.path` is a
//! list of pkids, lists include descendants and ignore unknown parameters, a list may
//! carry only summary fields, pages are capped at `maximum_limit`, a PUT replaces the
//! whole record. Where real servers may differ, [`Options`] picks the behaviour.
//!
//! [`start`] loads the seed (or the `--state` file), binds, and returns a [`RunningSim`];
//! `voss-customers sim` and the `--sim SEED` option of plan/apply/drift/import both use it.
//!
//! Modules depend on each other in one direction: `store` (state, with `journal`'s
//! transaction records) ← `rules` (the writes) ← `txn` (the queue that runs them) and
//! `routes`; `body` (request bodies) serves `routes` and `session`; `dialect` (the
//! profile's JSON names and the release) sits at the routes' boundary, so the store, the
//! rules and the state file never depend on the profile.

mod add_form;
mod auth;
mod body;
mod conn;
mod dialect;
mod emit;
mod errors;
mod faults;
mod journal;
mod persist;
mod resources;
mod routes;
mod rules;
mod seed;
mod session;
mod stats;
mod store;
mod tls;
mod txn;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::voss::profile::Profile;
use auth::Credentials;
use dialect::Dialect;
use errors::ApiError;
use faults::Faults;
use persist::Persister;
use stats::Stats;
use store::Store;

pub use conn::Limits;
pub use persist::StateError;
pub use tls::{FileProblem, TlsError};

/// What [`check_seed`] found in a seed that loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCheck {
    /// Customers the seed makes (HCM-F customers included).
    pub customers: usize,
    /// What is inconsistent in the world it makes, or in that world written as a
    /// `--state` file and read back; empty when all is well.
    pub problems: Vec<String>,
}

/// Checks seed text as `sim --seed` reads it (`file` names it in messages), without
/// starting anything; then that the world it makes is consistent and survives the
/// `--state` file's round trip. Errors: the seed's first problem, `FILE:LINE:COL: message`.
/// The entry point of the seed's fuzz target and property tests.
pub fn check_seed(file: &str, text: &str) -> Result<SeedCheck, String> {
    let (store, _) =
        seed::load_text(file, text).map_err(|e| format!("{}: {}", e.location, e.message))?;
    let mut problems = store.problems();
    match persist::to_bytes(&store) {
        Ok(bytes) => match serde_json::from_slice::<Store>(&bytes) {
            Ok(mut again) => {
                again.reindex();
                problems.extend(again.problems());
                if persist::to_bytes(&again).ok().as_ref() != Some(&bytes) {
                    problems.push("the state file's round trip changed the world".to_owned());
                }
            }
            Err(e) => problems.push(format!("the state file does not read back: {e}")),
        },
        Err(e) => problems.push(format!("the state cannot be written: {e}")),
    }
    Ok(SeedCheck {
        customers: store.customers.len(),
        problems,
    })
}

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The seed file (contract.md section 5). Its admins are the credentials, always.
    pub seed: PathBuf,
    /// Keep the state in this file: loaded when present, written after every write.
    pub state: Option<PathBuf>,
    /// Delay every response by this many milliseconds.
    pub latency_ms: u64,
    /// Answer this share of requests (0 to 1) with HTTP 503.
    pub fail_rate: f64,
    /// Requests per second before HTTP 429 with `Retry-After`.
    pub rate_limit: Option<u32>,
    /// Fail this share of transactions (0 to 1).
    pub txn_fail_rate: f64,
    /// Carry out this share of writes (0 to 1), then lose their answer: the client gets
    /// a 503 for a write that was made (for `nowait=true`, once its transaction ended).
    pub drop_after_commit_rate: f64,
    /// The same seed gives the same faults.
    pub fault_seed: Option<u64>,
    /// Serve HTTPS with this PEM certificate (chain) and PEM private key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// How the API behaves where real servers differ or the evidence is silent.
    pub options: Options,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: PathBuf::new(),
            state: None,
            latency_ms: 0,
            fail_rate: 0.0,
            rate_limit: None,
            txn_fail_rate: 0.0,
            drop_after_commit_rate: 0.0,
            fault_seed: None,
            tls: None,
            options: Options::default(),
        }
    }
}

/// The API behaviours a test picks, so a client is tested against each one a real server
/// may show (`voss-api.md`: where two behaviours are plausible, the simulator does both).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// What a listed customer carries (`--list-fields`).
    pub list_fields: ListFields,
    /// `pagination.maximum_limit` (`--max-page`), at least 1.
    pub max_page: u64,
    /// What a `limit` above `max_page` gets (`--over-limit`).
    pub over_limit: OverLimit,
    /// How successful transactions end (`--txn-success`).
    pub txn_success: TxnSuccess,
    /// Where the session login puts the CSRF token (`--csrf-in`).
    pub csrf_in: CsrfIn,
    /// The API profile whose customer JSON names the simulator speaks (`--profile`);
    /// `None`: the built-in one. Only `fields:`, `local_admin:` and `release` are used;
    /// the simulator's routes are its own (`routes:` is not used).
    pub profile: Option<Profile>,
    /// The release whose local-admin behaviour the simulator shows (`--voss-release`,
    /// `MAJOR.MINOR`); `None`: the profile's `release`. Before the profile's
    /// `local_admin.clone_from_release` (24.2) a create with Create Local Admin clones the
    /// role; from it on, only when the create sends the clone flag as true.
    pub voss_release: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            list_fields: ListFields::Summary,
            max_page: crate::voss::routes::SEEN_MAXIMUM_LIMIT,
            over_limit: OverLimit::Cap,
            txn_success: TxnSuccess::Mixed,
            csrf_in: CsrfIn::Both,
            profile: None,
            voss_release: None,
        }
    }
}

/// What a listed customer's `data` carries [seen: lists carry fewer fields than a GET].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFields {
    /// Only `name` and `hierarchy_path` (a client must GET the instance for the rest).
    Summary,
    /// Every stored field, like a GET of the instance.
    Full,
}

/// What a list request whose `limit` is above `maximum_limit` gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OverLimit {
    /// A page of `maximum_limit` instances.
    Cap,
    /// HTTP 400 naming `limit`.
    Refuse,
}

/// The status a successful transaction ends with [doc: `Success`; a guide example shows
/// `Completed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TxnSuccess {
    Success,
    Completed,
    /// `Success` and `Completed` in turn (the first success is `Success`): deterministic.
    Mixed,
}

impl TxnSuccess {
    /// The final status of the `n`th successful transaction (from 0).
    pub fn status(self, n: u64) -> crate::voss::wire::TxnStatus {
        use crate::voss::wire::TxnStatus;
        match self {
            TxnSuccess::Success => TxnStatus::Success,
            TxnSuccess::Completed => TxnStatus::Completed,
            TxnSuccess::Mixed if n.is_multiple_of(2) => TxnStatus::Success,
            TxnSuccess::Mixed => TxnStatus::Completed,
        }
    }
}

/// Where the session login returns the CSRF token [doc: the `X-CSRFToken` response
/// header; the `csrftoken` cookie is a fallback].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsrfIn {
    Header,
    Cookie,
    Both,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The seed file: `FILE:LINE:COL: message`.
    #[error("{location}: {message}")]
    Seed { location: String, message: String },
    /// The state file could not be read, is corrupt, or could not be written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A fault option is out of range.
    #[error("{0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {message}")]
    Listen { addr: SocketAddr, message: String },
    /// The TLS certificate or key cannot be used: one sentence naming the file.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// The shared state of a running simulator.
#[derive(Debug)]
pub struct Sim {
    store: Mutex<Store>,
    credentials: Credentials,
    sessions: session::Sessions,
    faults: Faults,
    stats: Stats,
    persister: Option<Persister>,
    queue: mpsc::UnboundedSender<txn::Queued>,
    options: Options,
    /// The JSON names and the release the simulator speaks.
    dialect: Dialect,
    /// Successful transactions so far (for [`TxnSuccess::Mixed`]).
    successes: AtomicU64,
    /// How long clients may take.
    limits: Limits,
}

impl Sim {
    /// Runs `f` with the store locked (never across an await).
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut store)
    }

    /// Writes the state file, when there is one.
    async fn persist(&self) -> Result<(), StateError> {
        let Some(persister) = &self.persister else {
            return Ok(());
        };
        persister
            .save(|| self.with_store(|store| persist::to_bytes(store)))
            .await
    }

    /// Writes the state file, when there is one; a failure is the answer to the request.
    async fn save(&self) -> Result<(), ApiError> {
        self.persist()
            .await
            .map_err(|e| ApiError::internal(e.to_string()))
    }
}

/// A simulator serving in the background.
#[derive(Debug)]
pub struct RunningSim {
    addr: SocketAddr,
    https: bool,
    admin: Option<(String, crate::voss::Secret)>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
    limits: Limits,
}

impl RunningSim {
    /// The address it listens on (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The email and password of the seed's highest admin (the provider admin).
    pub fn admin(&self) -> Option<(&str, &crate::voss::Secret)> {
        self.admin
            .as_ref()
            .map(|(email, password)| (email.as_str(), password))
    }

    /// `http://ADDR`, or `https://ADDR` when serving TLS: the base URL to give a client.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, finishes the requests in flight (waiting at most
    /// [`Limits::shutdown`] for them), and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let mut server = self.server;
        if tokio::time::timeout(self.limits.shutdown, &mut server)
            .await
            .is_err()
        {
            server.abort();
            let _ = server.await;
        }
    }
}

/// Loads the seed (or the state file) and serves on `listen`, a loopback address.
pub async fn start(config: SimConfig, listen: SocketAddr) -> Result<RunningSim, SimError> {
    start_with(config, listen, Limits::default()).await
}

/// [`start`] with other bounds on how long clients may take.
pub async fn start_with(
    config: SimConfig,
    listen: SocketAddr,
    limits: Limits,
) -> Result<RunningSim, SimError> {
    check_config(&config, listen)?;
    let dialect = Dialect::new(
        config.options.profile.as_ref(),
        config.options.voss_release.as_deref(),
    )
    .map_err(SimError::Config)?;
    let acceptor = match &config.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key)?),
        None => None,
    };
    let (seeded, credentials) = seed::load(&config.seed).map_err(|e| SimError::Seed {
        location: e.location,
        message: e.message,
    })?;
    let store = match &config.state {
        Some(path) => persist::load(path)?.unwrap_or(seeded),
        None => seeded,
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| SimError::Listen {
            addr: listen,
            message: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| SimError::Listen {
        addr: listen,
        message: e.to_string(),
    })?;
    let admin = credentials.top().map(|c| {
        (
            c.email.clone(),
            crate::voss::Secret::new(c.password.clone()),
        )
    });
    let (queue, queued) = mpsc::unbounded_channel();
    let sim = Arc::new(Sim {
        store: Mutex::new(store),
        credentials,
        sessions: session::Sessions::default(),
        faults: Faults::new(faults::FaultOptions {
            latency_ms: config.latency_ms,
            fail_rate: config.fail_rate,
            rate_limit: config.rate_limit,
            txn_fail_rate: config.txn_fail_rate,
            drop_after_commit_rate: config.drop_after_commit_rate,
            seed: config.fault_seed,
        }),
        stats: Stats::default(),
        persister: config.state.clone().map(Persister::new),
        queue,
        options: config.options,
        dialect,
        successes: AtomicU64::new(0),
        limits,
    });
    if sim.persister.is_some() {
        // The state file exists from the start, so a restart never falls back to the seed.
        sim.persist().await?;
    }
    let runner = tokio::spawn(txn::run_queue(sim.clone(), queued));
    let app = routes::router(sim);
    let (stop, stopped) = oneshot::channel::<()>();
    let https = acceptor.is_some();
    let server = tokio::spawn(async move {
        let stopped = async {
            let _ = stopped.await;
        };
        let served = match acceptor {
            Some(acceptor) => {
                let listener = tls::TlsListener::new(listener, acceptor);
                let listener = conn::TimedListener::new(listener, limits);
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
            }
            None => {
                let listener = conn::TimedListener::new(listener, limits);
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
            }
        };
        if let Err(e) = served {
            eprintln!("voss-customers sim: the server stopped: {e}");
        }
        runner.abort();
    });
    Ok(RunningSim {
        addr,
        https,
        admin,
        stop,
        server,
        limits,
    })
}

fn check_config(config: &SimConfig, listen: SocketAddr) -> Result<(), SimError> {
    if !listen.ip().is_loopback() {
        return Err(SimError::Config(format!(
            "the simulator listens on a loopback address only (127.0.0.1 or ::1), not {}",
            listen.ip()
        )));
    }
    for (name, rate) in [
        ("--fail-rate", config.fail_rate),
        ("--txn-fail-rate", config.txn_fail_rate),
        ("--drop-after-commit-rate", config.drop_after_commit_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(SimError::Config(format!(
                "{name} is a share between 0 and 1, not {rate}"
            )));
        }
    }
    if config.options.max_page == 0 {
        return Err(SimError::Config(
            "--max-page is the largest page a list serves, at least 1".into(),
        ));
    }
    if config.rate_limit == Some(0) {
        return Err(SimError::Config(
            "--rate-limit is a number of requests per second, at least 1".into(),
        ));
    }
    Ok(())
}
