//! Writing a text as a YAML scalar that reads back as the same text.

use std::fmt::Write as _;

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
    use serde_json::json;

    fn parse(text: &str) -> serde_json::Value {
        crate::yaml::parse(text).unwrap().unwrap().value
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
}
