//! `import`: read the live customers under a hierarchy node (and, recursively, below it)
//! and write them as a desired-state file ([`super::import_yaml`] makes the text).

use std::io::Write as _;
use std::path::Path;

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
    let (customers, skipped): (Vec<_>, Vec<_>) = listed
        .into_iter()
        .partition(|c| !NOT_DECLARABLE.contains(&c.hierarchy.as_str()));
    Ok(Imported {
        customers,
        skipped_hcmf: skipped.len(),
    })
}

/// Writes `text` to `path` atomically: a temporary file next to it, synced, then renamed
/// over it, so a reader never sees half a file.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let fail = |what: &str, e: std::io::Error| format!("cannot {what} {}: {e}", path.display());
    let name = path
        .file_name()
        .ok_or_else(|| format!("cannot write to {}: not a file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail("write", e));
    }
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail("replace", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_into_a_missing_directory_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.yaml");
        let error = write_atomically(&path, "x").unwrap_err();
        assert!(error.contains("out.yaml"), "{error}");
    }
}
