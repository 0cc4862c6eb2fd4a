//! The JSON Schema of desired-state files, generated from the model with schemars, and
//! validation of a parsed file against it with the jsonschema crate.

use std::path::Path;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::diagnostic::Rule;
use super::wording::{self, Context};
use super::{Diagnostic, suggest};
use crate::model::DesiredFile;
use crate::yaml::Locate;

/// Fields where an explicit `null` means something (Prime Collaboration: "None").
/// Everywhere else an omitted key already means "leave as it is", so `null` is refused
/// rather than silently read as "omitted".
const NULLABLE_FIELDS: &[&str] = &["prime_collaboration"];

/// The JSON Schema (draft 2020-12) of a desired-state file.
pub fn customers_schema() -> Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<DesiredFile>();
    let mut value = schema.to_value();
    refuse_null(&mut value);
    value
}

/// The schema as `schema` prints it and `schemas/customers.schema.json` holds it.
pub fn customers_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&customers_schema())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Removes the `null` that schemars allows for every `Option` field, except in
/// [`NULLABLE_FIELDS`].
fn refuse_null(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if !NULLABLE_FIELDS.contains(&name.as_str()) {
                drop_null(property);
            }
        }
    }
    if let Some(Value::Object(defs)) = object.get_mut("$defs") {
        defs.values_mut().for_each(refuse_null);
    }
}

fn drop_null(property: &mut Value) {
    let Some(object) = property.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = object.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let kept = if kept.len() == 1 {
            kept[0].clone()
        } else {
            Value::Array(kept)
        };
        object.insert("type".into(), kept);
    }
    if let Some(Value::Array(choices)) = object.get("anyOf") {
        let kept: Vec<Value> = choices
            .iter()
            .filter(|c| c.get("type") != Some(&Value::from("null")))
            .cloned()
            .collect();
        if let [only] = kept.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            if let Value::Object(inner) = only {
                object.extend(inner);
            }
        }
    }
}

/// The compiled validators, built once per process: one for a file with its customers'
/// items left unchecked, one for a single customer item. A large file is then checked one
/// customer at a time, while that customer is still in the CPU caches (see `load`).
struct Validators {
    file: Validator,
    customer: Validator,
}

/// Where the customer items sit in the file schema, so that a customer's errors read
/// exactly as from a whole-file check.
const CUSTOMER_ITEMS: &str = "/properties/customers/items";

/// The built-in schema was rejected by the validator: a bug of this program, reported
/// once per file instead of a check.
#[derive(Debug, thiserror::Error)]
#[error(
    "the built-in schema does not compile: {0}; this is a bug of voss-customers, please \
     report it"
)]
struct SchemaCompileError(String);

fn validators() -> Result<&'static Validators, &'static SchemaCompileError> {
    static VALIDATORS: OnceLock<Result<Validators, SchemaCompileError>> = OnceLock::new();
    VALIDATORS
        .get_or_init(|| {
            let schema = customers_schema();
            let mut file = schema.clone();
            let mut customer = Value::Bool(true);
            if let Some(items) = file.pointer_mut(CUSTOMER_ITEMS) {
                customer = std::mem::replace(items, Value::Bool(true));
            }
            if let (Value::Object(customer), Some(defs)) = (&mut customer, schema.get("$defs")) {
                customer.insert("$defs".into(), defs.clone());
            }
            let compile = |schema: &Value| {
                jsonschema::draft202012::new(schema).map_err(|e| SchemaCompileError(e.to_string()))
            };
            Ok(Validators {
                file: compile(&file)?,
                customer: compile(&customer)?,
            })
        })
        .as_ref()
}

/// Every schema violation of a parsed file outside its customer items (those are checked
/// by [`check_customer`]), as diagnostics at the offending key or value.
/// `skip_keys` are pointers already reported otherwise (a literal password).
pub fn check_file(file: &Path, parsed: &impl Locate, skip_keys: &[String]) -> Vec<Diagnostic> {
    let validator = match validators() {
        Ok(v) => &v.file,
        Err(problem) => return vec![Diagnostic::file(file, problem.to_string())],
    };
    let schema = schema_value();
    let mut out = Vec::new();
    for error in validator.iter_errors(parsed.root()) {
        let at = Place {
            pointer: error.instance_path().as_str(),
            schema_path: error.schema_path().as_str(),
        };
        explain(file, parsed, schema, &at, &error, skip_keys, &mut out);
    }
    out
}

/// The schema violations of the customer item `index` of a file, worded and placed as
/// a whole-file check would. Nothing when the schema does not compile: [`check_file`]
/// reports that once.
pub fn check_customer(
    file: &Path,
    parsed: &impl Locate,
    index: usize,
    customer: &Value,
    skip_keys: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let Ok(validators) = validators() else {
        return;
    };
    if validators.customer.is_valid(customer) {
        return;
    }
    let schema = schema_value();
    for error in validators.customer.iter_errors(customer) {
        let pointer = format!("/customers/{index}{}", error.instance_path().as_str());
        // jsonschema places an error below a `$ref` at the referenced schema (`/$defs/..`),
        // the same in both schemas; only the item schema's own keywords move.
        let schema_path = error.schema_path().as_str();
        let schema_path = if schema_path.starts_with("/$defs/") {
            schema_path.to_string()
        } else {
            format!("{CUSTOMER_ITEMS}{schema_path}")
        };
        let at = Place {
            pointer: &pointer,
            schema_path: &schema_path,
        };
        explain(file, parsed, schema, &at, &error, skip_keys, out);
    }
}

/// An error's instance path in the file and its path in the file schema.
struct Place<'a> {
    pointer: &'a str,
    schema_path: &'a str,
}

fn schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(customers_schema)
}

fn explain(
    file: &Path,
    parsed: &impl Locate,
    schema: &Value,
    at: &Place<'_>,
    error: &ValidationError<'_>,
    skip_keys: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let (pointer, schema_path) = (at.pointer, at.schema_path);
    let field = wording::field_of(pointer);
    let value = || Diagnostic::value(file, parsed, pointer, String::new());
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let object_schema = schema_path.trim_end_matches("/additionalProperties");
            let known = known_keys(schema, object_schema);
            let context = Context::of_schema(object_schema);
            for key in unexpected {
                let key_pointer = format!("{pointer}/{}", escape(key));
                if skip_keys.contains(&key_pointer) {
                    continue;
                }
                let mut message = format!("unknown key `{key}` in {}", context.noun());
                let mut help = None;
                match suggest::nearest(key, &known) {
                    Some(near) => message.push_str(&format!(": did you mean `{near}`?")),
                    None => help = Some(format!("known keys: {}", known.join(", "))),
                }
                let mut d = Diagnostic::key(file, parsed, &key_pointer, message)
                    .with_rule(Rule::UnknownKey);
                d.help = help;
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            // A literal password in its place is the one mistake; it is reported already.
            let prefix = format!("{pointer}/");
            if property == "password_env" && skip_keys.iter().any(|k| k.starts_with(&prefix)) {
                return;
            }
            let context = Context::of_schema(schema_path.trim_end_matches("/required"));
            let mut d = value().with_rule(Rule::MissingKey);
            d.message = format!(
                "{} needs `{property}`: {}",
                context.noun(),
                wording::what_is(property)
            );
            out.push(d);
        }
        ValidationErrorKind::Type { kind } => {
            let mut d = value().with_rule(Rule::WrongType);
            let found = wording::kind_of(error.instance());
            d.message = format!(
                "{} must be {}, not {found}",
                wording::label(&field),
                expected(kind)
            );
            if matches!(error.instance().as_ref(), Value::Number(_) | Value::Bool(_))
                && expects_string(kind)
            {
                d.help = Some("put the value in quotes to make it text".into());
            }
            out.push(d);
        }
        // One value may break several keywords (a name too long and with a `&`): each
        // error words the same diagnostic, its most specific cause, and only one is kept.
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::MinLength { .. } => {
            let fault = wording::text_fault(&field, error.instance());
            let mut d = value().with_rule(fault.rule);
            d.message = fault.message;
            d.help = fault.help;
            if out.last() != Some(&d) {
                out.push(d);
            }
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::Constant { .. } => {
            let mut d = value().with_rule(wording::rule_name(&field));
            d.message = wording::rule(&field);
            out.push(d);
        }
        other => {
            let mut d = value();
            d.message = format!(
                "{} is not allowed here (schema rule `{}`)",
                wording::label(&field),
                other.keyword()
            );
            out.push(d);
        }
    }
}

/// The property names that the object schema at `schema_pointer` allows.
fn known_keys<'a>(schema: &'a Value, schema_pointer: &str) -> Vec<&'a str> {
    schema
        .pointer(&format!("{schema_pointer}/properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn expected(kind: &TypeKind) -> String {
    let names: Vec<&str> = match kind {
        TypeKind::Single(t) => vec![wording::type_name(&t.to_string())],
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| wording::type_name(&t.to_string()))
            .collect(),
    };
    names.join(" or ")
}

fn expects_string(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Single(t) => t.to_string() == "string",
        TypeKind::Multiple(set) => set.iter().any(|t| t.to_string() == "string"),
    }
}
