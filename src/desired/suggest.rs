//! "Did you mean ...?" for misspelt keys: [`crate::yaml::nearest`].

pub use crate::yaml::nearest;
