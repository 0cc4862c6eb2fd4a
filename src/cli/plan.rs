//! `plan PATHS [--out FILE] [--format text|markdown|json] [--detailed-exitcode]`

use std::path::PathBuf;

use super::Exit;
use super::common::{emit, fail, load_desired, stdout_color, with_target};
use super::connection::Connection;
use crate::ops::plan::{ChangedSince, OverlappedError, make_plan_overlapped};
use crate::ops::preflight;
use crate::ops::revision::{BaseError, RevisionFiles, fetch_revision};
use crate::plan::{Plan, safety};
use crate::render;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  voss-customers plan examples/customers --sim examples/sim-seed.yaml"
)]
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
    /// The deletion limit apply is run with: a plan that deletes more is shown as refused
    /// (exit 3), as apply would refuse it.
    #[arg(long, default_value_t = 5)]
    pub max_deletes: usize,
    /// For a pull request: read customer instances only for the customers whose
    /// declaration changed since git revision REV (as `diff --base REV` finds them); lists
    /// are read as always. The plan says it is partial and names the customers it did not
    /// read. `apply` and `drift` always read everything.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Markdown,
    Json,
}

/// The plan in `format`.
pub fn render_plan(plan: &Plan, format: PlanFormat) -> String {
    match format {
        PlanFormat::Text => render::text(plan, stdout_color()),
        PlanFormat::Markdown => render::markdown(plan),
        PlanFormat::Json => render::json(plan),
    }
}

pub fn run(args: Args) -> Exit {
    let desired = match load_desired(&args.paths) {
        Ok(desired) => std::sync::Arc::new(desired),
        Err(exit) => return exit,
    };
    // The revision and the paths are checked with git before the server is asked; the
    // revision's files are loaded and compared while the live system is read.
    let since = match &args.changed_since {
        Some(rev) => match fetch_revision(rev, &args.paths) {
            Ok(files) => {
                let rev = rev.clone();
                Some(move |desired: &crate::model::Desired| changed_since(&rev, files, desired))
            }
            Err(error) => return base_failed(rev, error),
        },
        None => None,
    };
    with_target(&args.connection, async |target| {
        // The preflight first, on its own: a refused login is then tried once, not once
        // per request waiting for it.
        match preflight::for_desired(&target.client, &desired).await {
            Ok(checked) => {
                if let Some(warning) = checked.warning() {
                    eprintln!("{}", super::common::lines_escaped(&warning.to_string()));
                }
            }
            Err(error) => return super::common::fail_lines(error),
        }
        let made =
            make_plan_overlapped(&target.client, std::sync::Arc::clone(&desired), since).await;
        let (mut plan, live) = match made {
            Ok(made) => made,
            Err(OverlappedError::Api(error)) => return fail(error),
            Err(OverlappedError::Since(exit)) => return exit,
        };
        plan.simulator = target.is_sim();
        // What apply would refuse is part of the plan, in every format (and the saved file).
        let plan = safety::with_refusals(plan, &live, args.max_deletes);
        emit(&render_plan(&plan, args.format));
        if let Some(out) = &args.out
            && let Err(error) = crate::fsio::write_atomically(out, render::json(&plan).as_bytes())
        {
            return fail(format!("the plan was not saved: {error}"));
        }
        for refusal in &plan.refusals {
            eprintln!(
                "error: apply will refuse this plan: {}",
                crate::render::escape(refusal)
            );
        }
        if plan.has_blocked() {
            eprintln!(
                "error: {} change(s) are blocked; see the reasons above",
                plan.summary.blocked
            );
        }
        if !plan.refusals.is_empty() {
            Exit::Refused
        } else if plan.has_blocked() {
            Exit::Error
        } else if args.detailed_exitcode && !plan.is_empty() {
            Exit::Changes
        } else {
            Exit::Ok
        }
    })
}

/// The customers whose declaration changed between `rev` (its `files`) and the working
/// tree's `desired` (the `diff --base` engine); a validation problem is printed.
fn changed_since(
    rev: &str,
    files: RevisionFiles,
    desired: &crate::model::Desired,
) -> Result<ChangedSince, Exit> {
    let old = match files.load() {
        Ok(old) => old,
        Err(error) => return Err(base_failed(rev, error)),
    };
    let diff = crate::plan::desired_diff(&old, desired);
    Ok(ChangedSince {
        rev: rev.to_owned(),
        changed: crate::plan::changed_keys(&diff),
    })
}

/// Prints why the files at `rev` cannot be compared with.
fn base_failed(rev: &str, error: BaseError) -> Exit {
    match error {
        BaseError::Git(message) => fail(message),
        BaseError::Invalid(problems) => {
            eprint!("{}", crate::desired::render_text(&problems));
            fail(format!(
                "the files at revision `{rev}` are not valid, so --changed-since cannot compare with them"
            ))
        }
    }
}
