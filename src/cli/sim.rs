//! `sim --listen ADDR --seed FILE [--state FILE] [--tls-cert FILE --tls-key FILE]
//! [fault options] [API behaviour options] [--profile FILE] [--voss-release X]`

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Exit;
use crate::sim::{self, CsrfIn, ListFields, Options, OverLimit, SimConfig, TxnSuccess};
use crate::voss::profile::Profile;
use crate::voss::routes::SEEN_MAXIMUM_LIMIT;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  voss-customers sim --seed examples/sim-seed.yaml --listen 127.0.0.1:8443 --state /tmp/voss.json"
)]
pub struct Args {
    /// The address to listen on (loopback), e.g. 127.0.0.1:8443; port 0 picks one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The seed: hierarchy, admins, roles, Prime Collaboration, HCM-F and live customers.
    #[arg(long, value_name = "FILE")]
    pub seed: PathBuf,
    /// Keep the state in FILE (loaded when present; written after every write).
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
    /// Carry out this share of writes (0 to 1), then answer them with HTTP 503 as if the
    /// answer was lost: the write happened, the client cannot tell.
    #[arg(long, default_value_t = 0.0)]
    pub drop_after_commit_rate: f64,
    /// Seed of the fault generator: the same seed gives the same faults.
    #[arg(long)]
    pub fault_seed: Option<u64>,
    /// Serve HTTPS with this PEM certificate (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// What a listed customer carries: only name and hierarchy_path (summary), or every
    /// field like a GET (full).
    #[arg(long, value_enum, default_value = "summary")]
    pub list_fields: ListFields,
    /// The largest page a list serves (announced as pagination.maximum_limit).
    #[arg(long, value_name = "N", default_value_t = SEEN_MAXIMUM_LIMIT)]
    pub max_page: u64,
    /// A list request with a limit above --max-page: served --max-page instances (cap),
    /// or refused with HTTP 400 naming `limit` (refuse).
    #[arg(long, value_enum, default_value = "cap")]
    pub over_limit: OverLimit,
    /// The status successful transactions end with: Success, Completed, or each in turn
    /// (mixed).
    #[arg(long, value_enum, default_value = "mixed")]
    pub txn_success: TxnSuccess,
    /// Where the session login returns the CSRF token: the X-CSRFToken response header,
    /// the csrftoken cookie, or both.
    #[arg(long, value_enum, default_value = "both")]
    pub csrf_in: CsrfIn,
    /// Speak the customer's JSON names of this API profile (laid over the built-in one,
    /// like the client's --profile): write bodies are read, records answered and the add
    /// schema served under them. Its `fields:`, `local_admin:` and `release` are used; the
    /// routes stay the simulator's own. The --state file does not depend on it.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Show the local-admin behaviour of this VOSS Automate release (MAJOR.MINOR,
    /// overrides the profile's `release`): before 24.2 a create with a local admin clones
    /// the chosen role; from 24.2 on only when it sends clone_admin_role as true.
    #[arg(long, value_name = "X")]
    pub voss_release: Option<String>,
}

/// Serves until Ctrl-C or SIGTERM; prints `listening on http://ADDR` (or `https://`) once
/// bound.
pub fn run(args: Args) -> Exit {
    let profile = match &args.profile {
        Some(path) => match Profile::load(path) {
            Ok(profile) => Some(profile),
            Err(e) => return super::common::fail(e),
        },
        None => None,
    };
    // A FIFO, device or link as the state file: refused before it is read (a FIFO would
    // block the start) or replaced by the first write.
    if let Some(state) = &args.state
        && let Err(error) = crate::fsio::check_target(state)
    {
        return super::common::fail(format!("--state: {error}"));
    }
    let config = SimConfig {
        seed: args.seed,
        state: args.state,
        latency_ms: args.latency_ms,
        fail_rate: args.fail_rate,
        rate_limit: args.rate_limit,
        txn_fail_rate: args.txn_fail_rate,
        drop_after_commit_rate: args.drop_after_commit_rate,
        fault_seed: args.fault_seed,
        tls: args.tls_cert.zip(args.tls_key),
        options: Options {
            list_fields: args.list_fields,
            max_page: args.max_page,
            over_limit: args.over_limit,
            txn_success: args.txn_success,
            csrf_in: args.csrf_in,
            profile,
            voss_release: args.voss_release,
        },
    };
    let runtime = match crate::ops::connect::runtime() {
        Ok(runtime) => runtime,
        Err(message) => return super::common::fail(message),
    };
    runtime.block_on(async {
        let running = match sim::start(config, args.listen).await {
            Ok(running) => running,
            Err(e) => {
                eprintln!("error: {}", crate::render::escape(&e.to_string()));
                return Exit::Error;
            }
        };
        super::common::emit(&format!("listening on {}\n", running.url()));
        // Whoever reads the address from standard output did not get it: stop.
        if super::common::output_failed() {
            running.shutdown().await;
            return Exit::Error;
        }
        eprintln!(
            "voss-customers sim: listening on {}; Ctrl-C stops it",
            running.url()
        );
        super::common::stop_signal().await;
        running.shutdown().await;
        Exit::Ok
    })
}
