//! The customer as users declare it ([`customer`], [`scope`], [`document`]) and as it
//! lives on the system ([`live`]). Plain data: no I/O here.

pub mod check;
pub mod customer;
pub mod document;
pub mod field;
pub mod live;
pub mod scope;

pub use customer::{Customer, CustomerKey, LocalAdmin, State};
pub use document::{DeclaredCustomer, DeclaredScope, Desired, DesiredFile, Origin};
pub use field::{Field, FieldValues, Kind, Misfit};
pub use live::{
    CommonList, Dependents, ExtraReads, HierarchyNode, ListChoice, ListReads, LiveCustomer,
    LiveState, NodeType, Role,
};
pub use scope::Scope;
