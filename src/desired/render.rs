//! Diagnostics as people and tools read them: text like rustc's (annotate-snippets, the
//! crate rustc and cargo use), JSON, GitHub Actions annotations and SARIF 2.1.0 for GitHub
//! code scanning.
//!
//! Every format carries the rule name and the help. The text format shows the line of the
//! file with a caret under the offending token; the JSON and SARIF formats give the same
//! span as an end line and column. Spans are found at rendering time from the file's text
//! ([`Sources`]): the reader keeps only where each node starts.
//!
//! Text from files (names, keys, the source line itself) never reaches the output with a
//! control character in it: messages are escaped (`\n`, `\u{1b}`), and a control
//! character in a source line is shown as `�`, which keeps the columns.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use serde_json::{Value, json};

use super::diagnostic::{Diagnostic, Rule};
use super::files::MAX_FILE_BYTES;
use crate::escape::{escape, github_data, github_property};

/// Source lines longer than this are not shown (the place still is).
const MAX_EXCERPT_BYTES: usize = 4096;

/// Whether a diagnostic fails validation or is only worth a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`: the JSON `level`, the SARIF `level`, the GitHub command.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The text of the files that diagnostics point into, each read once, when first asked
/// for. A file that cannot be read again, is larger than [`MAX_FILE_BYTES`], is not UTF-8
/// or holds a NUL byte has no text: its diagnostics are shown without an excerpt.
#[derive(Debug, Default)]
pub struct Sources {
    texts: HashMap<PathBuf, Option<Source>>,
}

/// A file's text with the byte offset where each line starts.
#[derive(Debug)]
struct Source {
    text: String,
    starts: Vec<usize>,
    /// The 1-based lines that hold a password written below its key (`password:` with
    /// nothing after it, a block scalar `|` or `>`, or a lone tag): shown all `*`s.
    secret_lines: std::collections::BTreeSet<usize>,
}

/// Where a diagnostic's token is: its line's text and its 1-based start and end
/// (exclusive) character columns on that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span<'a> {
    /// The line as shown: the value of a key that names a password masked (see
    /// [`mask_secrets`]).
    pub line_text: Cow<'a, str>,
    /// The 1-based character column where the token starts.
    pub start: usize,
    /// The 1-based character column just past the token's end.
    pub end: usize,
}

impl Sources {
    /// Sources read from disk when first needed.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Gives `file` the text `text` instead of reading it (tests, text not on disk).
    pub fn insert(&mut self, file: &Path, text: impl Into<String>) {
        self.texts
            .insert(file.to_path_buf(), Some(Source::new(text.into())));
    }

    /// The span of `d`'s token, when it has a position inside its file's text.
    pub fn span(&mut self, d: &Diagnostic) -> Option<Span<'_>> {
        if d.line == 0 {
            return None;
        }
        if !self.texts.contains_key(&d.file) {
            self.texts.insert(d.file.clone(), read(&d.file));
        }
        let source = self.texts.get(&d.file)?.as_ref()?;
        // A line too long to show gets no span: finding a token's end on it for each of
        // many diagnostics would take time quadratic in its length.
        if source.line_len(d.line)? > MAX_EXCERPT_BYTES {
            return None;
        }
        let line_text = source.line(d.line)?;
        let end = crate::yaml::token_end(&line_text, d.column);
        Some(Span {
            line_text,
            start: d.column,
            end,
        })
    }
}

impl Source {
    fn new(text: String) -> Source {
        // A byte order mark is not a character of the first line: columns count without it.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let secret_lines = secret_lines(&text);
        Source {
            text,
            starts,
            secret_lines,
        }
    }

    /// The length in bytes of line `line` (1-based); `None` past the last line.
    fn line_len(&self, line: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        Some(end.saturating_sub(start))
    }

    /// Line `line` (1-based) without its line break, secrets masked; `None` past the last
    /// line.
    fn line(&self, line: usize) -> Option<Cow<'_, str>> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        if start >= self.text.len() && line > 1 {
            return None;
        }
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let text = self.text.get(start..end)?.trim_end_matches('\r');
        if self.secret_lines.contains(&line) {
            return Some(Cow::Owned(
                text.chars()
                    .map(|c| if c.is_whitespace() { c } else { '*' })
                    .collect(),
            ));
        }
        Some(mask_secrets(text))
    }
}

/// The lines (1-based) below a key that names a password whose value does not start on
/// the key's line (`password:` alone, `password: |`, `password: >-`, `password: !!str`):
/// the first line with text after it and every following line indented deeper than the
/// key, or blank, hold the password (or text a broken file meant as one).
fn secret_lines(text: &str) -> std::collections::BTreeSet<usize> {
    let mut secret = std::collections::BTreeSet::new();
    let mut key_indent: Option<usize> = None;
    // Whether no line with text has followed the key yet: that line is masked however it
    // is indented (a tab or too few spaces make the file broken, not the text less secret).
    let mut first = false;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let indent = line.len() - line.trim_start().len();
        if let Some(k) = key_indent {
            let blank = line.trim().is_empty();
            if blank || indent > k || first {
                secret.insert(i + 1);
                first = first && blank;
                continue;
            }
            key_indent = None;
        }
        if password_value_below(line) {
            key_indent = Some(indent);
            first = true;
        }
    }
    secret
}

/// Whether `line` is `KEY:` for a key that names a password, with its value on the
/// lines below (nothing, a block scalar header or a lone tag after the colon).
fn password_value_below(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if !lower.contains("passw") {
        return false;
    }
    let Some(colon) = lower
        .char_indices()
        .find(|&(i, c)| {
            c == ':'
                && lower[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n == ' ' || n == '\t')
        })
        .map(|(i, _)| i)
    else {
        return false;
    };
    let key = lower[..colon]
        .trim()
        .trim_start_matches("- ")
        .trim_matches(|c| c == '"' || c == '\'');
    if !(key.contains("password") || key.contains("passwd")) {
        return false;
    }
    let value = lower[colon + 1..].trim();
    let value = value.split(" #").next().unwrap_or("").trim();
    value.is_empty()
        || value.starts_with('|')
        || value.starts_with('>')
        || (value.starts_with('!') && !value.contains(char::is_whitespace))
}

fn read(file: &Path) -> Option<Source> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = String::from_utf8(std::fs::read(file).ok()?).ok()?;
    if text.contains('\0') {
        return None;
    }
    Some(Source::new(text))
}

/// A source line with the value of every key that names a password (`password`,
/// `Admin_Passwd`, ... in any letter case) made `*`s, one per character, so that columns
/// stay: a literal password in a file is never shown in an excerpt. A `password_env`
/// value is masked too unless it looks like a variable name (it may hold a pasted
/// password).
pub fn mask_secrets(line: &str) -> Cow<'_, str> {
    if !line.to_ascii_lowercase().contains("passw") {
        return Cow::Borrowed(line);
    }
    let mut chars: Vec<char> = line.chars().collect();
    let mut masked = false;
    for colon in 0..chars.len() {
        let after = chars.get(colon + 1).copied();
        if chars[colon] != ':' || !after.is_none_or(|c| c == ' ' || c == '\t') {
            continue;
        }
        let key_start = chars[..colon]
            .iter()
            .rposition(|c| c.is_whitespace() || matches!(c, '{' | '[' | ','))
            .map_or(0, |i| i + 1);
        let key: String = chars[key_start..colon]
            .iter()
            .filter(|c| !matches!(c, '"' | '\''))
            .collect::<String>()
            .to_ascii_lowercase();
        if !(key.contains("password") || key.contains("passwd")) {
            continue;
        }
        let Some(value) = (colon + 1..chars.len()).find(|&i| !chars[i].is_whitespace()) else {
            continue;
        };
        let shown: String = chars.iter().collect();
        let end = (crate::yaml::token_end(&shown, value + 1) - 1).min(chars.len());
        let text: String = chars[value..end].iter().collect();
        let variable = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if key == "password_env" && variable {
            continue;
        }
        for c in &mut chars[value..end] {
            *c = '*';
        }
        masked = true;
    }
    if masked {
        Cow::Owned(chars.into_iter().collect())
    } else {
        Cow::Borrowed(line)
    }
}

/// Whether a character of a source line is replaced before it is shown: the characters
/// [`escape`] escapes, but a tab (which the renderer expands).
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text like rustc's: per diagnostic, `error[RULE]: message`, ` --> FILE:LINE:COL`, the
/// source line with a caret under the token, and `= help: ...`; a blank line after each.
/// With `color`, ANSI colours as rustc's (the caller decides: a terminal, no `NO_COLOR`).
pub fn render_text(
    diagnostics: &[Diagnostic],
    severity: Severity,
    color: bool,
    sources: &mut Sources,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let level = match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(d, &level, &renderer, sources));
        out.push_str("\n\n");
    }
    out
}

fn render_one(
    d: &Diagnostic,
    level: &Level<'_>,
    renderer: &Renderer,
    sources: &mut Sources,
) -> String {
    let path = escape(&d.file.display().to_string()).into_owned();
    let title = level
        .clone()
        .primary_title(escape(&d.message).into_owned())
        .id(d.rule.id());
    let mut group = match sources.span(d) {
        // A very long line (a whole file in one flow mapping) is not worth showing.
        Some(span) if span.line_text.len() <= MAX_EXCERPT_BYTES => {
            let shown: String = span
                .line_text
                .chars()
                .map(|c| if hidden(c) { '\u{FFFD}' } else { c })
                .collect();
            let (start, end) = byte_range(&shown, span.start, span.end);
            title.element(
                Snippet::source(shown)
                    .line_start(d.line)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        _ if d.line > 0 => title.element(Origin::path(path).line(d.line).char_column(d.column)),
        _ => title.element(Origin::path(path)),
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(escape(help).into_owned()));
    }
    renderer.render(&[group])
}

/// The byte range of the 1-based character columns `start..end` (exclusive) of `line`,
/// clamped to the line.
fn byte_range(line: &str, start: usize, end: usize) -> (usize, usize) {
    let byte = |column: usize| {
        line.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
    };
    let (start, end) = (byte(start), byte(end));
    (start, end.max(start))
}

/// A JSON array of every problem, then every warning: `{file, line, column, end_line,
/// end_column, level, rule, message, help, path}`, pretty-printed, with a trailing
/// newline. `line`, `column` and the ends are 0 for a problem with the file as a whole;
/// the ends are those of the offending token (the end column exclusive), or the start
/// when the file's text cannot be read again. `help` is `null` when there is none.
pub fn render_json(
    errors: &[Diagnostic],
    warnings: &[Diagnostic],
    sources: &mut Sources,
) -> String {
    let items: Vec<Value> = tagged(errors, warnings)
        .map(|(d, severity)| {
            let (end_line, end_column) = end_of(d, sources);
            json!({
                "file": d.file.display().to_string(),
                "line": d.line,
                "column": d.column,
                "end_line": end_line,
                "end_column": end_column,
                "level": severity.name(),
                "rule": d.rule.id(),
                "message": d.message,
                "help": d.help,
                "path": d.path,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// GitHub Actions workflow commands, problems then warnings:
/// `::error file=F,line=L,col=C,endColumn=E,title=RULE::message` with the help on a second
/// line of the message (`%0A`), escaped as the runner unescapes them, with every other
/// control character escaped too: one command per line.
pub fn render_github(
    errors: &[Diagnostic],
    warnings: &[Diagnostic],
    sources: &mut Sources,
) -> String {
    let mut out = String::new();
    for (d, severity) in tagged(errors, warnings) {
        out.push_str("::");
        out.push_str(severity.name());
        out.push_str(" file=");
        out.push_str(&github_property(&d.file.display().to_string()));
        if d.line > 0 {
            out.push_str(&format!(",line={},col={}", d.line, d.column));
            let (end_line, end_column) = end_of(d, sources);
            if end_line == d.line {
                out.push_str(&format!(",endColumn={end_column}"));
            }
        }
        out.push_str(",title=");
        out.push_str(&github_property(d.rule.id()));
        out.push_str("::");
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&github_data(&message));
        out.push('\n');
    }
    out
}

/// SARIF 2.1.0 for GitHub code scanning: one run of `voss-customers`, the rules used (id
/// and short description), and one result per problem (`error`) and warning (`warning`),
/// with its message (the help on a second line), its file as a relative URI and its
/// region (start and end line and column, in Unicode code points, the end column
/// exclusive). A problem with the file as a whole has no region. Pretty-printed, with a
/// trailing newline.
pub fn render_sarif(
    errors: &[Diagnostic],
    warnings: &[Diagnostic],
    sources: &mut Sources,
) -> String {
    let mut rules: Vec<Rule> = Vec::new();
    let mut results = Vec::new();
    for (d, severity) in tagged(errors, warnings) {
        let index = match rules.iter().position(|r| *r == d.rule) {
            Some(i) => i,
            None => {
                rules.push(d.rule);
                rules.len() - 1
            }
        };
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&d.file)},
            }
        });
        if d.line > 0 {
            let (end_line, end_column) = end_of(d, sources);
            location["physicalLocation"]["region"] = json!({
                "startLine": d.line,
                "startColumn": d.column,
                "endLine": end_line,
                "endColumn": end_column,
            });
        }
        results.push(json!({
            "ruleId": d.rule.id(),
            "ruleIndex": index,
            "level": severity.name(),
            "message": {"text": text},
            "locations": [location],
        }));
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "name": rule.id(),
                "shortDescription": {"text": rule.description()},
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "voss-customers",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

/// Problems, then warnings, each with its severity.
fn tagged<'a>(
    errors: &'a [Diagnostic],
    warnings: &'a [Diagnostic],
) -> impl Iterator<Item = (&'a Diagnostic, Severity)> {
    errors
        .iter()
        .map(|d| (d, Severity::Error))
        .chain(warnings.iter().map(|d| (d, Severity::Warning)))
}

/// The end line and exclusive end column of `d`'s token; its start when the text is not
/// there to say (0, 0 for a problem with the file as a whole).
fn end_of(d: &Diagnostic, sources: &mut Sources) -> (usize, usize) {
    match sources.span(d) {
        Some(span) => (d.line, span.end),
        None => (d.line, d.column),
    }
}

/// A file path as a URI reference: relative paths stay relative (to the directory the
/// tool ran in, the repository root in CI), absolute ones become `file://` URIs; every
/// byte outside the unreserved characters and `/` is percent-encoded.
fn uri(file: &Path) -> String {
    let text = file.display().to_string();
    let mut out = String::with_capacity(text.len());
    if text.starts_with('/') {
        out.push_str("file://");
    }
    let text = text.strip_prefix("./").unwrap_or(&text);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Position;

    #[test]
    fn a_password_written_below_its_key_is_masked_too() {
        let mut sources = Sources::new();
        let text = "customers:\n  - name: A\n    admin:\n      password:\n\thunter2secret\n      \
                    other: 1\n  - name: B\n    admin:\n      password: !!binary\n        \
                    aHVudGVyMg==\n      x: |\n        shown\n";
        sources.insert(Path::new("a.yaml"), text);
        let at = |line, column| {
            Diagnostic::at(
                Path::new("a.yaml"),
                Position { line, column },
                "",
                "problem",
            )
        };
        let shown = |sources: &mut Sources, line| {
            sources
                .span(&at(line, 1))
                .map(|s| s.line_text.into_owned())
                .unwrap_or_default()
        };
        assert_eq!(shown(&mut sources, 5), "\t*************");
        assert_eq!(shown(&mut sources, 6), "      other: 1");
        assert_eq!(shown(&mut sources, 10), "        ************");
        assert_eq!(shown(&mut sources, 12), "        shown");
    }

    #[test]
    fn a_very_long_line_gets_no_span_and_a_bom_is_not_a_column() {
        let mut sources = Sources::new();
        let long = format!("names: [{}]\n", "x, ".repeat(3000));
        sources.insert(Path::new("long.yaml"), long);
        let d = Diagnostic::at(
            Path::new("long.yaml"),
            Position { line: 1, column: 9 },
            "",
            "problem",
        );
        assert!(sources.span(&d).is_none());
        sources.insert(Path::new("bom.yaml"), "\u{feff}name: x&y\n");
        let d = Diagnostic::at(
            Path::new("bom.yaml"),
            Position { line: 1, column: 7 },
            "",
            "problem",
        );
        let span = sources.span(&d).unwrap();
        assert_eq!(span.line_text, "name: x&y");
        assert_eq!((span.start, span.end), (7, 10));
    }

    #[test]
    fn passwords_are_masked_in_excerpts_and_columns_stay() {
        assert_eq!(
            mask_secrets("      password: hunter2"),
            "      password: *******"
        );
        assert_eq!(
            mask_secrets("    local_admin: {cloned_role: \"\", Admin_Passwd: 'hunter2', x: 1}"),
            "    local_admin: {cloned_role: \"\", Admin_Passwd: *********, x: 1}"
        );
        assert_eq!(
            mask_secrets("      password_env: ACME_ADMIN_PASSWORD"),
            "      password_env: ACME_ADMIN_PASSWORD"
        );
        assert_eq!(
            mask_secrets("      password_env: s3cr3t!"),
            "      password_env: *******"
        );
        assert_eq!(
            mask_secrets("  - name: Password Co"),
            "  - name: Password Co"
        );
        // A tag or an anchor before the value is masked with it (one plain token).
        assert_eq!(
            mask_secrets("    local_admin: {password: !!int hunter2, x: 1}"),
            "    local_admin: {password: *************, x: 1}"
        );
        assert_eq!(
            mask_secrets("      password: &a hunter2"),
            "      password: **********"
        );
        let mut sources = Sources::new();
        sources.insert(
            Path::new("a.yaml"),
            "customers:\n  - local_admin: {cloned_role: \"\", password: hunter2}\n",
        );
        let d = Diagnostic::at(
            Path::new("a.yaml"),
            Position {
                line: 2,
                column: 34,
            },
            "",
            "Cloned Admin Role must not be empty",
        );
        let text = render_text(&[d], Severity::Error, false, &mut sources);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("password: *******}"), "{text}");
    }

    #[test]
    fn sarif_paths_are_relative_uris() {
        assert_eq!(uri(Path::new("customers/a b.yaml")), "customers/a%20b.yaml");
        assert_eq!(uri(Path::new("./x/é.yaml")), "x/%C3%A9.yaml");
        assert_eq!(uri(Path::new("/abs/x.yaml")), "file:///abs/x.yaml");
    }

    #[test]
    fn a_very_long_line_is_not_shown() {
        let mut sources = Sources::new();
        let line = format!("a: [{}]", "1, ".repeat(5000));
        sources.insert(Path::new("a.yaml"), line);
        let d = Diagnostic::at(
            Path::new("a.yaml"),
            Position { line: 1, column: 5 },
            "",
            "bad",
        );
        let text = render_text(&[d], Severity::Error, false, &mut sources);
        assert_eq!(text, "error[schema]: bad\n--> a.yaml:1:5\n\n");
    }
}
