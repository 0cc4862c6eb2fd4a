//! Desired-state files → [`Desired`]: read, parse, check against the schema and the
//! semantic rules, and only when every file is clean, build the model.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::semantic::{self, Registry};
use super::{Diagnostic, diagnostic, files, schema, wording};
use crate::model::{Customer, DeclaredCustomer, DeclaredScope, Desired, DesiredFile, Origin};
use crate::yaml::{self, Document, Locate};

const EXPECTED: &str = "expected a mapping with `customers` and/or `scopes`";

/// Reads every file under `paths` and returns the desired state, or every problem of
/// every file, sorted by file, line and column.
pub fn load(paths: &[PathBuf]) -> Result<Desired, Vec<Diagnostic>> {
    let (files, mut problems) = files::discover(paths);
    let mut registry = Registry::default();
    let mut built = Vec::with_capacity(files.len());
    for file in files {
        match read_document(&file) {
            Ok(parsed) => {
                let (found, declared) = check_and_build(&file, parsed, &mut registry);
                problems.extend(found);
                built.push(declared);
            }
            Err(problem) => problems.push(problem),
        }
    }
    registry.finish(&mut problems);
    let mut desired = Desired::default();
    if problems.is_empty() {
        for declared in built {
            match declared {
                Ok((customers, scopes)) => {
                    desired.customers.extend(customers);
                    desired.scopes.extend(scopes);
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    if problems.is_empty() {
        return Ok(desired);
    }
    diagnostic::sort(&mut problems);
    Err(problems)
}

/// A file's customers and scopes, each with the place it was declared; or the first
/// value that does not fit the model. Used only when no file has a problem.
type Declared = Result<(Vec<DeclaredCustomer>, Vec<DeclaredScope>), Diagnostic>;

/// Checks one parsed file (schema, semantic rules, declarations across files) and builds
/// its part of the model.
///
/// Each customer is checked, registered and deserialised in one go, and its value then
/// dropped: a large file's value tree does not fit in the CPU caches, and a pass over the
/// whole tree per step made loading grow faster than linearly (see `bench_validate`).
fn check_and_build(
    file: &Path,
    mut parsed: Document,
    registry: &mut Registry,
) -> (Vec<Diagnostic>, Declared) {
    let (mut found, password_keys) = semantic::check_passwords(file, &parsed);
    found.extend(schema::check_file(file, &parsed, &password_keys));
    let items = match parsed.value.get_mut("customers") {
        Some(Value::Array(items)) => std::mem::take(items),
        _ => Vec::new(),
    };
    let mut customers = Ok(Vec::with_capacity(items.len()));
    for (i, item) in items.into_iter().enumerate() {
        schema::check_customer(file, &parsed, i, &item, &password_keys, &mut found);
        semantic::check_customer(file, &parsed, i, &item, &mut found);
        registry.add_customer(file, &parsed, i, &item, &mut found);
        // A file with a problem is not built: deserialising it would be wasted.
        if let (true, Ok(built)) = (found.is_empty(), &mut customers) {
            match build_customer(file, &parsed, i, &item) {
                Ok(customer) => built.push(customer),
                Err(problem) => customers = Err(problem),
            }
        }
    }
    registry.add_scopes(file, &parsed, &mut found);
    if !found.is_empty() {
        return (found, Ok((Vec::new(), Vec::new())));
    }
    let declared = customers.and_then(|customers| Ok((customers, build_scopes(file, &parsed)?)));
    (found, declared)
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

/// One checked customer item, with the place it was declared.
fn build_customer(
    file: &Path,
    parsed: &Document,
    index: usize,
    item: &Value,
) -> Result<DeclaredCustomer, Diagnostic> {
    let base = format!("/customers/{index}");
    let customer = deserialize::<Customer>(file, parsed, &base, item)?;
    let origin = origin(file, parsed, &base);
    Ok(DeclaredCustomer { customer, origin })
}

/// A checked file's scopes (its customers are already taken out), each with the place it
/// was declared.
fn build_scopes(file: &Path, parsed: &Document) -> Result<Vec<DeclaredScope>, Diagnostic> {
    let document = deserialize::<DesiredFile>(file, parsed, "", &parsed.value)?;
    let scopes = document.scopes.into_iter().enumerate();
    Ok(scopes
        .map(|(i, scope)| DeclaredScope {
            scope,
            origin: origin(file, parsed, &format!("/scopes/{i}")),
        })
        .collect())
}

/// The model value at `base`. Plain serde first: tracking the path copies every key, and
/// the schema check has already passed. Only a failure is deserialized again, for the
/// path of its place.
fn deserialize<T: serde::de::DeserializeOwned>(
    file: &Path,
    parsed: &Document,
    base: &str,
    value: &Value,
) -> Result<T, Diagnostic> {
    T::deserialize(value).map_err(|plain| {
        let (pointer, message) = match serde_path_to_error::deserialize::<_, T>(value) {
            Err(e) => (
                format!("{base}{}", crate::yaml::pointer_of(e.path())),
                e.inner().to_string(),
            ),
            Ok(_) => (String::new(), plain.to_string()),
        };
        Diagnostic::value(file, parsed, &pointer, message)
    })
}

fn origin(file: &Path, parsed: &Document, pointer: &str) -> Origin {
    let at = parsed.position(pointer);
    Origin {
        file: file.to_path_buf(),
        line: at.line,
        column: at.column,
    }
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
