//! HTTP Basic authentication (emails are case-sensitive), or a session cookie from
//! `session.rs`, and the admin's scope: an admin sees and touches only its own hierarchy
//! subtree.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use base64::Engine;

use super::Sim;
use super::errors::ApiError;
use super::store::within;

/// A seed admin. Credentials come from the seed on every start; they are never written
/// to the state file.
#[derive(Clone)]
pub struct Credential {
    pub email: String,
    pub password: String,
    pub hierarchy: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("email", &self.email)
            .field("password", &"(sensitive)")
            .field("hierarchy", &self.hierarchy)
            .finish()
    }
}

/// The seed admins, by email (exact, case-sensitive).
#[derive(Debug, Clone, Default)]
pub struct Credentials(HashMap<String, Credential>);

impl Credentials {
    /// Adds an admin; false when the email is taken.
    pub fn insert(&mut self, credential: Credential) -> bool {
        if self.0.contains_key(&credential.email) {
            return false;
        }
        self.0.insert(credential.email.clone(), credential);
        true
    }

    /// The admin highest in the hierarchy (the provider admin), for `--sim` runs that
    /// name no user: fewest path levels first, then by email.
    pub fn top(&self) -> Option<&Credential> {
        self.0
            .values()
            .min_by_key(|c| (c.hierarchy.matches('.').count(), c.email.clone()))
    }

    pub fn check(&self, email: &str, password: &str) -> Option<&Credential> {
        self.0
            .get(email)
            .filter(|c| constant_time_eq(c.password.as_bytes(), password.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The authenticated admin of a request.
#[derive(Debug, Clone)]
pub struct Admin {
    pub email: String,
    /// The root of what this admin may see and touch.
    pub hierarchy: String,
}

impl Admin {
    /// Whether `path` is in this admin's subtree.
    pub fn sees(&self, path: &str) -> bool {
        within(path, &self.hierarchy)
    }

    /// Whether `path` is a node above this admin's own: one its own path names, so its
    /// existence is no secret.
    pub fn is_above(&self, path: &str) -> bool {
        path != self.hierarchy && within(&self.hierarchy, path)
    }

    /// `Ok` when `path` is in this admin's subtree. Else 403 for a node above its own
    /// (which its own path names), and for any other node `missing()`: exactly the answer
    /// for something that does not exist, so that another reseller's nodes, customers and
    /// transactions cannot be told from missing ones.
    pub fn require(&self, path: &str, missing: impl FnOnce() -> ApiError) -> Result<(), ApiError> {
        if self.sees(path) {
            Ok(())
        } else if self.is_above(path) {
            Err(ApiError::forbidden(format!(
                "{} may not access {path}: outside its hierarchy {}",
                self.email, self.hierarchy
            )))
        } else {
            Err(missing())
        }
    }
}

impl FromRequestParts<Arc<Sim>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, ApiError> {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            let is_write = !matches!(parts.method, Method::GET | Method::HEAD);
            if let Some(admin) = sim.sessions.admin(&parts.headers, is_write) {
                return admin;
            }
        }
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let encoded = header
            .strip_prefix("Basic ")
            .ok_or_else(ApiError::unauthorized)?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(ApiError::unauthorized)?;
        let (email, password) = decoded.split_once(':').ok_or_else(ApiError::unauthorized)?;
        let credential = sim
            .credentials
            .check(email, password)
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Admin {
            email: credential.email.clone(),
            hierarchy: credential.hierarchy.clone(),
        })
    }
}
