//! How to reach the VOSS Automate server: shared by plan, apply, drift, import, reconcile.

use std::path::PathBuf;

/// Connection settings. The password is read only from `VOSS_PASSWORD`.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// The VOSS Automate server, e.g. https://voss.example.com
    #[arg(long, env = "VOSS_URL")]
    pub url: Option<String>,
    /// The admin's email address (case-sensitive). The password comes from VOSS_PASSWORD.
    #[arg(long, env = "VOSS_USERNAME")]
    pub username: Option<String>,
    /// A PEM file of the CA that signed the server's certificate.
    #[arg(long, env = "VOSS_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server's certificate (prints a loud warning).
    #[arg(long)]
    pub insecure: bool,
    /// Start the built-in simulator with this seed (state in memory) and run against it.
    #[arg(long, value_name = "SEED", conflicts_with = "url")]
    pub sim: Option<PathBuf>,
}
