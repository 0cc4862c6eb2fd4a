//! Where the live system is: a real VOSS Automate server, or the built-in simulator
//! started in-process (`--sim SEED`, state in memory).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::sim::{self, RunningSim, SimConfig};
use crate::voss::{Auth, Client, ConnectSettings, Secret};

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
    },
}

/// A connected client, and the simulator behind it when there is one.
pub struct Target {
    pub client: Client,
    sim: Option<RunningSim>,
}

impl Target {
    /// Connects (starting the simulator first for [`Endpoint::Sim`]).
    pub async fn open(endpoint: Endpoint) -> Result<Target, String> {
        match endpoint {
            Endpoint::Server(settings) => {
                let client = Client::new(settings).map_err(|e| e.to_string())?;
                Ok(Target { client, sim: None })
            }
            Endpoint::Sim { seed, user, auth } => {
                let config = SimConfig {
                    seed,
                    ..SimConfig::default()
                };
                let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let running = sim::start(config, listen)
                    .await
                    .map_err(|e| format!("cannot start the simulator: {e}"))?;
                let (username, password) = match user {
                    Some(user) => user,
                    None => match running.admin() {
                        Some((email, password)) => (email.to_owned(), password.clone()),
                        None => {
                            return Err("the simulator seed has no admins: add one under `admins`"
                                .to_owned());
                        }
                    },
                };
                let mut settings = ConnectSettings::new(&running.url(), &username, password)
                    .map_err(|e| e.to_string())?;
                settings.auth = auth;
                let client = Client::new(settings).map_err(|e| e.to_string())?;
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
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}
