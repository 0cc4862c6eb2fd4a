//! What went wrong in one attempt at a request, before the client decides whether to try
//! again: shared by the client and the session login.

use std::time::Duration;

use reqwest::Url;

use super::error::ApiError;
use super::request::{ApiRequest, Method};
use super::wire::ErrorBody;

/// What went wrong in one attempt, before deciding whether to try again.
pub(crate) enum Failure {
    /// Not worth another attempt.
    Final(ApiError),
    /// 429 or 5xx.
    Status {
        status: u16,
        retry_after: Option<Duration>,
        message: String,
    },
    /// The connection was not made: the request was not sent.
    Connect {
        detail: String,
    },
    Timeout,
    /// The connection broke while the request or its answer was under way.
    Transport {
        detail: String,
    },
}

impl Failure {
    /// Reads are retried after any of these. A write only when the server surely did not
    /// act on it: a refused connection, or 429 (refused before it was looked at).
    pub(crate) fn may_retry(&self, request: &ApiRequest) -> bool {
        match self {
            Failure::Final(_) => false,
            Failure::Status { status: 429, .. } | Failure::Connect { .. } => true,
            _ => request.method == Method::Get,
        }
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The message and field errors of an error body, or a short excerpt of a body that is not
/// one.
pub(crate) fn error_details(bytes: &[u8]) -> (String, Vec<(String, String)>) {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => (
            body.message,
            body.errors
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect(),
        ),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim();
            let excerpt: String = text.chars().take(200).collect();
            (excerpt, Vec::new())
        }
    }
}

/// The innermost cause of an error, which says what happened without the URL.
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

fn looks_like_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        let text = current.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return true;
        }
        cause = current.source();
    }
    false
}

/// The failure a transport error (no HTTP answer) stands for, against the server `base`.
pub(crate) fn transport_failure(error: reqwest::Error, base: &Url) -> Failure {
    let detail = root_cause(&error);
    if error.is_timeout() {
        Failure::Timeout
    } else if error.is_connect() && looks_like_tls(&error) {
        Failure::Final(ApiError::Tls {
            url: base.to_string(),
            detail,
        })
    } else if error.is_connect() {
        Failure::Connect { detail }
    } else {
        Failure::Transport { detail }
    }
}
