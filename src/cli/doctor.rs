//! `doctor [--hierarchy H] [--format text|json]`: read-only checks of the server against
//! the API profile; exit 0 when plan and apply would work, 1 otherwise.

use super::Exit;
use super::common::{emit, fail, with_target};
use super::connection::Connection;
use crate::ops::doctor;
use crate::render::doctor::{doctor_json, doctor_text, passed};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Checks, in order: TLS and trust, authentication (401 vs 403), the hierarchy, \
every route of the profile (a list with limit=1), the customer model's add schema against \
the profile's field names, the server's release. Nothing is written. Exit 0 when no check \
failed (warnings allowed), 1 otherwise.\n\nExamples:\n  voss-customers doctor --url https://voss.example.com --hierarchy sys.hcs.CS-P\n  voss-customers doctor --sim examples/sim-seed.yaml --format json"
)]
pub struct Args {
    /// The hierarchy node to check at: the admin's own node or one below it (e.g.
    /// sys.hcs.CS-P). Required against a server; with --sim the default is the hierarchy
    /// of the seed admin who logs in.
    #[arg(long, value_name = "H")]
    pub hierarchy: Option<String>,
    /// How to print the checks.
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> Exit {
    let hierarchy = match hierarchy(&args) {
        Ok(hierarchy) => hierarchy,
        Err(message) => return fail(message),
    };
    with_target(&args.connection, async |target| {
        let checks = doctor::run(&target.client, &hierarchy).await;
        emit(&match args.format {
            DoctorFormat::Text => doctor_text(&checks),
            DoctorFormat::Json => doctor_json(&checks),
        });
        if passed(&checks) {
            Exit::Ok
        } else {
            Exit::Error
        }
    })
}

/// `--hierarchy`, or with `--sim` the hierarchy of the seed admin who logs in (the one of
/// `--username`, else the highest: fewest levels, then email, as the simulator picks).
fn hierarchy(args: &Args) -> Result<String, String> {
    if let Some(hierarchy) = args.hierarchy.as_deref().filter(|h| !h.is_empty()) {
        return Ok(hierarchy.to_owned());
    }
    let Some(seed) = &args.connection.sim else {
        return Err(
            "no --hierarchy given: pass the node the admin manages (or one below it), e.g. --hierarchy sys.hcs.CS-P"
                .to_owned(),
        );
    };
    let text = std::fs::read_to_string(seed)
        .map_err(|e| format!("cannot read the seed {}: {e}", seed.display()))?;
    let parsed = crate::yaml::parse(&text).ok().flatten();
    let admins = parsed
        .as_ref()
        .and_then(|p| p.value.get("admins"))
        .and_then(serde_json::Value::as_array);
    let text_of = |admin: &serde_json::Value, key: &str| {
        admin
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let mut candidates: Vec<(String, String)> = admins
        .into_iter()
        .flatten()
        .filter_map(|a| Some((text_of(a, "email")?, text_of(a, "hierarchy")?)))
        .filter(|(email, _)| args.connection.username.as_ref().is_none_or(|u| u == email))
        .collect();
    candidates.sort_by_key(|(email, path)| (path.split('.').count(), email.clone()));
    candidates
        .into_iter()
        .next()
        .map(|(_, path)| path)
        .ok_or_else(|| {
            format!(
                "no --hierarchy given and no admin to take it from in {}: pass --hierarchy H",
                seed.display()
            )
        })
}
