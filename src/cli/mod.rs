//! The command layer: clap parsing and exit codes, in one place. Each command's file holds
//! its arguments and a `run` that calls into [`crate::ops`].

mod adopt;
mod apply;
mod common;
mod completions;
mod connection;
mod diff;
mod doctor;
mod drift;
mod exit;
mod import;
mod plan;
mod profile;
mod reconcile;
mod schema;
mod sim;
mod validate;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use connection::Connection;
pub use exit::Exit;

/// Manage the customers of a VOSS Automate system the GitOps way.
#[derive(Debug, Parser)]
#[command(name = "voss-customers", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check desired-state files against the schema and the rules; no network.
    Validate(validate::Args),
    /// Print the JSON Schema of desired-state files (draft 2020-12).
    Schema(schema::Args),
    /// Show what would change on the live system.
    Plan(plan::Args),
    /// Carry out a fresh or a saved plan.
    Apply(apply::Args),
    /// Report what changed live, outside the files.
    Drift(drift::Args),
    /// Write live drift back into the files, changing only the drifted values' bytes.
    Adopt(adopt::Args),
    /// Write the live customers under a hierarchy as a desired-state file.
    Import(import::Args),
    /// The declared customers' changes since a git revision; no network.
    Diff(diff::Args),
    /// Plan and apply in a loop (controller mode).
    Reconcile(reconcile::Args),
    /// Check a server against the API profile (TLS, login, hierarchy, routes, field names,
    /// release); read-only.
    Doctor(doctor::Args),
    /// Print the effective API profile (routes, JSON names, write rules) as YAML.
    Profile(profile::Args),
    /// Run the local VOSS Automate simulator.
    Sim(sim::Args),
    /// Print shell completions.
    Completions(completions::Args),
}

/// The clap command, for completions and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the arguments, runs the command and maps the outcome to the exit code.
pub fn main() -> ExitCode {
    // Usage errors exit 1 as the contract says (clap's own default is 2, which here means
    // "changes pending"); --help and --version exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help or --version that cannot be written fails like any other output.
            return if error.print().is_err() || error.use_stderr() {
                Exit::Error.into()
            } else {
                Exit::Ok.into()
            };
        }
    };
    let exit = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Drift(args) => drift::run(args),
        Command::Adopt(args) => adopt::run(args),
        Command::Import(args) => import::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Reconcile(args) => reconcile::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Profile(args) => profile::run(args),
        Command::Sim(args) => sim::run(args),
        Command::Completions(args) => completions::run(args),
    };
    common::after_output(exit).into()
}
