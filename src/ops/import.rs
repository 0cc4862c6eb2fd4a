//! `import`: read the live customers under a hierarchy node (and, recursively, below it)
//! and write them as a desired-state file ([`crate::render::import_yaml`] makes the text).

use crate::model::LiveCustomer;
use crate::voss::{ApiError, Client};

/// Customers that live at these nodes cannot be declared (HCM-F customers wait at
/// `sys.hcs` and are migrated by declaring them under a provider or reseller).
const NOT_DECLARABLE: [&str; 2] = ["sys", "sys.hcs"];

/// What was read: the customers to write, and how many were left out as not declarable.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub customers: Vec<LiveCustomer>,
    pub skipped_hcmf: usize,
}

/// Why nothing could be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The hierarchy node is not on the server.
    #[error(
        "hierarchy node `{hierarchy}` does not exist on {target}: give the path of a provider \
         or reseller, e.g. sys.hcs.CS-P.CS-R1"
    )]
    NoSuchNode {
        /// The node asked for.
        hierarchy: String,
        /// The server's URL.
        target: String,
    },
    /// The live system could not be read.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// The live customers directly under `hierarchy` (or at it and below, `recursive`).
/// Fails when the node does not exist or the system cannot be read.
pub async fn read(
    client: &Client,
    hierarchy: &str,
    recursive: bool,
) -> Result<Imported, ImportError> {
    if client.hierarchy_node(hierarchy).await?.is_none() {
        return Err(ImportError::NoSuchNode {
            hierarchy: hierarchy.to_owned(),
            target: client.target().to_owned(),
        });
    }
    let listed = if recursive {
        client.customers_below(hierarchy).await?
    } else {
        client.customers_at(hierarchy).await?
    };
    // Every managed field is written: read the instances a list gave in part.
    let listed = client.complete(listed).await?;
    let (customers, skipped): (Vec<_>, Vec<_>) = listed
        .into_iter()
        .partition(|c| !NOT_DECLARABLE.contains(&c.hierarchy.as_str()));
    Ok(Imported {
        customers,
        skipped_hcmf: skipped.len(),
    })
}
