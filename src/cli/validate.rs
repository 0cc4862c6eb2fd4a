//! `validate PATHS [--format text|json|github]`

use std::path::PathBuf;

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Desired-state files or directories (read recursively, in sorted order).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to print the problems found.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

pub fn run(_args: Args) -> Exit {
    super::exit::not_built("validate", 2)
}
