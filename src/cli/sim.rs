//! `sim --listen ADDR --seed FILE [--state FILE] [fault options]`

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on (loopback), e.g. 127.0.0.1:8443; port 0 picks one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The seed: hierarchy, admins, roles, Prime Collaboration, HCM-F and live customers.
    #[arg(long, value_name = "FILE")]
    pub seed: PathBuf,
    /// Keep the state in FILE (loaded when present; written after every transaction).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Delay every response by N milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Answer this share of requests (0 to 1) with HTTP 503.
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Requests per second before HTTP 429 with Retry-After.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Fail this share of transactions (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub txn_fail_rate: f64,
    /// Seed of the fault generator: the same seed gives the same faults.
    #[arg(long)]
    pub fault_seed: Option<u64>,
    /// Serve HTTPS with this PEM certificate (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("sim", 3)
}
