//! A problem found in a desired-state file, and its text, JSON and GitHub renderings.

use std::fmt;
use std::path::{Path, PathBuf};

use super::render::{self, Severity, Sources};
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
    /// A hint on how to fix it: a `help:` line in text, part of the message in the GitHub
    /// and SARIF formats, `help` in JSON.
    pub help: Option<String>,
    /// The rule broken, shown as `error[name-chars]` and used as the SARIF `ruleId`.
    pub rule: Rule,
}

macro_rules! rules {
    ($($variant:ident => ($id:literal, $text:literal),)*) => {
        /// The rule a [`Diagnostic`] breaks: shown as `error[ID]`, the SARIF `ruleId`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $text] $variant,)*
        }

        impl Rule {
            /// Every rule.
            pub const ALL: &[Rule] = &[$(Rule::$variant,)*];

            /// The short kebab-case name (`name-chars`).
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }

            /// What the rule checks, the SARIF rule's short description.
            pub fn description(self) -> &'static str {
                match self {
                    $(Rule::$variant => $text,)*
                }
            }
        }
    };
}

rules! {
    File => ("file", "a desired-state file or directory that cannot be read"),
    Skipped => ("skipped", "a directory entry that is not read"),
    YamlSyntax => ("yaml-syntax", "YAML that cannot be read"),
    TooDeep => ("too-deep", "lists and mappings nested deeper than the reader allows"),
    DuplicateKey => ("duplicate-key", "a key written twice in one mapping"),
    SecondDocument => ("second-document", "a second YAML document (`---`) in one file"),
    YamlTag => ("yaml-tag", "a YAML tag that is not supported or does not fit its value"),
    YamlAlias => ("yaml-alias", "a YAML alias (`*name`), which is not supported"),
    EmptyFile => ("empty-file", "a file with no YAML document"),
    NotAMapping => ("not-a-mapping", "a document that is not a mapping with `customers` and/or `scopes`"),
    UnknownKey => ("unknown-key", "a key that the schema does not know"),
    MissingKey => ("missing-key", "a mandatory key that is missing"),
    WrongType => ("wrong-type", "a value of the wrong type"),
    NameChars => ("name-chars", "a name with a character VOSS does not allow"),
    NameLength => ("name-length", "a name longer than VOSS allows"),
    NameEmpty => ("name-empty", "an empty name"),
    EdgeWhitespace => ("edge-whitespace", "a name, hierarchy or Deal ID starting or ending with whitespace"),
    DoubledSpaces => ("doubled-spaces", "two spaces in a row in a name, hierarchy or Deal ID"),
    HierarchyFormat => ("hierarchy-format", "a hierarchy that is not a path of node names from `sys`"),
    HierarchyNotANode => ("hierarchy-not-a-node", "a hierarchy that is not a Provider or Reseller node"),
    DomainFormat => ("domain-format", "a Domain Name that is not a domain name"),
    DealIdFormat => ("deal-id-format", "a Deal ID that is empty or holds a comma"),
    DealIdRepeated => ("deal-id-repeated", "a Deal ID listed twice"),
    PasswordEnvFormat => ("password-env-format", "a `password_env` that is not an environment variable name"),
    PasswordEnvOwn => ("password-env-own", "a `password_env` naming a variable voss-customers reads itself"),
    LiteralPassword => ("literal-password", "a password written in a file"),
    EmptyValue => ("empty-value", "a value that must not be empty"),
    StateValue => ("state-value", "a `state` other than `present` or `absent`"),
    DuplicateCustomer => ("duplicate-customer", "a customer declared twice"),
    ConflictingState => ("conflicting-state", "a customer declared twice with different `state`"),
    CaseOnlyName => ("case-only-name", "two names that differ only in letter case"),
    DuplicateScope => ("duplicate-scope", "a scope declared twice"),
    RenamedFromSelf => ("renamed-from-self", "a `renamed_from` equal to the customer's own name"),
    RenameConflict => ("rename-conflict", "a rename whose old name is still declared or renamed twice"),
    Model => ("model", "a value that does not fit the model"),
    Schema => ("schema", "a value the schema does not allow"),
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
            rule: Rule::File,
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
            rule: Rule::Schema,
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

    /// The rule broken.
    pub fn with_rule(mut self, rule: Rule) -> Self {
        self.rule = rule;
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

/// Problems as text like rustc's, without colour, with excerpts of the files as they are
/// on disk now (see [`render`](super::render)).
pub fn render_text(diagnostics: &[Diagnostic]) -> String {
    render::render_text(diagnostics, Severity::Error, false, &mut Sources::new())
}

/// Warnings (something allowed but most likely unmeant, or an entry skipped) as
/// [`render_text`] shows problems, as `warning[RULE]: ...`.
pub fn render_warnings(warnings: &[Diagnostic]) -> String {
    render::render_text(warnings, Severity::Warning, false, &mut Sources::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::render::{render_github, render_json};

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::at(
                Path::new("a.yaml"),
                Position { line: 3, column: 5 },
                "/customers/0/deal_id",
                "unknown key `deal_id`: did you mean `deal_ids`?",
            )
            .with_help("see the schema")
            .with_rule(Rule::UnknownKey),
            Diagnostic::file(
                Path::new("dir"),
                "no *.yaml or *.yml file in this directory",
            ),
        ]
    }

    fn sources() -> Sources {
        let mut sources = Sources::new();
        sources.insert(
            Path::new("a.yaml"),
            "customers:\n  - name: A\n    deal_id: [D-1]\n",
        );
        sources
    }

    #[test]
    fn text_is_rustc_like_with_an_excerpt_a_caret_and_the_help() {
        let text = render::render_text(&sample(), Severity::Error, false, &mut sources());
        assert_eq!(
            text,
            "error[unknown-key]: unknown key `deal_id`: did you mean `deal_ids`?\n \
             --> a.yaml:3:5\n  |\n3 |     deal_id: [D-1]\n  |     ^^^^^^^\n  |\n  \
             = help: see the schema\n\n\
             error[file]: no *.yaml or *.yml file in this directory\n--> dir\n\n"
        );
        // Without the file's text: the place, no excerpt.
        let text = render_text(&sample()[..1]);
        assert!(
            text.starts_with("error[unknown-key]: unknown key `deal_id`: did you mean `deal_ids`?\n--> a.yaml:3:5\n"),
            "{text}"
        );
        assert!(text.contains("= help: see the schema"), "{text}");
    }

    #[test]
    fn rule_names_are_unique_kebab_case_and_described() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
            assert!(rule.description().len() > 10, "{id}");
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = render::render_text(&sample(), Severity::Warning, false, &mut sources());
        assert!(!plain.contains('\u{1b}'), "{plain}");
        assert!(plain.starts_with("warning[unknown-key]: "), "{plain}");
        let styled = render::render_text(&sample(), Severity::Warning, true, &mut sources());
        assert!(styled.contains("\u{1b}["), "{styled}");
    }

    #[test]
    fn github_escapes_carries_the_help_and_omits_missing_positions() {
        let mut d = sample();
        d[0].message = "50% done\nnext".into();
        d[1].file = PathBuf::from("a,b:c");
        assert_eq!(
            render_github(&d, &[], &mut sources()),
            "::error file=a.yaml,line=3,col=5,endColumn=12,title=unknown-key::50%25 done%0Anext%0Ahelp: see the schema\n\
             ::error file=a%2Cb%3Ac,title=file::no *.yaml or *.yml file in this directory\n"
        );
        let warnings = render_github(&[], &d[1..], &mut sources());
        assert!(
            warnings.starts_with("::warning file=a%2Cb%3Ac,"),
            "{warnings}"
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
        let github = render_github(&d, &[], &mut sources());
        assert_eq!(github.lines().count(), 2, "{github}");
        assert!(github.contains("`bad%0A::error file=k::key`"), "{github}");
    }

    #[test]
    fn a_control_character_in_a_source_line_is_not_shown_raw() {
        let mut sources = Sources::new();
        sources.insert(
            Path::new("a.yaml"),
            "a: 1\n\u{1b}[2J\u{9b}x: \"\u{1b}]0;t\u{7}\"\n",
        );
        let d = Diagnostic::at(
            Path::new("a.yaml"),
            Position { line: 2, column: 7 },
            "",
            "bad",
        );
        let text = render::render_text(&[d], Severity::Error, false, &mut sources);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("\u{FFFD}[2J"), "{text}");
    }

    #[test]
    fn github_escapes_other_control_characters() {
        let mut d = sample();
        d[0].message = "a\u{1b}[2Jb".into();
        d[0].help = None;
        assert!(render_github(&d, &[], &mut sources()).contains("::a\\u{1b}[2Jb\n"));
    }

    #[test]
    fn json_has_the_rule_the_help_the_span_and_the_level() {
        let d = sample();
        let v: serde_json::Value =
            serde_json::from_str(&render_json(&d[..1], &d[1..], &mut sources())).unwrap();
        assert_eq!(
            v[0],
            serde_json::json!({"file": "a.yaml", "line": 3, "column": 5,
                "end_line": 3, "end_column": 12, "level": "error", "rule": "unknown-key",
                "message": "unknown key `deal_id`: did you mean `deal_ids`?",
                "help": "see the schema",
                "path": "/customers/0/deal_id"})
        );
        assert_eq!(v[1]["level"], "warning");
        assert_eq!(v[1]["help"], serde_json::Value::Null);
        assert_eq!(v[1]["line"], 0);
    }
}
