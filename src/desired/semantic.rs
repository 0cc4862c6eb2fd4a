//! Rules the schema cannot state: literal passwords, repeated deal ids, renames, and
//! everything that spans files (a customer or scope declared twice).
//!
//! These read the parsed JSON value loosely (a value of the wrong type is the schema's
//! to report), so they run on files with schema errors too: one run shows every problem.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::diagnostic::Rule;
use super::{Diagnostic, wording};
use crate::model::{CustomerKey, Origin};
use crate::yaml::{Locate, Position};

/// The literal passwords of a file, anywhere in it. Also returns the pointers of their
/// keys, so that the schema check does not report them again as unknown.
pub fn check_passwords(file: &Path, parsed: &impl Locate) -> (Vec<Diagnostic>, Vec<String>) {
    let mut out = Vec::new();
    // Keys that hold a password (`password`, `admin_password`, ...), anywhere in the file.
    let password_keys = parsed.keys_where(&|key| names_a_password(key) && key != "password_env");
    for pointer in &password_keys {
        out.push(
            Diagnostic::key(
                file,
                parsed,
                pointer,
                "a literal password is not allowed: put it in an environment variable and name it in `password_env`",
            )
            .with_help("local_admin: {cloned_role: ROLE, password_env: ACME_ADMIN_PASSWORD}")
            .with_rule(Rule::LiteralPassword),
        );
    }
    (out, password_keys)
}

/// The problems of the customer item `index` of a file on its own (a customer that is
/// not a mapping is the schema's to report).
pub fn check_customer(
    file: &Path,
    parsed: &impl Locate,
    index: usize,
    customer: &Value,
    out: &mut Vec<Diagnostic>,
) {
    if !customer.is_object() {
        return;
    }
    let base = &Base(index);
    repeated_deal_ids(file, parsed, base, customer, out);
    let name = customer.get("name").and_then(Value::as_str);
    if let (Some(name), Some(old)) = (name, customer.get("renamed_from").and_then(Value::as_str))
        && name == old
    {
        out.push(Diagnostic::value(
            file,
            parsed,
            &format!("{base}/renamed_from"),
            "`renamed_from` is the customer's own `name`: give the previous name, or remove `renamed_from`",
        ).with_rule(Rule::RenamedFromSelf));
    }
    if let Some(variable) = customer
        .get("local_admin")
        .and_then(|admin| admin.get("password_env"))
        .and_then(Value::as_str)
        && let Some(message) = read_by_this_tool(variable)
    {
        out.push(
            Diagnostic::value(
                file,
                parsed,
                &format!("{base}/local_admin/password_env"),
                message,
            )
            .with_help("local_admin: {cloned_role: ROLE, password_env: ACME_ADMIN_PASSWORD}")
            .with_rule(Rule::PasswordEnvOwn),
        );
    }
    if let Some(h) = customer.get("hierarchy").and_then(Value::as_str)
        && (h == "sys" || h == "sys.hcs")
    {
        out.push(
            Diagnostic::value(
                file,
                parsed,
                &format!("{base}/hierarchy"),
                format!("`{h}` is not a Provider or Reseller node: customers live below one, e.g. `sys.hcs.CS-P.CS-R1`"),
            )
            .with_help("customers synced from HCM-F wait at `sys.hcs` and are migrated by declaring them under a provider or reseller")
            .with_rule(Rule::HierarchyNotANode),
        );
    }
}

/// The warnings of the customer item `index`: two spaces in a row in a name, a previous
/// name, a hierarchy or a Deal ID (allowed, but most often a typo).
pub fn warn_customer(
    file: &Path,
    parsed: &impl Locate,
    index: usize,
    customer: &Value,
    warnings: &mut Vec<Diagnostic>,
) {
    let base = Base(index);
    for key in ["name", "renamed_from", "hierarchy"] {
        if let Some(message) = customer
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| has_two_spaces(text))
            .and_then(|text| wording::doubled_spaces(key, text))
        {
            warnings.push(
                Diagnostic::value(file, parsed, &format!("{base}/{key}"), message)
                    .with_rule(Rule::DoubledSpaces),
            );
        }
    }
    let ids = customer.get("deal_ids").and_then(Value::as_array);
    for (i, id) in ids.into_iter().flatten().enumerate() {
        if let Some(message) = id
            .as_str()
            .filter(|text| has_two_spaces(text))
            .and_then(|text| wording::doubled_spaces("deal_ids[]", text))
        {
            warnings.push(
                Diagnostic::value(file, parsed, &format!("{base}/deal_ids/{i}"), message)
                    .with_rule(Rule::DoubledSpaces),
            );
        }
    }
}

/// A file's scopes: whitespace at an edge of a node name of a hierarchy is an error (a
/// pruned `sys.hcs.CS-P.CS-R1 ` is another node than the customers' `sys.hcs.CS-P.CS-R1`),
/// two spaces in a row a warning. A hierarchy that breaks the schema's own rule is the
/// schema's to report.
pub fn check_scopes(
    file: &Path,
    parsed: &impl Locate,
    out: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let scopes = parsed.root().get("scopes").and_then(Value::as_array);
    for (i, scope) in scopes.into_iter().flatten().enumerate() {
        let Some(hierarchy) = scope.get("hierarchy").and_then(Value::as_str) else {
            continue;
        };
        let pointer = format!("/scopes/{i}/hierarchy");
        if let Some(message) = wording::edge_whitespace("hierarchy", hierarchy)
            .filter(|_| fits_scope_pattern(hierarchy))
        {
            out.push(
                Diagnostic::value(file, parsed, &pointer, message).with_rule(Rule::EdgeWhitespace),
            );
        } else if let Some(message) = wording::doubled_spaces("hierarchy", hierarchy) {
            warnings.push(
                Diagnostic::value(file, parsed, &pointer, message).with_rule(Rule::DoubledSpaces),
            );
        }
    }
}

/// Whether a scope's hierarchy passes the schema's pattern (`^sys(\.[A-Za-z0-9_\- ]+)+$`),
/// so that only one problem is reported for it.
fn fits_scope_pattern(hierarchy: &str) -> bool {
    let mut nodes = hierarchy.split('.');
    nodes.next() == Some("sys")
        && hierarchy.len() > 3
        && nodes.all(|node| {
            !node.is_empty()
                && node
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b' '))
        })
}

/// Why `password_env` may not name `variable`: voss-customers reads it itself (`VOSS_*`,
/// whatever the letter case, and `NO_COLOR`), so the local admin would get that value: the
/// admin's own password for `VOSS_PASSWORD`. `None` for a variable of its own.
fn read_by_this_tool(variable: &str) -> Option<String> {
    // Not a variable name at all: the schema reports it, without echoing it.
    if !variable
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let upper = variable.to_ascii_uppercase();
    let own = upper.starts_with("VOSS_") || upper == "NO_COLOR";
    if !own {
        return None;
    }
    let what = if upper == "VOSS_PASSWORD" {
        "the password voss-customers logs in with: the local admin would get the admin's own password"
    } else {
        "a variable voss-customers reads for its own settings (`VOSS_*`, `NO_COLOR`)"
    };
    Some(format!(
        "`password_env` names `{variable}`, {what}; name a variable of the customer's own, e.g. `ACME_ADMIN_PASSWORD`"
    ))
}

/// `password`, `Admin_Password`, `passwd`... in any case, without allocating (this runs
/// on every key of every file): the words are compared only where a `pa` starts.
fn names_a_password(key: &str) -> bool {
    let bytes = key.as_bytes();
    let Some(last) = bytes.len().checked_sub(b"passwd".len()) else {
        return false;
    };
    (0..=last).any(|i| {
        // `| 0x20` is the lower case of an ASCII letter (and of nothing else here).
        bytes[i] | 0x20 == b'p' && bytes[i + 1] | 0x20 == b'a' && {
            let at = &bytes[i..];
            let starts = |word: &[u8]| {
                at.get(..word.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(word))
            };
            starts(b"passwd") || starts(b"password")
        }
    })
}

/// The pointer of the customer item at an index, written only when a message needs it
/// (most customers have none: formatting it for each cost more than checking them).
struct Base(usize);

impl std::fmt::Display for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "/customers/{}", self.0)
    }
}

/// Whether `text` has two spaces in a row: the cheap test before
/// [`wording::doubled_spaces`], which runs on every name of every customer.
fn has_two_spaces(text: &str) -> bool {
    text.as_bytes().windows(2).any(|pair| pair == b"  ")
}

/// Lists of Deal IDs up to this long are searched for repeats pairwise (no table).
const FEW_DEAL_IDS: usize = 16;

fn repeated_deal_ids(
    file: &Path,
    parsed: &impl Locate,
    base: &Base,
    customer: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let Some(ids) = customer.get("deal_ids").and_then(Value::as_array) else {
        return;
    };
    if ids.len() <= FEW_DEAL_IDS {
        // The same first occurrences as the table below would find.
        let unique = ids.iter().enumerate().all(|(i, id)| {
            id.as_str()
                .is_none_or(|id| !ids[..i].iter().any(|e| e.as_str() == Some(id)))
        });
        if unique {
            return;
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id.as_str() else { continue };
        match first.get(id) {
            Some(&j) => {
                let earlier = parsed.position(&format!("{base}/deal_ids/{j}"));
                out.push(
                    Diagnostic::value(
                        file,
                        parsed,
                        &format!("{base}/deal_ids/{i}"),
                        format!(
                            "Deal ID `{id}` is repeated (first at line {}, column {})",
                            earlier.line, earlier.column
                        ),
                    )
                    .with_rule(Rule::DealIdRepeated),
                );
            }
            None => {
                first.insert(id, i);
            }
        }
    }
}

/// What the checks across files need of one customer item: taken (moved, not cloned)
/// from the item in the parallel pass, so that the single-threaded [`Registry`] only
/// hashes and inserts.
#[derive(Debug)]
pub struct CustomerEntry {
    /// The item's index in the file's `customers`.
    pub index: usize,
    /// Its `hierarchy` and `name`.
    pub key: CustomerKey,
    /// [`Self::key`] in lower case (see [`fold`]).
    pub folded: CustomerKey,
    /// Its `state` when that is text, else `present`.
    pub state: Cow<'static, str>,
    /// Whether the item has a `state` key (of any type).
    pub state_given: bool,
    /// Its `renamed_from` when that is text.
    pub renamed_from: Option<String>,
    /// The positions of its `name`, `state` and `renamed_from` (as
    /// [`Locate::position`] of their pointers: a missing key at its item).
    pub at: [Position; 3],
}

impl CustomerEntry {
    /// The entry of the customer item `index`, taking its texts out of `item`; `None`
    /// when it is not a mapping with a text `name` and `hierarchy` (nothing to register).
    /// `at` gives the positions of `name`, `state` and `renamed_from` in the item.
    pub fn take(index: usize, item: Value, at: impl FnOnce() -> [Position; 3]) -> Option<Self> {
        let Value::Object(item) = item else {
            return None;
        };
        let (mut name, mut hierarchy, mut state, mut renamed_from) = (None, None, None, None);
        // One pass over the mapping, which is dropped as it goes: no look-up per key.
        for (key, value) in item {
            let slot = match key.as_str() {
                "name" => &mut name,
                "hierarchy" => &mut hierarchy,
                "state" => &mut state,
                "renamed_from" => &mut renamed_from,
                _ => continue,
            };
            *slot = Some(value);
        }
        let (Some(Value::String(mut name)), Some(Value::String(mut hierarchy))) = (name, hierarchy)
        else {
            return None;
        };
        // Kept until every file is read: not with the spare room the YAML reader leaves
        // in each text (saphyr reserves 128 bytes or more per scalar).
        name.shrink_to_fit();
        hierarchy.shrink_to_fit();
        let (state, state_given) = match state {
            Some(Value::String(state)) => (Cow::Owned(state), true),
            Some(_) => (Cow::Borrowed(PRESENT), true),
            None => (Cow::Borrowed(PRESENT), false),
        };
        let renamed_from = match renamed_from {
            Some(Value::String(mut old)) => {
                old.shrink_to_fit();
                Some(old)
            }
            _ => None,
        };
        let key = CustomerKey::new(hierarchy, name);
        Some(CustomerEntry {
            index,
            folded: fold(&key),
            key,
            state,
            state_given,
            renamed_from,
            at: at(),
        })
    }
}

const PRESENT: &str = "present";

/// A customer's first declaration: its exact key, where its `name` is (a file by its
/// index in [`Registry::files`]: no path copied per customer) and its `state`.
struct Seen {
    key: CustomerKey,
    file: usize,
    at: Position,
    state: Cow<'static, str>,
}

/// A `renamed_from`, checked once every file is read.
struct Rename {
    old: CustomerKey,
    new_name: String,
    origin: Origin,
    pointer: String,
}

/// The declarations of every file read so far, to find those made twice.
#[derive(Default)]
pub struct Registry {
    /// The files customers were registered from, in order.
    files: Vec<PathBuf>,
    /// Each declared customer by its letter-case-folded key, to find names that differ
    /// only in case (unique per hierarchy on VOSS, which may ignore case): the first
    /// declaration of a folded key is the only one kept.
    customers: HashMap<CustomerKey, Seen>,
    scopes: HashMap<String, Origin>,
    renames: Vec<Rename>,
}

impl Registry {
    /// Records a customer item of `file`, reporting it if already declared.
    pub fn add_customer(&mut self, file: &Path, entry: CustomerEntry, out: &mut Vec<Diagnostic>) {
        let CustomerEntry {
            index,
            key,
            folded,
            state,
            state_given,
            renamed_from,
            at: [at_name, at_state, at_renamed_from],
        } = entry;
        let name_pointer = || format!("/customers/{index}/name");
        if let Some(old) = renamed_from
            && old != key.name
        {
            self.renames.push(Rename {
                old: CustomerKey::new(key.hierarchy.clone(), old),
                new_name: key.name.clone(),
                origin: origin(file, at_renamed_from),
                pointer: format!("/customers/{index}/renamed_from"),
            });
        }
        // One hash of the key per customer: the entry is looked up once.
        let seen = match self.customers.entry(folded) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                if self.files.last().map(PathBuf::as_path) != Some(file) {
                    self.files.push(file.to_path_buf());
                }
                entry.insert(Seen {
                    key,
                    file: self.files.len() - 1,
                    at: at_name,
                    state,
                });
                return;
            }
        };
        let first = origin_in(&self.files, seen);
        let name = &key.name;
        let hierarchy = &key.hierarchy;
        if seen.key != key {
            out.push(case_only(
                file,
                at_name,
                &name_pointer(),
                &key,
                &seen.key,
                &first,
            ));
        } else if seen.state != state {
            let (pointer, at) = if state_given {
                (format!("/customers/{index}/state"), at_state)
            } else {
                (name_pointer(), at_name)
            };
            out.push(Diagnostic::at(
                file,
                at,
                &pointer,
                format!(
                    "customer `{name}` at `{hierarchy}` is declared twice with different `state`: `{}` at {first}, `{state}` here",
                    seen.state
                ),
            ).with_rule(Rule::ConflictingState));
        } else {
            out.push(
                Diagnostic::at(
                    file,
                    at_name,
                    &name_pointer(),
                    format!("customer `{name}` at `{hierarchy}` is already declared at {first}"),
                )
                .with_rule(Rule::DuplicateCustomer),
            );
        }
    }

    /// Where a customer was first declared.
    fn origin(&self, seen: &Seen) -> Origin {
        origin_in(&self.files, seen)
    }

    /// The first declaration of exactly `key`.
    fn declared(&self, key: &CustomerKey) -> Option<&Seen> {
        self.customers
            .get(&fold(key))
            .filter(|seen| seen.key == *key)
    }

    /// Records a file's scopes (after its customers), reporting those already declared.
    pub fn add_scopes(&mut self, file: &Path, parsed: &impl Locate, out: &mut Vec<Diagnostic>) {
        for (i, scope) in parsed
            .root()
            .get("scopes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(hierarchy) = scope.get("hierarchy").and_then(Value::as_str) else {
                continue;
            };
            let pointer = format!("/scopes/{i}/hierarchy");
            match self.scopes.get(hierarchy) {
                Some(first) => out.push(
                    Diagnostic::value(
                        file,
                        parsed,
                        &pointer,
                        format!("scope `{hierarchy}` is already declared at {first}"),
                    )
                    .with_rule(Rule::DuplicateScope),
                ),
                None => {
                    self.scopes.insert(
                        hierarchy.to_string(),
                        origin(file, parsed.position(&pointer)),
                    );
                }
            }
        }
    }

    /// The checks that need every file: a rename whose old name is still declared, or
    /// two customers renamed from the same one.
    ///
    /// Names are compared ignoring letter case: `renamed_from: acme` while `Acme` is
    /// declared, or two customers renamed from `acme` and `ACME`, are refused too. A rename
    /// that changes only the case of a name (`WAYNE`, `renamed_from: Wayne`) is one.
    pub fn finish(self, out: &mut Vec<Diagnostic>) {
        let mut renamed: HashMap<CustomerKey, &Rename> = HashMap::new();
        for rename in &self.renames {
            let declared = self
                .customers
                .get(&fold(&rename.old))
                .map(|seen| &seen.key)
                .filter(|key| key.name != rename.new_name);
            let old = declared.unwrap_or(&rename.old);
            let at = |message: String| {
                Diagnostic::at(
                    &rename.origin.file,
                    Position {
                        line: rename.origin.line,
                        column: rename.origin.column,
                    },
                    &rename.pointer,
                    message,
                )
                .with_rule(Rule::RenameConflict)
            };
            let also = if old.name == rename.old.name {
                String::new()
            } else {
                format!(" as `{}` (only the letter case differs)", old.name)
            };
            if let Some(seen) = self.declared(old).filter(|s| s.state == PRESENT) {
                out.push(at(format!(
                    "`{}` is renamed to `{}`, but is also declared{also} at {}: remove one of the two",
                    rename.old.name, rename.new_name, self.origin(seen)
                )));
            } else if let Some(first) = renamed.get(&fold(&rename.old)) {
                let also = if first.old.name == rename.old.name {
                    String::new()
                } else {
                    format!(" (as `{}`: only the letter case differs)", first.old.name)
                };
                out.push(at(format!(
                    "`{}` is already renamed to `{}` at {}{also}",
                    rename.old.name, first.new_name, first.origin
                )));
            } else {
                renamed.insert(fold(&rename.old), rename);
            }
        }
    }
}

/// A customer key with its hierarchy and name in lower case: two keys that differ only
/// in letter case fold to the same.
fn fold(key: &CustomerKey) -> CustomerKey {
    CustomerKey::new(key.hierarchy.to_lowercase(), key.name.to_lowercase())
}

/// "`ACME` at H differs only in letter case from `Acme`, declared at F:L:C".
fn case_only(
    file: &Path,
    at: Position,
    pointer: &str,
    key: &CustomerKey,
    first: &CustomerKey,
    first_origin: &Origin,
) -> Diagnostic {
    let first_name = if first.hierarchy == key.hierarchy {
        format!("`{}`", first.name)
    } else {
        format!("`{}` at `{}`", first.name, first.hierarchy)
    };
    Diagnostic::at(
        file,
        at,
        pointer,
        format!(
            "customer `{}` at `{}` differs only in letter case from {first_name}, declared at {first_origin}: names are unique per hierarchy and VOSS may ignore case; keep one of the two",
            key.name, key.hierarchy
        ),
    )
    .with_help(format!(
        "to rename `{}` to `{}`, declare only `{}`, with `renamed_from: {}`",
        first.name, key.name, key.name, first.name
    ))
    .with_rule(Rule::CaseOnlyName)
}

/// Where a customer was first declared, its file taken from `files` by index.
fn origin_in(files: &[PathBuf], seen: &Seen) -> Origin {
    let file = files.get(seen.file).map_or(Path::new(""), PathBuf::as_path);
    origin(file, seen.at)
}

fn origin(file: &Path, position: Position) -> Origin {
    Origin {
        file: file.to_path_buf(),
        line: position.line,
        column: position.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_key_is_found_in_any_case_anywhere_in_the_name() {
        for key in [
            "password",
            "Admin_Password",
            "PASSWD",
            "x_passwd",
            "paspassword",
            "pApAsSwD",
        ] {
            assert!(names_a_password(key), "{key}");
        }
        for key in [
            "", "pass", "passw", "passwo", "name", "p@sswd", "pasword", "passw d",
        ] {
            assert!(!names_a_password(key), "{key}");
        }
    }

    #[test]
    fn two_spaces_in_a_row_are_found_anywhere() {
        assert!(has_two_spaces("a  b"));
        assert!(has_two_spaces("  "));
        assert!(!has_two_spaces("a b c"));
        assert!(!has_two_spaces(" "));
    }
}
