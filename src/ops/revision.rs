//! The desired state at a git revision, read with git itself (no network): the files
//! under the user's paths are taken from the revision with `git ls-tree` and `git show`,
//! written into a temporary directory with their relative paths, and loaded with the same
//! loader as the working tree's, so the same checks apply.
//!
//! git runs as a program with arguments, never through a shell.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::desired::{self, Diagnostic};
use crate::model::Desired;

/// Why the base could not be read.
#[derive(Debug)]
pub enum BaseError {
    /// git, the revision or a path: a sentence for the user.
    Git(String),
    /// The files at the revision do not pass the checks; each names `REV:path`.
    Invalid(Vec<Diagnostic>),
}

/// The validated desired state of `paths` (relative to the current directory, as the
/// user gave them) at git revision `rev`. A path that did not exist then is empty.
pub fn load_at_revision(rev: &str, paths: &[PathBuf]) -> Result<Desired, BaseError> {
    fetch_revision(rev, paths)?.load()
}

/// The files of `paths` at a git revision, found but not read yet: [`fetch_revision`]
/// checks the revision and the paths with git (quick), [`RevisionFiles::load`] copies the
/// files out of git into a temporary directory and loads and checks them (the costly
/// part, which a caller may run while it does other work).
#[derive(Debug)]
pub struct RevisionFiles {
    rev: String,
    root: PathBuf,
    commit: String,
    /// The files to copy, as git names them from the repository root.
    names: Vec<String>,
    /// Each user path as git names it, in the user's order.
    relatives: Vec<String>,
}

/// `git show` processes run at once while copying a revision's files.
const SHOWS_AT_ONCE: usize = 8;

impl RevisionFiles {
    /// The validated desired state (see [`load_at_revision`]): the files are copied out
    /// of git (`git show`, [`SHOWS_AT_ONCE`] at a time) into a temporary directory and
    /// loaded there. Errors: [`BaseError::Git`] when the directory cannot be made or a
    /// `git show` fails; [`BaseError::Invalid`] when the files do not pass the checks.
    pub fn load(self) -> Result<Desired, BaseError> {
        let temp = tempfile::Builder::new()
            .prefix("voss-customers-base-")
            .tempdir()
            .map_err(|e| {
                BaseError::Git(format!(
                    "cannot make a temporary directory in {}: {e}",
                    std::env::temp_dir().display()
                ))
            })?;
        for names in self.names.chunks(SHOWS_AT_ONCE) {
            let shown = show_all(&self.root, &self.commit, names)?;
            for (name, content) in names.iter().zip(shown) {
                write_file(&temp.path().join(name), &content)?;
            }
        }
        let mut base_paths = Vec::new();
        for relative in &self.relatives {
            let copied = temp.path().join(relative);
            if copied.exists() && !base_paths.contains(&copied) {
                base_paths.push(copied);
            }
        }
        if base_paths.is_empty() {
            return Ok(Desired::default());
        }
        let rev = &self.rev;
        desired::load(&base_paths).map_err(|mut problems| {
            for problem in &mut problems {
                if let Ok(relative) = problem.file.strip_prefix(temp.path()) {
                    problem.file = PathBuf::from(format!("{rev}:{}", slashed(relative)));
                }
            }
            BaseError::Invalid(problems)
        })
    }
}

/// The files of `paths` (as in [`load_at_revision`]) at git revision `rev`, found with
/// git and not read yet. Errors: git, the revision or a path ([`BaseError::Git`]).
pub fn fetch_revision(rev: &str, paths: &[PathBuf]) -> Result<RevisionFiles, BaseError> {
    let cwd = std::env::current_dir()
        .map_err(|e| BaseError::Git(format!("cannot read the current directory: {e}")))?;
    let root = repo_root(&cwd)?;
    let commit = resolve(&root, rev)?;
    let mut names_all: Vec<String> = Vec::new();
    // Paths may overlap; each file is fetched once (a set: a file per customer is allowed).
    let mut seen = std::collections::HashSet::new();
    let mut relatives = Vec::new();
    for path in paths {
        let relative = repo_relative(&root, &cwd, path)?;
        let names = list_files(&root, &commit, &relative)?;
        let is_file = names.len() == 1 && names[0] == relative;
        for name in names {
            if (is_file || is_yaml(&name)) && seen.insert(name.clone()) {
                names_all.push(name);
            }
        }
        relatives.push(relative);
    }
    Ok(RevisionFiles {
        rev: rev.to_owned(),
        root,
        commit,
        names: names_all,
        relatives,
    })
}

/// The contents of `names` in `commit` (`git show`, one process per file, all at once).
fn show_all(root: &Path, commit: &str, names: &[String]) -> Result<Vec<Vec<u8>>, BaseError> {
    let children = names
        .iter()
        .map(|name| {
            Command::new("git")
                .current_dir(root)
                .args(["show", &format!("{commit}:{name}")])
                .env("GIT_TERMINAL_PROMPT", "0")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| BaseError::Git(format!("cannot run git (is it installed?): {e}")))
        })
        .collect::<Vec<_>>();
    // Every child is waited for (none left behind), the first problem returned.
    let outputs: Vec<Result<Vec<u8>, BaseError>> = children
        .into_iter()
        .map(|child| {
            let output = child?
                .wait_with_output()
                .map_err(|e| BaseError::Git(format!("cannot read what git printed: {e}")))?;
            git_output(output)
        })
        .collect();
    outputs.into_iter().collect()
}

/// The top directory of the work tree holding `cwd`.
fn repo_root(cwd: &Path) -> Result<PathBuf, BaseError> {
    let out = git(cwd, ["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        BaseError::Git(detail) => BaseError::Git(format!(
            "diff --base needs a git repository, and {} is not in one ({detail})",
            cwd.display()
        )),
        other => other,
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']));
    Ok(top.canonicalize().unwrap_or(top))
}

/// The commit id `rev` names, or a sentence naming `rev` when there is none.
fn resolve(root: &Path, rev: &str) -> Result<String, BaseError> {
    let unknown = || {
        BaseError::Git(format!(
            "unknown git revision `{rev}`: no commit of that name in the repository at {} \
             (try a branch, a tag, a commit id or HEAD~1)",
            root.display()
        ))
    };
    if rev.is_empty() || rev.starts_with('-') {
        return Err(unknown());
    }
    let out = git(
        root,
        [
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| unknown())?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

/// `path` as git names it from the repository root ("." for the root itself).
fn repo_relative(root: &Path, cwd: &Path, path: &Path) -> Result<String, BaseError> {
    let absolute = normalise(&cwd.join(path));
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    let relative = absolute.strip_prefix(root).map_err(|_| {
        BaseError::Git(format!(
            "{} is outside the git repository at {}",
            path.display(),
            root.display()
        ))
    })?;
    let relative = slashed(relative);
    Ok(if relative.is_empty() {
        ".".to_owned()
    } else {
        relative
    })
}

/// `.` and `..` resolved without touching the file system (the path may be gone now).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files at or under `relative` in `commit`.
fn list_files(root: &Path, commit: &str, relative: &str) -> Result<Vec<String>, BaseError> {
    let out = git(
        root,
        ["ls-tree", "-r", "-z", "--name-only", commit, "--", relative],
    )?;
    Ok(out
        .split(|b| *b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect())
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

fn write_file(path: &Path, content: &[u8]) -> Result<(), BaseError> {
    let fail = |e: std::io::Error| {
        BaseError::Git(format!(
            "cannot write {} (a copy of the base): {e}",
            path.display()
        ))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, content).map_err(fail)
}

/// Runs git in `dir`; its stdout, or its first error line.
fn git<I, S>(dir: &Path, args: I) -> Result<Vec<u8>, BaseError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| BaseError::Git(format!("cannot run git (is it installed?): {e}")))?;
    git_output(output)
}

/// A finished git's stdout, or its first error line.
fn git_output(output: std::process::Output) -> Result<Vec<u8>, BaseError> {
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("git failed").trim();
        Err(BaseError::Git(first.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_resolves_dots_without_the_file_system() {
        assert_eq!(
            normalise(Path::new("/r/a/./b/../c.yaml")),
            PathBuf::from("/r/a/c.yaml")
        );
    }

    #[test]
    fn yaml_files_are_recognised_by_extension() {
        assert!(is_yaml("a/b.yaml") && is_yaml("c.yml"));
        assert!(!is_yaml("README.md"));
    }
}
