//! Request bodies: JSON, an object, the right types, and no key the type does not know
//! (every unknown key is named). Shared by the API routes and the session login.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::errors::ApiError;

/// The largest request body accepted.
pub const MAX_BODY: usize = 256 * 1024;
/// At most this many unknown keys are listed in a message (all are in `errors`).
const MAX_NAMED: usize = 20;
/// A key is shown with at most this many characters in a message.
const MAX_NAME: usize = 64;

/// serde's "invalid type: string \"x\", expected a boolean" without the value (a body
/// may carry a password): "wrong type or value, expected a boolean".
fn without_value(message: &str) -> String {
    match message.find(", expected") {
        Some(at) if message.starts_with("invalid") => {
            format!("wrong type or value{}", &message[at..])
        }
        _ => message.to_owned(),
    }
}

/// Parses a write body into `T`. Messages name keys and positions, never values (a body
/// may carry a password).
pub fn parse_body<T: DeserializeOwned + Serialize>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let value = Value::Object(read_object(body)?);
    let typed: T = typed(&value, |key| key.to_owned())?;
    let unknown = unknown_keys(&value, &typed);
    if !unknown.is_empty() {
        return Err(unknown_fields(unknown));
    }
    Ok(typed)
}

/// A write body as a JSON object (no typing yet).
pub fn read_object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, ApiError> {
    let bytes = body.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!("the request body is larger than {MAX_BODY} bytes")
        } else {
            format!("unreadable request body: {e}")
        };
        ApiError::new(status, Some("body"), message)
    })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("body", format!("malformed JSON: {e}")))?;
    match value {
        Value::Object(sent) => Ok(sent),
        _ => Err(ApiError::bad_request(
            "body",
            "the body must be a JSON object",
        )),
    }
}

/// `value` as a `T`; a type error names the key as the client sent it (`sent_name` maps
/// the key of `value` back to it).
pub fn typed<T: DeserializeOwned>(
    value: &Value,
    sent_name: impl Fn(&str) -> String,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = sent_name(&e.path().to_string());
        let problem = without_value(&e.into_inner().to_string());
        ApiError::bad_request(&field, format!("{field}: {problem}"))
    })
}

/// The keys of `sent` (not null) that `typed` does not know: serde drops them, so they
/// are found by writing `typed` back.
pub fn unknown_keys<T: Serialize>(sent: &Value, typed: &T) -> Vec<String> {
    let known = serde_json::to_value(typed).unwrap_or(Value::Null);
    let Value::Object(sent) = sent else {
        return Vec::new();
    };
    sent.iter()
        .filter(|(key, v)| !v.is_null() && known.get(key.as_str()).is_none())
        .map(|(key, _)| key.clone())
        .collect()
}

/// 400 naming every unknown key (at most [`MAX_NAMED`] in the message, all in `errors`).
pub fn unknown_fields(unknown: Vec<String>) -> ApiError {
    let names: Vec<String> = unknown
        .iter()
        .take(MAX_NAMED)
        .map(|k| format!("`{}`", k.chars().take(MAX_NAME).collect::<String>()))
        .collect();
    ApiError::bad_fields(unknown, format!("unknown field(s) {}", names.join(", ")))
}
