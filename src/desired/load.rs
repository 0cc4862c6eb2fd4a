//! Desired-state files → [`Desired`]: read, parse, check against the schema and the
//! semantic rules, and only when every file is clean, build the model.

use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use serde_json::Value;

use super::semantic::{self, Registry};
use super::yaml::{self, Document, Locate};
use super::{Diagnostic, diagnostic, files, schema, wording};
use crate::model::{DeclaredCustomer, DeclaredScope, Desired, DesiredFile, Origin};

const EXPECTED: &str = "expected a mapping with `customers` and/or `scopes`";

/// Reads every file under `paths` and returns the desired state, or every problem of
/// every file, sorted by file, line and column.
pub fn load(paths: &[PathBuf]) -> Result<Desired, Vec<Diagnostic>> {
    let (files, mut problems) = files::discover(paths);
    let mut registry = Registry::default();
    let mut documents = Vec::with_capacity(files.len());
    for file in files {
        match read_document(&file) {
            Ok(parsed) => {
                let (mut found, password_keys) = semantic::check_file(&file, &parsed);
                found.extend(schema::check(&file, &parsed, &password_keys));
                registry.add_file(&file, &parsed, &mut found);
                problems.extend(found);
                documents.push((file, parsed));
            }
            Err(problem) => problems.push(problem),
        }
    }
    registry.finish(&mut problems);
    let mut desired = Desired::default();
    if problems.is_empty() {
        for (file, parsed) in documents {
            if let Err(problem) = build(&file, parsed, &mut desired) {
                problems.push(problem);
            }
        }
    }
    if problems.is_empty() {
        return Ok(desired);
    }
    diagnostic::sort(&mut problems);
    Err(problems)
}

/// Reads and parses one file; it must hold one document, a mapping.
fn read_document(file: &Path) -> Result<Document, Diagnostic> {
    let text = files::read(file)?;
    let parsed = yaml::parse_document(&text)
        .map_err(|e| Diagnostic::at(file, e.position, "", e.message))?
        .ok_or_else(|| {
            Diagnostic::at(
                file,
                yaml::Position { line: 1, column: 1 },
                "",
                format!("empty file: {EXPECTED}"),
            )
        })?;
    if !parsed.value.is_object() {
        let found = match &parsed.value {
            Value::Null => "an empty document".to_string(),
            other => wording::kind_of(other).to_string(),
        };
        return Err(Diagnostic::value(
            file,
            &parsed,
            "",
            format!("{EXPECTED}, found {found}"),
        ));
    }
    Ok(parsed)
}

/// Adds a checked file's customers and scopes, each with the place it was declared.
fn build(file: &Path, mut parsed: Document, desired: &mut Desired) -> Result<(), Diagnostic> {
    let value = std::mem::take(&mut parsed.value);
    // Plain serde first: tracking the path copies every key, and the schema check has
    // already passed. Only a failure is deserialized again, for the path of its place.
    let document = match DesiredFile::deserialize(&value) {
        Ok(document) => document,
        Err(plain) => {
            let (pointer, message) =
                match serde_path_to_error::deserialize::<_, DesiredFile>(&value) {
                    Err(e) => (pointer_of(e.path()), e.inner().to_string()),
                    Ok(_) => (String::new(), plain.to_string()),
                };
            return Err(Diagnostic::value(file, &parsed, &pointer, message));
        }
    };
    let origin = |pointer: String| {
        let at = parsed.position(&pointer);
        Origin {
            file: file.to_path_buf(),
            line: at.line,
            column: at.column,
        }
    };
    for (i, customer) in document.customers.into_iter().enumerate() {
        let origin = origin(format!("/customers/{i}"));
        desired
            .customers
            .push(DeclaredCustomer { customer, origin });
    }
    for (i, scope) in document.scopes.into_iter().enumerate() {
        let origin = origin(format!("/scopes/{i}"));
        desired.scopes.push(DeclaredScope { scope, origin });
    }
    Ok(())
}

/// A serde path (`customers[0].name`) as a JSON pointer (`/customers/0/name`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn builds_the_model_with_origins_and_explicit_nulls() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.yaml",
            "customers:\n  - name: Acme\n    hierarchy: sys.hcs.P\n    prime_collaboration: null\n    deal_ids: [D-1]\n",
        );
        write(
            dir.path(),
            "b.yml",
            "scopes:\n  - hierarchy: sys.hcs.P\n    prune: true\n",
        );
        let desired = load(&[dir.path().to_path_buf()]).unwrap();
        let acme = &desired.customers[0];
        assert_eq!(acme.customer.prime_collaboration, Some(None));
        assert_eq!(acme.customer.deal_ids, Some(vec!["D-1".to_string()]));
        assert_eq!(acme.customer.description, None);
        assert_eq!((acme.origin.line, acme.origin.column), (2, 5));
        assert!(acme.origin.file.ends_with("a.yaml"));
        assert!(desired.scopes[0].scope.prune);
        assert!(desired.scopes[0].origin.file.ends_with("b.yml"));
    }

    #[test]
    fn an_explicit_null_is_refused_where_it_would_mean_omitted() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "a.yaml",
            "customers:\n  - name: Acme\n    hierarchy: sys.hcs.P\n    description:\n",
        );
        let problems = load(&[file]).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "Description must be text, not empty (`null`)"
        );
        assert_eq!((problems[0].line, problems[0].column), (4, 16));
    }

    #[test]
    fn a_rename_must_not_keep_the_old_customer() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "a.yaml",
            "customers:\n  - name: Stark\n    hierarchy: sys.hcs.P\n  - name: Stark Industries\n    hierarchy: sys.hcs.P\n    renamed_from: Stark\n",
        );
        let problems = load(&[file]).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (6, 19));
        assert!(
            problems[0]
                .message
                .starts_with("`Stark` is renamed to `Stark Industries`, but is also declared at "),
            "{}",
            problems[0].message
        );
    }
}
