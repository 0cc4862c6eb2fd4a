//! A problem found in a desired-state file, and its text, JSON and GitHub renderings.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::render::{escape, github_data, github_property};
use crate::yaml::{Locate, Position};

/// One problem, at the key or value that causes it.
///
/// `line` and `column` are 1-based. A problem with the file as a whole (missing, too large,
/// a directory with no YAML) has no position: `line` and `column` are 0, and the text
/// rendering is `FILE: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The JSON pointer of the node in the document (`""` for the whole document).
    pub path: String,
    /// A hint on how to fix it, shown on its own line in the text format only.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with the file as a whole.
    pub fn file(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            path: String::new(),
            help: None,
        }
    }

    /// A problem at a position of the file.
    pub fn at(file: &Path, position: Position, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: position.line,
            column: position.column,
            message: message.into(),
            path: path.to_string(),
            help: None,
        }
    }

    /// A problem with the value at `pointer`.
    pub fn value(
        file: &Path,
        parsed: &impl Locate,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::at(file, parsed.position(pointer), pointer, message)
    }

    /// A problem with the key at `pointer` (an unknown or forbidden key).
    pub fn key(
        file: &Path,
        parsed: &impl Locate,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::at(file, parsed.key_position(pointer), pointer, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn has_position(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_position() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

/// Sorts by file, line and column (then message), and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
    diagnostics.dedup();
}

/// One `FILE:LINE:COL: message` line per problem, each followed by `  help: ...` when
/// there is a hint. Control characters (a newline or an ESC in a key or a name quoted by
/// the message) are escaped: one problem is one line.
pub fn render_text(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&escape(&d.to_string()));
        out.push('\n');
        if let Some(help) = &d.help {
            out.push_str("  help: ");
            out.push_str(&escape(help));
            out.push('\n');
        }
    }
    out
}

/// Warnings (something allowed but most likely unmeant, or an entry skipped): one
/// `FILE:LINE:COL: warning: message` (or `FILE: warning: message`) line each, each followed
/// by `  help: ...` when there is a hint.
pub fn render_warnings(warnings: &[Diagnostic]) -> String {
    let mut out = String::new();
    for w in warnings {
        let place = if w.has_position() {
            format!("{}:{}:{}", w.file.display(), w.line, w.column)
        } else {
            w.file.display().to_string()
        };
        out.push_str(&format!(
            "{}: warning: {}\n",
            crate::escape::escape(&place),
            crate::escape::escape(&w.message)
        ));
        if let Some(help) = &w.help {
            out.push_str("  help: ");
            out.push_str(&crate::escape::escape(help));
            out.push('\n');
        }
    }
    out
}

/// A JSON array of `{file, line, column, message, path}`, pretty-printed, with a trailing
/// newline.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": d.file.display().to_string(),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "path": d.path,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C::message`, escaped as
/// the runner unescapes them, with every other control character escaped too.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    annotations("error", diagnostics)
}

/// GitHub Actions `::warning` annotations, one per warning.
pub fn render_github_warnings(warnings: &[Diagnostic]) -> String {
    annotations("warning", warnings)
}

fn annotations(level: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str("::");
        out.push_str(level);
        out.push_str(" file=");
        out.push_str(&github_property(&d.file.display().to_string()));
        if d.has_position() {
            out.push_str(&format!(",line={},col={}", d.line, d.column));
        }
        out.push_str("::");
        out.push_str(&github_data(&d.message));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::at(
                Path::new("a.yaml"),
                Position { line: 3, column: 5 },
                "/customers/0/deal_id",
                "unknown key `deal_id`: did you mean `deal_ids`?",
            )
            .with_help("see the schema"),
            Diagnostic::file(
                Path::new("dir"),
                "no *.yaml or *.yml file in this directory",
            ),
        ]
    }

    #[test]
    fn text_has_positions_and_help_lines() {
        assert_eq!(
            render_text(&sample()),
            "a.yaml:3:5: unknown key `deal_id`: did you mean `deal_ids`?\n  help: see the schema\n\
             dir: no *.yaml or *.yml file in this directory\n"
        );
    }

    #[test]
    fn github_escapes_and_omits_missing_positions() {
        let mut d = sample();
        d[0].message = "50% done\nnext".into();
        d[1].file = PathBuf::from("a,b:c");
        assert_eq!(
            render_github(&d),
            "::error file=a.yaml,line=3,col=5::50%25 done%0Anext\n::error file=a%2Cb%3Ac::no *.yaml or *.yml file in this directory\n"
        );
    }

    #[test]
    fn a_newline_in_a_key_cannot_print_a_workflow_command_line() {
        let mut d = sample();
        d[0].message = "unknown key `bad\n::error file=k::key` in a customer".into();
        d[0].help = Some("`\u{1b}[31m` is not allowed".into());
        let text = render_text(&d);
        assert!(text.lines().all(|line| !line.starts_with("::")), "{text}");
        assert!(text.contains("`bad\\n::error file=k::key`"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\\u{1b}[31m"), "{text}");
        let github = render_github(&d);
        assert_eq!(github.lines().count(), 2, "{github}");
        assert!(github.contains("`bad%0A::error file=k::key`"), "{github}");
    }

    #[test]
    fn github_escapes_other_control_characters() {
        let mut d = sample();
        d[0].message = "a\u{1b}[2Jb".into();
        assert!(render_github(&d).contains("::a\\u{1b}[2Jb\n"));
    }

    #[test]
    fn json_has_the_five_fields() {
        let v: serde_json::Value = serde_json::from_str(&render_json(&sample())).unwrap();
        assert_eq!(
            v[0],
            serde_json::json!({"file": "a.yaml", "line": 3, "column": 5,
                "message": "unknown key `deal_id`: did you mean `deal_ids`?",
                "path": "/customers/0/deal_id"})
        );
    }
}
