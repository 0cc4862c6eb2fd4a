//! `doctor`: read-only checks of a server against the API profile, in the order a run needs
//! them (TLS, login, hierarchy, routes, add schema, release); `render::doctor` prints them.

use std::collections::BTreeSet;

pub use crate::model::check::{Check, Status};
use crate::model::{Field, HierarchyNode};
use crate::voss::add_schema::{self, AddForm, Finding, Properties};

/// The add form as read once for the schema and release checks.
type Form = Result<Option<AddForm>, ApiError>;
use crate::voss::profile::release_number;
use crate::voss::{ApiError, Client};
use Status::{Fail, Ok as Pass, Warn};

/// A check; an empty `help` is left out.
fn check(name: impl Into<String>, status: Status, detail: String, help: &str) -> Check {
    let help = (!help.is_empty()).then(|| help.to_owned());
    let name = name.into();
    Check {
        name,
        status,
        detail,
        help,
        fix: None,
    }
}

type Probe = Result<Option<HierarchyNode>, ApiError>;

const CA_HELP: &str = "VOSS Automate usually runs with a self-signed certificate: give the CA \
    that signed it with --ca-cert FILE (or VOSS_CA_CERT); --insecure skips the check, on test \
    systems only";
const HELP_401: &str = "401 means the login is wrong: the email is case-sensitive (--username \
    or VOSS_USERNAME, exactly as the admin was created), and the password comes only from \
    VOSS_PASSWORD (check that it is exported and current)";
const HELP_403: &str = "403 means the login is right but the admin's hierarchy does not \
    include this one: pass --hierarchy with the admin's own node or one below it, or use an \
    admin higher up, such as a provider admin";
const HELP_404: &str = "give the dotted path from sys, e.g. sys.hcs.CS-P.CS-R1 (the admin's \
    own node is a good start); if it is right, the route `hierarchy_node` may be wrong";
const HTTP_HELP: &str = "the password crosses the network in clear: use the https:// URL";
const INSECURE_HELP: &str = "use --ca-cert FILE instead outside of test systems";
const RELEASE_HELP: &str = "the release decides how a local admin is asked for: if the server \
    runs another one than the profile, pass --voss-release X.Y";
/// Routes that cannot be listed, and how the tool uses them instead.
const NOT_LISTED: [(&str, &str); 2] = [
    ("transaction", "read by id while apply follows a write"),
    ("dn_audit", "a POST sent by apply; doctor never writes"),
];

/// Every check at `hierarchy`, in order. A failed connection, login or hierarchy ends the
/// list: nothing after it can be checked.
pub async fn run(client: &Client, hierarchy: &str) -> Vec<Check> {
    let probe = client.hierarchy_node(hierarchy).await;
    let mut checks = vec![tls(client, &probe), login(client, hierarchy, &probe)];
    checks.push(node(hierarchy, probe).await);
    if let Some(at) = checks.iter().position(|c| c.status == Fail) {
        checks.truncate(at + 1);
        return checks;
    }
    for (name, route) in client.profile().routes.all() {
        checks.push(route_check(client, hierarchy, name, route).await);
    }
    // One read of the add form serves the field names and the release.
    let form = client.add_form(hierarchy).await;
    checks.extend(schema(client, hierarchy, &form));
    checks.push(release(client, &form));
    checks
}

fn tls(client: &Client, probe: &Probe) -> Check {
    let (settings, url) = (client.settings(), client.target());
    let ca = settings.ca_cert.as_ref();
    let ca = ca
        .map(|f| format!(" (CA: {})", f.display()))
        .unwrap_or_default();
    let host = reqwest::Url::parse(url).ok();
    let host = host.as_ref().and_then(|u| u.host_str()).unwrap_or_default();
    let local = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    let https = url.to_ascii_lowercase().starts_with("https:");
    let (status, detail, help) = match probe {
        Err(ApiError::Tls { detail, .. }) => {
            let detail = format!("the TLS handshake with {url} failed ({detail}){ca}");
            (Fail, detail, CA_HELP)
        }
        Err(e @ (ApiError::Connect { .. } | ApiError::Timeout { .. })) => (Fail, e.to_string(), ""),
        _ if !https => {
            let (status, help) = if local { (Pass, "") } else { (Warn, HTTP_HELP) };
            let detail = format!("{url} is plain HTTP: no TLS to check");
            (status, detail, help)
        }
        _ if settings.insecure => {
            let detail = format!("the certificate of {url} is NOT checked (--insecure)");
            (Warn, detail, INSECURE_HELP)
        }
        _ => (Pass, format!("the certificate of {url} is trusted{ca}"), ""),
    };
    check("TLS and trust", status, detail, help)
}

fn login(client: &Client, hierarchy: &str, probe: &Probe) -> Check {
    let user = &client.settings().username;
    let (status, detail, help) = match probe {
        Err(ApiError::Unauthorized { .. }) => {
            let detail = format!("VOSS Automate refused the credentials of {user} (HTTP 401)");
            (Fail, detail, HELP_401)
        }
        Err(ApiError::Forbidden { .. }) => {
            let detail = format!("{user} logged in, but may not read {hierarchy} (HTTP 403)");
            (Fail, detail, HELP_403)
        }
        _ => (Pass, format!("{user} logged in"), ""),
    };
    check("authentication", status, detail, help)
}

async fn node(hierarchy: &str, probe: Probe) -> Check {
    let name = format!("hierarchy {hierarchy}");
    match probe {
        Ok(Some(_)) => check(name, Pass, "exists".to_owned(), ""),
        Ok(None) => {
            let detail = format!(
                "{hierarchy} does not exist on VOSS Automate, or this admin may not see it (HTTP 404)"
            );
            check(name, Fail, detail, HELP_404)
        }
        Err(error) => check(name, Fail, error.to_string(), ""),
    }
}

async fn route_check(client: &Client, hierarchy: &str, name: &str, route: &str) -> Check {
    let label = format!("route {name}");
    if let Some((_, how)) = NOT_LISTED.iter().find(|(n, _)| *n == name) {
        let detail = format!("`{route}` is not listable: not checked here ({how})");
        return check(label, Pass, detail, "");
    }
    match client.count(route, hierarchy).await {
        Ok(n) => check(label, Pass, format!("`{route}` lists ({n} found)"), ""),
        Err(ApiError::NotFound { .. }) => {
            let detail = format!("`{route}` answered 404 at {hierarchy}: no such model");
            let help = format!(
                "the route is wrong: find the model's path on your server and put \
                 `routes: {{{name}: MODEL/PATH}}` in your --profile file"
            );
            check(label, Fail, detail, &help)
        }
        Err(error) => check(label, Fail, error.to_string(), ""),
    }
}

/// The add schema against the profile: a check per finding, the clone flag, the passwords.
fn schema(client: &Client, hierarchy: &str, form: &Form) -> Vec<Check> {
    const NAME: &str = "customer add schema";
    let props = match form {
        Ok(Some(AddForm {
            properties: Some(props),
            ..
        })) => props,
        answer => {
            let why = answer.as_ref().err().map(|e| e.to_string());
            let why = why.unwrap_or_else(|| "the server serves none".to_owned());
            let detail = format!("not read at {hierarchy} ({why}): field names not checked");
            let help = "compare the profile's `fields:` with the server's model by hand";
            return vec![check(NAME, Warn, detail, help)];
        }
    };
    let fields: BTreeSet<Field> = Field::managed().chain([Field::Name]).collect();
    let findings = add_schema::check(client.profile(), props, &fields, true);
    let mut checks: Vec<Check> = findings.iter().map(finding).collect();
    let passwords = add_schema::password_properties(props);
    if checks.is_empty() {
        let detail = format!("the {} fields and the local admin are known", fields.len());
        checks.push(check(NAME, Pass, detail, ""));
    }
    if !passwords.is_empty() {
        let detail = format!("{} (values never printed)", passwords.join(", "));
        checks.push(check("password properties", Pass, detail, ""));
    }
    checks.extend(clone_flag(client, props));
    checks
}

fn finding(finding: &Finding) -> Check {
    let status = if finding.stops_writes() { Fail } else { Warn };
    let mut found = check("customer add schema", status, finding.to_string(), "");
    found.fix = finding.fix();
    found
}

/// The clone flag (24.2 on) and the profile's release agree with the add schema.
fn clone_flag(client: &Client, props: &Properties) -> Option<Check> {
    let profile = client.profile();
    let (flag, release) = (&profile.local_admin.clone_flag, &profile.release);
    let asks = profile.asks_to_clone_role();
    let detail = match (asks, props.contains_key(flag)) {
        (true, false) => format!("release {release} sends `{flag}`, which the server lacks"),
        (false, true) => format!(
            "the server has `{flag}` (roles are cloned only when asked), but release {release} \
             does not send it"
        ),
        _ => return None,
    };
    let help = format!("{RELEASE_HELP}, or set `local_admin: {{clone_flag: NAME}}` in --profile");
    let status = if asks { Fail } else { Warn };
    Some(check("local admin role cloning", status, detail, &help))
}

/// The add form's `meta.api_version` ([seen] "11.5.1"), by MAJOR.MINOR against the profile.
fn release(client: &Client, form: &Form) -> Check {
    let assumed = &client.profile().release;
    let version = match form {
        Ok(Some(AddForm {
            release: Some(version),
            ..
        })) => version,
        _ => {
            let detail = format!("not readable; the profile assumes {assumed}");
            return check("release", Warn, detail, RELEASE_HELP);
        }
    };
    let major_minor = version.split('.').take(2).collect::<Vec<_>>().join(".");
    let number = release_number(&major_minor);
    let detail = format!("the server is {version}, the profile assumes {assumed}");
    if number.is_some() && number == release_number(assumed) {
        return check("release", Pass, detail, "");
    }
    let mut found = check("release", Warn, detail, RELEASE_HELP);
    found.fix = number.map(|_| format!("release: \"{major_minor}\""));
    found
}
