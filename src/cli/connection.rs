//! How to reach the VOSS Automate server: shared by plan, apply, drift, import, reconcile.

use std::path::PathBuf;

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
    /// A PEM file of the CA that signed the server's certificate.
    #[arg(long, env = "VOSS_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server's certificate (prints a loud warning).
    #[arg(long)]
    pub insecure: bool,
    /// How to log in: HTTP Basic on every request, or a VOSS 25.4 session
    /// (POST /noninteractivelogin/, then cookies and X-CSRFToken).
    #[arg(long, env = "VOSS_AUTH", value_enum, default_value_t = AuthMode::Basic)]
    pub auth: AuthMode,
    /// Start the built-in simulator with this seed (state in memory) and run against it.
    #[arg(long, value_name = "SEED", conflicts_with = "url")]
    pub sim: Option<PathBuf>,
    /// Customers asked for per list page at first (default: the profile's, 200); lowered
    /// to the server's announced `maximum_limit`.
    #[arg(long, env = "VOSS_PAGE_SIZE", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub page_size: Option<u64>,
    /// Customer instances read at once where a list carries only summary fields.
    #[arg(long, env = "VOSS_READ_CONCURRENCY", value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub read_concurrency: u64,
    /// How an update is sent (default: the profile's, `put`): `put` writes the whole record
    /// as read with the managed fields changed (the documented update); `patch` sends only
    /// the changed fields, for servers where a merge is verified.
    #[arg(long, env = "VOSS_UPDATE_METHOD", value_enum)]
    pub update_method: Option<UpdateMode>,
    #[command(flatten)]
    pub api: ApiProfile,
}

/// Which API profile to speak: shared by every command that reaches a server, and by
/// `profile`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ApiProfile {
    /// An API profile laid over the built-in one (routes, JSON names, write rules): see
    /// `voss-customers profile` for the keys.
    #[arg(long, env = "VOSS_PROFILE", value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The VOSS Automate release (MAJOR.MINOR, e.g. 24.2): decides how a local admin is
    /// asked for. Default: the profile's.
    #[arg(long, env = "VOSS_RELEASE", value_name = "X.Y")]
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
            "no --url given: pass --url or set VOSS_URL"
        );
        let error = connection(Some("https://v.example"), None)
            .settings()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no --username given: pass --username or set VOSS_USERNAME"
        );
    }
}
