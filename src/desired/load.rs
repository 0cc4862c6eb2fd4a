//! Desired-state files → [`Desired`]: read, parse, check against the schema and the
//! semantic rules, and only when every file is clean, build the model.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use super::diagnostic::Rule;
use super::semantic::{self, CustomerEntry, Registry};
use super::{Diagnostic, diagnostic, files, schema, wording};
use crate::model::{Customer, DeclaredCustomer, DeclaredScope, Desired, DesiredFile, Origin};
use crate::yaml::{self, Document, Locate, NodePosition};

const EXPECTED: &str = "expected a mapping with `customers` and/or `scopes`";

/// What [`load_reporting`] found.
#[derive(Debug)]
pub struct Loaded {
    /// The desired state, or every problem of every file, sorted by file, line and column.
    pub desired: Result<Desired, Vec<Diagnostic>>,
    /// What is allowed but most likely unmeant (two spaces in a row in a name), and every
    /// entry of a directory that is not read, sorted the same way.
    pub warnings: Vec<Diagnostic>,
}

/// Reads every file under `paths` and returns the desired state, or every problem of
/// every file, sorted by file, line and column. Warnings are printed on stderr.
pub fn load(paths: &[PathBuf]) -> Result<Desired, Vec<Diagnostic>> {
    let loaded = load_reporting(paths);
    eprint!("{}", diagnostic::render_warnings(&loaded.warnings));
    loaded.desired
}

/// [`load`], with the warnings returned instead of printed.
///
/// Files are read, parsed, checked and built in parallel (rayon: both cores of a CI
/// runner); what needs every file (a customer or scope declared twice, renames) is then
/// checked in the files' order, as if they were read one by one, so the diagnostics are
/// the same whatever the timing: each list is sorted by file, line, column and message.
pub fn load_reporting(paths: &[PathBuf]) -> Loaded {
    let found = files::discover(paths);
    load_files(found.files, found.problems, found.skipped, |file| {
        files::read(file).map(Cow::Owned)
    })
}

/// [`load_reporting`] of texts already read (`adopt` checks the files it would write
/// before writing them): each text is checked under its path, in the map's order, and
/// the diagnostics name those paths.
pub fn load_texts(texts: &BTreeMap<PathBuf, String>) -> Loaded {
    load_files(
        texts.keys().cloned().collect(),
        Vec::new(),
        Vec::new(),
        |file| {
            texts
                .get(file)
                .map(|text| Cow::Borrowed(text.as_str()))
                .ok_or_else(|| Diagnostic::file(file, "no text was given for this file"))
        },
    )
}

/// The loader proper: `files` in order, each read by `read`, after the `problems` and
/// `warnings` that finding them gave.
fn load_files<'t>(
    files: Vec<PathBuf>,
    mut problems: Vec<Diagnostic>,
    mut warnings: Vec<Diagnostic>,
    read: impl Fn(&Path) -> Result<Cow<'t, str>, Diagnostic> + Sync,
) -> Loaded {
    let checked: Vec<Result<Checked, Diagnostic>> = files
        .into_par_iter()
        .map(|file| {
            let text = read(&file)?;
            let parsed = parse_document(&file, &text)?;
            Ok(check_and_build(&file, parsed))
        })
        .collect();
    let mut registry = Registry::default();
    let mut built = Vec::with_capacity(checked.len());
    for file in checked {
        match file {
            Ok(mut file) => {
                for entry in file.customers {
                    registry.add_customer(&file.file, entry, &mut file.found);
                }
                registry.add_scopes(&file.file, &file.scopes, &mut file.found);
                let clean = file.found.is_empty();
                problems.extend(file.found);
                warnings.extend(file.warnings);
                // A file with a problem is not built.
                built.push(if clean {
                    file.declared
                } else {
                    Ok((Vec::new(), Vec::new()))
                });
            }
            Err(problem) => problems.push(problem),
        }
    }
    registry.finish(&mut problems);
    diagnostic::sort(&mut warnings);
    let mut desired = Desired::default();
    if problems.is_empty() {
        // One allocation for every file's customers: growing by doubling would copy them
        // (and touch fresh pages) several times.
        let count = built
            .iter()
            .map(|d| d.as_ref().map_or(0, |d| d.0.len()))
            .sum();
        desired.customers.reserve_exact(count);
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
        return Loaded {
            desired: Ok(desired),
            warnings,
        };
    }
    diagnostic::sort(&mut problems);
    Loaded {
        desired: Err(problems),
        warnings,
    }
}

/// A file's customers and scopes, each with the place it was declared; or the first
/// value that does not fit the model. Used only when no file has a problem.
type Declared = Result<(Vec<DeclaredCustomer>, Vec<DeclaredScope>), Diagnostic>;

/// One file after the parallel pass: its own problems and warnings, its part of the model
/// (built only while it had no problem), and what the checks across files need of it.
struct Checked {
    file: PathBuf,
    found: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    declared: Declared,
    /// Each customer item (a mapping): its identifying keys and their positions.
    customers: Vec<CustomerEntry>,
    /// The file's `scopes` and their positions.
    scopes: Spots,
}

/// What the checks across files need of a document's `scopes`, kept after its value
/// is dropped: the `scopes` and the positions of their hierarchies, each looked up in the
/// whole document (so a missing key falls back to its nearest ancestor, as there).
struct Spots {
    root: Value,
    positions: Vec<(String, NodePosition)>,
}

impl Locate for Spots {
    fn root(&self) -> &Value {
        &self.root
    }

    fn node_position(&self, pointer: &str) -> NodePosition {
        self.positions
            .iter()
            .find(|(p, _)| p == pointer)
            .or_else(|| self.positions.first())
            .map_or(
                NodePosition {
                    key: None,
                    value: yaml::Position { line: 1, column: 1 },
                },
                |(_, at)| *at,
            )
    }
}

/// The keys of a customer item whose positions a [`CustomerEntry`] holds, in its order.
const ENTRY_KEYS: [&str; 3] = ["name", "state", "renamed_from"];

/// The customer item `index` as a [`CustomerEntry`] (its texts moved out of `item`).
fn customer_entry(parsed: &Document, index: usize, item: Value) -> Option<CustomerEntry> {
    CustomerEntry::take(index, item, || {
        let base = format!("/customers/{index}");
        let start = yaml::Position { line: 1, column: 1 };
        parsed
            .positions
            .get_in(&base, ENTRY_KEYS)
            .map_or([start; 3], |found| found.map(|at| at.value))
    })
}

/// A document's `scopes` as [`Spots`].
fn scope_spots(parsed: &Document) -> Spots {
    let scopes = parsed.value.get("scopes").cloned();
    let count = scopes
        .as_ref()
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let positions = (0..count)
        .map(|i| {
            let pointer = format!("/scopes/{i}/hierarchy");
            let at = parsed.node_position(&pointer);
            (pointer, at)
        })
        .collect();
    let mut root = serde_json::Map::new();
    if let Some(scopes) = scopes {
        root.insert("scopes".to_owned(), scopes);
    }
    Spots {
        root: Value::Object(root),
        positions,
    }
}

/// Checks one parsed file (schema, semantic rules) and builds its part of the model;
/// keeps what the checks across files need.
///
/// Each customer is checked and deserialised in one go, and its value then dropped: a
/// large file's value tree does not fit in the CPU caches, and a pass over the whole
/// tree per step made loading grow faster than linearly (see `bench_validate`).
fn check_and_build(file: &Path, mut parsed: Document) -> Checked {
    let mut warnings = Vec::new();
    let (mut found, password_keys) = semantic::check_passwords(file, &parsed);
    found.extend(schema::check_file(file, &parsed, &password_keys));
    let items = match parsed.value.get_mut("customers") {
        Some(Value::Array(items)) => std::mem::take(items),
        _ => Vec::new(),
    };
    let mut registered = Vec::with_capacity(items.len());
    let mut customers = Ok(Vec::with_capacity(items.len()));
    for (i, item) in items.into_iter().enumerate() {
        schema::check_customer(file, &parsed, i, &item, &password_keys, &mut found);
        semantic::check_customer(file, &parsed, i, &item, &mut found);
        semantic::warn_customer(file, &parsed, i, &item, &mut warnings);
        // A file with a problem is not built: deserialising it would be wasted.
        if let (true, Ok(built)) = (found.is_empty(), &mut customers) {
            match build_customer(file, &parsed, i, &item) {
                Ok(customer) => built.push(customer),
                Err(problem) => customers = Err(problem),
            }
        }
        registered.extend(customer_entry(&parsed, i, item));
    }
    semantic::check_scopes(file, &parsed, &mut found, &mut warnings);
    let scopes = scope_spots(&parsed);
    let declared = if found.is_empty() {
        customers.and_then(|customers| Ok((customers, build_scopes(file, &parsed)?)))
    } else {
        Ok((Vec::new(), Vec::new()))
    };
    Checked {
        file: file.to_owned(),
        found,
        warnings,
        declared,
        customers: registered,
        scopes,
    }
}

/// Parses one file's text; it must hold one document, a mapping.
fn parse_document(file: &Path, text: &str) -> Result<Document, Diagnostic> {
    let parsed = yaml::parse_document(text)
        .map_err(|e| Diagnostic::at(file, e.position, "", e.message).with_rule(yaml_rule(e.kind)))?
        .ok_or_else(|| {
            Diagnostic::at(
                file,
                yaml::Position { line: 1, column: 1 },
                "",
                format!("empty file: {EXPECTED}"),
            )
            .with_rule(Rule::EmptyFile)
        })?;
    if !parsed.value.is_object() {
        let found = match &parsed.value {
            Value::Null => "an empty document".to_string(),
            other => wording::kind_of(other).to_string(),
        };
        return Err(
            Diagnostic::value(file, &parsed, "", format!("{EXPECTED}, found {found}"))
                .with_rule(Rule::NotAMapping),
        );
    }
    Ok(parsed)
}

/// The rule a YAML problem breaks.
fn yaml_rule(kind: yaml::YamlErrorKind) -> Rule {
    use yaml::YamlErrorKind as Kind;
    match kind {
        Kind::Syntax | Kind::NonFinite => Rule::YamlSyntax,
        Kind::TooDeep => Rule::TooDeep,
        Kind::DuplicateKey => Rule::DuplicateKey,
        Kind::SecondDocument => Rule::SecondDocument,
        Kind::Tag => Rule::YamlTag,
        Kind::Alias => Rule::YamlAlias,
    }
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
        Diagnostic::value(file, parsed, &pointer, message).with_rule(Rule::Model)
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

    fn messages(problems: &[Diagnostic]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn names_differing_only_in_letter_case_are_one_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a.yaml",
            "customers:\n  - name: Acme\n    hierarchy: sys.hcs.P\n  - name: Bolt\n    hierarchy: sys.hcs.P\n",
        );
        // Another file, another hierarchy spelling, state absent: still the same name.
        let b = write(
            dir.path(),
            "b.yaml",
            "customers:\n  - name: ACME\n    hierarchy: sys.hcs.P\n    state: absent\n  - name: bolt\n    hierarchy: sys.HCS.p\n  - name: Bolt\n    hierarchy: sys.hcs.Q\n",
        );
        let problems = load_reporting(&[a.clone(), b.clone()]).desired.unwrap_err();
        let b = b.display();
        let a = a.display();
        assert_eq!(
            messages(&problems),
            [
                format!(
                    "{b}:2:11: customer `ACME` at `sys.hcs.P` differs only in letter case from `Acme`, declared at {a}:2:11: names are unique per hierarchy and VOSS may ignore case; keep one of the two"
                ),
                format!(
                    "{b}:5:11: customer `bolt` at `sys.HCS.p` differs only in letter case from `Bolt` at `sys.hcs.P`, declared at {a}:4:11: names are unique per hierarchy and VOSS may ignore case; keep one of the two"
                ),
            ]
        );
        assert_eq!(
            problems[0].help.as_deref(),
            Some("to rename `Acme` to `ACME`, declare only `ACME`, with `renamed_from: Acme`")
        );
    }

    #[test]
    fn renames_compare_names_ignoring_letter_case() {
        let dir = tempfile::tempdir().unwrap();
        // Changing only the case of a name is a rename.
        let ok = write(
            dir.path(),
            "ok.yaml",
            "customers:\n  - name: WAYNE\n    hierarchy: sys.hcs.P\n    renamed_from: Wayne\n",
        );
        assert!(load_reporting(&[ok]).desired.is_ok());
        let bad = write(
            dir.path(),
            "bad.yaml",
            "customers:\n  - name: Acme\n    hierarchy: sys.hcs.P\n  - name: Acme Two\n    hierarchy: sys.hcs.P\n    renamed_from: ACME\n  - name: Bolt Two\n    hierarchy: sys.hcs.P\n    renamed_from: bolt\n  - name: Bolt Three\n    hierarchy: sys.hcs.P\n    renamed_from: BOLT\n",
        );
        let problems = load_reporting(std::slice::from_ref(&bad))
            .desired
            .unwrap_err();
        let f = bad.display();
        assert_eq!(
            messages(&problems),
            [
                format!(
                    "{f}:6:19: `ACME` is renamed to `Acme Two`, but is also declared as `Acme` (only the letter case differs) at {f}:2:11: remove one of the two"
                ),
                format!(
                    "{f}:12:19: `BOLT` is already renamed to `Bolt Two` at {f}:9:19 (as `bolt`: only the letter case differs)"
                ),
            ]
        );
    }

    /// Files are checked in parallel, yet a declaration made twice is always reported
    /// against the first file in order, and every run gives the same diagnostics.
    /// Texts in memory load like the same files on disk: same diagnostics at the same
    /// paths, nothing read from disk (the paths do not exist).
    #[test]
    fn texts_load_like_the_files_they_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let good = "customers:\n  - {name: Acme, hierarchy: sys.hcs.P.R}\n";
        let twice = "customers:\n  - {name: Acme, hierarchy: sys.hcs.P.R}\n";
        let on_disk = vec![
            write(dir.path(), "a.yaml", good),
            write(dir.path(), "b.yaml", twice),
        ];
        let from_disk = load_reporting(&on_disk).desired.unwrap_err();
        let texts: BTreeMap<PathBuf, String> = on_disk
            .iter()
            .zip([good, twice])
            .map(|(path, text)| (path.clone(), text.to_owned()))
            .collect();
        drop(dir);
        let in_memory = load_texts(&texts).desired.unwrap_err();
        assert!(!from_disk.is_empty());
        assert_eq!(in_memory, from_disk);
    }

    #[test]
    fn parallel_loading_reports_as_if_files_were_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..12 {
            let text = if i == 5 {
                "customers: [unclosed\n".to_owned()
            } else {
                format!(
                    "scopes:\n  - hierarchy: sys.hcs.P\ncustomers:\n  - name: Own {i}\n    hierarchy: sys.hcs.P\n  - name: Shared\n    hierarchy: sys.hcs.P\n    description: \"  edge\"\n"
                )
            };
            paths.push(write(dir.path(), &format!("f{i:02}.yaml"), &text));
        }
        let first = load_reporting(&paths);
        let problems = first.desired.as_ref().unwrap_err();
        let f00 = paths[0].display().to_string();
        let twice: Vec<&Diagnostic> = problems
            .iter()
            .filter(|d| d.message.contains("already declared"))
            .collect();
        // Ten later files (f05 does not parse) repeat the customer and the scope.
        assert_eq!(twice.len(), 20, "{problems:#?}");
        assert!(
            twice
                .iter()
                .all(|d| d.message.contains(&f00) && d.file != paths[0])
        );
        assert!(problems.iter().any(|d| d.file == paths[5]));
        for _ in 0..4 {
            let again = load_reporting(&paths);
            assert_eq!(again.desired.unwrap_err(), *problems);
            assert_eq!(again.warnings, first.warnings);
        }
    }

    /// A second declaration with another `state` is reported at its `state`, or at its
    /// `name` when it has none (it means `present`); a `state` that is not text counts as
    /// `present` here (the schema reports it).
    #[test]
    fn a_conflicting_state_is_reported_where_the_second_declaration_says_it() {
        let dir = tempfile::tempdir().unwrap();
        let absent = "customers:\n  - name: A\n    hierarchy: sys.hcs.P\n    state: absent\n";
        let a = write(dir.path(), "a.yaml", absent);
        let b = write(
            dir.path(),
            "b.yaml",
            "customers:\n  - name: A\n    hierarchy: sys.hcs.P\n",
        );
        let c = write(
            dir.path(),
            "c.yaml",
            "customers:\n  - name: A\n    hierarchy: sys.hcs.P\n    state: 5\n",
        );
        let problems = load_reporting(&[a.clone(), b.clone(), c.clone()])
            .desired
            .unwrap_err();
        let twice: Vec<(&Path, String, usize, usize, &str)> = problems
            .iter()
            .filter(|d| d.message.contains("declared twice"))
            .map(|d| {
                let place = (d.line, d.column, d.path.as_str());
                (
                    d.file.as_path(),
                    d.message.clone(),
                    place.0,
                    place.1,
                    place.2,
                )
            })
            .collect();
        let message = format!(
            "customer `A` at `sys.hcs.P` is declared twice with different `state`: `absent` at {}:2:11, `present` here",
            a.display()
        );
        assert_eq!(
            twice,
            [
                (b.as_path(), message.clone(), 2, 11, "/customers/0/name"),
                (c.as_path(), message, 4, 12, "/customers/0/state"),
            ]
        );
        assert!(problems.iter().any(|d| d.file == c
            && d.path == "/customers/0/state"
            && !d.message.contains("declared twice")));
    }

    #[test]
    fn doubled_inner_spaces_are_warnings_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "a.yaml",
            "customers:\n  - name: Two  Spaces\n    hierarchy: sys.hcs.P\n    deal_ids: [D  1]\nscopes:\n  - hierarchy: sys.hcs.P  Q\n",
        );
        let loaded = load_reporting(std::slice::from_ref(&file));
        assert!(loaded.desired.is_ok());
        let f = file.display();
        assert_eq!(
            messages(&loaded.warnings),
            [
                format!(
                    "{f}:2:11: Customer Name `Two  Spaces` has two spaces in a row: VOSS keeps them, and `Two Spaces` would be another name; write one space if that is what you mean"
                ),
                format!(
                    "{f}:4:16: a Deal ID `D  1` has two spaces in a row: VOSS keeps them, and `D 1` would be another Deal ID; write one space if that is what you mean"
                ),
                format!(
                    "{f}:6:16: the hierarchy `sys.hcs.P  Q` has two spaces in a row: VOSS keeps them, and `sys.hcs.P Q` would be another hierarchy; write one space if that is what you mean"
                ),
            ]
        );
    }

    #[test]
    fn a_scope_node_name_with_an_edge_space_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "a.yaml",
            "scopes:\n  - hierarchy: \"sys.hcs.P \"\n    prune: true\n  - hierarchy: \"sys. hcs.Q\"\n",
        );
        let problems = load_reporting(std::slice::from_ref(&file))
            .desired
            .unwrap_err();
        let f = file.display();
        assert_eq!(
            messages(&problems),
            [
                format!(
                    "{f}:2:16: the hierarchy `sys.hcs.P ` has a node name `P ` that ends with a space: remove it (VOSS keeps it, and `P ` would be another node than `P`)"
                ),
                format!(
                    "{f}:4:16: the hierarchy `sys. hcs.Q` has a node name ` hcs` that starts with a space: remove it (VOSS keeps it, and ` hcs` would be another node than `hcs`)"
                ),
            ]
        );
    }

    #[test]
    fn password_env_may_not_name_a_variable_of_this_tool() {
        let dir = tempfile::tempdir().unwrap();
        let customer = |name: &str, variable: &str| {
            format!(
                "  - name: {name}\n    hierarchy: sys.hcs.P\n    local_admin: {{cloned_role: R, password_env: {variable}}}\n"
            )
        };
        let text = format!(
            "customers:\n{}{}{}{}",
            customer("A", "VOSS_PASSWORD"),
            customer("B", "voss_username"),
            customer("C", "NO_COLOR"),
            customer("D", "ACME_VOSS_PASSWORD"),
        );
        let file = write(dir.path(), "a.yaml", &text);
        let problems = load_reporting(&[file]).desired.unwrap_err();
        let places: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(places, [(4, 49), (7, 49), (10, 49)], "{problems:?}");
        assert!(problems[0].message.contains("the admin's own password"));
        assert!(
            problems[1]
                .message
                .starts_with("`password_env` names `voss_username`")
        );
    }
}
