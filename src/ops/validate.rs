//! `validate`: load the desired state and report every problem, without the network.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::desired::{self, Diagnostic};
use crate::model::Desired;

/// How the problems are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `FILE:LINE:COL: message` lines, with `help:` lines.
    Text,
    /// A JSON array of `{file, line, column, message, path}`.
    Json,
    /// GitHub Actions `::error` annotations.
    Github,
}

/// What `validate` found, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub valid: bool,
    /// The report, for standard output.
    pub output: String,
}

/// Validates the files under `paths`. Warnings (allowed, most likely unmeant) go to
/// stderr, or are `::warning` annotations with `--format github`.
pub fn validate(paths: &[PathBuf], format: Format) -> Validation {
    let loaded = desired::load_reporting(paths);
    let warnings = match format {
        Format::Github => desired::render_github_warnings(&loaded.warnings),
        Format::Text | Format::Json => {
            eprint!("{}", desired::render_warnings(&loaded.warnings));
            String::new()
        }
    };
    let mut validation = match loaded.desired {
        Ok(desired) => Validation {
            valid: true,
            output: match format {
                Format::Text => summary(&desired),
                Format::Json => "[]\n".into(),
                Format::Github => String::new(),
            },
        },
        Err(problems) => Validation {
            valid: false,
            output: render(&problems, format),
        },
    };
    validation.output.insert_str(0, &warnings);
    validation
}

fn render(problems: &[Diagnostic], format: Format) -> String {
    match format {
        Format::Text => {
            let files: BTreeSet<_> = problems.iter().map(|p| &p.file).collect();
            format!(
                "{}{} in {}\n",
                desired::render_text(problems),
                plural(problems.len(), "problem"),
                plural(files.len(), "file")
            )
        }
        Format::Json => desired::render_json(problems),
        Format::Github => desired::render_github(problems),
    }
}

fn summary(desired: &Desired) -> String {
    let files: BTreeSet<_> = desired
        .customers
        .iter()
        .map(|c| &c.origin.file)
        .chain(desired.scopes.iter().map(|s| &s.origin.file))
        .collect();
    format!(
        "valid: {}, {}, {}\n",
        plural(desired.customers.len(), "customer"),
        plural(desired.scopes.len(), "scope"),
        plural(files.len(), "file")
    )
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
