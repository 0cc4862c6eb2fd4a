//! `adopt`: read the files and the live system, make the edits ([`crate::adopt`]), check
//! that the edited files still validate, and replace them atomically.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::adopt::{Adoption, Texts};
use crate::desired::{self, Diagnostic};
use crate::model::{Desired, LiveState};
use crate::plan;
use crate::voss::{ApiError, Client};

/// The texts of the desired-state files under `paths`, by the paths the loader uses.
/// Errors: a file that cannot be read (as [`desired::load`] reports it).
pub fn read_texts(paths: &[PathBuf]) -> Result<Texts, Vec<Diagnostic>> {
    let found = desired::files::discover(paths);
    if !found.problems.is_empty() {
        return Err(found.problems);
    }
    let mut texts = Texts::new();
    let mut problems = Vec::new();
    for file in found.files {
        match desired::files::read(&file) {
            Ok(text) => {
                texts.insert(file, text);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(texts)
    } else {
        Err(problems)
    }
}

/// What adopt needs of the live system: what `plan` reads, plus the whole record of each
/// undeclared customer in an owned scope (it is written with every managed field).
pub async fn read_live(client: &Client, desired: &Desired) -> Result<LiveState, ApiError> {
    let mut live = super::plan::read_live(client, desired).await?;
    let undeclared: BTreeSet<(String, String)> = plan::drift(desired, &live)
        .undeclared
        .into_iter()
        .map(|c| (c.hierarchy, c.name))
        .collect();
    let partial: BTreeSet<String> = live
        .customers
        .iter()
        .filter(|c| !c.unread.is_empty())
        .filter(|c| undeclared.contains(&(c.hierarchy.clone(), c.name.clone())))
        .map(|c| c.pkid.clone())
        .collect();
    client.read_instances(&mut live, &partial).await?;
    Ok(live)
}

/// Why `--into FILE` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IntoError {
    /// The file is neither one of the files read nor a new `*.yaml` in a directory given.
    #[error(
        "--into {}: not a desired-state file read from the paths given, and not a new \
         `*.yaml` file inside a directory given: name one of them, so that plan reads what \
         adopt writes",
        .0.display()
    )]
    Outside(PathBuf),
}

/// The path `--into FILE` names among `texts` (as the loader spells it), or the new file
/// itself when it does not exist yet and lies in a directory of `paths`.
pub fn resolve_into(into: &Path, paths: &[PathBuf], texts: &Texts) -> Result<PathBuf, IntoError> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(wanted) = canonical(into) {
        return texts
            .keys()
            .find(|k| canonical(k).as_ref() == Some(&wanted))
            .cloned()
            .ok_or_else(|| IntoError::Outside(into.to_path_buf()));
    }
    let yaml = into
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let parent = into
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(canonical);
    let inside = parent.is_some_and(|parent| {
        paths
            .iter()
            .filter(|p| p.is_dir())
            .filter_map(|p| canonical(p))
            .any(|dir| parent.starts_with(dir))
    });
    if yaml && inside {
        Ok(into.to_path_buf())
    } else {
        Err(IntoError::Outside(into.to_path_buf()))
    }
}

/// Checks that the files, with adopt's changes, are still valid desired state (schema
/// and semantic rules, across all files): the changed texts and the others are loaded
/// as they would be on disk, under their real paths, in the same order.
pub fn validate_result(texts: &Texts, adoption: &Adoption) -> Result<(), Vec<Diagnostic>> {
    if adoption.files.is_empty() {
        return Ok(());
    }
    let mut after = texts.clone();
    for file in &adoption.files {
        after.insert(file.path.clone(), file.after.clone());
    }
    desired::load_texts(&after).desired.map(|_| ())
}

/// Why the changed files were not all written.
#[derive(Debug, thiserror::Error)]
pub enum WriteFailure {
    /// A file to replace is not a regular file (a symbolic link, a directory, a device):
    /// found before anything was written.
    #[error("{0}; nothing was written")]
    Refused(#[source] crate::fsio::WriteError),
    /// A write failed after `written` (maybe none) had been replaced; the others,
    /// the failed one included, are unchanged.
    #[error("{error}; {}", written_list(.written))]
    Partial {
        written: Vec<PathBuf>,
        #[source]
        error: crate::fsio::WriteError,
    },
}

fn written_list(written: &[PathBuf]) -> String {
    if written.is_empty() {
        return "nothing was written".to_owned();
    }
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    format!(
        "already written: {}; the other files are unchanged: fix the cause and run adopt \
         again (it adopts what is left)",
        names.join(", ")
    )
}

/// Replaces each changed file atomically ([`crate::fsio::write_atomically`]), then gives
/// it back the permissions it had (the atomic writer makes a new file). Every target is
/// checked ([`crate::fsio::check_target`]) before any is written; a write that still
/// fails stops the run, and the error names the files already written.
pub fn write(adoption: &Adoption) -> Result<(), WriteFailure> {
    for change in &adoption.files {
        crate::fsio::check_target(&change.path).map_err(WriteFailure::Refused)?;
    }
    let mut written = Vec::new();
    for change in &adoption.files {
        let permissions = std::fs::metadata(&change.path)
            .ok()
            .map(|m| m.permissions());
        if let Err(error) = crate::fsio::write_atomically(&change.path, change.after.as_bytes()) {
            return Err(WriteFailure::Partial { written, error });
        }
        if let Some(permissions) = permissions {
            // Best effort: the content is written either way.
            let _ = std::fs::set_permissions(&change.path, permissions);
        }
        written.push(change.path.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adopt::FileChange;

    fn change(path: PathBuf, before: &str, after: &str) -> FileChange {
        FileChange {
            path,
            before: before.to_owned(),
            after: after.to_owned(),
            created: false,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_among_the_targets_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("b.yaml");
        std::fs::write(&a, "a: 1\n").unwrap();
        std::fs::write(&real, "b: 1\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let adoption = Adoption {
            files: vec![
                change(a.clone(), "a: 1\n", "a: 2\n"),
                change(link, "b: 1\n", "b: 2\n"),
            ],
            ..Adoption::default()
        };
        let error = write(&adoption).unwrap_err();
        assert!(matches!(error, WriteFailure::Refused(_)), "{error}");
        assert!(error.to_string().contains("nothing was written"), "{error}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a: 1\n");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "b: 1\n");
    }

    #[test]
    fn a_failed_write_names_the_files_already_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        std::fs::write(&a, "a: 1\n").unwrap();
        let gone = dir.path().join("gone").join("b.yaml");
        let adoption = Adoption {
            files: vec![
                change(a.clone(), "a: 1\n", "a: 2\n"),
                change(gone, "", "b: 2\n"),
            ],
            ..Adoption::default()
        };
        let error = write(&adoption).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(&error, WriteFailure::Partial { written, .. } if written == std::slice::from_ref(&a))
        );
        assert!(
            message.contains(&format!("already written: {}", a.display())),
            "{message}"
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a: 2\n");
    }
}
