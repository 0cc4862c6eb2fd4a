//! `apply PATHS [--yes]` / `apply --plan FILE [--yes]`

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Desired-state files or directories (a fresh plan is made from them).
    #[arg(required_unless_present = "plan", conflicts_with = "plan")]
    pub paths: Vec<PathBuf>,
    /// Carry out exactly this saved plan (from `plan --out FILE`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Refuse a plan that deletes more customers than this.
    #[arg(long, default_value_t = 5)]
    pub max_deletes: usize,
    /// How many customers are changed at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("apply", 5)
}
