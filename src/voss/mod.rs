//! The only code that knows VOSS Automate: routes, the field map, wire types, the HTTP
//! client and transactions. Everything outside speaks in [`crate::model`] types.

pub mod routes;
pub mod wire;
