//! The simulator's 4xx/5xx answers, as the [ours] error body of voss-api.md:
//! `{"success": false, "code", "message", "errors": [{"field", "message"}]}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::voss::wire::{ErrorBody, FieldError};

/// A refused request (or a failed rule, which a transaction reports with its message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The request fields at fault (none, one, or every unknown or read-only field of a
    /// write body).
    pub fields: Vec<String>,
    /// Seconds a client should wait (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            fields: field.map(str::to_owned).into_iter().collect(),
            retry_after: None,
        }
    }

    /// 400, naming the field at fault.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(field), message)
    }

    /// 400, naming every field at fault (one `errors` entry each).
    pub fn bad_fields(fields: Vec<String>, message: impl Into<String>) -> Self {
        ApiError {
            fields,
            ..Self::new(StatusCode::BAD_REQUEST, None, message)
        }
    }

    pub fn not_found(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(field), message)
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(field), message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, Some("hierarchy"), message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            None,
            "authentication failed: send HTTP Basic credentials of an admin (the email is \
             case-sensitive), or the sessionid cookie of POST /noninteractivelogin/",
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            success: false,
            code: self.status.as_u16(),
            message: self.message.clone(),
            errors: self
                .fields
                .iter()
                .map(|field| FieldError {
                    field: field.clone(),
                    message: self.message.clone(),
                })
                .collect(),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"VOSS Automate\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
