//! `drift PATHS [--format text|markdown|json]`

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;
use super::plan::PlanFormat;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
    /// How to print the drift.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("drift", 5)
}
