//! `drift PATHS [--format text|markdown|json]`

use std::path::PathBuf;

use super::Exit;
use super::common::{emit, fail, load_desired, stdout_color, with_target};
use super::connection::Connection;
use super::plan::PlanFormat;
use crate::{plan, render};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example (a nightly job; exit 2 means drift):\n  voss-customers drift customers/ --format markdown"
)]
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

pub fn run(args: Args) -> Exit {
    let desired = match load_desired(&args.paths) {
        Ok(desired) => desired,
        Err(exit) => return exit,
    };
    with_target(&args.connection, async |target| {
        match crate::ops::preflight::for_desired(&target.client, &desired).await {
            Ok(checked) => {
                if let Some(warning) = checked.warning() {
                    eprintln!("{}", super::common::lines_escaped(&warning.to_string()));
                }
            }
            Err(error) => return super::common::fail_lines(error),
        }
        let live = match crate::ops::plan::read_live(&target.client, &desired).await {
            Ok(live) => live,
            Err(error) => return fail(error),
        };
        let drift = plan::drift(&desired, &live);
        emit(&match args.format {
            PlanFormat::Text => render::drift_text(&drift, stdout_color()),
            PlanFormat::Markdown => render::drift_markdown(&drift),
            PlanFormat::Json => render::drift_json(&drift),
        });
        if drift.is_empty() {
            Exit::Ok
        } else {
            Exit::Changes
        }
    })
}
