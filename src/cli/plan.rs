//! `plan PATHS [--out FILE] [--format text|markdown|json] [--detailed-exitcode]`

use std::path::PathBuf;

use super::Exit;
use super::connection::Connection;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
    /// Also write the plan as JSON to FILE, for `apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Markdown,
    Json,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("plan", 4)
}
