//! Session login [seen on 11.5.1, doc for 25.4]: `POST /noninteractivelogin/` checks a
//! seed admin exactly as Basic does, sets the `sessionid` cookie and returns the CSRF token
//! in the `X-CSRFToken` response header and/or the `csrftoken` cookie (`--csrf-in`).
//! Sessions live in memory only; a write made with a session must send `X-CSRFToken` with
//! its token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::voss::wire::{CSRF_COOKIE, CSRF_HEADER, LoginRequest, SESSION_COOKIE};

use super::auth::{Admin, Credential};
use super::body::parse_body;
use super::errors::ApiError;
use super::{CsrfIn, Sim};

pub const LOGIN_PATH: &str = "/noninteractivelogin/";
/// At most this many sessions are kept; the oldest go first.
const MAX_SESSIONS: usize = 10_000;

#[derive(Debug)]
struct Session {
    admin: Admin,
    csrf: String,
    /// When it was made, in logins since the start: the smallest is the oldest.
    serial: u64,
}

/// The sessions by id.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<(HashMap<String, Session>, u64)>);

impl Sessions {
    /// A new session for `credential`: (session id, CSRF token), both random.
    fn open(&self, credential: &Credential) -> (String, String) {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let csrf = uuid::Uuid::new_v4().simple().to_string();
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (sessions, serial) = &mut *guard;
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| s.serial)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                sessions.remove(&oldest);
            }
        }
        *serial += 1;
        sessions.insert(
            id.clone(),
            Session {
                admin: Admin {
                    email: credential.email.clone(),
                    hierarchy: credential.hierarchy.clone(),
                },
                csrf: csrf.clone(),
                serial: *serial,
            },
        );
        (id, csrf)
    }

    /// The admin of the request's `sessionid` cookie, when it carries one: 401 for an
    /// unknown (expired) session, 403 for a write without the session's `X-CSRFToken`.
    pub fn admin(&self, headers: &HeaderMap, is_write: bool) -> Option<Result<Admin, ApiError>> {
        let id = cookie(headers, SESSION_COOKIE)?;
        let sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(session) = sessions.0.get(id) else {
            return Some(Err(ApiError::unauthorized()));
        };
        let token = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if is_write && token != Some(session.csrf.as_str()) {
            return Some(Err(ApiError::new(
                StatusCode::FORBIDDEN,
                Some("X-CSRFToken"),
                "CSRF check failed: a write made with a session must send the X-CSRFToken \
                 header with the token the login returned (its X-CSRFToken header or \
                 csrftoken cookie)",
            )));
        }
        Some(Ok(session.admin.clone()))
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `POST /noninteractivelogin/`: 200 with the session cookie and the CSRF token where
/// `--csrf-in` puts it, or 401.
pub async fn login(State(sim): State<Arc<Sim>>, body: Result<Bytes, BytesRejection>) -> Response {
    let request: LoginRequest = match parse_body(body) {
        Ok(request) => request,
        Err(e) => return e.into_response(),
    };
    let Some(credential) = sim.credentials.check(&request.username, &request.password) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "login failed: no admin with this email and password (the email is case-sensitive)",
        )
        .into_response();
    };
    let (id, csrf) = sim.sessions.open(credential);
    let mut response = Json(serde_json::json!({"success": true})).into_response();
    let place = sim.options.csrf_in;
    let mut cookies = vec![format!(
        "{SESSION_COOKIE}={id}; HttpOnly; Path=/; SameSite=Lax"
    )];
    if matches!(place, CsrfIn::Cookie | CsrfIn::Both) {
        cookies.push(format!("{CSRF_COOKIE}={csrf}; Path=/; SameSite=Lax"));
    }
    let headers = response.headers_mut();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    if matches!(place, CsrfIn::Header | CsrfIn::Both) {
        // `from_bytes` lower-cases the name (`insert` of a static mixed-case name panics).
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(CSRF_HEADER.as_bytes()),
            HeaderValue::from_str(&csrf),
        ) {
            headers.insert(name, value);
        }
    }
    response
}
