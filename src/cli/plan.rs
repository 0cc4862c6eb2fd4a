//! `plan PATHS [--out FILE] [--format text|markdown|json] [--detailed-exitcode]`

use std::path::PathBuf;

use super::Exit;
use super::common::{emit, fail, load_desired, stdout_color, with_target};
use super::connection::Connection;
use crate::ops::plan::{ChangedSince, make_plan_since};
use crate::ops::preflight;
use crate::ops::revision::{BaseError, load_at_revision};
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
        Ok(desired) => desired,
        Err(exit) => return exit,
    };
    let since = match &args.changed_since {
        Some(rev) => match changed_since(rev, &args.paths, &desired) {
            Ok(since) => Some(since),
            Err(exit) => return exit,
        },
        None => None,
    };
    with_target(&args.connection, async |target| {
        match preflight::for_desired(&target.client, &desired).await {
            Ok(checked) => {
                if let Some(warning) = checked.warning() {
                    eprintln!("{}", super::common::lines_escaped(&warning.to_string()));
                }
            }
            Err(error) => return super::common::fail_lines(error),
        }
        let (mut plan, live) = match make_plan_since(&target.client, &desired, since.as_ref()).await
        {
            Ok(made) => made,
            Err(error) => return fail(error),
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

/// The customers whose declaration changed between `rev` and the working tree's
/// `desired` (the `diff --base` engine); a git or validation problem is printed.
fn changed_since(
    rev: &str,
    paths: &[PathBuf],
    desired: &crate::model::Desired,
) -> Result<ChangedSince, Exit> {
    let old = match load_at_revision(rev, paths) {
        Ok(old) => old,
        Err(BaseError::Git(message)) => return Err(fail(message)),
        Err(BaseError::Invalid(problems)) => {
            eprint!("{}", crate::desired::render_text(&problems));
            return Err(fail(format!(
                "the files at revision `{rev}` are not valid, so --changed-since cannot compare with them"
            )));
        }
    };
    let diff = crate::plan::desired_diff(&old, desired);
    Ok(ChangedSince {
        rev: rev.to_owned(),
        changed: crate::plan::changed_keys(&diff),
    })
}
