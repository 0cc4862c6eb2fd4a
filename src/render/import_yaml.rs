//! Live customers → the text of a desired-state file, written by hand so that every
//! string is a double-quoted scalar: a name YAML would otherwise misread (`NO`, `1e3`,
//! `null`, `007`, `a: b`) reads back as the same string. Deterministic: sorted by
//! hierarchy then name, fields in the file format's order.

use std::fmt::Write as _;

use serde_json::Value;

use crate::model::{Field, LiveCustomer};
use crate::yaml::quote;

/// Where the first line points an editor for completion and checks (relative to the file).
const SCHEMA_PATH: &str = "schemas/customers.schema.json";

/// The desired-state file declaring `customers` (any order) and a non-pruning scope for
/// `hierarchy`.
pub fn render(hierarchy: &str, recursive: bool, customers: &[LiveCustomer]) -> String {
    let mut sorted: Vec<&LiveCustomer> = customers.iter().collect();
    sorted.sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
    let below = if recursive {
        " and the nodes below it"
    } else {
        ""
    };
    let mut out = String::new();
    out.push_str(&format!("# yaml-language-server: $schema={SCHEMA_PATH}\n"));
    out.push_str(
        "# The $schema path is relative to this file: adjust it to where \
         schemas/customers.schema.json\n# sits from here (e.g. ../schemas/customers.schema.json).\n#\n",
    );
    out.push_str(&format!(
        "# Imported from the live customers under {hierarchy}{below}.\n"
    ));
    out.push_str(
        "# `local_admin` is not imported: passwords cannot be read back, and it is create-only\n\
         # (used only when a customer is created).\n",
    );
    if sorted.is_empty() {
        out.push_str("customers: []\n");
    } else {
        out.push_str("customers:\n");
        for customer in sorted {
            customer_entry(&mut out, customer);
        }
    }
    out.push_str("scopes:\n");
    out.push_str(&format!(
        "  - hierarchy: {}\n    prune: false\n",
        quote(hierarchy)
    ));
    out
}

/// One `- name: ...` entry with every managed field.
fn customer_entry(out: &mut String, c: &LiveCustomer) {
    let _ = writeln!(out, "  - name: {}", quote(&c.name));
    let _ = writeln!(out, "    hierarchy: {}", quote(&c.hierarchy));
    for field in Field::managed() {
        let Some(value) = field.live(c) else {
            continue;
        };
        if field == Field::Domain && value.as_str() == Some("") {
            // A file cannot write an empty domain; omitted, the reseller's or provider's applies.
            let _ = writeln!(
                out,
                "    # {field}: not set (the reseller's, else the provider's domain applies)"
            );
            continue;
        }
        let _ = writeln!(out, "    {field}: {}", scalar(&value));
    }
}

/// A value in flow style: texts double-quoted, lists in brackets with each item once (a
/// file may not repeat a deal id).
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => quote(text),
        Value::Array(items) => {
            let mut seen = Vec::new();
            for item in items {
                if !seen.contains(&item) {
                    seen.push(item);
                }
            }
            let items: Vec<String> = seen.into_iter().map(scalar).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;
    use serde_json::json;

    fn live(hierarchy: &str, name: &str) -> LiveCustomer {
        LiveCustomer::with_defaults(&"0".repeat(24), hierarchy, name)
    }

    fn parse(text: &str) -> Value {
        yaml::parse(text).unwrap().unwrap().value
    }

    #[test]
    fn writes_every_managed_field_sorted_by_hierarchy_then_name() {
        let mut b = live("sys.hcs.P.R2", "NO");
        b.description = "a: b".into();
        b.deal_ids = vec!["D-1".into(), "D-2".into(), "D-1".into()];
        b.prime_collaboration = Some("PC-East".into());
        b.domain = "b.example".into();
        let customers = [b, live("sys.hcs.P.R1", "1e3"), live("sys.hcs.P.R2", "007")];
        let text = render("sys.hcs.P", true, &customers);
        assert!(
            text.starts_with("# yaml-language-server: $schema=schemas/customers.schema.json\n")
        );
        assert!(text.contains("`local_admin` is not imported"));
        let value = parse(&text);
        let names: Vec<&str> = value["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["1e3", "007", "NO"]);
        assert_eq!(
            value["customers"][2],
            json!({
                "name": "NO", "hierarchy": "sys.hcs.P.R2", "description": "a: b",
                "extended_name": "", "external_customer_id": "", "public_sector": false,
                "inactive_billing": false, "account_id": "", "deal_ids": ["D-1", "D-2"],
                "prime_collaboration": "PC-East", "shared_uc_apps": false,
                "number_management": true, "domain": "b.example"
            })
        );
        assert_eq!(value["customers"][0]["prime_collaboration"], Value::Null);
        assert!(value["customers"][0].get("domain").is_none());
        assert_eq!(
            value["scopes"],
            json!([{"hierarchy": "sys.hcs.P", "prune": false}])
        );
        assert_eq!(text, render("sys.hcs.P", true, &customers), "deterministic");
    }

    #[test]
    fn no_customers_is_an_empty_list() {
        let value = parse(&render("sys.hcs.P", false, &[]));
        assert_eq!(value["customers"], json!([]));
    }
}
