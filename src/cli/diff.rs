//! `diff --base REV PATHS [--format text|markdown|json]`

use std::path::PathBuf;

use super::Exit;
use super::plan::PlanFormat;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The git revision to compare with (e.g. origin/main).
    #[arg(long)]
    pub base: String,
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to print the difference.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("diff", 6)
}
