//! `--state FILE`: the store as JSON, written atomically by [`crate::fsio`] (a temporary
//! file in the same directory, fsync, rename, fsync of the directory), so a simulator
//! killed at any moment leaves either the previous state or the new one. A state file that
//! cannot be read is an error, never replaced.

use std::fs;
use std::path::{Path, PathBuf};

use tokio::sync::Mutex;

use super::journal::fail_unfinished;
use super::store::{STATE_FORMAT, Store};
use crate::fsio::{WriteError, write_atomically};

/// Why the state file could not be read or written; each names the file (or the step)
/// and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The state file exists but cannot be read.
    #[error("cannot read the state file {}: {source}", .path.display())]
    Read {
        /// The state file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not the JSON of a store; it is left untouched.
    #[error(
        "the state file {} is corrupt ({source}); it was left as it is: move it away to start \
         again from the seed",
        .path.display()
    )]
    Corrupt {
        /// The state file.
        path: PathBuf,
        /// What the JSON reader found.
        #[source]
        source: serde_json::Error,
    },
    /// The state file was written by a simulator with another state format.
    #[error(
        "the state file {} has format version {found}, this simulator reads {STATE_FORMAT}",
        .path.display()
    )]
    Format {
        /// The state file.
        path: PathBuf,
        /// The format version the file holds.
        found: u32,
    },
    /// The state file reads, but does not hold a consistent store (hand-edited?); it is
    /// left untouched.
    #[error(
        "the state file {} is inconsistent: {}; it was left as it is: fix it, or move it \
         away to start again from the seed",
        .path.display(),
        .problems.join("; ")
    )]
    Inconsistent {
        /// The state file.
        path: PathBuf,
        /// Each problem, naming the customer, node or transaction.
        problems: Vec<String>,
    },
    /// The store could not be turned into JSON.
    #[error("cannot serialise the state: {0}")]
    Serialise(#[source] serde_json::Error),
    /// The atomic write failed (the error names the file and the step).
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The blocking task that writes the file panicked or was cancelled.
    #[error("the state writer stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
}

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
        snapshot: impl FnOnce() -> Result<Vec<u8>, StateError>,
    ) -> Result<(), StateError> {
        let _guard = self.lock.lock().await;
        let bytes = snapshot()?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes)).await??;
        Ok(())
    }
}

/// Serialises the store.
pub fn to_bytes(store: &Store) -> Result<Vec<u8>, StateError> {
    serde_json::to_vec(store).map_err(StateError::Serialise)
}

/// Loads a state file; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<Store>, StateError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut store: Store =
        serde_json::from_slice(&bytes).map_err(|source| StateError::Corrupt {
            path: path.to_path_buf(),
            source,
        })?;
    if store.format_version != STATE_FORMAT {
        return Err(StateError::Format {
            path: path.to_path_buf(),
            found: store.format_version,
        });
    }
    let problems = store.problems();
    if !problems.is_empty() {
        return Err(StateError::Inconsistent {
            path: path.to_path_buf(),
            problems,
        });
    }
    store.reindex();
    fail_unfinished(&mut store.transactions);
    Ok(Some(store))
}
