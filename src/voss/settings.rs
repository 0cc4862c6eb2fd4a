//! How to reach VOSS Automate: the URL, the admin, TLS, timeouts and the bounds of retries
//! and transaction polling. Checked once, before any request.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::profile::{Profile, ProfileError, UpdateMethodName};
use super::retry::{PollPolicy, RetryPolicy};
use super::secret::Secret;

/// The environment variable that holds the admin's password (the only place it is read).
pub const PASSWORD_VAR: &str = "VOSS_PASSWORD";

/// How requests prove who the admin is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic on every request (every VOSS Automate version).
    #[default]
    Basic,
    /// VOSS 25.4 session: one `POST /noninteractivelogin/`, then the `sessionid` cookie on
    /// every request and `X-CSRFToken` on writes.
    Session,
}

/// Validated connection settings.
#[derive(Debug, Clone)]
pub struct ConnectSettings {
    /// The server, e.g. `https://voss.example.com` (http or https, no credentials).
    pub url: String,
    /// The admin's email address (case-sensitive).
    pub username: String,
    pub password: Secret,
    /// Basic auth on every request, or a session.
    pub auth: Auth,
    /// A PEM file of the CA that signed the server's certificate.
    pub ca_cert: Option<PathBuf>,
    /// Accept any server certificate (a loud warning is printed).
    pub insecure: bool,
    /// The longest a request (sending, waiting, reading) may take.
    pub timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    /// Retries of reads.
    pub retry: RetryPolicy,
    /// Following a write's transaction.
    pub poll: PollPolicy,
    /// Instances asked for on a list's first page; later pages ask the server's announced
    /// `maximum_limit`, or at most this when it is below the profile's page size (a
    /// deliberate cap).
    pub page_size: u64,
    /// Hierarchies read at the same time.
    pub concurrency: usize,
    /// Instances read at the same time (`--read-concurrency`), where a list carries only
    /// summary fields.
    pub read_concurrency: usize,
    /// How an update is sent.
    pub update_method: UpdateMethod,
    /// Routes, JSON names and write rules of the server's API (the built-in profile with
    /// the user's `--profile` laid over it).
    pub profile: Arc<Profile>,
}

/// How this tool talks to one server, beyond where it is and who logs in: what a user may
/// need to fit their server. `None` keeps what the profile says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tuning {
    /// `--profile FILE` laid over the built-in profile (its page size and update method
    /// become the defaults).
    pub profile: Option<Profile>,
    /// `--page-size`: see [`ConnectSettings::page_size`].
    pub page_size: Option<u64>,
    /// `--read-concurrency`: see [`ConnectSettings::read_concurrency`].
    pub read_concurrency: Option<usize>,
    /// `--update-method`: see [`ConnectSettings::update_method`].
    pub update_method: Option<UpdateMethod>,
    /// `--timeout`: see [`ConnectSettings::timeout`].
    pub timeout: Option<Duration>,
}

impl ConnectSettings {
    /// These settings with `tuning` applied: its profile first, then each flag given
    /// (bounds kept: at least one of each).
    pub fn tuned(mut self, tuning: Tuning) -> Self {
        if let Some(profile) = tuning.profile {
            self.page_size = profile.lists.page_size;
            self.update_method = profile.writes.update_method.into();
            self.profile = Arc::new(profile);
        }
        if let Some(page_size) = tuning.page_size {
            self.page_size = page_size.max(1);
        }
        if let Some(read_concurrency) = tuning.read_concurrency {
            self.read_concurrency = read_concurrency.max(1);
        }
        if let Some(method) = tuning.update_method {
            self.update_method = method;
        }
        if let Some(timeout) = tuning.timeout.filter(|t| !t.is_zero()) {
            self.timeout = timeout;
        }
        self
    }
}

impl From<UpdateMethodName> for UpdateMethod {
    fn from(name: UpdateMethodName) -> Self {
        match name {
            UpdateMethodName::Put => UpdateMethod::Put,
            UpdateMethodName::Patch => UpdateMethod::Patch,
        }
    }
}

/// How an update is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UpdateMethod {
    /// `PUT` of the whole record as read, with the managed fields changed: the documented
    /// update, which replaces the record with its payload [doc].
    #[default]
    Put,
    /// `PATCH` of the changed fields only: for servers where a merge is verified (seen in
    /// use, not documented).
    Patch,
}

/// Settings that cannot work, said in one sentence naming the flag, variable or file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// No server: neither `--url` nor `VOSS_URL` (the next step names `--sim` too).
    #[error(
        "no server given: pass --url or set VOSS_URL, or run against the built-in \
         simulator with --sim SEED (e.g. --sim examples/sim-seed.yaml)"
    )]
    MissingUrl,
    /// A required setting has neither a flag nor a variable.
    #[error("no {flag} given: pass {flag} or set {var}")]
    Missing {
        flag: &'static str,
        var: &'static str,
    },
    /// `VOSS_PASSWORD` is unset or empty.
    #[error(
        "{PASSWORD_VAR} is not set: put the admin's password in the {PASSWORD_VAR} \
         environment variable (it is never taken from a flag or a file)"
    )]
    MissingPassword,
    /// The URL is unusable.
    #[error(
        "the server URL {url:?} {problem}: give --url / VOSS_URL like \
         https://voss.example.com"
    )]
    BadUrl { url: String, problem: String },
    /// The CA file cannot be used.
    #[error(
        "the CA certificate file {} {problem}: give --ca-cert a PEM file holding \
         the CA that signed the server's certificate",
        .path.display()
    )]
    BadCaCert { path: PathBuf, problem: String },
    /// The HTTP client could not be built.
    #[error("could not set up the HTTP client: {problem}")]
    Client { problem: String },
    /// The API profile cannot be used (`FILE:LINE:COL: problem`).
    #[error("{0}")]
    Profile(#[from] ProfileError),
}

/// The password from `VOSS_PASSWORD`; unset, empty or not UTF-8 is an error naming it.
pub fn password_from_env() -> Result<Secret, SettingsError> {
    match std::env::var(PASSWORD_VAR) {
        Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
        _ => Err(SettingsError::MissingPassword),
    }
}

impl ConnectSettings {
    /// Settings with the default timeouts and bounds, after checking the URL.
    pub fn new(url: &str, username: &str, password: Secret) -> Result<Self, SettingsError> {
        base_url(url)?;
        let profile = Profile::builtin()?;
        Ok(ConnectSettings {
            url: url.to_owned(),
            username: username.to_owned(),
            password,
            auth: Auth::Basic,
            ca_cert: None,
            insecure: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            page_size: profile.lists.page_size,
            concurrency: 8,
            read_concurrency: 16,
            update_method: profile.writes.update_method.into(),
            profile: Arc::new(profile),
        })
    }

    /// Settings from the command line (flags, or their `VOSS_URL`, `VOSS_USERNAME` and
    /// `VOSS_CA_CERT` variables) and the password from `VOSS_PASSWORD`.
    pub fn from_env_and_flags(
        url: Option<&str>,
        username: Option<&str>,
        ca_cert: Option<PathBuf>,
        insecure: bool,
    ) -> Result<Self, SettingsError> {
        let url = url
            .filter(|u| !u.trim().is_empty())
            .ok_or(SettingsError::MissingUrl)?;
        let username = username
            .filter(|u| !u.trim().is_empty())
            .ok_or(SettingsError::Missing {
                flag: "--username",
                var: "VOSS_USERNAME",
            })?;
        let mut settings = ConnectSettings::new(url, username, password_from_env()?)?;
        settings.ca_cert = ca_cert;
        settings.insecure = insecure;
        Ok(settings)
    }
}

/// The server's URL, checked: http or https, a host, no credentials in it.
pub(crate) fn base_url(url: &str) -> Result<Url, SettingsError> {
    // A URL with `user:password@` in it is never repeated, even when it does not parse.
    let shown = if url.contains('@') {
        "(not shown: it may hold credentials)".to_owned()
    } else {
        url.to_owned()
    };
    let bad = |problem: &str| SettingsError::BadUrl {
        url: shown.clone(),
        problem: problem.to_owned(),
    };
    let parsed = Url::parse(url.trim()).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("is neither http nor https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(SettingsError::BadUrl {
            url: "(not shown: it holds credentials)".to_owned(),
            problem: "holds credentials; give the admin with --username and the password \
                      in VOSS_PASSWORD"
                .to_owned(),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_must_be_http_with_a_host() {
        assert!(base_url("https://voss.example.com").is_ok());
        assert!(base_url("http://127.0.0.1:8080/").is_ok());
        let error = base_url("ftp://voss.example.com").unwrap_err();
        assert!(error.to_string().contains("neither http nor https"));
        assert!(base_url("voss.example.com").is_err());
    }

    #[test]
    fn credentials_in_the_url_are_refused_and_not_repeated() {
        let error = base_url("https://admin:hunter2@voss.example.com").unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("VOSS_PASSWORD"), "{text}");
        // Nor when the URL does not even parse.
        for bad in [
            "https://admin:hunter2@bad host",
            "ftp://admin:hunter2@voss.example",
        ] {
            let text = base_url(bad).unwrap_err().to_string();
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn missing_settings_name_flag_and_variable() {
        assert_eq!(
            SettingsError::Missing {
                flag: "--username",
                var: "VOSS_USERNAME"
            }
            .to_string(),
            "no --username given: pass --username or set VOSS_USERNAME"
        );
        assert!(SettingsError::MissingUrl.to_string().contains(
            "pass --url or set VOSS_URL, or run against the built-in simulator with --sim SEED"
        ));
        assert!(
            SettingsError::MissingPassword
                .to_string()
                .starts_with("VOSS_PASSWORD is not set")
        );
    }

    #[test]
    fn settings_debug_hides_the_password() {
        let settings =
            ConnectSettings::new("https://v.example", "a@b.example", Secret::new("hunter2"))
                .unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
