//! How to reach the VOSS Automate server: shared by plan, apply, drift, import, reconcile.

use std::path::PathBuf;
use std::time::Duration;

/// `name` when that environment variable is set to something other than blanks, else
/// `None`: so that clap treats an empty `VOSS_CA_CERT=` as unset, as this tool treats an
/// empty `VOSS_URL=`. (Each variable's name is in its flag's help, `[env: NAME]`.)
pub fn env_if_set(name: &'static str) -> Option<&'static str> {
    std::env::var_os(name)
        .is_some_and(|value| !value.to_string_lossy().trim().is_empty())
        .then_some(name)
}

/// The longest `--timeout` may be.
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// `--timeout`: a humantime duration (`500ms`, `5s`, `2m`), more than zero, at most an hour.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = humantime::parse_duration(text.trim())
        .map_err(|e| format!("`{text}` is not a duration ({e}); write e.g. 30s or 2m"))?;
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(format!(
            "`{text}` is out of range: give more than 0 s and at most 1h"
        ));
    }
    Ok(timeout)
}

/// Connection settings. The password is read only from `VOSS_PASSWORD`.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    // VOSS_URL and VOSS_USERNAME are read in `settings`, not by clap, so that `--sim` in a
    // shell that exports production settings neither clashes with them nor uses them.
    /// The VOSS Automate server, e.g. https://voss.example.com [env: VOSS_URL]
    #[arg(long)]
    pub url: Option<String>,
    /// The admin's email address (case-sensitive) [env: VOSS_USERNAME]. The password comes
    /// from VOSS_PASSWORD. With --sim: log in as this seed admin instead of the provider's.
    #[arg(long)]
    pub username: Option<String>,
    /// A PEM file of the CA that signed the server's certificate [env: VOSS_CA_CERT].
    #[arg(long, env = env_if_set("VOSS_CA_CERT"), hide_env = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server's certificate (prints a loud warning).
    #[arg(long)]
    pub insecure: bool,
    /// How to log in: HTTP Basic on every request, or a VOSS 25.4 session
    /// (POST /noninteractivelogin/, then cookies and X-CSRFToken) [env: VOSS_AUTH].
    #[arg(long, env = env_if_set("VOSS_AUTH"), hide_env = true, value_enum,
          default_value_t = AuthMode::Basic)]
    pub auth: AuthMode,
    /// Start the built-in simulator with this seed (state in memory) and run against it.
    #[arg(long, value_name = "SEED", conflicts_with = "url")]
    pub sim: Option<PathBuf>,
    /// Customers asked for per list page at first (default: the profile's, 200); later
    /// pages ask the server's announced `maximum_limit` (at most N when N is below the
    /// profile's) [env: VOSS_PAGE_SIZE].
    #[arg(long, env = env_if_set("VOSS_PAGE_SIZE"), hide_env = true, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub page_size: Option<u64>,
    /// Customer instances read at once where a list carries only summary fields
    /// [env: VOSS_READ_CONCURRENCY].
    #[arg(long, env = env_if_set("VOSS_READ_CONCURRENCY"), hide_env = true, value_name = "N",
          default_value_t = 16,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub read_concurrency: u64,
    /// How an update is sent (default: the profile's, `put`): `put` writes the whole record
    /// as read with the managed fields changed (the documented update); `patch` sends only
    /// the changed fields, for servers where a merge is verified [env: VOSS_UPDATE_METHOD].
    #[arg(long, env = env_if_set("VOSS_UPDATE_METHOD"), hide_env = true, value_enum)]
    pub update_method: Option<UpdateMode>,
    /// The longest one request may take (sending, waiting, reading), e.g. 30s, 2m: for
    /// servers that answer slowly. Default 30s. Reads that time out are tried again; a
    /// write that times out is uncertain.
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub api: ApiProfile,
}

/// Which API profile to speak: shared by every command that reaches a server, and by
/// `profile`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ApiProfile {
    /// An API profile laid over the built-in one (routes, JSON names, write rules): see
    /// `voss-customers profile` for the keys [env: VOSS_PROFILE].
    #[arg(long, env = env_if_set("VOSS_PROFILE"), hide_env = true, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The VOSS Automate release (MAJOR.MINOR, e.g. 24.2): decides how a local admin is
    /// asked for. Default: the profile's [env: VOSS_RELEASE].
    #[arg(long, env = env_if_set("VOSS_RELEASE"), hide_env = true, value_name = "X.Y")]
    pub voss_release: Option<String>,
}

impl ApiProfile {
    /// The effective profile: the built-in one, the `--profile` file over it, then
    /// `--voss-release`. Errors name the file, line and column, or the flag.
    pub fn load(&self) -> Result<crate::voss::profile::Profile, String> {
        use crate::voss::profile::{Profile, release_number};
        let mut profile = match &self.profile {
            Some(path) => Profile::load(path),
            None => Profile::builtin(),
        }
        .map_err(|e| e.to_string())?;
        if let Some(release) = self.voss_release.as_deref().filter(|r| !r.is_empty()) {
            if release_number(release).is_none() {
                return Err(format!(
                    "--voss-release `{release}` is not a release: write MAJOR.MINOR, e.g. 24.2"
                ));
            }
            profile.release = release.to_owned();
        }
        Ok(profile)
    }
}

/// `--update-method put|patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UpdateMode {
    Put,
    Patch,
}

/// `--auth basic|session`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMode {
    Basic,
    Session,
}

impl From<AuthMode> for crate::voss::Auth {
    fn from(mode: AuthMode) -> Self {
        match mode {
            AuthMode::Basic => crate::voss::Auth::Basic,
            AuthMode::Session => crate::voss::Auth::Session,
        }
    }
}

impl Connection {
    /// The profile and the `--page-size`, `--read-concurrency` and `--update-method`
    /// choices.
    pub fn tuning(&self) -> Result<crate::voss::Tuning, String> {
        Ok(crate::voss::Tuning {
            profile: Some(self.api.load()?),
            page_size: self.page_size,
            read_concurrency: Some(usize::try_from(self.read_concurrency).unwrap_or(usize::MAX)),
            update_method: self.update_method.map(|mode| match mode {
                UpdateMode::Put => crate::voss::UpdateMethod::Put,
                UpdateMode::Patch => crate::voss::UpdateMethod::Patch,
            }),
            timeout: self.timeout,
        })
    }

    /// Where to connect: `--sim SEED`, or the server of `--url`. With `--sim`, a
    /// `--username` (or VOSS_USERNAME) logs in as that seed admin with VOSS_PASSWORD;
    /// otherwise as the seed's provider admin.
    pub fn endpoint(&self) -> Result<crate::ops::connect::Endpoint, String> {
        use crate::ops::connect::Endpoint;
        match &self.sim {
            Some(seed) => {
                let user = match &self.username {
                    Some(username) => Some((
                        username.clone(),
                        crate::voss::password_from_env().map_err(|e| e.to_string())?,
                    )),
                    None => None,
                };
                Ok(Endpoint::Sim {
                    seed: seed.clone(),
                    user,
                    auth: self.auth.into(),
                    tuning: Box::new(self.tuning()?),
                })
            }
            None => self
                .settings()
                .map(Endpoint::Server)
                .map_err(|e| e.to_string()),
        }
    }

    /// The checked settings for a real server; the password comes from `VOSS_PASSWORD`.
    /// (`--sim` is started by the command, which then makes its own settings.)
    pub fn settings(&self) -> Result<crate::voss::ConnectSettings, String> {
        let from_env = |name: &str| std::env::var(name).ok();
        let url = self.url.clone().or_else(|| from_env("VOSS_URL"));
        let username = self.username.clone().or_else(|| from_env("VOSS_USERNAME"));
        let mut settings = crate::voss::ConnectSettings::from_env_and_flags(
            url.as_deref(),
            username.as_deref(),
            self.ca_cert.clone(),
            self.insecure,
        )
        .map_err(|e| e.to_string())?;
        settings.auth = self.auth.into();
        Ok(settings.tuned(self.tuning()?))
    }
}

#[cfg(test)]
mod tests {
    use super::Connection;

    fn connection(url: Option<&str>, username: Option<&str>) -> Connection {
        Connection {
            url: url.map(str::to_owned),
            username: username.map(str::to_owned),
            ca_cert: None,
            insecure: false,
            auth: super::AuthMode::Basic,
            sim: None,
            page_size: None,
            read_concurrency: 16,
            update_method: None,
            timeout: None,
            api: super::ApiProfile::default(),
        }
    }

    #[test]
    fn a_missing_url_or_username_names_flag_and_variable() {
        let error = connection(None, Some("a@b.example"))
            .settings()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no server given: pass --url or set VOSS_URL, or run against the built-in \
             simulator with --sim SEED (e.g. --sim examples/sim-seed.yaml)"
        );
        let error = connection(Some("https://v.example"), None)
            .settings()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no --username given: pass --username or set VOSS_USERNAME"
        );
    }

    #[test]
    fn timeouts_are_durations_above_zero_and_at_most_an_hour() {
        use std::time::Duration;
        assert_eq!(super::parse_timeout("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(super::parse_timeout("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(
            super::parse_timeout("250ms"),
            Ok(Duration::from_millis(250))
        );
        for bad in ["0s", "2h", "soon", ""] {
            assert!(super::parse_timeout(bad).is_err(), "{bad}");
        }
        let mut with = connection(Some("https://v.example"), Some("a@b.example"));
        with.timeout = Some(Duration::from_secs(7));
        assert_eq!(with.tuning().unwrap().timeout, Some(Duration::from_secs(7)));
    }

    #[test]
    fn an_unset_variable_is_not_read() {
        assert_eq!(super::env_if_set("VOSS_TEST_SURELY_NOT_SET_12C"), None);
    }
}
