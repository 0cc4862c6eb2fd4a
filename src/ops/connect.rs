//! Where the live system is: a real VOSS Automate server, or the built-in simulator
//! started in-process (`--sim SEED`, state in memory).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::sim::{self, RunningSim, SimConfig, SimError};
use crate::voss::{Auth, Client, ConnectSettings, Secret, SettingsError, Tuning};

/// Why the live system could not be reached (each says what to change).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL, user or TLS settings cannot be used.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The in-process simulator did not start (its seed, state file or address).
    #[error("cannot start the simulator: {0}")]
    Sim(#[from] SimError),
    /// The simulator's seed names no admin to log in as.
    #[error("the simulator seed has no admins: add one under `admins`")]
    NoSimAdmin,
}

/// The async runtime could not be started (the operating system refused its threads).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the async runtime: {0}")]
pub struct RuntimeError(#[from] std::io::Error);

/// How to reach the live system.
#[derive(Debug)]
pub enum Endpoint {
    /// A real server, with checked settings.
    Server(ConnectSettings),
    /// The simulator with this seed; `user` overrides the seed's provider admin.
    Sim {
        seed: PathBuf,
        user: Option<(String, Secret)>,
        auth: Auth,
        /// Boxed: a profile is large next to the other variant.
        tuning: Box<Tuning>,
    },
}

/// A connected client, and the simulator behind it when there is one.
pub struct Target {
    pub client: Client,
    sim: Option<RunningSim>,
}

impl Target {
    /// Connects (starting the simulator first for [`Endpoint::Sim`]).
    pub async fn open(endpoint: Endpoint) -> Result<Target, ConnectError> {
        match endpoint {
            Endpoint::Server(settings) => {
                let client = Client::new(settings)?;
                Ok(Target { client, sim: None })
            }
            Endpoint::Sim {
                seed,
                user,
                auth,
                tuning,
            } => {
                let config = SimConfig {
                    seed,
                    ..SimConfig::default()
                };
                let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let running = sim::start(config, listen).await?;
                let (username, password) = match user {
                    Some(user) => user,
                    None => match running.admin() {
                        Some((email, password)) => (email.to_owned(), password.clone()),
                        None => return Err(ConnectError::NoSimAdmin),
                    },
                };
                let mut settings =
                    ConnectSettings::new(&running.url(), &username, password)?.tuned(*tuning);
                settings.auth = auth;
                let client = Client::new(settings)?;
                Ok(Target {
                    client,
                    sim: Some(running),
                })
            }
        }
    }

    /// True when the live system is the in-process simulator.
    pub fn is_sim(&self) -> bool {
        self.sim.is_some()
    }

    /// Stops the in-process simulator, if any.
    pub async fn close(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}

/// The multi-threaded runtime every networked command runs on.
pub fn runtime() -> Result<tokio::runtime::Runtime, RuntimeError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
