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
