//! Which files to read, and reading them: directories are walked recursively in sorted
//! order for `*.yaml` / `*.yml`; every unreadable input is a diagnostic, never a panic.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Diagnostic;
use crate::yaml::Position;

/// Files larger than this are refused: desired state for tens of thousands of customers
/// fits in a fraction of it, and a bigger file is most likely not desired state.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The files named by `paths`: files as given (whatever their extension), directories
/// walked for YAML files. A file reached twice is read once.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let found = match fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Diagnostic::file(path, "no such file or directory"));
                continue;
            }
            Err(e) => {
                problems.push(Diagnostic::file(path, format!("cannot read: {e}")));
                continue;
            }
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut problems);
                if found.is_empty() {
                    problems.push(Diagnostic::file(
                        path,
                        "no *.yaml or *.yml file in this directory",
                    ));
                }
                found
            }
            Ok(_) => vec![path.clone()],
        };
        for file in found {
            let identity = fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(identity) {
                files.push(file);
            }
        }
    }
    (files, problems)
}

/// Collects the YAML files under `dir`, sorted by name at each level. Hidden entries
/// (`.git`, ...) and symbolic links to directories (which could loop) are skipped.
fn walk(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic::file(dir, format!("cannot read directory: {e}")));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, found, problems);
        } else if is_yaml(&path) && path.is_file() {
            found.push(path);
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Reads a file as UTF-8 text, refusing huge, binary and non-UTF-8 files.
pub fn read(path: &Path) -> Result<String, Diagnostic> {
    let file =
        fs::File::open(path).map_err(|e| Diagnostic::file(path, format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
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
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(Diagnostic::at(
            path,
            position_of_byte(&bytes, at),
            "",
            "binary file (a NUL byte): expected YAML text",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::at(
            path,
            position_of_byte(e.as_bytes(), at),
            "",
            "not UTF-8 text: save the file as UTF-8",
        )
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
        let (files, problems) = discover(&[root.to_path_buf(), root.join("a.yaml")]);
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.yaml", "b/c.yaml", "b/z.yml"]);
        assert!(problems.is_empty());

        let (_, problems) = discover(&[root.join("empty"), root.join("missing.yaml")]);
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "no *.yaml or *.yml file in this directory",
                "no such file or directory"
            ]
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
