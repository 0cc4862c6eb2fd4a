//! Writing a file so that a reader never sees half of it: the one atomic writer of the
//! command line (saved plans, imported files) and the simulator (its `--state` file).
//!
//! A temporary file is made next to the target (so the rename stays on one file system),
//! written and synced, then renamed over the target, and the directory is synced so that
//! the rename itself survives a crash. A process killed at any moment leaves either the
//! previous file or the new one, and at worst a hidden `.NAME.*.tmp` file beside it.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What [`write_atomically`] was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStep {
    /// Creating the temporary file in the target's directory.
    Create,
    /// Writing the bytes to the temporary file.
    Write,
    /// Syncing the temporary file to disk.
    Sync,
    /// Renaming the temporary file over the target.
    Replace,
    /// Syncing the directory, so the rename is durable.
    SyncDirectory,
}

impl fmt::Display for WriteStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteStep::Create => "cannot create a temporary file in its directory",
            WriteStep::Write => "cannot write the temporary file",
            WriteStep::Sync => "cannot sync the temporary file to disk",
            WriteStep::Replace => "cannot rename the temporary file over it",
            WriteStep::SyncDirectory => "cannot sync its directory after the rename",
        })
    }
}

/// Why a file could not be written; it names the file, the step and what to check.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path ends in `..` or names no file at all.
    #[error("cannot write to {}: the path names no file; give a file name", .path.display())]
    NotAFile {
        /// The path as given.
        path: PathBuf,
    },
    /// An I/O step failed; the target was left as it was (except after a failed
    /// [`WriteStep::SyncDirectory`], when the new content is in place but may not be durable).
    #[error(
        "cannot write {}: {step}: {source}; check that the directory exists and is writable",
        .path.display()
    )]
    Io {
        /// The target file.
        path: PathBuf,
        /// What failed.
        step: WriteStep,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` atomically (see the module documentation). The new file gets
/// the permissions a newly created file gets (`0666` less the umask on Unix), as
/// `std::fs::write` would give it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let Some(name) = path.file_name() else {
        return Err(WriteError::NotAFile {
            path: path.to_path_buf(),
        });
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let failed = |step: WriteStep| {
        move |source: std::io::Error| WriteError::Io {
            path: path.to_path_buf(),
            step,
            source,
        }
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropped on any error below, the temporary file is removed.
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(failed(WriteStep::Create))?;
    temp.write_all(bytes).map_err(failed(WriteStep::Write))?;
    temp.as_file().sync_all().map_err(failed(WriteStep::Sync))?;
    temp.persist(path)
        .map_err(|e| failed(WriteStep::Replace)(e.error))?;
    sync_directory(dir).map_err(failed(WriteStep::SyncDirectory))
}

/// Syncs a directory, so that a rename in it is durable (Unix; elsewhere a directory
/// cannot be opened for this and there is nothing to do).
fn sync_directory(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(names(dir.path()), ["out.yaml"]);
    }

    #[test]
    fn creates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        write_atomically(&path, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        assert_eq!(names(dir.path()), ["plan.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_new_file_is_readable_like_one_made_by_fs_write() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let by_std = dir.path().join("std");
        std::fs::write(&by_std, "x").unwrap();
        let atomic = dir.path().join("atomic");
        write_atomically(&atomic, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&by_std));
    }

    #[test]
    fn a_missing_directory_names_the_file_and_what_to_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.yaml");
        let error = write_atomically(&path, b"x").unwrap_err();
        assert!(
            matches!(
                error,
                WriteError::Io {
                    step: WriteStep::Create,
                    ..
                }
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("out.yaml"), "{message}");
        assert!(message.contains("directory exists"), "{message}");
    }

    #[test]
    fn a_path_that_names_no_file_is_refused() {
        let error = write_atomically(Path::new(".."), b"x").unwrap_err();
        assert!(matches!(error, WriteError::NotAFile { .. }), "{error:?}");
        assert!(error.to_string().contains("give a file name"), "{error}");
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A directory in the way: the rename fails, the directory is untouched.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "kept").unwrap();
        let error = write_atomically(&path, b"x").unwrap_err();
        assert!(
            matches!(
                error,
                WriteError::Io {
                    step: WriteStep::Replace,
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(names(dir.path()), ["taken"]);
        assert_eq!(
            std::fs::read_to_string(path.join("inside")).unwrap(),
            "kept"
        );
    }
}
