//! `apply PATHS [--yes]` / `apply --plan FILE [--yes]`

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::Exit;
use super::common::{emit, fail, load_desired, stdout_color, stop_signal, with_target};
use super::connection::Connection;
use crate::apply::{ApplyOptions, find_stale, read_touched};
use crate::ops::apply::apply_plan;
use crate::ops::connect::Target;
use crate::ops::plan::make_plan;
use crate::ops::preflight;
use crate::plan::{Plan, Refusal, safety};
use crate::render;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  voss-customers apply customers/ --yes\n  voss-customers plan customers/ --out plan.json && voss-customers apply --plan plan.json"
)]
pub struct Args {
    /// Desired-state files or directories (a fresh plan is made from them).
    #[arg(required_unless_present = "plan", conflicts_with = "plan")]
    pub paths: Vec<PathBuf>,
    /// Carry out exactly this saved plan (from `plan --out FILE`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub connection: Connection,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Refuse a plan that deletes more customers than this.
    #[arg(long, default_value_t = 5)]
    pub max_deletes: usize,
    /// How many customers are changed at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Try a change that failed transiently (503, 429, no answer, a failed transaction,
    /// an unknown outcome) up to this many more times in this run, reading the customer
    /// again before each retry; 0 tries each change once.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
}

pub fn run(args: Args) -> Exit {
    let source = match &args.plan {
        Some(path) => match read_plan(path) {
            Ok(plan) => Source::Saved(plan),
            Err(message) => return fail(message),
        },
        None => match load_desired(&args.paths) {
            Ok(desired) => Source::Fresh(desired),
            Err(exit) => return exit,
        },
    };
    with_target(&args.connection, async |target| {
        let plan = match prepare(target, source, args.max_deletes).await {
            Ok(plan) => plan,
            Err(exit) => return exit,
        };
        emit(&render::text(&plan, stdout_color()));
        if plan.is_empty() {
            return Exit::Ok;
        }
        // Nothing to confirm nor send: the plan's closing line said what unblocks them.
        if plan.only_blocked() {
            eprintln!(
                "error: nothing was applied: only blocked changes are left ({}); see the \
                 reasons above",
                plan.summary.blocked
            );
            return Exit::Error;
        }
        // Every local admin's password is there before anyone is asked to confirm.
        if let Err(missing) = crate::apply::Secrets::from_env(&plan) {
            return fail(missing);
        }
        // Nobody confirms a plan they could not see; with --yes it was approved already.
        if !args.yes && super::common::output_failed() {
            eprintln!("error: the plan could not be shown; nothing was changed");
            return Exit::Error;
        }
        if !args.yes && !confirmed() {
            return Exit::Error;
        }
        let cancel = CancellationToken::new();
        let watcher = cancel_on_signal(
            &cancel,
            Some("stopping: no new change will start; waiting for those in flight"),
        );
        let report = apply_plan(
            &target.client,
            &plan,
            ApplyOptions {
                concurrency: usize::from(args.concurrency),
                retries: args.retries,
            },
            &cancel,
        )
        .await;
        watcher.abort();
        match report {
            Err(missing) => fail(missing),
            Ok(report) => {
                emit(&render::apply_report_of(&report, &plan));
                if report.all_applied() && !plan.has_blocked() {
                    Exit::Ok
                } else {
                    Exit::Error
                }
            }
        }
    })
}

enum Source {
    Fresh(crate::model::Desired),
    Saved(Plan),
}

/// The plan to apply, after the safety rules; a refusal is printed and exits 3.
async fn prepare(target: &Target, source: Source, max_deletes: usize) -> Result<Plan, Exit> {
    match source {
        Source::Fresh(desired) => {
            checked(preflight::for_desired(&target.client, &desired).await)?;
            let (mut plan, live) = make_plan(&target.client, &desired).await.map_err(fail)?;
            plan.simulator = target.is_sim();
            safety::check(&plan, &live, max_deletes).map_err(refuse)?;
            Ok(plan)
        }
        Source::Saved(plan) => {
            // The in-process simulator has a new address every run.
            if !target.is_sim() {
                safety::check_server(&plan, target.client.target()).map_err(refuse)?;
            }
            checked(preflight::for_plan(&target.client, &plan).await)?;
            // The same safety rules as a fresh plan, then the stale check, over one read.
            let live = read_touched(&target.client, &plan).await.map_err(fail)?;
            safety::check(&plan, &live, max_deletes).map_err(refuse)?;
            let stale = find_stale(&target.client, &plan, &live)
                .await
                .map_err(fail)?;
            safety::check_stale(stale).map_err(refuse)?;
            // Refusals written by `plan` were judged with its --max-deletes; this apply
            // judged the plan again above.
            Ok(Plan {
                refusals: Vec::new(),
                ..plan
            })
        }
    }
}

/// Prints the preflight's warning, if any; a refusal stops the run (exit 1) before any
/// write.
fn checked(result: Result<preflight::Checked, preflight::PreflightError>) -> Result<(), Exit> {
    let checked = result.map_err(super::common::fail_lines)?;
    if let Some(warning) = checked.warning() {
        eprintln!("{}", super::common::lines_escaped(&warning.to_string()));
    }
    Ok(())
}

/// Cancels `cancel` on Ctrl-C or SIGTERM, first printing `note` (if any) on stderr: the
/// one way `apply` and `reconcile` are stopped. Abort the task when the work is done.
pub(super) fn cancel_on_signal(
    cancel: &CancellationToken,
    note: Option<&'static str>,
) -> tokio::task::JoinHandle<()> {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = stop_signal() => {
                if let Some(note) = note {
                    eprintln!("{}", crate::render::escape(note));
                }
                cancel.cancel();
            }
            () = cancel.cancelled() => {}
        }
    })
}

/// Prints a refusal; exit 3.
fn refuse(refusal: Refusal) -> Exit {
    eprintln!("refused: {}", crate::render::escape(&refusal.to_string()));
    Exit::Refused
}

/// Reads a saved plan, refusing other formats with a clear sentence.
fn read_plan(path: &Path) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the plan {}: {e}", path.display()))?;
    crate::ops::apply::read_saved_plan(&path.display().to_string(), &text)
}

/// Asks on the terminal; with no terminal, refuses (CI must pass --yes).
fn confirmed() -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: no terminal to confirm on: pass --yes to apply without confirmation; nothing was changed"
        );
        return false;
    }
    eprint!("Apply these changes? Only 'yes' is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let ok = std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == "yes";
    if !ok {
        eprintln!("Apply cancelled; nothing was changed.");
    }
    ok
}
