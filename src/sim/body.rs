//! Request bodies: JSON, an object, the right types, and no key the type does not know
//! (every unknown key is named). Shared by the API routes and the session login.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

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
    let Value::Object(sent) = &value else {
        return Err(ApiError::bad_request(
            "body",
            "the body must be a JSON object",
        ));
    };
    let typed: T = serde_path_to_error::deserialize(&value).map_err(|e| {
        let field = e.path().to_string();
        let problem = without_value(&e.into_inner().to_string());
        ApiError::bad_request(&field, format!("{field}: {problem}"))
    })?;
    // A key `T` does not know is dropped by serde: find them all by writing `T` back.
    let known = serde_json::to_value(&typed).unwrap_or(Value::Null);
    let unknown: Vec<String> = sent
        .iter()
        .filter(|(key, v)| !v.is_null() && known.get(key.as_str()).is_none())
        .map(|(key, _)| key.clone())
        .collect();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown
            .iter()
            .take(MAX_NAMED)
            .map(|k| format!("`{}`", k.chars().take(MAX_NAME).collect::<String>()))
            .collect();
        return Err(ApiError::bad_fields(
            unknown,
            format!("unknown field(s) {}", names.join(", ")),
        ));
    }
    Ok(typed)
}
