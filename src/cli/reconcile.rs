//! `reconcile PATHS --interval DURATION`

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Time between cycles, e.g. 30s, 5m, 1h.
    #[arg(long)]
    pub interval: String,
    #[command(flatten)]
    pub connection: Connection,
    /// Refuse a cycle that deletes more customers than this.
    #[arg(long, default_value_t = 5)]
    pub max_deletes: usize,
    /// How many customers are changed at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("reconcile", 5)
}
