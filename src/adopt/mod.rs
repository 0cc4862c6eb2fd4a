//! `adopt`: accept live drift into the desired-state files as byte-minimal edits.
//! Pure: file texts, the desired state and the live state in, new file texts out.
//!
//! For each declared customer whose managed fields drifted ([`crate::plan::drift()`]),
//! only those values' bytes change, in the file and item that declare the customer (there
//! is no defaults layer: every managed value a customer has is written in its own item, so
//! the edit always lands there). Undeclared customers live in an owned scope are appended to
//! the file that declares the scope (or `into`), sorted by hierarchy and name, with every
//! managed field; declared customers gone live are reported and, with `remove_missing`,
//! their items removed. Secrets and create-only fields (`local_admin`) are never touched:
//! only [`Field::managed`] fields are written.
//!
//! Every file's result is parsed again and compared with the value the edits meant to
//! make; a difference is an error and nothing is written ([`AdoptError::SelfCheck`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::model::{Desired, Field, LiveCustomer, LiveState, Origin};
use crate::plan::{self, CustomerRef, DriftedField};
use crate::yaml::edit::{self, Edit, EditError, Item};
use crate::yaml::{self, Spans};

/// What to adopt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Only these customer names (all when empty).
    pub customers: Vec<String>,
    /// Only customers at these hierarchies (all when empty).
    pub hierarchies: Vec<String>,
    /// Remove the items of declared customers that are gone live.
    pub remove_missing: bool,
    /// Append undeclared customers here instead of the file declaring their scope.
    pub into: Option<PathBuf>,
}

impl Options {
    fn wants(&self, hierarchy: &str, name: &str) -> bool {
        (self.customers.is_empty() || self.customers.iter().any(|c| c == name))
            && (self.hierarchies.is_empty()
                || self
                    .hierarchies
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(hierarchy)))
    }

    /// An error for a filter that names no declared or live customer, or filters that
    /// together match none: adopting nothing would look like "no drift".
    fn check_matches(&self, desired: &Desired, live: &LiveState) -> Result<(), AdoptError> {
        if self.customers.is_empty() && self.hierarchies.is_empty() {
            return Ok(());
        }
        let known: Vec<(&str, &str)> = desired
            .customers
            .iter()
            .map(|d| (d.customer.hierarchy.as_str(), d.customer.name.as_str()))
            .chain(
                live.customers
                    .iter()
                    .map(|l| (l.hierarchy.as_str(), l.name.as_str())),
            )
            .collect();
        if let Some(name) = self
            .customers
            .iter()
            .find(|c| !known.iter().any(|(_, n)| n == c))
        {
            return Err(AdoptError::UnknownFilter {
                filter: format!("--customer {name}"),
            });
        }
        if let Some(hierarchy) = self
            .hierarchies
            .iter()
            .find(|h| !known.iter().any(|(k, _)| k.eq_ignore_ascii_case(h)))
        {
            return Err(AdoptError::UnknownFilter {
                filter: format!("--hierarchy {hierarchy}"),
            });
        }
        if !known.iter().any(|(h, n)| self.wants(h, n)) {
            let filter: Vec<String> = self
                .customers
                .iter()
                .map(|c| format!("--customer {c}"))
                .chain(self.hierarchies.iter().map(|h| format!("--hierarchy {h}")))
                .collect();
            return Err(AdoptError::UnknownFilter {
                filter: filter.join(" "),
            });
        }
        Ok(())
    }
}

/// What adopting does: the files it changes and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adoption {
    /// Changed files, by path, each with its text before and after.
    pub files: Vec<FileChange>,
    /// Declared customers whose drifted fields were written into their files.
    pub updated: Vec<Updated>,
    /// Undeclared live customers appended to a file.
    pub appended: Vec<Appended>,
    /// Declared customers that are not live.
    pub missing: Vec<Missing>,
    /// What was found but not adopted, and why.
    pub not_adopted: Vec<NotAdopted>,
    /// Customers declared `state: absent` that are still live: `apply` deletes them;
    /// adopt leaves the files as they are.
    pub absent_but_live: Vec<CustomerRef>,
}

impl Adoption {
    /// True when no file changes.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// One file's text before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChange {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// True when the file did not exist (`--into` a new file).
    pub created: bool,
}

/// A declared customer whose drifted fields now hold the live values.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    pub hierarchy: String,
    pub name: String,
    /// Where the customer is declared.
    pub origin: Origin,
    /// Each field adopted: `file` the value the file had, `live` the one it has now.
    pub fields: Vec<DriftedField>,
}

/// An undeclared live customer, appended to `file`.
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub hierarchy: String,
    pub name: String,
    pub file: PathBuf,
}

/// A declared customer that does not exist live.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub hierarchy: String,
    pub name: String,
    pub origin: Origin,
    /// True when its item was removed (`--remove-missing`).
    pub removed: bool,
    /// Why it was kept although `--remove-missing` was given.
    pub note: Option<String>,
}

/// Drift that was not adopted: a customer, the field when it is one field, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAdopted {
    pub hierarchy: String,
    pub name: String,
    pub field: Option<Field>,
    pub reason: String,
}

/// Why adopting failed as a whole; nothing is written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdoptError {
    /// A file to edit could not be read for its byte positions.
    #[error("{}: cannot be edited: {message}", .file.display())]
    Unreadable { file: PathBuf, message: String },
    /// The edited text does not read back as the intended value.
    #[error(
        "{}: the edited file would not read back as intended (a bug in adopt; please report it); nothing was written",
        .file.display()
    )]
    SelfCheck { file: PathBuf },
    /// A `--customer` or `--hierarchy` filter that matches no declared or live customer.
    #[error(
        "{filter}: matches no customer declared in the files or live at the hierarchies read; \
         check the spelling (names match exactly, hierarchies ignoring ASCII case); nothing was adopted"
    )]
    UnknownFilter { filter: String },
}

/// One file being edited: its text now and the value its edits mean to give it.
struct Work {
    before: String,
    text: String,
    expected: Value,
    created: bool,
    /// Edits of single values, made together before any structural change.
    value_edits: Vec<Edit>,
    /// Structural changes, made one at a time in this order.
    structural: Vec<Structural>,
    /// The spans and value of `text` (read once: value edits do not change `text`).
    read: Option<(Spans, Value)>,
}

enum Structural {
    /// Remove a customer's key (`domain` emptied live: a file cannot write it empty).
    RemoveKey {
        hierarchy: String,
        name: String,
        field: Field,
    },
    /// Remove a customer's item.
    RemoveCustomer { hierarchy: String, name: String },
    /// Append items to `customers`.
    Append(Vec<Item>),
}

/// What [`adopt`] reads: each desired-state file's text, by the path the loader gave it.
pub type Texts = BTreeMap<PathBuf, String>;

/// Adopts the drift between `desired` (loaded from `texts`) and `live`.
///
/// Errors: a filter that matches no customer, a file that cannot be read for editing, or
/// an edit that does not read back as intended; layouts the editor does not change (a value that is a list where a text is
/// expected, an entry sharing its line) are reported in [`Adoption::not_adopted`].
pub fn adopt(
    texts: &Texts,
    desired: &Desired,
    live: &LiveState,
    options: &Options,
) -> Result<Adoption, AdoptError> {
    options.check_matches(desired, live)?;
    let drift = plan::drift(desired, live);
    let mut out = Adoption::default();
    let mut work: BTreeMap<PathBuf, Work> = BTreeMap::new();

    for changed in drift
        .changed
        .iter()
        .filter(|c| options.wants(&c.hierarchy, &c.name))
    {
        let Some(declared) = desired
            .customers
            .iter()
            .find(|d| d.customer.hierarchy == changed.hierarchy && d.customer.name == changed.name)
            .or_else(|| {
                desired.customers.iter().find(|d| {
                    d.customer
                        .key()
                        .hierarchy
                        .eq_ignore_ascii_case(&changed.hierarchy)
                        && d.customer.name.eq_ignore_ascii_case(&changed.name)
                })
            })
        else {
            continue;
        };
        let (hierarchy, name) = (&declared.customer.hierarchy, &declared.customer.name);
        let file = &declared.origin.file;
        let w = open(&mut work, texts, file)?;
        if w.read.is_none() {
            w.read = Some((spans_of(file, &w.text)?, parse_of(file, &w.text)?));
        }
        let Some((spans, current)) = &w.read else {
            continue;
        };
        let Some(index) = customer_index(current, hierarchy, name) else {
            out.not_adopted.push(not_adopted(
                hierarchy,
                name,
                None,
                "its item was not found in the file",
            ));
            continue;
        };
        let mut adopted = Vec::new();
        for drifted in &changed.fields {
            let field = drifted.field;
            if !Field::managed().any(|f| f == field) {
                continue;
            }
            let pointer = format!("/customers/{index}/{}", field.name());
            if field == Field::Domain && drifted.live.as_str().is_some_and(str::is_empty) {
                w.structural.push(Structural::RemoveKey {
                    hierarchy: hierarchy.clone(),
                    name: name.clone(),
                    field,
                });
                adopted.push(drifted.clone());
                continue;
            }
            let Some(old) = current.pointer(&pointer) else {
                continue;
            };
            let new = file_value(field, &drifted.live);
            match edit::set_value(&w.text, spans, &pointer, old, &new) {
                Ok(edits) => {
                    if let Some(slot) = w.expected.pointer_mut(&pointer) {
                        *slot = expected_value(old, &new);
                    }
                    w.value_edits.extend(edits);
                    adopted.push(drifted.clone());
                }
                Err(e) => out.not_adopted.push(not_adopted(
                    hierarchy,
                    name,
                    Some(field),
                    &located(file, &e),
                )),
            }
        }
        if !adopted.is_empty() {
            out.updated.push(Updated {
                hierarchy: hierarchy.clone(),
                name: name.clone(),
                origin: declared.origin.clone(),
                fields: adopted,
            });
        }
    }

    for gone in drift
        .missing
        .iter()
        .filter(|c| options.wants(&c.hierarchy, &c.name))
    {
        let Some(declared) = desired
            .customers
            .iter()
            .find(|d| d.customer.hierarchy == gone.hierarchy && d.customer.name == gone.name)
        else {
            continue;
        };
        let pending_rename = declared.customer.renamed_from.as_deref().filter(|old| {
            live.customers
                .iter()
                .any(|l| l.hierarchy == gone.hierarchy && l.name.eq_ignore_ascii_case(old))
        });
        let mut missing = Missing {
            hierarchy: gone.hierarchy.clone(),
            name: gone.name.clone(),
            origin: declared.origin.clone(),
            removed: false,
            note: None,
        };
        let hcmf = live
            .hcmf_customers
            .iter()
            .any(|l| l.name.eq_ignore_ascii_case(&gone.name));
        if let Some(old) = pending_rename {
            missing.note = Some(format!(
                "a pending rename from `{old}` (live): `apply` renames it; kept"
            ));
        } else if hcmf {
            missing.note = Some(
                "a customer of this name synced from HCM-F waits at sys.hcs: `apply` migrates it; kept"
                    .to_owned(),
            );
        } else if options.remove_missing {
            let w = open(&mut work, texts, &declared.origin.file)?;
            w.structural.push(Structural::RemoveCustomer {
                hierarchy: gone.hierarchy.clone(),
                name: gone.name.clone(),
            });
            missing.removed = true;
        }
        out.missing.push(missing);
    }

    let mut appends: BTreeMap<PathBuf, Vec<&LiveCustomer>> = BTreeMap::new();
    for undeclared in drift
        .undeclared
        .iter()
        .filter(|c| options.wants(&c.hierarchy, &c.name))
    {
        let Some(l) = live
            .customers
            .iter()
            .find(|l| l.hierarchy == undeclared.hierarchy && l.name == undeclared.name)
        else {
            continue;
        };
        if !l.unread.is_empty() {
            out.not_adopted.push(not_adopted(
                &l.hierarchy,
                &l.name,
                None,
                "its live record was only partly read",
            ));
            continue;
        }
        let target = match &options.into {
            Some(into) => into.clone(),
            None => match desired
                .scopes
                .iter()
                .find(|s| s.scope.hierarchy == l.hierarchy)
            {
                Some(scope) => scope.origin.file.clone(),
                None => continue,
            },
        };
        appends.entry(target).or_default().push(l);
    }
    for (file, mut customers) in appends {
        customers.sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        let w = open(&mut work, texts, &file)?;
        let items: Vec<Item> = customers.iter().map(|l| live_item(l)).collect();
        w.structural.push(Structural::Append(items));
        out.appended.extend(customers.iter().map(|l| Appended {
            hierarchy: l.hierarchy.clone(),
            name: l.name.clone(),
            file: file.clone(),
        }));
    }

    out.absent_but_live = drift
        .absent_but_live
        .into_iter()
        .filter(|c| options.wants(&c.hierarchy, &c.name))
        .collect();

    for (path, w) in work {
        let Some(after) = finish(&path, w, &mut out)? else {
            continue;
        };
        out.files.push(after);
    }
    Ok(out)
}

/// The work on `file`, started from its text (a file not read yet is new and empty).
fn open<'a>(
    work: &'a mut BTreeMap<PathBuf, Work>,
    texts: &Texts,
    file: &Path,
) -> Result<&'a mut Work, AdoptError> {
    if !work.contains_key(file) {
        let (text, created) = match texts.get(file) {
            Some(text) => (text.clone(), false),
            None => (String::new(), true),
        };
        let expected = if created {
            Value::Object(serde_json::Map::new())
        } else {
            parse_of(file, &text)?
        };
        work.insert(
            file.to_path_buf(),
            Work {
                before: text.clone(),
                text,
                expected,
                created,
                value_edits: Vec::new(),
                structural: Vec::new(),
                read: None,
            },
        );
    }
    work.get_mut(file).ok_or_else(|| AdoptError::Unreadable {
        file: file.to_path_buf(),
        message: "not read".to_owned(),
    })
}

/// Makes a file's edits; `None` when its text does not change.
fn finish(path: &Path, mut w: Work, out: &mut Adoption) -> Result<Option<FileChange>, AdoptError> {
    w.text = edit::apply(&w.text, &w.value_edits).map_err(|e| AdoptError::Unreadable {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    for step in std::mem::take(&mut w.structural) {
        let spans = spans_of(path, &w.text)?;
        let current = parse_of(path, &w.text)?;
        let result = match &step {
            Structural::RemoveKey {
                hierarchy,
                name,
                field,
            } => customer_index(&current, hierarchy, name)
                .ok_or_else(|| not_found(hierarchy, name))
                .and_then(|i| {
                    let pointer = format!("/customers/{i}/{}", field.name());
                    let edit = edit::remove_entry(&w.text, &spans, &pointer)?;
                    if let Some(item) = w.expected.pointer_mut(&format!("/customers/{i}"))
                        && let Some(map) = item.as_object_mut()
                    {
                        map.remove(field.name());
                    }
                    Ok(edit)
                }),
            Structural::RemoveCustomer { hierarchy, name } => {
                customer_index(&current, hierarchy, name)
                    .ok_or_else(|| not_found(hierarchy, name))
                    .and_then(|i| {
                        let edit = edit::remove_entry(&w.text, &spans, &format!("/customers/{i}"))?;
                        if let Some(list) = w
                            .expected
                            .get_mut("customers")
                            .and_then(Value::as_array_mut)
                            && i < list.len()
                        {
                            list.remove(i);
                        }
                        Ok(edit)
                    })
            }
            Structural::Append(items) => edit::append_items(&w.text, &spans, "customers", items)
                .inspect(|_| {
                    if let Some(root) = w.expected.as_object_mut() {
                        let list = root
                            .entry("customers")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let Some(list) = list.as_array_mut() {
                            list.extend(
                                items
                                    .iter()
                                    .map(|item| Value::Object(item.iter().cloned().collect())),
                            );
                        }
                    }
                }),
        };
        match result {
            Ok(edit) => {
                w.text = edit::apply(&w.text, &[edit]).map_err(|e| AdoptError::Unreadable {
                    file: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            }
            Err(e) => undo_report(path, &step, &e, out),
        }
    }
    if w.text == w.before {
        return Ok(None);
    }
    let reads_back = yaml::parse_document(&w.text)
        .ok()
        .flatten()
        .is_some_and(|d| d.value == w.expected);
    if !reads_back {
        return Err(AdoptError::SelfCheck {
            file: path.to_path_buf(),
        });
    }
    Ok(Some(FileChange {
        path: path.to_path_buf(),
        before: w.before,
        after: w.text,
        created: w.created,
    }))
}

/// A structural change that could not be made: taken back from the report, said why.
fn undo_report(path: &Path, step: &Structural, e: &EditError, out: &mut Adoption) {
    let reason = located(path, e);
    match step {
        Structural::RemoveKey {
            hierarchy,
            name,
            field,
        } => {
            for u in &mut out.updated {
                if &u.hierarchy == hierarchy && &u.name == name {
                    u.fields.retain(|f| f.field != *field);
                }
            }
            out.updated.retain(|u| !u.fields.is_empty());
            out.not_adopted.push(not_adopted(
                hierarchy,
                name,
                Some(*field),
                &format!("empty live, and a file cannot write it empty; remove the key by hand ({reason})"),
            ));
        }
        Structural::RemoveCustomer { hierarchy, name } => {
            for m in &mut out.missing {
                if &m.hierarchy == hierarchy && &m.name == name {
                    m.removed = false;
                    m.note = Some(format!("not removed: {reason}"));
                }
            }
        }
        Structural::Append(_) => {
            let file = path.to_path_buf();
            let (gone, kept): (Vec<_>, Vec<_>) =
                out.appended.drain(..).partition(|a| a.file == file);
            out.appended = kept;
            for a in gone {
                out.not_adopted.push(not_adopted(
                    &a.hierarchy,
                    &a.name,
                    None,
                    &format!("not appended: {reason}"),
                ));
            }
        }
    }
}

fn not_found(hierarchy: &str, name: &str) -> EditError {
    EditError {
        position: None,
        message: format!("the item of {name} at {hierarchy} was not found"),
    }
}

fn located(file: &Path, e: &EditError) -> String {
    format!("{}:{e}", file.display())
}

fn not_adopted(hierarchy: &str, name: &str, field: Option<Field>, reason: &str) -> NotAdopted {
    NotAdopted {
        hierarchy: hierarchy.to_owned(),
        name: name.to_owned(),
        field,
        reason: reason.to_owned(),
    }
}

fn spans_of(file: &Path, text: &str) -> Result<Spans, AdoptError> {
    yaml::spans(text).map_err(|e| AdoptError::Unreadable {
        file: file.to_path_buf(),
        message: format!("{}:{}: {}", e.position.line, e.position.column, e.message),
    })
}

fn parse_of(file: &Path, text: &str) -> Result<Value, AdoptError> {
    match yaml::parse_document(text) {
        Ok(Some(document)) => Ok(document.value),
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(AdoptError::Unreadable {
            file: file.to_path_buf(),
            message: format!("{}:{}: {}", e.position.line, e.position.column, e.message),
        }),
    }
}

/// The index of the customer `name` at `hierarchy` in a file's `customers`.
fn customer_index(value: &Value, hierarchy: &str, name: &str) -> Option<usize> {
    value.get("customers")?.as_array()?.iter().position(|item| {
        item.get("name").and_then(Value::as_str) == Some(name)
            && item.get("hierarchy").and_then(Value::as_str) == Some(hierarchy)
    })
}

/// A live value in the file's terms: deal ids once each.
fn file_value(field: Field, live: &Value) -> Value {
    match (field, live) {
        (Field::DealIds, Value::Array(items)) => {
            let mut seen: Vec<Value> = Vec::new();
            for item in items {
                if !seen.contains(item) {
                    seen.push(item.clone());
                }
            }
            Value::Array(seen)
        }
        _ => live.clone(),
    }
}

/// The value the editor writes for `new` where `old` was (a list keeps its order).
fn expected_value(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Array(o), Value::Array(n)) => {
            let o: Vec<&str> = o.iter().filter_map(Value::as_str).collect();
            let n: Vec<&str> = n.iter().filter_map(Value::as_str).collect();
            Value::from(edit::list_result(&o, &n))
        }
        _ => new.clone(),
    }
}

/// An undeclared live customer as a file item: name, hierarchy and every managed field
/// (an empty domain left out: a file cannot write it, and omitted it is not managed).
fn live_item(l: &LiveCustomer) -> Item {
    let mut item: Item = vec![
        ("name".to_owned(), Value::from(l.name.as_str())),
        ("hierarchy".to_owned(), Value::from(l.hierarchy.as_str())),
    ];
    for field in Field::managed() {
        let Some(value) = field.live(l) else { continue };
        if field == Field::Domain && value.as_str() == Some("") {
            continue;
        }
        item.push((field.name().to_owned(), file_value(field, &value)));
    }
    item
}

#[cfg(test)]
mod tests;
