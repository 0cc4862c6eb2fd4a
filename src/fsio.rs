//! Writing a file so that a reader never sees half of it: the one atomic writer of the
//! command line (saved plans, imported files) and the simulator (its `--state` file).
//!
//! A temporary file is made next to the target (so the rename stays on one file system),
//! written and synced, then renamed over the target, and the directory is synced so that
//! the rename itself survives a crash. A process killed at any moment leaves either the
//! previous file or the new one, and at worst a hidden `.NAME.*.tmp` file beside it.
//!
//! Only a regular file or a missing path is replaced. A device (`/dev/null`), a FIFO, a
//! socket, a directory or a symbolic link at the path is refused with what is there and
//! what to do: a rename would replace the node itself (a device turned into a file, a
//! link into a copy) rather than write through it. The kind is checked before anything
//! is written and again just before the rename.
//!
//! The temporary file is made by `tempfile`: a random name (6 alphanumerics, re-drawn on
//! a collision) opened with `O_CREAT | O_EXCL`, which fails on any existing entry,
//! a symbolic link included, so a link planted at its name is never followed.

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
    /// Something other than a regular file is at the path.
    #[error(
        "cannot write to {}: it is {what}, not a regular file, and would be replaced by one; \
         {hint}",
        .path.display()
    )]
    NotRegular {
        /// The path as given.
        path: PathBuf,
        /// What is there (`a FIFO (named pipe)`, `a symbolic link to X`, ...).
        what: String,
        /// What to do instead.
        hint: &'static str,
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
    write_with(path, bytes, RANDOM_CHARS)
}

/// The random characters of a temporary file's name (`tempfile`'s default).
const RANDOM_CHARS: usize = 6;

/// Refuses a path that holds anything but a regular file (a missing path is fine).
pub fn check_target(path: &Path) -> Result<(), WriteError> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        // Missing, or not inspectable: the create or the rename reports the real problem.
        Err(_) => return Ok(()),
    };
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let (what, hint) = if kind.is_symlink() {
        let to = std::fs::read_link(path)
            .map(|to| crate::escape::escape(&to.display().to_string()).into_owned())
            .unwrap_or_else(|_| "an unreadable target".to_owned());
        (
            format!("a symbolic link to {to}"),
            "give the link's target itself, or remove the link",
        )
    } else if kind.is_dir() {
        ("a directory".to_owned(), "give a file name inside it")
    } else {
        (
            special_kind(&kind).to_owned(),
            "to send the output there, leave out the option and redirect standard output \
             to it, or give another path",
        )
    };
    Err(WriteError::NotRegular {
        path: path.to_path_buf(),
        what,
        hint,
    })
}

/// A device, FIFO or socket, in words.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "a special file"
}

/// [`write_atomically`] with `random` random characters in the temporary file's name
/// (0 in a test makes the name known, to plant a link at it).
fn write_with(path: &Path, bytes: &[u8], random: usize) -> Result<(), WriteError> {
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
    builder.prefix(&prefix).suffix(".tmp").rand_bytes(random);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    check_target(path)?;
    // Dropped on any error below, the temporary file is removed.
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(failed(WriteStep::Create))?;
    temp.write_all(bytes).map_err(failed(WriteStep::Write))?;
    temp.as_file().sync_all().map_err(failed(WriteStep::Sync))?;
    // Again at the last moment: what was a file may have been replaced meanwhile.
    check_target(path)?;
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

    fn refused(path: &Path) -> String {
        let error = write_atomically(path, b"new").unwrap_err();
        assert!(matches!(error, WriteError::NotRegular { .. }), "{error:?}");
        error.to_string()
    }

    #[test]
    fn a_directory_is_refused_untouched_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "kept").unwrap();
        let message = refused(&path);
        assert!(message.contains("it is a directory"), "{message}");
        assert_eq!(names(dir.path()), ["taken"]);
        assert_eq!(
            std::fs::read_to_string(path.join("inside")).unwrap(),
            "kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.yaml");
        std::fs::write(&target, "kept").unwrap();
        let link = dir.path().join("out.yaml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let message = refused(&link);
        assert!(message.contains("a symbolic link to"), "{message}");
        assert!(message.contains("target.yaml"), "{message}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
        assert_eq!(names(dir.path()), ["out.yaml", "target.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symbolic_link_is_refused_and_nothing_created() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out.yaml");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        refused(&link);
        assert_eq!(names(dir.path()), ["out.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_and_stays_a_fifo() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let message = refused(&fifo);
        assert!(message.contains("a FIFO (named pipe)"), "{message}");
        assert!(message.contains("redirect standard output"), "{message}");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        assert_eq!(names(dir.path()), ["pipe"]);
    }

    #[cfg(unix)]
    #[test]
    fn dev_null_is_refused_before_anything_is_written() {
        // Only checked, never written: were the check broken, a test run as root would
        // turn the system's /dev/null into a file.
        let error = check_target(Path::new("/dev/null")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("it is a character device"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_node_is_refused_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let device = dir.path().join("null");
        // A private copy of /dev/null (needs root; elsewhere only /dev/null is checked).
        let made = std::process::Command::new("mknod")
            .arg(&device)
            .args(["c", "1", "3"])
            .stderr(std::process::Stdio::null())
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let message = refused(&device);
        assert!(message.contains("a character device"), "{message}");
        let kind = std::fs::symlink_metadata(&device).unwrap().file_type();
        assert!(kind.is_char_device());
        assert_eq!(names(dir.path()), ["null"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        std::fs::write(&path, "old").unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "kept").unwrap();
        // With no random characters the temporary name is known: `.out.yaml..tmp`.
        let planted = dir.path().join(".out.yaml..tmp");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let error = write_with(&path, b"new", 0).unwrap_err();
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
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "kept");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(
            std::fs::symlink_metadata(&planted)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn temporary_names_are_random() {
        // Two writes racing at one target use two names; both land, the last wins.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        for i in 0..20 {
            write_atomically(&path, format!("{i}").as_bytes()).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "19");
        assert_eq!(names(dir.path()), ["out.yaml"]);
    }
}
