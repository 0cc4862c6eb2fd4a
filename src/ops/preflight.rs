//! The check before the first write (and before a plan diffs): the customer fields a run is
//! about to use, and the local admin's names when it creates one, against the server's add
//! schema, once per run. A name the server does not have stops the run before anything is
//! sent, with `doctor`'s sentence and the profile line that fixes it: nothing is ever half
//! written because a name was wrong.

use std::collections::BTreeSet;

use crate::model::{Desired, Field};
use crate::plan::{Action, Plan};
use crate::voss::add_schema::{self, Finding};
use crate::voss::{ApiError, Client};

/// Why a run stops before it writes.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    /// The server's add schema does not accept what the run would send.
    #[error("{}", refusal(.hierarchy, .findings))]
    Refused {
        hierarchy: String,
        findings: Vec<Finding>,
    },
    /// The add schema could not be read (not a 404: that is a warning).
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// What was checked, when nothing stops the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Every name was found.
    Ok,
    /// There was nothing to check.
    Nothing,
    /// The server serves no add schema at the hierarchy: names were not checked (a warning
    /// for stderr).
    NotServed { hierarchy: String },
}

/// The fields a desired state writes (name included), and whether a create may ask for a
/// local admin; checked at the first declared hierarchy.
pub async fn for_desired(client: &Client, desired: &Desired) -> Result<Checked, PreflightError> {
    let mut fields: BTreeSet<Field> = BTreeSet::new();
    let mut local_admin = false;
    for c in desired.customers.iter().map(|d| &d.customer) {
        if !c.state.is_present() {
            continue;
        }
        fields.insert(Field::Name);
        fields.extend(Field::managed().filter(|f| f.written(c).is_some()));
        local_admin |= c.local_admin.is_some();
    }
    let hierarchy = desired
        .customers
        .first()
        .map(|d| d.customer.hierarchy.clone());
    run(client, hierarchy, &fields, local_admin).await
}

/// The fields a plan's changes write, and the local admin of its creates; checked at the
/// first change's hierarchy. Blocked changes are left out (they are not applied).
pub async fn for_plan(client: &Client, plan: &Plan) -> Result<Checked, PreflightError> {
    let changes: Vec<_> = plan.changes.iter().filter(|c| !c.is_blocked()).collect();
    let mut fields: BTreeSet<Field> = changes
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| f.field))
        .filter(|f| !f.is_local_admin())
        .collect();
    if changes
        .iter()
        .any(|c| matches!(c.action, Action::Create | Action::Migrate | Action::Rename))
    {
        fields.insert(Field::Name);
    }
    let local_admin = changes.iter().any(|c| {
        matches!(c.action, Action::Create | Action::Migrate)
            && c.fields.iter().any(|f| f.field.is_local_admin())
    });
    let hierarchy = changes.first().map(|c| c.hierarchy.clone());
    run(client, hierarchy, &fields, local_admin).await
}

async fn run(
    client: &Client,
    hierarchy: Option<String>,
    fields: &BTreeSet<Field>,
    local_admin: bool,
) -> Result<Checked, PreflightError> {
    let Some(hierarchy) = hierarchy.filter(|_| !fields.is_empty() || local_admin) else {
        return Ok(Checked::Nothing);
    };
    let Some(properties) = client.add_schema(&hierarchy).await? else {
        return Ok(Checked::NotServed { hierarchy });
    };
    let findings: Vec<Finding> =
        add_schema::check(client.profile(), &properties, fields, local_admin)
            .into_iter()
            .filter(Finding::stops_writes)
            .collect();
    if findings.is_empty() {
        Ok(Checked::Ok)
    } else {
        Err(PreflightError::Refused {
            hierarchy,
            findings,
        })
    }
}

impl Checked {
    /// The warning to print, when names could not be checked.
    pub fn warning(&self) -> Option<String> {
        match self {
            Checked::NotServed { hierarchy } => Some(format!(
                "warning: the server serves no add schema for the customer model at \
                 {hierarchy}: the profile's field names were not checked (run \
                 `voss-customers doctor`)"
            )),
            Checked::Ok | Checked::Nothing => None,
        }
    }
}

fn refusal(hierarchy: &str, findings: &[Finding]) -> String {
    let mut out = format!(
        "nothing was written: the server's customer model (its add schema at {hierarchy}) \
         does not accept what this run would send:"
    );
    for finding in findings {
        out.push_str(&format!("\n  - {finding}"));
    }
    let fixes: Vec<String> = findings.iter().filter_map(Finding::fix).collect();
    if !fixes.is_empty() {
        out.push_str("\nPut these lines in your --profile file:\nfields:");
        for fix in fixes {
            if let Some(line) = fix.lines().nth(1) {
                out.push('\n');
                out.push_str(line);
            }
        }
    }
    out
}
