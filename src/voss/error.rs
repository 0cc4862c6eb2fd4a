//! Every way a VOSS Automate request can fail, each shown as one sentence: what was asked,
//! what the server said, what to check. No sentence ever holds a password or a header.

use std::time::Duration;

use super::request::ApiRequest;

/// A failed API request.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// HTTP 401: the username or password is wrong.
    Unauthorized { username: String },
    /// HTTP 403: the admin's hierarchy does not reach the request's.
    Forbidden {
        request: Box<ApiRequest>,
        message: String,
    },
    /// HTTP 404: an unknown hierarchy or instance.
    NotFound {
        request: Box<ApiRequest>,
        message: String,
    },
    /// Another 4xx: the server refused the request as it was.
    Rejected {
        request: Box<ApiRequest>,
        status: u16,
        message: String,
        /// `(field, message)` pairs from the error body.
        errors: Vec<(String, String)>,
    },
    /// 5xx or 429 that lasted through every retry (reads only; see `Uncertain` for writes).
    Unavailable {
        request: Box<ApiRequest>,
        status: u16,
        attempts: u32,
        message: String,
    },
    /// The server could not be reached.
    Connect {
        url: String,
        request: Box<ApiRequest>,
        detail: String,
    },
    /// The TLS handshake failed (usually an unknown certificate authority).
    Tls { url: String, detail: String },
    /// No answer within the request timeout, through every retry.
    Timeout {
        request: Box<ApiRequest>,
        timeout: Duration,
        attempts: u32,
    },
    /// A write was sent but its outcome is unknown (its answer was lost, or its transaction
    /// did not finish in time): look the customer up before doing anything else.
    Uncertain {
        request: Box<ApiRequest>,
        detail: String,
        /// True when the server answered the write (a transaction exists, or a 2xx came
        /// back): it may still be carried out, so it is never sent again in this run.
        /// False when no answer came (a 5xx, no answer in time, a broken connection).
        accepted: bool,
    },
    /// The write's transaction ended with `Fail`.
    TransactionFailed {
        request: Box<ApiRequest>,
        transaction_id: String,
        message: String,
        /// True when the message says the cause was passing and nothing was changed (the
        /// profile's `writes.transient_failure_texts` [ours]): worth another attempt.
        transient: bool,
    },
    /// An answer this tool cannot read.
    BadResponse {
        request: Box<ApiRequest>,
        detail: String,
    },
}

impl ApiError {
    /// True when a write may or may not have been carried out.
    pub fn is_uncertain(&self) -> bool {
        matches!(self, ApiError::Uncertain { .. })
    }

    /// The same error with `secret` hidden from what the server said ([`mask_secret`]):
    /// a server that echoes a request body must not leak a password.
    pub fn redacted(self, secret: &str) -> ApiError {
        if secret.is_empty() {
            return self;
        }
        let hide = |text: String| mask_secret(&text, secret);
        match self {
            ApiError::Forbidden { request, message } => ApiError::Forbidden {
                request,
                message: hide(message),
            },
            ApiError::NotFound { request, message } => ApiError::NotFound {
                request,
                message: hide(message),
            },
            ApiError::Rejected {
                request,
                status,
                message,
                errors,
            } => ApiError::Rejected {
                request,
                status,
                message: hide(message),
                errors: errors
                    .into_iter()
                    .map(|(field, message)| (hide(field), hide(message)))
                    .collect(),
            },
            ApiError::Unavailable {
                request,
                status,
                attempts,
                message,
            } => ApiError::Unavailable {
                request,
                status,
                attempts,
                message: hide(message),
            },
            ApiError::Connect {
                url,
                request,
                detail,
            } => ApiError::Connect {
                url,
                request,
                detail: hide(detail),
            },
            ApiError::Tls { url, detail } => ApiError::Tls {
                url,
                detail: hide(detail),
            },
            ApiError::Uncertain {
                request,
                detail,
                accepted,
            } => ApiError::Uncertain {
                request,
                detail: hide(detail),
                accepted,
            },
            ApiError::TransactionFailed {
                request,
                transaction_id,
                message,
                transient,
            } => ApiError::TransactionFailed {
                request,
                transaction_id,
                message: hide(message),
                transient,
            },
            ApiError::BadResponse { request, detail } => ApiError::BadResponse {
                request,
                detail: hide(detail),
            },
            other @ (ApiError::Unauthorized { .. } | ApiError::Timeout { .. }) => other,
        }
    }

    /// The HTTP status the server answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::Rejected { status, .. } | ApiError::Unavailable { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for ApiError {
    /// One line: what was asked (names, hierarchies) and what the server said, with every
    /// control character escaped ([`crate::escape::escape`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = Sentence(self).to_string();
        f.write_str(&crate::escape::escape(&text))
    }
}

/// The sentence of an [`ApiError`], before escaping.
struct Sentence<'a>(&'a ApiError);

impl std::fmt::Display for Sentence<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            ApiError::Unauthorized { username } => write!(
                f,
                "VOSS Automate refused the credentials of {username} (HTTP 401): \
                 check VOSS_USERNAME (case-sensitive email) and VOSS_PASSWORD"
            ),
            ApiError::Forbidden { request, message } => match &request.hierarchy {
                Some(hierarchy) => write!(
                    f,
                    "this admin's hierarchy does not include {hierarchy} (HTTP 403 on {}): \
                     plan only hierarchies the admin manages, or use a provider admin",
                    request.label()
                ),
                None => write!(
                    f,
                    "this admin may not {} (HTTP 403{}): use an admin whose hierarchy \
                     includes it, such as a provider admin",
                    request.label(),
                    said(message)
                ),
            },
            ApiError::NotFound { request, message } => match (&request.pkid, &request.hierarchy) {
                (None, Some(hierarchy)) => write!(
                    f,
                    "hierarchy {hierarchy} does not exist on VOSS Automate (HTTP 404 on {}): \
                     check the hierarchy path, for example sys.hcs.CS-P.CS-R1",
                    request.label()
                ),
                _ => write!(
                    f,
                    "VOSS Automate found nothing for {request} (HTTP 404{}): it was probably \
                     deleted since it was read; run plan again",
                    said(message)
                ),
            },
            ApiError::Rejected {
                request,
                status,
                message,
                errors,
            } => {
                write!(f, "VOSS Automate rejected {request} (HTTP {status}")?;
                let mut details = vec![message.clone()];
                details.extend(
                    errors
                        .iter()
                        .map(|(field, text)| format!("{field}: {text}")),
                );
                details.retain(|d| !d.is_empty());
                if !details.is_empty() {
                    write!(f, ": {}", details.join("; "))?;
                }
                write!(f, "): check the values in the desired-state files")
            }
            ApiError::Unavailable {
                request,
                status: 429,
                attempts,
                ..
            } => write!(
                f,
                "VOSS Automate kept rate-limiting {request} (HTTP 429, {attempts} attempts): \
                 try again later, or lower --concurrency"
            ),
            ApiError::Unavailable {
                request,
                status,
                attempts,
                message,
            } => write!(
                f,
                "VOSS Automate failed {request} (HTTP {status}{}, {attempts} attempts): \
                 check the server's health, then try again",
                said(message)
            ),
            ApiError::Connect {
                url,
                request,
                detail,
            } => write!(
                f,
                "could not connect to {url} for {request} ({detail}): check --url / VOSS_URL \
                 and that the server is reachable"
            ),
            ApiError::Tls { url, detail } => write!(
                f,
                "the TLS connection to {url} failed ({detail}): give the CA that signed the \
                 server's certificate with --ca-cert FILE, or use --insecure on a test system"
            ),
            ApiError::Timeout {
                request,
                timeout,
                attempts,
            } => write!(
                f,
                "VOSS Automate did not answer {request} within {} s ({attempts} attempts): \
                 check the server's load and the network",
                timeout.as_secs_f64()
            ),
            ApiError::Uncertain {
                request, detail, ..
            } => write!(
                f,
                "the outcome of {request} is unknown ({detail}): the change may or may not \
                 have been made; look the customer up before trying again"
            ),
            ApiError::TransactionFailed {
                request,
                transaction_id,
                message,
                ..
            } => write!(
                f,
                "VOSS Automate could not complete {request} (transaction {transaction_id} \
                 failed{}): fix the cause, then apply again",
                said(message)
            ),
            ApiError::BadResponse { request, detail } => write!(
                f,
                "VOSS Automate answered {request} with a body this tool cannot read \
                 ({detail}): check that --url points at VOSS Automate"
            ),
        }
    }
}

impl std::error::Error for ApiError {}

/// The shortest secret (in characters) that is masked by replacing it. A shorter one (`y`,
/// `pw`) occurs inside ordinary words, so replacing it would show where it is (and
/// garble the text): a server text holding it is withheld instead.
pub const SHORTEST_MASKED_SECRET: usize = 8;

/// Shown instead of a server text that could hold the password.
pub const WITHHELD: &str = "the server's message was withheld: it could contain the password";

/// `text` (from a server, which may echo the request) made safe to show when `secret` was
/// sent: unchanged when it does not hold the secret; a secret of at least
/// [`SHORTEST_MASKED_SECRET`] characters replaced by `(sensitive)` where it stands as a
/// whole token (not inside a longer word); and [`WITHHELD`] when the secret is shorter,
/// or still occurs inside a longer word.
pub fn mask_secret(text: &str, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        return text.to_owned();
    }
    if secret.chars().count() < SHORTEST_MASKED_SECRET {
        return WITHHELD.to_owned();
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (at, _) in text.match_indices(secret) {
        let end = at + secret.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(word) && !after.is_some_and(word) {
            out.push_str(&text[done..at]);
            out.push_str("(sensitive)");
            done = end;
        }
    }
    out.push_str(&text[done..]);
    if out.contains(secret) {
        WITHHELD.to_owned()
    } else {
        out
    }
}

/// `: "what the server said"`, or nothing when it said nothing.
fn said(message: &str) -> String {
    if message.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", message.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voss::request::Method;
    use crate::voss::routes;

    fn list_customers(hierarchy: &str) -> Box<ApiRequest> {
        Box::new(ApiRequest::at(Method::Get, routes::CUSTOMER, hierarchy))
    }

    #[test]
    fn unauthorized_names_the_admin_and_both_variables() {
        let error = ApiError::Unauthorized {
            username: "Admin@cs-p.example".into(),
        };
        assert_eq!(
            error.to_string(),
            "VOSS Automate refused the credentials of Admin@cs-p.example (HTTP 401): \
             check VOSS_USERNAME (case-sensitive email) and VOSS_PASSWORD"
        );
    }

    #[test]
    fn forbidden_names_the_hierarchy_and_the_request() {
        let error = ApiError::Forbidden {
            request: list_customers("sys.hcs.CS-P.CS-R2"),
            message: "Permission denied".into(),
        };
        assert_eq!(
            error.to_string(),
            "this admin's hierarchy does not include sys.hcs.CS-P.CS-R2 (HTTP 403 on GET \
             relation/HcsCustomerREL): plan only hierarchies the admin manages, or use a \
             provider admin"
        );
        assert_eq!(error.status(), Some(403));
    }

    #[test]
    fn not_found_at_a_hierarchy_is_an_unknown_hierarchy() {
        let error = ApiError::NotFound {
            request: Box::new(ApiRequest::at(
                Method::Get,
                routes::HIERARCHY_NODE,
                "sys.hcs.Nope",
            )),
            message: String::new(),
        };
        assert!(
            error
                .to_string()
                .starts_with("hierarchy sys.hcs.Nope does not exist on VOSS Automate (HTTP 404 on GET data/HierarchyNode)")
        );
    }

    #[test]
    fn rejected_lists_the_field_errors() {
        let error = ApiError::Rejected {
            request: Box::new(ApiRequest::at(Method::Post, routes::CUSTOMER, "sys.hcs.P")),
            status: 400,
            message: "Validation failed".into(),
            errors: vec![("domainName".into(), "not a domain".into())],
        };
        assert_eq!(
            error.to_string(),
            "VOSS Automate rejected POST relation/HcsCustomerREL at sys.hcs.P (HTTP 400: \
             Validation failed; domainName: not a domain): check the values in the \
             desired-state files"
        );
    }

    #[test]
    fn tls_failure_points_at_ca_cert_and_insecure() {
        let error = ApiError::Tls {
            url: "https://voss.example.com/".into(),
            detail: "invalid peer certificate: UnknownIssuer".into(),
        };
        let text = error.to_string();
        assert!(text.contains("https://voss.example.com/"), "{text}");
        assert!(text.contains("--ca-cert FILE"), "{text}");
        assert!(text.contains("--insecure"), "{text}");
    }

    const LONG: &str = "Tr0ub4dor&3-horse";

    #[test]
    fn a_text_without_the_secret_is_kept() {
        assert_eq!(
            mask_secret("add Cyberdyne Systems at sys.hcs.P", "x"),
            "add Cyberdyne Systems at sys.hcs.P"
        );
        assert_eq!(mask_secret("anything", ""), "anything");
    }

    #[test]
    fn a_short_password_is_never_masked_letter_by_letter_but_withheld() {
        // Before: `add C(sensitive)berd(sensitive)ne S(sensitive)stems`.
        for secret in ["y", "pw"] {
            let text = format!("add Cyberdyne Systems, pwd for {secret}");
            let shown = mask_secret(&text, secret);
            assert_eq!(shown, WITHHELD, "{secret}");
            assert!(!shown.contains("(sensitive)"));
        }
    }

    #[test]
    fn a_long_password_is_masked_where_it_stands_as_a_token() {
        let text = format!("password \"{LONG}\" is too weak; {LONG}");
        assert_eq!(
            mask_secret(&text, LONG),
            "password \"(sensitive)\" is too weak; (sensitive)"
        );
    }

    #[test]
    fn a_long_password_inside_a_longer_word_withholds_the_text() {
        let text = format!("value x{LONG}y rejected");
        assert_eq!(mask_secret(&text, LONG), WITHHELD);
    }

    #[test]
    fn redacted_hides_the_secret_in_every_server_text() {
        let request = Box::new(ApiRequest::at(Method::Post, routes::CUSTOMER, "sys.hcs.P"));
        for secret in ["y", "pw", LONG] {
            let error = ApiError::Rejected {
                request: request.clone(),
                status: 400,
                message: format!("bad password {secret}"),
                errors: vec![(secret.to_owned(), format!("echo: {secret}"))],
            }
            .redacted(secret);
            let text = error.to_string();
            assert!(!text.contains(&format!(" {secret}")), "{secret}: {text}");
            if secret.len() < SHORTEST_MASKED_SECRET {
                assert!(text.contains(WITHHELD), "{text}");
            } else {
                assert!(text.contains("bad password (sensitive)"), "{text}");
            }
        }
    }

    #[test]
    fn names_and_server_text_are_shown_escaped_on_one_line() {
        let error = ApiError::Rejected {
            request: Box::new(ApiRequest::at(
                Method::Post,
                routes::CUSTOMER,
                "sys.hcs.P\n::error::x",
            )),
            status: 400,
            message: "bad \u{1b}[2J name\r\n::warning::y".into(),
            errors: vec![("name\u{7}".into(), "no\ttabs".into())],
        };
        let text = error.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.contains("sys.hcs.P\\n::error::x"), "{text}");
        assert!(
            text.contains("bad \\u{1b}[2J name\\r\\n::warning::y"),
            "{text}"
        );
        assert!(text.contains("name\\u{7}: no\\ttabs"), "{text}");
    }

    #[test]
    fn uncertain_says_to_look_up_first() {
        let error = ApiError::Uncertain {
            request: Box::new(ApiRequest::at(Method::Post, routes::CUSTOMER, "sys.hcs.P")),
            detail: "HTTP 503".into(),
            accepted: false,
        };
        assert!(error.is_uncertain());
        assert!(
            error
                .to_string()
                .contains("look the customer up before trying again")
        );
    }
}
