//! `--state FILE`: the store as JSON, written atomically by [`crate::fsio`] (a temporary
//! file in the same directory, fsync, rename, fsync of the directory), so a simulator
//! killed at any moment leaves either the previous state or the new one. A state file that
//! cannot be read is an error, never replaced.

use std::fs;
use std::path::{Path, PathBuf};

use tokio::sync::Mutex;

use super::journal::fail_unfinished;
use super::store::{STATE_FORMAT, Store};
use crate::fsio::write_atomically;

/// Writes snapshots one at a time, so a later snapshot never loses to an earlier one.
#[derive(Debug)]
pub struct Persister {
    path: PathBuf,
    lock: Mutex<()>,
}

impl Persister {
    pub fn new(path: PathBuf) -> Self {
        Persister {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Takes a snapshot with `snapshot` (under the write lock) and writes it.
    pub async fn save(
        &self,
        snapshot: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<(), String> {
        let _guard = self.lock.lock().await;
        let bytes = snapshot()?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            write_atomically(&path, &bytes).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| format!("the state writer stopped: {e}"))?
    }
}

/// Serialises the store.
pub fn to_bytes(store: &Store) -> Result<Vec<u8>, String> {
    serde_json::to_vec(store).map_err(|e| format!("cannot serialise the state: {e}"))
}

/// Loads a state file; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<Store>, String> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the state file {}: {e}",
                path.display()
            ));
        }
    };
    let mut store: Store = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the state file {} is corrupt ({e}); it was left as it is: move it away to start again from the seed",
            path.display()
        )
    })?;
    if store.format_version != STATE_FORMAT {
        return Err(format!(
            "the state file {} has format version {}, this simulator reads {STATE_FORMAT}",
            path.display(),
            store.format_version
        ));
    }
    store.reindex();
    fail_unfinished(&mut store.transactions);
    Ok(Some(store))
}
