//! The only code that knows VOSS Automate: routes, the field map, wire types, the HTTP
//! client and transactions. Everything outside speaks in [`crate::model`] types.

pub mod add_schema;
mod client;
mod decode;
pub mod error;
mod failure;
pub mod fields;
pub mod fuzzing;
mod list;
pub mod pacing;
pub mod profile;
mod read;
pub mod request;
pub mod retry;
pub mod routes;
pub mod secret;
mod session;
pub mod settings;
pub mod transaction;
pub mod wire;
mod write;

pub use client::Client;
pub use error::ApiError;
pub use fields::{CreateRequest, LocalAdminRequest};
pub use read::customer_node;
pub use retry::{PollPolicy, RetryPolicy};
pub use secret::Secret;
pub use settings::{
    Auth, ConnectSettings, PASSWORD_VAR, SettingsError, Tuning, UpdateMethod, password_from_env,
};
pub use transaction::WriteOutcome;
