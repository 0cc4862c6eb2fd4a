//! Live customers → the text of a desired-state file, written by hand so that every
//! string is a double-quoted scalar: a name YAML would otherwise misread (`NO`, `1e3`,
//! `null`, `007`, `a: b`) reads back as the same string. Deterministic: sorted by
//! hierarchy then name, fields in the file format's order.

use std::fmt::Write as _;

use crate::model::LiveCustomer;

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
    let mut line = |key: &str, value: String| {
        let _ = writeln!(out, "    {key}: {value}");
    };
    line("hierarchy", quote(&c.hierarchy));
    line("description", quote(&c.description));
    line("extended_name", quote(&c.extended_name));
    line("external_customer_id", quote(&c.external_customer_id));
    if c.domain.is_empty() {
        // A file cannot write an empty domain; omitted, the reseller's or provider's applies.
        line(
            "# domain",
            "not set (the reseller's, else the provider's domain applies)".to_owned(),
        );
    } else {
        line("domain", quote(&c.domain));
    }
    line("public_sector", c.public_sector.to_string());
    line("inactive_billing", c.inactive_billing.to_string());
    line("account_id", quote(&c.account_id));
    line("deal_ids", deal_ids(&c.deal_ids));
    line(
        "prime_collaboration",
        c.prime_collaboration
            .as_deref()
            .map_or_else(|| "null".to_owned(), quote),
    );
    line("shared_uc_apps", c.shared_uc_apps.to_string());
    line("number_management", c.number_management.to_string());
}

/// `["D-1", "D-2"]`, each id once (a file may not repeat one).
fn deal_ids(ids: &[String]) -> String {
    let mut seen = Vec::new();
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    let quoted: Vec<String> = seen.iter().map(|id| quote(id)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `text` as a JSON string literal, which is also a YAML double-quoted scalar. Beyond
/// JSON's required escapes, characters YAML does not accept raw or treats as line breaks
/// (DEL, C1 controls, U+2028, U+2029, U+FEFF) are escaped too.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;
    use serde_json::{Value, json};

    fn live(hierarchy: &str, name: &str) -> LiveCustomer {
        LiveCustomer {
            pkid: "0".repeat(24),
            hierarchy: hierarchy.into(),
            name: name.into(),
            description: String::new(),
            extended_name: String::new(),
            external_customer_id: String::new(),
            domain: String::new(),
            public_sector: false,
            inactive_billing: false,
            account_id: String::new(),
            deal_ids: vec![],
            prime_collaboration: None,
            shared_uc_apps: false,
            number_management: true,
            local_admin_role: None,
            version: "v1".into(),
        }
    }

    fn parse(text: &str) -> Value {
        yaml::parse(text).unwrap().unwrap().value
    }

    #[test]
    fn strings_yaml_would_misread_read_back_as_the_same_string() {
        let tricky = [
            "NO",
            "no",
            "yes",
            "on",
            "1e3",
            "null",
            "~",
            "007",
            "0x1F",
            "a: b",
            "- x",
            "#x",
            "x #y",
            "'q'",
            "\"dq\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "",
            " lead",
            "trail ",
            "Zürich – 東京 🚀",
            "\u{7f}\u{85}\u{2028}\u{feff}",
            "&a",
            "*b",
            "!tag",
            "%x",
            "@x",
            "`x",
            "{x}",
            "[x]",
            "x,y",
        ];
        for text in tricky {
            let quoted = quote(text);
            assert_eq!(
                serde_json::from_str::<String>(&quoted).unwrap(),
                text,
                "JSON {quoted}"
            );
            assert_eq!(
                parse(&format!("k: {quoted}\n")),
                json!({"k": text}),
                "YAML {quoted}"
            );
        }
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
