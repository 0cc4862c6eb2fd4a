//! `diff --base REV PATHS [--format text|markdown|json]`

use std::path::PathBuf;

use super::Exit;
use super::common::{emit, fail, load_desired};
use super::plan::PlanFormat;
use crate::desired;
use crate::ops::revision::{BaseError, load_at_revision};
use crate::plan::desired_diff;
use crate::render::desired_diff as desired_diff_render;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  voss-customers diff --base origin/main customers/")]
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

/// Exit 0: no difference; 2: differences; 1: an error.
pub fn run(args: Args) -> Exit {
    let new = match load_desired(&args.paths) {
        Ok(desired) => desired,
        Err(exit) => return exit,
    };
    let old = match load_at_revision(&args.base, &args.paths) {
        Ok(desired) => desired,
        Err(BaseError::Git(message)) => return fail(message),
        Err(BaseError::Invalid(problems)) => {
            eprint!("{}", desired::render_text(&problems));
            return fail(format!(
                "the files at revision `{}` are not valid, so they cannot be compared",
                args.base
            ));
        }
    };
    let diff = desired_diff(&old, &new);
    emit(&match args.format {
        PlanFormat::Text => desired_diff_render::text(&diff, &args.base),
        PlanFormat::Markdown => desired_diff_render::markdown(&diff, &args.base),
        PlanFormat::Json => desired_diff_render::json(&diff, &args.base),
    });
    if diff.is_empty() {
        Exit::Ok
    } else {
        Exit::Changes
    }
}
