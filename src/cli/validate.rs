//! `validate PATHS [--format text|json|github]`

use std::path::PathBuf;

use super::Exit;
use crate::ops::validate;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  voss-customers validate examples/customers\n  voss-customers validate customers/ --format github   # annotations in GitHub Actions"
)]
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

pub fn run(args: Args) -> Exit {
    let format = match args.format {
        Format::Text => validate::Format::Text,
        Format::Json => validate::Format::Json,
        Format::Github => validate::Format::Github,
    };
    let validation = validate::validate(&args.paths, format);
    super::common::emit(&validation.output);
    if validation.valid {
        Exit::Ok
    } else {
        Exit::Error
    }
}
