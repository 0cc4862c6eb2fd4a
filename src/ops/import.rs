//! `import`: read the live customers under a hierarchy node (and, recursively, below it)
//! and write them as a desired-state file ([`crate::render::import_yaml`] makes the text).

use crate::model::LiveCustomer;
use crate::voss::Client;

/// Customers that live at these nodes cannot be declared (HCM-F customers wait at
/// `sys.hcs` and are migrated by declaring them under a provider or reseller).
const NOT_DECLARABLE: [&str; 2] = ["sys", "sys.hcs"];

/// What was read: the customers to write, and how many were left out as not declarable.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub customers: Vec<LiveCustomer>,
    pub skipped_hcmf: usize,
}

/// The live customers directly under `hierarchy` (or at it and below, `recursive`).
/// Fails with a sentence when the node does not exist or the system cannot be read.
pub async fn read(client: &Client, hierarchy: &str, recursive: bool) -> Result<Imported, String> {
    let node = client
        .hierarchy_node(hierarchy)
        .await
        .map_err(|e| e.to_string())?;
    if node.is_none() {
        return Err(format!(
            "hierarchy node `{hierarchy}` does not exist on {}: give the path of a provider or reseller, e.g. sys.hcs.CS-P.CS-R1",
            client.target()
        ));
    }
    let listed = if recursive {
        client.customers_below(hierarchy).await
    } else {
        client.customers_at(hierarchy).await
    }
    .map_err(|e| e.to_string())?;
    // Every managed field is written: read the instances a list gave in part.
    let listed = client.complete(listed).await.map_err(|e| e.to_string())?;
    let (customers, skipped): (Vec<_>, Vec<_>) = listed
        .into_iter()
        .partition(|c| !NOT_DECLARABLE.contains(&c.hierarchy.as_str()));
    Ok(Imported {
        customers,
        skipped_hcmf: skipped.len(),
    })
}
