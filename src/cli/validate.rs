//! `validate PATHS [--format text|json|github|sarif]`

use std::io::IsTerminal;
use std::path::PathBuf;

use super::Exit;
use crate::ops::validate;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  voss-customers validate examples/customers\n  voss-customers validate customers/ --format github   # annotations in GitHub Actions\n  voss-customers validate customers/ --format sarif > validate.sarif   # GitHub code scanning"
)]
pub struct Args {
    /// Desired-state files or directories (read recursively, in sorted order).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to print the problems found: text like rustc's (colours on a terminal unless
    /// NO_COLOR is set), a JSON array, GitHub Actions annotations, or SARIF 2.1.0.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
}

pub fn run(args: Args) -> Exit {
    let format = match args.format {
        Format::Text => validate::Format::Text,
        Format::Json => validate::Format::Json,
        Format::Github => validate::Format::Github,
        Format::Sarif => validate::Format::Sarif,
    };
    let colors = validate::Colors {
        stdout: super::common::stdout_color(),
        stderr: crate::render::color_wanted(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        ),
    };
    // The process ends right after printing: the model is left to the OS, not freed.
    let validation = validate::validate_at_exit(&args.paths, format, colors);
    eprint!("{}", validation.warnings);
    super::common::emit(&validation.output);
    if validation.valid {
        Exit::Ok
    } else {
        Exit::Error
    }
}
