//! `adopt PATHS [--customer NAME...] [--hierarchy H...] [--dry-run] [--into FILE]
//! [--remove-missing] [--format text|markdown]`

use std::path::PathBuf;

use super::Exit;
use super::common::{
    emit, fail, fail_lines, invalid_files, lines_escaped, stdout_color, with_target,
};
use super::connection::Connection;
use crate::adopt::{self, Options};
use crate::desired;
use crate::ops::{self, adopt as op};
use crate::render;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    voss-customers adopt customers/ --dry-run --sim examples/sim-seed.yaml\n  \
    voss-customers adopt customers/ --format markdown > pr-body.md   # then open a pull request\n\n\
    Exit codes: 0 done (or nothing to adopt); 2 with --dry-run: files would change; 1 error, \
    or drift found that was not adopted (the rest is adopted; with --dry-run, would be).")]
pub struct Args {
    /// Desired-state files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only this customer (by name; repeat for more).
    #[arg(long = "customer", value_name = "NAME")]
    pub customers: Vec<String>,
    /// Only customers at this hierarchy (repeat for more).
    #[arg(long = "hierarchy", value_name = "H")]
    pub hierarchies: Vec<String>,
    /// Print what would change (a unified diff per file) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Append undeclared live customers to FILE (one of the files read, or a new *.yaml
    /// in a directory given) instead of the file declaring their scope.
    #[arg(long, value_name = "FILE")]
    pub into: Option<PathBuf>,
    /// Remove the items of declared customers that are gone live (otherwise only reported).
    #[arg(long)]
    pub remove_missing: bool,
    /// How to print what was adopted (markdown: a pull-request description).
    #[arg(long, value_enum, default_value_t = AdoptFormat::Text)]
    pub format: AdoptFormat,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AdoptFormat {
    Text,
    Markdown,
}

pub fn run(args: Args) -> Exit {
    let texts = match op::read_texts(&args.paths) {
        Ok(texts) => texts,
        Err(problems) => {
            eprint!("{}", desired::render_text(&problems));
            return Exit::Error;
        }
    };
    // The files are read once: the desired state is loaded from the very texts adopt
    // edits.
    let loaded = desired::load_texts(&texts);
    eprint!("{}", desired::render_warnings(&loaded.warnings));
    let desired = match loaded.desired {
        Ok(desired) => desired,
        Err(problems) => return invalid_files(&problems),
    };
    let into = match &args.into {
        Some(into) => match op::resolve_into(into, &args.paths, &texts) {
            Ok(into) => Some(into),
            Err(message) => return fail(message),
        },
        None => None,
    };
    let options = Options {
        customers: args.customers.clone(),
        hierarchies: args.hierarchies.clone(),
        remove_missing: args.remove_missing,
        into,
    };
    with_target(&args.connection, async |target| {
        match ops::preflight::for_desired(&target.client, &desired).await {
            Ok(checked) => {
                if let Some(warning) = checked.warning() {
                    eprintln!("{}", lines_escaped(&warning.to_string()));
                }
            }
            Err(error) => return fail_lines(error),
        }
        let live = match op::read_live(&target.client, &desired).await {
            Ok(live) => live,
            Err(error) => return fail(error),
        };
        let adoption = match adopt::adopt(&texts, &desired, &live, &options) {
            Ok(adoption) => adoption,
            Err(error) => return fail(error),
        };
        if let Err(problems) = op::validate_result(&texts, &adoption) {
            // The excerpts show the files as adopt would write them, not as they are.
            let mut sources = desired::render::Sources::new();
            for file in &adoption.files {
                sources.insert(&file.path, file.after.clone());
            }
            eprint!(
                "{}",
                desired::render::render_text(
                    &problems,
                    desired::render::Severity::Error,
                    false,
                    &mut sources
                )
            );
            return fail(
                "the files would not be valid with the live values (above); nothing was written: \
                 fix the live values, or adopt the other customers with --customer",
            );
        }
        if !args.dry_run
            && let Err(error) = op::write(&adoption)
        {
            return fail(error);
        }
        emit(&match args.format {
            AdoptFormat::Text => render::adopt_text(&adoption, args.dry_run, stdout_color()),
            AdoptFormat::Markdown => render::adopt_markdown(&adoption, args.dry_run),
        });
        if !adoption.not_adopted.is_empty() {
            // Something needs a human: listed above; the rest is adopted (or, with
            // --dry-run, would be).
            eprintln!(
                "error: {} finding(s) not adopted (listed as `not adopted`): edit them by hand, \
                 or put them back with `apply`",
                adoption.not_adopted.len()
            );
            Exit::Error
        } else if args.dry_run && !adoption.is_empty() {
            Exit::Changes
        } else {
            Exit::Ok
        }
    })
}
