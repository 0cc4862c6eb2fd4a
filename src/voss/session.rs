//! Session login (`--auth session`): one `POST /noninteractivelogin/` with the admin's
//! email and password sets the `sessionid` cookie and gives a CSRF token, in the
//! `X-CSRFToken` response header [doc] and/or the `csrftoken` cookie; later requests send
//! the cookies back (no `Authorization` header) and writes add `X-CSRFToken`.
//! Only those two cookies matter, so they are read from `Set-Cookie` here by hand.

use std::sync::Arc;

use reqwest::header::{ACCEPT, COOKIE, HeaderMap, HeaderValue, REFERER, RETRY_AFTER, SET_COOKIE};
use reqwest::{RequestBuilder, Url};
use tokio::sync::Mutex;

use super::error::ApiError;
use super::failure::{Failure, error_details, transport_failure};
use super::request::{ApiRequest, Method};
use super::retry::parse_retry_after;
use super::secret::Secret;
use super::settings::ConnectSettings;
use super::wire::LoginRequest;

/// The login path under the server's URL (not under `/api/`).
pub const LOGIN_PATH: &str = "noninteractivelogin";
/// The header a write sends with the `csrftoken` cookie's value.
pub const CSRF_HEADER: &str = "X-CSRFToken";
const SESSION_COOKIE: &str = "sessionid";
const CSRF_COOKIE: &str = "csrftoken";

/// A logged-in session. Both values are secrets: `Debug` prints `(sensitive)`.
#[derive(Debug)]
pub(crate) struct Session {
    id: Secret,
    /// The token writes send in `X-CSRFToken`.
    csrf: Secret,
    /// The `csrftoken` cookie, sent back when the server set one.
    csrf_cookie: Option<Secret>,
}

impl Session {
    /// Adds the cookies and, on a write, the CSRF header (both marked sensitive) and a
    /// `Referer` of the server itself, which Django's CSRF check wants over HTTPS.
    pub(crate) fn authorize(
        &self,
        builder: RequestBuilder,
        method: Method,
        base: &Url,
    ) -> RequestBuilder {
        let cookie = match &self.csrf_cookie {
            Some(csrf) => format!(
                "{SESSION_COOKIE}={}; {CSRF_COOKIE}={}",
                self.id.expose(),
                csrf.expose()
            ),
            None => format!("{SESSION_COOKIE}={}", self.id.expose()),
        };
        let builder = builder.header(COOKIE, sensitive(&cookie));
        if method == Method::Get {
            builder
        } else {
            builder
                .header(CSRF_HEADER, sensitive(self.csrf.expose()))
                .header(REFERER, base.as_str())
        }
    }
}

/// A header value kept out of debug output. Cookie values are checked to be plain visible
/// ASCII when they are read, so this cannot fail; an empty value is sent if it ever did.
fn sensitive(value: &str) -> HeaderValue {
    let mut value = HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}

/// The client's session: logged in lazily, once, by the first request that needs it;
/// forgotten when the server no longer accepts it.
#[derive(Debug, Default)]
pub(crate) struct SessionSlot(Mutex<Option<Arc<Session>>>);

impl SessionSlot {
    /// The current session, logging in first when there is none. Requests that arrive
    /// during the login wait for it rather than logging in too.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        base: &Url,
        settings: &ConnectSettings,
    ) -> Result<Arc<Session>, Failure> {
        let mut slot = self.0.lock().await;
        if let Some(session) = slot.as_ref() {
            return Ok(session.clone());
        }
        let session = Arc::new(login(http, base, settings).await?);
        *slot = Some(session.clone());
        Ok(session)
    }

    /// Drops `used` (the server answered 401 to it), unless another request has already
    /// replaced it with a fresh one.
    pub(crate) async fn forget(&self, used: &Arc<Session>) {
        let mut slot = self.0.lock().await;
        if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, used)) {
            *slot = None;
        }
    }
}

/// `POST /noninteractivelogin/` names the login in error sentences.
fn login_request() -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        model: LOGIN_PATH.to_owned(),
        pkid: None,
        action: None,
        hierarchy: None,
        params: Vec::new(),
    }
}

/// `BASE/noninteractivelogin/`, keeping a path in the base URL.
pub(crate) fn login_url(base: &Url) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(LOGIN_PATH).push("");
    }
    url
}

async fn login(
    http: &reqwest::Client,
    base: &Url,
    settings: &ConnectSettings,
) -> Result<Session, Failure> {
    let body = LoginRequest {
        username: settings.username.clone(),
        password: settings.password.expose().to_owned(),
    };
    let response = http
        .post(login_url(base))
        .header(ACCEPT, "application/json")
        .json(&body)
        .send()
        .await
        .map_err(|e| transport_failure(e, base))?;
    let status = response.status();
    let session = session_cookies(response.headers());
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| transport_failure(e, base))?;
    let (message, _) = error_details(&bytes);
    let bad_response = |detail: String| {
        Failure::Final(ApiError::BadResponse {
            request: Box::new(login_request()),
            detail,
        })
    };
    match status.as_u16() {
        200..=299 => session.ok_or_else(|| {
            bad_response(format!(
                "HTTP {status} without the {SESSION_COOKIE} cookie and a CSRF token (the \
                 {CSRF_HEADER} header or the {CSRF_COOKIE} cookie); a server without session \
                 login needs --auth basic"
            ))
        }),
        401 | 403 => Err(Failure::Final(ApiError::Unauthorized {
            username: settings.username.clone(),
        })),
        code @ (429 | 500..) => Err(Failure::Status {
            status: code,
            retry_after,
            message,
        }),
        code => Err(bad_response(format!(
            "HTTP {code}; a server before VOSS Automate 25.4 has no session login: use \
             --auth basic"
        ))),
    }
}

/// The session of a login answer: the `sessionid` cookie, and the CSRF token from the
/// `X-CSRFToken` response header (where the guide tells clients to take it [doc]), else
/// from the `csrftoken` cookie. `None` without a session id or a token.
fn session_cookies(headers: &HeaderMap) -> Option<Session> {
    let mut id = None;
    let mut csrf_cookie = None;
    for header in headers.get_all(SET_COOKIE) {
        let Some((name, value)) = header.to_str().ok().and_then(cookie_pair) else {
            continue;
        };
        match name {
            SESSION_COOKIE => id = Some(Secret::new(value)),
            CSRF_COOKIE => csrf_cookie = Some(Secret::new(value)),
            _ => {}
        }
    }
    let from_header = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_graphic()))
        .map(Secret::new);
    let csrf = from_header.or_else(|| csrf_cookie.clone())?;
    Some(Session {
        id: id?,
        csrf,
        csrf_cookie,
    })
}

/// `name=value` from `name=value; Path=/; HttpOnly`, without quotes; `None` when the value
/// is empty (a cookie being deleted) or not plain visible ASCII.
fn cookie_pair(header: &str) -> Option<(&str, &str)> {
    let first = header.split(';').next()?;
    let (name, value) = first.split_once('=')?;
    let value = value.trim().trim_matches('"');
    let plain = |c: char| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"' | '\\');
    (!value.is_empty() && value.chars().all(plain)).then_some((name.trim(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for cookie in cookies {
            headers.append(SET_COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        headers
    }

    #[test]
    fn both_cookies_are_read_with_their_attributes_dropped() {
        let session = session_cookies(&headers(&[
            "csrftoken=tok123; expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/; SameSite=Lax",
            "other=1; Path=/",
            "sessionid=\"abc\"; HttpOnly; Path=/",
        ]))
        .unwrap();
        assert_eq!(session.id.expose(), "abc");
        assert_eq!(session.csrf.expose(), "tok123");
        assert!(!format!("{session:?}").contains("abc"));
    }

    #[test]
    fn the_csrf_token_comes_from_the_response_header_first() {
        let mut both = headers(&["sessionid=abc; Path=/", "csrftoken=from-cookie; Path=/"]);
        both.insert(CSRF_HEADER, HeaderValue::from_static("from-header"));
        let session = session_cookies(&both).unwrap();
        assert_eq!(session.csrf.expose(), "from-header");
        assert_eq!(
            session.csrf_cookie.as_ref().map(Secret::expose),
            Some("from-cookie")
        );
        let mut header_only = headers(&["sessionid=abc; Path=/"]);
        header_only.insert(CSRF_HEADER, HeaderValue::from_static("from-header"));
        let session = session_cookies(&header_only).unwrap();
        assert_eq!(session.csrf.expose(), "from-header");
        assert!(session.csrf_cookie.is_none());
    }

    #[test]
    fn a_missing_or_deleted_cookie_is_no_session() {
        assert!(session_cookies(&headers(&["sessionid=abc; Path=/"])).is_none());
        assert!(session_cookies(&headers(&["sessionid=; Path=/", "csrftoken=t"])).is_none());
    }

    #[test]
    fn writes_carry_the_csrf_header_and_reads_do_not() {
        let session = Session {
            id: Secret::new("sid"),
            csrf: Secret::new("tok"),
            csrf_cookie: Some(Secret::new("tok")),
        };
        let client = reqwest::Client::new();
        let base = Url::parse("https://voss.example.com/").unwrap();
        let read = session
            .authorize(client.get("http://127.0.0.1:9/"), Method::Get, &base)
            .build()
            .unwrap();
        assert_eq!(read.headers()[COOKIE], "sessionid=sid; csrftoken=tok");
        assert!(read.headers().get(CSRF_HEADER).is_none());
        let write = session
            .authorize(client.post("http://127.0.0.1:9/"), Method::Post, &base)
            .build()
            .unwrap();
        assert_eq!(write.headers()[CSRF_HEADER], "tok");
        assert_eq!(write.headers()[REFERER], "https://voss.example.com/");
        assert!(
            write
                .headers()
                .get(reqwest::header::AUTHORIZATION)
                .is_none()
        );
    }

    #[test]
    fn the_login_url_keeps_the_base_path() {
        let base = Url::parse("https://host:8443/voss/?x=1").unwrap();
        assert_eq!(
            login_url(&base).as_str(),
            "https://host:8443/voss/noninteractivelogin/"
        );
    }
}
