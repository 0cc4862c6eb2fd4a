//! How problems are worded: the VOSS "Manage Customers" page's field names and rules.

use serde_json::Value;

use super::diagnostic::Rule;
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

/// The rule name (see `diagnostic::RULES`) of a field's [`rule`].
pub fn rule_name(field: &str) -> Rule {
    match field {
        "name" | "renamed_from" => Rule::NameChars,
        "hierarchy" => Rule::HierarchyFormat,
        "domain" => Rule::DomainFormat,
        "deal_ids[]" => Rule::DealIdFormat,
        "password_env" => Rule::PasswordEnvFormat,
        "cloned_role" => Rule::EmptyValue,
        "state" => Rule::StateValue,
        _ => Rule::Schema,
    }
}

/// What is wrong with a text that breaks its field's pattern or length: the one most
/// specific cause, first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub rule: Rule,
    /// The cause, first: the diagnostic's message.
    pub message: String,
    /// The field's rule, or how to fix it.
    pub help: Option<String>,
}

/// The most specific cause of a text breaking its field's rule, whichever schema keyword
/// (`pattern`, `maxLength`, `minLength`) reported it, so that every keyword's error for
/// one value words the same diagnostic: whitespace at an edge first (such a name is
/// another customer on VOSS), then an empty text, characters not allowed, the length; and
/// [`rule`] when none applies. Never echoes `password_env` (it may hold a pasted password).
pub fn text_fault(field: &str, instance: &Value) -> Fault {
    let general = || Fault {
        rule: rule_name(field),
        message: rule(field),
        help: None,
    };
    let Some(text) = instance.as_str() else {
        return general();
    };
    if let Some(message) = edge_whitespace(field, text) {
        return Fault {
            rule: Rule::EdgeWhitespace,
            message,
            help: None,
        };
    }
    match field {
        "name" | "renamed_from" => name_fault(field, text).unwrap_or_else(general),
        "hierarchy" => hierarchy_fault(text).unwrap_or_else(general),
        "domain" if text.chars().count() > 253 => Fault {
            rule: Rule::DomainFormat,
            message: format!(
                "Domain Name has {} characters: at most 253 are allowed",
                text.chars().count()
            ),
            help: None,
        },
        "deal_ids[]" if text.is_empty() => Fault {
            rule: Rule::DealIdFormat,
            message: "a Deal ID must not be empty: remove the list item".into(),
            help: None,
        },
        "deal_ids[]" if text.contains(',') => Fault {
            rule: Rule::DealIdFormat,
            message: "a Deal ID must not contain a comma: VOSS joins Deal IDs with commas, so write each one as its own list item".into(),
            help: Some(format!(
                "write it as a list: [{}]",
                text.split(',')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        _ => general(),
    }
}

/// Customer Name and `renamed_from`: empty, characters not allowed, too long.
fn name_fault(field: &str, text: &str) -> Option<Fault> {
    let what = if field == "name" {
        "Customer Name"
    } else {
        "`renamed_from`"
    };
    const ALLOWED: &str = "letters, digits, spaces, `_` and `-`";
    let count = text.chars().count();
    if text.is_empty() {
        return Some(Fault {
            rule: Rule::NameEmpty,
            message: format!("{what} must not be empty"),
            help: Some(format!("write the name: at most 64 characters: {ALLOWED}")),
        });
    }
    let mut bad: Vec<char> = Vec::new();
    for c in text.chars() {
        let allowed = c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-');
        if !allowed && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let listed = bad
            .iter()
            .take(3)
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, verb) = if bad.len() == 1 {
            ("", "is")
        } else {
            ("the characters ", "are")
        };
        let more = if bad.len() > 3 { " (and more)" } else { "" };
        let mut help = format!("{what} allows {ALLOWED}, at most 64 characters");
        if count > 64 {
            help.push_str(&format!("; it also has {count}"));
        }
        return Some(Fault {
            rule: Rule::NameChars,
            message: format!("{noun}{listed}{more} {verb} not allowed in {what}"),
            help: Some(help),
        });
    }
    (count > 64).then(|| Fault {
        rule: Rule::NameLength,
        message: format!("{what} has {count} characters: at most 64 are allowed"),
        help: Some("shorten it: VOSS refuses longer names".into()),
    })
}

/// A hierarchy that does not start at `sys`, or has a character not allowed in a node
/// name.
fn hierarchy_fault(text: &str) -> Option<Fault> {
    const EXAMPLE: &str = "e.g. `sys.hcs.CS-P.CS-R1`";
    if !text.starts_with("sys.") {
        return Some(Fault {
            rule: Rule::HierarchyFormat,
            message: format!(
                "the hierarchy `{text}` must start at `sys`: node names separated by dots, {EXAMPLE}"
            ),
            help: None,
        });
    }
    let c = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.')))?;
    Some(Fault {
        rule: Rule::HierarchyFormat,
        message: format!(
            "`{c}` is not allowed in the hierarchy `{text}`: node names are separated by dots and hold letters, digits, spaces, `_` and `-`"
        ),
        help: Some(format!("write the path with dots, {EXAMPLE}")),
    })
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
    fn the_first_line_names_the_actual_cause() {
        let fault = text_fault("name", &Value::from("Smith & Sons"));
        assert_eq!(fault.rule, Rule::NameChars);
        assert!(
            fault
                .message
                .starts_with("`&` is not allowed in Customer Name"),
            "{fault:?}"
        );
        let fault = text_fault("name", &Value::from("x".repeat(70)));
        assert_eq!(fault.rule, Rule::NameLength);
        assert_eq!(
            fault.message,
            "Customer Name has 70 characters: at most 64 are allowed"
        );
        // Both broken: the character first, the length in the help.
        let fault = text_fault("name", &Value::from(format!("{}/", "x".repeat(70))));
        assert_eq!(fault.rule, Rule::NameChars);
        assert!(fault.help.unwrap().ends_with("; it also has 71"));
        let fault = text_fault("renamed_from", &Value::from("A/B.C/D"));
        assert!(
            fault
                .message
                .starts_with("the characters `/`, `.` are not allowed in `renamed_from`"),
            "{fault:?}"
        );
        assert_eq!(text_fault("name", &Value::from("")).rule, Rule::NameEmpty);
        assert_eq!(
            text_fault("name", &Value::from("Alpha ")).rule,
            Rule::EdgeWhitespace
        );
        let fault = text_fault("password_env", &Value::from("s3cr3t!"));
        assert!(!fault.message.contains("s3cr3t"), "{fault:?}");
        assert_eq!(fault.help, None);
        let fault = text_fault("hierarchy", &Value::from("sys/hcs/CS-P"));
        assert!(fault.message.contains("must start at `sys`"), "{fault:?}");
        let fault = text_fault("hierarchy", &Value::from("sys.hcs.CS/P"));
        assert!(fault.message.starts_with("`/` is not allowed"), "{fault:?}");
    }
}
