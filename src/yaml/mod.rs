//! YAML text → a JSON value plus the position of every node, for the desired-state files
//! ([`crate::desired`]) and the simulator's seed ([`crate::sim`]) alike.
//!
//! `reader` parses (saphyr, YAML 1.2) into a `serde_json::Value` and records positions in
//! a compact [`PositionIndex`] (`index`); `position` holds the plain position types both
//! use. The arrows run one way: `reader` → `index` → `position`.

pub mod edit;
mod index;
mod pointer;
mod position;
mod quote;
mod reader;
mod span;
mod suggest;
mod token;

pub use index::PositionIndex;
pub use pointer::pointer_of;
pub use position::{NodePosition, Position};
pub use quote::quote;
pub use reader::{Document, Locate, Parsed, YamlError, YamlErrorKind, parse, parse_document};
pub use span::{Span, Spans, Style, spans};
pub use suggest::nearest;
pub use token::token_end;
