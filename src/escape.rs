//! The one escaping of text that comes from files or servers (names, hierarchies, keys,
//! server messages) before it is shown: a control character never reaches a terminal or a
//! log raw. A newline in a name cannot start a line that a CI runner reads as a command
//! (`::error ...`), and an ESC cannot recolour or rewrite the screen.
//!
//! Escapes: `\n`, `\r`, `\t`, and `\u{XX}` for every other control character (C0, DEL,
//! C1) and for the Unicode line/paragraph separators and bidirectional overrides, which
//! can also make a line show something else than it holds. A backslash is left as it is,
//! so escaping twice changes nothing (text already escaped stays the same).

use std::borrow::Cow;

/// Whether `c` is shown escaped.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character escaped (see the module documentation).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The message of a GitHub Actions workflow command (`::error ...::MESSAGE`): the
/// runner's own escaping of `%`, CR and LF, then [`escape`] for the other control
/// characters.
pub fn github_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape(&s).into_owned()
}

/// A property of a GitHub Actions workflow command (`file=...`): [`github_data`], and
/// `:` and `,`, which end a property.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(escape("Acme Corp — ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_newline_cannot_start_a_workflow_command_line() {
        let name = "Alpha\n::error file=x.yaml::pwned";
        let shown = escape(name);
        assert_eq!(shown, "Alpha\\n::error file=x.yaml::pwned");
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn escape_sequences_c1_and_bidi_overrides_are_escaped() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("x\u{9b}y\u{7f}"), "x\\u{9b}y\\u{7f}");
        assert_eq!(escape("r\u{202e}l\u{2028}"), "r\\u{202e}l\\u{2028}");
        assert_eq!(escape("\ta\r"), "\\ta\\r");
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = escape("a\nb\u{1b}c\\n").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn github_escapes_its_specials_and_other_controls() {
        assert_eq!(github_data("50%\r\nx\u{1b}"), "50%25%0D%0Ax\\u{1b}");
        assert_eq!(github_property("a,b:c\n"), "a%2Cb%3Ac%0A");
    }
}
