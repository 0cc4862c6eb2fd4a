//! How problems are worded: the VOSS "Manage Customers" page's field names and rules.

use serde_json::Value;

use crate::model::Field;

/// Which kind of object a key belongs to, from the schema location of its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    File,
    Customer,
    LocalAdmin,
    Scope,
}

impl Context {
    /// From a schema pointer such as `/$defs/Customer` (`""` is the file).
    pub fn of_schema(schema_pointer: &str) -> Context {
        match schema_pointer.rsplit('/').next() {
            Some("Customer") => Context::Customer,
            Some("LocalAdmin") => Context::LocalAdmin,
            Some("Scope") => Context::Scope,
            _ => Context::File,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Context::File => "a desired-state file",
            Context::Customer => "a customer",
            Context::LocalAdmin => "`local_admin`",
            Context::Scope => "a scope",
        }
    }
}

/// The field a JSON pointer names: its last key, with `[]` for a list item
/// (`/customers/0/deal_ids/1` → `deal_ids[]`, `""` → `""`).
pub fn field_of(pointer: &str) -> String {
    let mut segments = pointer.rsplit('/');
    match segments.next() {
        Some(last) if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}[]", segments.next().unwrap_or_default())
        }
        Some(last) => last.replace("~1", "/").replace("~0", "~"),
        None => String::new(),
    }
}

/// The field's name as the VOSS page calls it ([`Field::label`]), or the key, for keys of
/// the file's own.
pub fn label(field: &str) -> String {
    let known = match field {
        "" => "the file",
        "customers" => "`customers`",
        "customers[]" => "a customer",
        "scopes" => "`scopes`",
        "scopes[]" => "a scope",
        "cloned_role" => Field::LocalAdminClonedRole.label(),
        "deal_ids[]" => "a Deal ID",
        _ => match Field::from_name(field) {
            Some(field) => field.label(),
            None => return format!("`{field}`"),
        },
    };
    known.to_string()
}

/// What a required key holds, for "a customer needs `X`: ...".
pub fn what_is(property: &str) -> &'static str {
    match property {
        "name" => "the Customer Name",
        "hierarchy" => "the hierarchy path of the Provider or Reseller node it lives under",
        "cloned_role" => "the Cloned Admin Role, the role the local admin's role is cloned from",
        "password_env" => {
            "the name of the environment variable that holds the Default Admin Password"
        }
        _ => "it is mandatory",
    }
}

/// The rule a text field breaks (pattern or length), or an enumeration's choices.
pub fn rule(field: &str) -> String {
    const HIERARCHY: &str = "the hierarchy must be a path of node names separated by dots, starting at `sys`, e.g. `sys.hcs.CS-P.CS-R1`";
    match field {
        "name" => "Customer Name must be at most 64 characters: letters, digits, spaces, `_` and `-`".into(),
        "renamed_from" => "`renamed_from` must be a previous Customer Name: at most 64 characters: letters, digits, spaces, `_` and `-`".into(),
        "hierarchy" => HIERARCHY.into(),
        "domain" => "Domain Name must be a domain name: labels of letters, digits and `-` separated by dots, e.g. `acme.example.com`".into(),
        "deal_ids[]" => "a Deal ID must not be empty or contain a comma: VOSS joins Deal IDs with commas, so write each one as its own list item".into(),
        "password_env" => "`password_env` must be the name of an environment variable (letters, digits and `_`, not starting with a digit), e.g. `ACME_ADMIN_PASSWORD`".into(),
        "cloned_role" => "Cloned Admin Role must not be empty".into(),
        "state" => "`state` must be `present` or `absent`".into(),
        other => format!("{} has a value that is not allowed", label(other)),
    }
}

/// The rule a text breaks, worded for the text itself when its only fault is whitespace
/// at an edge (`"Alpha "`, `" Lead"`, `"   "`): such a name is another customer on VOSS,
/// created next to the one meant. Otherwise [`rule`].
pub fn rule_for(field: &str, instance: &Value) -> String {
    if let Some(text) = instance.as_str()
        && let Some(fault) = edge_whitespace(field, text)
    {
        return fault;
    }
    rule(field)
}

/// Fields whose text is a name or an identifier: whitespace at an edge is an error, two
/// spaces in a row a warning.
pub const NAME_LIKE: [&str; 4] = ["name", "renamed_from", "hierarchy", "deal_ids[]"];

/// What is wrong with whitespace at an edge of `text` (of a [`NAME_LIKE`] field), or of a
/// node name of a hierarchy; `None` when there is none.
pub fn edge_whitespace(field: &str, text: &str) -> Option<String> {
    if !NAME_LIKE.contains(&field) {
        return None;
    }
    let what = edge_label(field);
    if field == "hierarchy" {
        // Edges of each node name: `sys.hcs. CS-P`, `sys.hcs.CS-P.CS-R1 `.
        let node = text
            .split('.')
            .find(|node| node.trim() != *node || node.is_empty())?;
        if node.trim().is_empty() {
            return Some(format!(
                "the hierarchy `{text}` has an empty node name: node names are separated by single dots, e.g. `sys.hcs.CS-P.CS-R1`"
            ));
        }
        return Some(edge_message(
            &format!("the hierarchy `{text}` has a node name `{node}` that"),
            node,
            "node",
        ));
    }
    if text.trim().is_empty() {
        return (!text.is_empty())
            .then(|| format!("{what} is only whitespace: write the name, or remove the key"));
    }
    (text.trim() != text).then(|| edge_message(&format!("{what} `{text}`"), text, noun(field)))
}

/// What a [`NAME_LIKE`] field's text is, for "would be another ...".
fn noun(field: &str) -> &'static str {
    match field {
        "hierarchy" => "hierarchy",
        "deal_ids[]" => "Deal ID",
        _ => "name",
    }
}

fn edge_label(field: &str) -> &'static str {
    match field {
        "name" => "Customer Name",
        "renamed_from" => "`renamed_from`",
        "hierarchy" => "the hierarchy",
        _ => "a Deal ID",
    }
}

/// "`X` starts with a space: remove it (...)" for a text with whitespace at an edge.
fn edge_message(subject: &str, text: &str, noun: &str) -> String {
    let (edge, c) = match text.chars().next() {
        Some(c) if c.is_whitespace() => ("starts", c),
        _ => ("ends", text.chars().last().unwrap_or(' ')),
    };
    format!(
        "{subject} {edge} with {}: remove it (VOSS keeps it, and `{}` would be another {noun} than `{}`)",
        whitespace_name(c),
        text,
        text.trim()
    )
}

/// "a space", "a tab", or the code point of another whitespace character.
pub fn whitespace_name(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        other => format!("whitespace (U+{:04X})", u32::from(other)),
    }
}

/// A warning for two spaces in a row inside a [`NAME_LIKE`] text (`"Two  Spaces"`):
/// allowed, but most often a typo, and another name than the one with a single space.
pub fn doubled_spaces(field: &str, text: &str) -> Option<String> {
    if !NAME_LIKE.contains(&field) || !text.contains("  ") || text.trim() != text {
        return None;
    }
    let single = text
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "{} `{text}` has two spaces in a row: VOSS keeps them, and `{single}` would be another {}; write one space if that is what you mean",
        edge_label(field),
        noun(field)
    ))
}

/// A hint for a text that breaks its field's rule: the first character not allowed, or
/// the length. Never echoes `password_env` (it may hold a pasted password).
pub fn rule_help(field: &str, instance: &Value) -> Option<String> {
    let text = instance.as_str()?;
    match field {
        "name" | "renamed_from" => {
            let count = text.chars().count();
            if count > 64 {
                return Some(format!("it has {count} characters"));
            }
            text.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-')))
                .map(|c| format!("`{c}` is not allowed"))
        }
        "deal_ids[]" if text.contains(',') => Some(format!(
            "write it as a list: [{}]",
            text.split(',')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

/// A JSON type as users read it.
pub fn type_name(json_type: &str) -> &'static str {
    match json_type {
        "string" => "text",
        "boolean" => "`true` or `false`",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "`null`",
        "integer" => "a whole number",
        _ => "a number",
    }
}

/// The kind of a value found, as users read it.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty (`null`)",
        Value::Bool(_) => "`true`/`false`",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fields_by_their_last_key() {
        assert_eq!(field_of("/customers/0/deal_ids/1"), "deal_ids[]");
        assert_eq!(field_of("/customers/0/name"), "name");
        assert_eq!(field_of(""), "");
        assert_eq!(label("external_customer_id"), "External Customer ID");
        assert_eq!(label("protect"), "`protect`");
    }

    #[test]
    fn hints_name_the_bad_character_or_length() {
        assert_eq!(
            rule_help("name", &Value::from("Acme/Corp")).as_deref(),
            Some("`/` is not allowed")
        );
        assert_eq!(
            rule_help("name", &Value::from("x".repeat(70))).as_deref(),
            Some("it has 70 characters")
        );
        assert_eq!(rule_help("password_env", &Value::from("s3cr3t!")), None);
    }
}
