//! The HTTP client: Basic auth or a session (`session.rs`), TLS, timeouts, retries of reads, and the mapping of every
//! answer to a value or an [`ApiError`]. The calls themselves are in `read.rs`,
//! `write.rs` and `transaction.rs`.

use std::sync::Arc;
use std::time::Instant;

use reqwest::{StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::decode::Unreadable;
use super::error::ApiError;
use super::failure::{Failure, error_details, root_cause, transport_failure};
use super::pacing::{Pacer, Pacing};
use super::request::ApiRequest;
use super::retry::parse_retry_after;
use super::session::SessionSlot;
use super::settings::{Auth, ConnectSettings, SettingsError, base_url};

/// A VOSS Automate API client. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) settings: ConnectSettings,
    /// The session of `--auth session` (unused with Basic).
    pub(crate) session: SessionSlot,
    /// The pace every request of this client keeps after a 429.
    pub(crate) pacer: Pacer,
}

impl Client {
    /// A client for these settings. Reads the CA file; prints a loud warning on stderr
    /// when certificates are not checked.
    pub fn new(settings: ConnectSettings) -> Result<Client, SettingsError> {
        let base = base_url(&settings.url)?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(concat!("voss-customers/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .pool_max_idle_per_host(settings.concurrency.max(1) * 2);
        if let Some(path) = &settings.ca_cert {
            for certificate in read_ca_file(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if settings.insecure {
            eprintln!(
                "WARNING: --insecure: the certificate of {} is NOT checked; anyone on the \
                 network path can read the admin's password and change customers. Use \
                 --ca-cert FILE instead outside of test systems.",
                base
            );
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| SettingsError::Client {
            problem: root_cause(&e),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                session: SessionSlot::default(),
                pacer: Pacer::new(Pacing::default()),
                settings,
            }),
        })
    }

    /// The server this client talks to, as the user gave it.
    pub fn target(&self) -> &str {
        &self.inner.settings.url
    }

    pub(crate) fn settings(&self) -> &ConnectSettings {
        &self.inner.settings
    }

    /// The API profile this client speaks (routes, JSON names, write rules).
    pub fn profile(&self) -> &super::profile::Profile {
        &self.inner.settings.profile
    }

    /// Sends a request (retrying reads) and reads its answer with `decode` (one of
    /// [`super::decode`]'s readers); an unreadable answer is a `BadResponse` naming it.
    pub(crate) async fn send_decoded<T, B: Serialize + ?Sized>(
        &self,
        request: &ApiRequest,
        body: Option<&B>,
        decode: impl FnOnce(&[u8]) -> Result<T, Unreadable>,
    ) -> Result<T, ApiError> {
        self.send_decoded_until(request, body, None, decode).await
    }

    /// [`Client::send_decoded`], but no wait after a 429 ends past `deadline`: then the
    /// request fails as `Unavailable` (429) at once.
    pub(crate) async fn send_decoded_until<T, B: Serialize + ?Sized>(
        &self,
        request: &ApiRequest,
        body: Option<&B>,
        deadline: Option<Instant>,
        decode: impl FnOnce(&[u8]) -> Result<T, Unreadable>,
    ) -> Result<T, ApiError> {
        let password = self.inner.settings.password.expose();
        let bytes = self
            .send_raw(request, body, deadline)
            .await
            .map_err(|e| e.redacted(password))?;
        decode(&bytes).map_err(|Unreadable(detail)| {
            ApiError::BadResponse {
                request: Box::new(request.clone()),
                detail,
            }
            .redacted(password)
        })
    }

    /// Sends a request (retrying reads) and reads its JSON answer.
    pub(crate) async fn send<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        request: &ApiRequest,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        self.send_decoded(request, body, |bytes| {
            let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
            serde_path_to_error::deserialize(deserializer).map_err(|e| Unreadable(e.to_string()))
        })
        .await
    }

    /// Sends `request` until it is answered for good. Every send waits for its slot of the
    /// client's [`Pacer`] first. A 429 is the server asking to slow down, not a failure:
    /// it spends no attempt of the [`super::retry::RetryPolicy`]; the pacer's gate holds
    /// every request of this client until its `Retry-After` (or the policy's backoff when
    /// it names none) and the request is sent again, for up to
    /// [`super::pacing::Pacing::max_throttled`] after its first 429 and never waiting past
    /// `deadline`. Other failures (5xx, time-outs, broken connections) are retried per the
    /// policy when [`Failure::may_retry`] allows; time spent waiting for slots does not
    /// count towards the policy's `max_total`.
    async fn send_raw<B: Serialize + ?Sized>(
        &self,
        request: &ApiRequest,
        body: Option<&B>,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, ApiError> {
        let policy = self.inner.settings.retry;
        let pacing = self.inner.pacer.pacing();
        let pacer = &self.inner.pacer;
        let started = Instant::now();
        // Failed attempts (not 429s), all sends, 429s in a row, the first 429, time paced.
        let (mut attempts, mut sends, mut throttles) = (0u32, 0u32, 0u32);
        let mut first_throttled: Option<Instant> = None;
        let mut paced = std::time::Duration::ZERO;
        loop {
            let now = Instant::now();
            let slot = pacer.slot(now);
            if slot > now {
                paced += slot - now;
                tokio::time::sleep_until(slot.into()).await;
            }
            sends = sends.saturating_add(1);
            let sent = Instant::now();
            let result = self.attempt(request, body).await;
            let answered = Instant::now();
            let failure = match result {
                Ok(bytes) => {
                    pacer.answered(answered);
                    return Ok(bytes);
                }
                Err(Failure::Final(error)) => {
                    pacer.answered(answered);
                    return Err(error);
                }
                Err(failure) => failure,
            };
            if let Failure::Status {
                status: 429,
                retry_after,
                ..
            } = &failure
            {
                let fallback = policy.delay(throttles, None, 0.5 + fastrand::f64() / 2.0);
                let asked = retry_after.map(|asked| asked.max(policy.base));
                let wait = pacer.throttled(sent, answered, asked, fallback);
                throttles = throttles.saturating_add(1);
                let first = *first_throttled.get_or_insert(answered);
                let within_budget = answered + wait <= first + pacing.max_throttled;
                let before_deadline = deadline.is_none_or(|end| answered + wait <= end);
                if within_budget && before_deadline {
                    continue;
                }
                return Err(self.give_up(request, failure, sends));
            }
            pacer.answered(answered);
            throttles = 0;
            attempts += 1;
            if failure.may_retry(request) {
                let retry_after = failure.retry_after();
                let elapsed = started.elapsed().saturating_sub(paced);
                if let Some(wait) =
                    policy.next_wait(attempts, elapsed, retry_after, fastrand::f64())
                {
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            return Err(self.give_up(request, failure, sends));
        }
    }

    /// One try: the answer's body on 2xx, else what went wrong.
    async fn attempt<B: Serialize + ?Sized>(
        &self,
        request: &ApiRequest,
        body: Option<&B>,
    ) -> Result<Vec<u8>, Failure> {
        let settings = &self.inner.settings;
        let mut logged_in_again = false;
        let response = loop {
            let session = match settings.auth {
                Auth::Basic => None,
                Auth::Session => Some(
                    self.inner
                        .session
                        .get(&self.inner.http, &self.inner.base, settings)
                        .await?,
                ),
            };
            let mut builder = self
                .inner
                .http
                .request(request.method.to_reqwest(), request.url(&self.inner.base))
                .header(reqwest::header::ACCEPT, "application/json");
            builder = match &session {
                None => builder.basic_auth(&settings.username, Some(settings.password.expose())),
                Some(session) => session.authorize(builder, request.method, &self.inner.base),
            };
            if let Some(body) = body {
                builder = builder.json(body);
            }
            let response = builder.send().await.map_err(|e| self.transport(e))?;
            match session {
                // The session expired: log in again, once. The server did not act on a
                // request it refused with 401, so sending it again is safe.
                Some(session)
                    if response.status() == StatusCode::UNAUTHORIZED && !logged_in_again =>
                {
                    self.inner.session.forget(&session).await;
                    logged_in_again = true;
                }
                _ => break response,
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = response.bytes().await.map_err(|e| self.transport(e))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let (message, errors) = error_details(&bytes);
        let error = |status: StatusCode| match status.as_u16() {
            401 => ApiError::Unauthorized {
                username: settings.username.clone(),
            },
            403 => ApiError::Forbidden {
                request: Box::new(request.clone()),
                message: message.clone(),
            },
            404 => ApiError::NotFound {
                request: Box::new(request.clone()),
                message: message.clone(),
            },
            code => ApiError::Rejected {
                request: Box::new(request.clone()),
                status: code,
                message: message.clone(),
                errors: errors.clone(),
            },
        };
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(Failure::Status {
                status: status.as_u16(),
                retry_after,
                message,
            })
        } else {
            Err(Failure::Final(error(status)))
        }
    }

    pub(crate) fn transport(&self, error: reqwest::Error) -> Failure {
        transport_failure(error, &self.inner.base)
    }

    /// The error after the last attempt. A write whose answer was lost is `Uncertain`.
    fn give_up(&self, request: &ApiRequest, failure: Failure, attempts: u32) -> ApiError {
        let idempotent = request.is_idempotent();
        match failure {
            Failure::Final(error) => error,
            Failure::Status {
                status, message, ..
            } if idempotent || status == 429 => ApiError::Unavailable {
                request: Box::new(request.clone()),
                status,
                attempts,
                message,
            },
            Failure::Status {
                status, message, ..
            } => ApiError::Uncertain {
                request: Box::new(request.clone()),
                detail: if message.is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("HTTP {status}: {message}")
                },
                accepted: false,
            },
            Failure::Connect { detail } => ApiError::Connect {
                url: self.inner.base.to_string(),
                request: Box::new(request.clone()),
                detail,
            },
            Failure::Timeout if idempotent => ApiError::Timeout {
                request: Box::new(request.clone()),
                timeout: self.inner.settings.timeout,
                attempts,
            },
            Failure::Timeout => ApiError::Uncertain {
                request: Box::new(request.clone()),
                detail: format!(
                    "no answer within {} s",
                    self.inner.settings.timeout.as_secs_f64()
                ),
                accepted: false,
            },
            Failure::Transport { detail } if idempotent => ApiError::Connect {
                url: self.inner.base.to_string(),
                request: Box::new(request.clone()),
                detail,
            },
            Failure::Transport { detail } => ApiError::Uncertain {
                request: Box::new(request.clone()),
                detail,
                accepted: false,
            },
        }
    }
}

/// The body of a request that carries none.
pub(crate) const NO_BODY: Option<&()> = None;

/// The certificates of a PEM file; unreadable or empty is an error naming the file.
fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, SettingsError> {
    let bad = |problem: String| SettingsError::BadCaCert {
        path: path.to_owned(),
        problem,
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| bad(format!("is not PEM ({})", root_cause(&e))))?;
    if certificates.is_empty() {
        return Err(bad("holds no PEM certificate".to_owned()));
    }
    Ok(certificates)
}
