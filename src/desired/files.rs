//! Which files to read, and reading them: directories are walked recursively in sorted
//! order for `*.yaml` / `*.yml` (any letter case), following links to directories once
//! each; every unreadable input is a diagnostic, never a panic.
//!
//! Nothing is left out in silence: an entry that is not read is reported as skipped (a
//! warning), and one that looks like a desired-state file but cannot be read (a dangling
//! `*.yaml` link, a `*.yaml` that is not a regular file) is an error. A file left out
//! would have its customers pruned.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Diagnostic;
use super::diagnostic::Rule;
use crate::yaml::Position;

/// Files larger than this are refused: desired state for tens of thousands of customers
/// fits in a fraction of it, and a bigger file is most likely not desired state.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Directories nested deeper than this below a path given are refused.
pub const MAX_DEPTH: usize = 32;

/// Directory entries looked at in all: more is not a directory of desired state.
pub const MAX_ENTRIES: usize = 200_000;

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The files to read, in order, each once.
    pub files: Vec<PathBuf>,
    /// Inputs that should be read but cannot be: errors.
    pub problems: Vec<Diagnostic>,
    /// Entries of the directories walked that are not read, and why: warnings.
    pub skipped: Vec<Diagnostic>,
}

/// The files named by `paths`: files as given (whatever their extension), directories
/// walked for YAML files. A file reached twice is read once.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut walker = Walker::default();
    for path in paths {
        let before = walker.found.len();
        match fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let message = match fs::read_link(path) {
                    Ok(target) => dangling(&target),
                    Err(_) => "no such file or directory".to_string(),
                };
                walker.problems.push(Diagnostic::file(path, message));
            }
            Err(e) => walker
                .problems
                .push(Diagnostic::file(path, format!("cannot read: {e}"))),
            Ok(meta) if meta.is_dir() => {
                let problems = walker.problems.len();
                let walked = walker.walk(path, 0);
                if walked && walker.found.len() == before && walker.problems.len() == problems {
                    walker.problems.push(Diagnostic::file(
                        path,
                        "no *.yaml or *.yml file in this directory",
                    ));
                }
            }
            Ok(_) => walker.found.push(path.clone()),
        }
    }
    let mut seen = HashSet::new();
    let files = walker
        .found
        .into_iter()
        .filter(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())))
        .collect();
    Discovered {
        files,
        problems: walker.problems,
        skipped: walker.skipped,
    }
}

/// A directory walk: what it found, and the directories already walked (by their real
/// path, with the path they were first walked as), so that a link loop ends.
#[derive(Default)]
struct Walker {
    found: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
    skipped: Vec<Diagnostic>,
    walked: HashMap<PathBuf, PathBuf>,
    entries: usize,
}

impl Walker {
    /// Collects the YAML files under `dir`, sorted by name at each level; false when
    /// `dir` was walked already.
    fn walk(&mut self, dir: &Path, depth: usize) -> bool {
        let real = match fs::canonicalize(dir) {
            Ok(real) => real,
            Err(e) => {
                self.problems
                    .push(Diagnostic::file(dir, format!("cannot read directory: {e}")));
                return true;
            }
        };
        if let Some(first) = self.walked.get(&real) {
            if first != dir {
                self.skipped.push(
                    Diagnostic::file(
                        dir,
                        format!(
                            "skipped: the same directory as {}, already read",
                            first.display()
                        ),
                    )
                    .with_rule(Rule::Skipped),
                );
            }
            return false;
        }
        self.walked.insert(real, dir.to_path_buf());
        if depth > MAX_DEPTH {
            self.problems.push(Diagnostic::file(
                dir,
                format!("directories nested more than {MAX_DEPTH} deep: give a directory nearer to the files"),
            ));
            return true;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.problems
                    .push(Diagnostic::file(dir, format!("cannot read directory: {e}")));
                return true;
            }
        };
        let mut listed = Vec::new();
        for entry in entries {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                self.problems.push(Diagnostic::file(
                    dir,
                    format!("more than {MAX_ENTRIES} directory entries: give the directory of the desired-state files only"),
                ));
                return true;
            }
            match entry {
                Ok(entry) => listed.push(entry),
                Err(e) => self.problems.push(Diagnostic::file(
                    dir,
                    format!("cannot read an entry of this directory: {e}"),
                )),
            }
        }
        listed.sort_by_key(|e| e.file_name());
        for entry in listed {
            self.entry(&entry, depth);
        }
        true
    }

    fn entry(&mut self, entry: &fs::DirEntry, depth: usize) {
        let path = entry.path();
        let yaml = is_yaml(&path);
        if entry.file_name().to_string_lossy().starts_with('.') {
            self.skip(&path, "hidden (its name starts with `.`)");
            return;
        }
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => return self.unreadable(&path, yaml, format!("cannot read: {e}")),
        };
        // A link is followed: to a directory (walked once), a file, or nothing.
        let meta = if kind.is_symlink() {
            match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let message = match fs::read_link(&path) {
                        Ok(target) => dangling(&target),
                        Err(e) => format!("cannot read the symbolic link: {e}"),
                    };
                    return self.unreadable(&path, yaml, message);
                }
                Err(e) => return self.unreadable(&path, yaml, format!("cannot read: {e}")),
            }
        } else {
            match entry.metadata() {
                Ok(meta) => meta,
                Err(e) => return self.unreadable(&path, yaml, format!("cannot read: {e}")),
            }
        };
        if meta.is_dir() {
            self.walk(&path, depth + 1);
        } else if !yaml {
            self.skip(&path, "not a *.yaml or *.yml file");
        } else if meta.is_file() {
            self.found.push(path);
        } else {
            self.problems.push(Diagnostic::file(
                &path,
                "not a regular file (a device, FIFO or socket): desired state is read from regular files only; move it away or rename it",
            ));
        }
    }

    fn skip(&mut self, path: &Path, why: &str) {
        self.skipped
            .push(Diagnostic::file(path, format!("skipped: {why}")).with_rule(Rule::Skipped));
    }

    /// An entry that cannot be looked at: an error when it looks like a desired-state file,
    /// else skipped.
    fn unreadable(&mut self, path: &Path, yaml: bool, message: String) {
        if yaml {
            self.problems.push(Diagnostic::file(path, message));
        } else {
            self.skip(path, &message);
        }
    }
}

/// "dangling symbolic link to `TARGET`: ..."
fn dangling(target: &Path) -> String {
    format!(
        "dangling symbolic link to `{}`: what it points to does not exist; fix the link or remove it",
        target.display()
    )
}

/// `*.yaml` or `*.yml`, in any letter case (`more.YAML`, `a.Yml`).
fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Reads a file as UTF-8 text, refusing huge, binary and non-UTF-8 files.
pub fn read(path: &Path) -> Result<String, Diagnostic> {
    let file =
        fs::File::open(path).map_err(|e| Diagnostic::file(path, format!("cannot read: {e}")))?;
    // Sized from the file's length (read_to_end through `take` has no size hint, and
    // doubling a large file's buffer copies it several times); a length that changes
    // while reading only costs a reallocation.
    let length = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::file(path, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::file(
            path,
            format!(
                "file is larger than {} MiB: split the customers across several files",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    // `contains` is a memchr; the position only when there is one.
    if bytes.contains(&0)
        && let Some(at) = bytes.iter().position(|b| *b == 0)
    {
        return Err(Diagnostic::at(
            path,
            position_of_byte(&bytes, at),
            "",
            "binary file (a NUL byte): expected YAML text",
        )
        .with_rule(Rule::File));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::at(
            path,
            position_of_byte(e.as_bytes(), at),
            "",
            "not UTF-8 text: save the file as UTF-8",
        )
        .with_rule(Rule::File)
    })
}

/// The 1-based line and column (in characters) of byte `at`.
fn position_of_byte(bytes: &[u8], at: usize) -> Position {
    let before = &bytes[..at];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn walks_sorted_and_reports_empty_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/.hidden")).unwrap();
        fs::create_dir_all(root.join("empty")).unwrap();
        for f in [
            "b/z.yml",
            "a.yaml",
            "b/.hidden/x.yaml",
            "notes.txt",
            "b/c.yaml",
        ] {
            fs::write(root.join(f), "customers: []\n").unwrap();
        }
        let found = discover(&[root.to_path_buf(), root.join("a.yaml")]);
        assert_eq!(
            relative(root, &found.files),
            ["a.yaml", "b/c.yaml", "b/z.yml"]
        );
        assert!(found.problems.is_empty());
        // Nothing left out in silence.
        let skipped: Vec<String> = found.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            skipped,
            [
                format!(
                    "{}: skipped: hidden (its name starts with `.`)",
                    root.join("b/.hidden").display()
                ),
                format!(
                    "{}: skipped: not a *.yaml or *.yml file",
                    root.join("notes.txt").display()
                ),
            ]
        );

        let found = discover(&[root.join("empty"), root.join("missing.yaml")]);
        let messages: Vec<_> = found.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "no *.yaml or *.yml file in this directory",
                "no such file or directory"
            ]
        );
    }

    #[test]
    fn extensions_match_in_any_letter_case() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a.YAML", "b.Yml", "c.yAmL", "d.YAM"] {
            fs::write(root.join(f), "customers: []\n").unwrap();
        }
        let found = discover(&[root.to_path_buf()]);
        assert_eq!(relative(root, &found.files), ["a.YAML", "b.Yml", "c.yAmL"]);
        assert_eq!(found.skipped.len(), 1, "{:?}", found.skipped);
        assert!(found.skipped[0].file.ends_with("d.YAM"));
    }

    #[cfg(unix)]
    #[test]
    fn directory_links_are_followed_once_and_loops_end() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("d");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("sub/a.yaml"), "customers: []\n").unwrap();
        fs::write(outside.join("b.yaml"), "customers: []\n").unwrap();
        symlink(&outside, root.join("linked")).unwrap();
        symlink("..", root.join("sub/loop")).unwrap();
        symlink("sub", root.join("twice")).unwrap();
        let found = discover(std::slice::from_ref(&root));
        assert_eq!(
            relative(&root, &found.files),
            ["linked/b.yaml", "sub/a.yaml"]
        );
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let skipped: Vec<String> = found.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            skipped,
            [
                format!(
                    "{}: skipped: the same directory as {}, already read",
                    root.join("sub/loop").display(),
                    root.display()
                ),
                format!(
                    "{}: skipped: the same directory as {}, already read",
                    root.join("twice").display(),
                    root.join("sub").display()
                ),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_yaml_entry_that_cannot_be_read_is_an_error() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.yaml"), "customers: []\n").unwrap();
        symlink("/nonexistent/more.yaml", root.join("more.YAML")).unwrap();
        symlink("/nonexistent/notes", root.join("notes")).unwrap();
        let fifo = root.join("pipe.yml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let found = discover(&[root.to_path_buf()]);
        assert_eq!(relative(root, &found.files), ["a.yaml"]);
        let mut problems: Vec<String> = found.problems.iter().map(ToString::to_string).collect();
        let mut expected = vec![format!(
            "{}: dangling symbolic link to `/nonexistent/more.yaml`: what it points to does not exist; fix the link or remove it",
            root.join("more.YAML").display()
        )];
        if made.is_ok_and(|s| s.success()) {
            expected.push(format!(
                "{}: not a regular file (a device, FIFO or socket): desired state is read from regular files only; move it away or rename it",
                fifo.display()
            ));
        }
        problems.sort();
        assert_eq!(problems, expected);
        assert_eq!(found.skipped.len(), 1, "{:?}", found.skipped);
        assert!(
            found.skipped[0]
                .message
                .starts_with("skipped: dangling symbolic link")
        );

        // Given by name, a dangling link says what it is too.
        let found = discover(&[root.join("more.YAML")]);
        assert!(
            found.problems[0]
                .message
                .starts_with("dangling symbolic link")
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().to_path_buf();
        for _ in 0..=MAX_DEPTH + 1 {
            deep.push("d");
        }
        fs::create_dir_all(&deep).unwrap();
        fs::write(deep.join("a.yaml"), "customers: []\n").unwrap();
        let found = discover(&[dir.path().to_path_buf()]);
        assert!(found.files.is_empty());
        assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
        assert!(
            found.problems[0]
                .message
                .starts_with("directories nested more than")
        );
    }

    #[test]
    fn points_at_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let latin1 = dir.path().join("latin1.yaml");
        fs::write(&latin1, b"customers:\n  - name: Caf\xe9\n").unwrap();
        let d = read(&latin1).unwrap_err();
        assert_eq!((d.line, d.column), (2, 14));
        assert_eq!(d.message, "not UTF-8 text: save the file as UTF-8");

        let binary = dir.path().join("binary.yaml");
        fs::write(&binary, b"\x89PNG\r\n\x1a\n\x00\x00").unwrap();
        assert!(
            read(&binary)
                .unwrap_err()
                .message
                .starts_with("binary file")
        );
    }
}
