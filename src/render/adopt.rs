//! `adopt` as text (a terminal) and Markdown (a pull-request description), with a unified
//! diff of every changed file (`similar`).

use similar::TextDiff;

use super::markdown::MARKDOWN_LIMIT;
use super::style::{BOLD, CYAN, GREEN, RED, Style, YELLOW};
use super::value::show;
use crate::adopt::{Adoption, FileChange};
use crate::escape::escape as e;

/// How long the table of values may grow, leaving room for the lists and the notes.
const TABLE_LIMIT: usize = MARKDOWN_LIMIT / 2;

/// Shown when there is nothing to adopt.
pub const NOTHING_TO_ADOPT: &str = "Nothing to adopt: the files match the live system.";

/// The unified diff of one file (`a/PATH` → `b/PATH`, three lines of context). Lines keep
/// their text with control characters escaped; a CRLF file's `\r` is not shown, the
/// header says `(CRLF)` instead.
pub fn adopt_diff(change: &FileChange) -> String {
    let path = change.path.display().to_string();
    let crlf = change.before.contains("\r\n") || change.after.contains("\r\n");
    // git's `a/` and `b/` prefixes, for relative paths only.
    let (a, b) = if change.path.is_absolute() {
        ("", "")
    } else {
        ("a/", "b/")
    };
    let before = if change.created {
        "/dev/null".to_owned()
    } else {
        format!("{a}{path}")
    };
    let header_b = format!("{b}{path}{}", if crlf { " (CRLF)" } else { "" });
    let diff = TextDiff::from_lines(change.before.as_str(), change.after.as_str());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&before, &header_b)
        .to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body.strip_suffix('\r').unwrap_or(body), "\n"),
            None => (line, ""),
        };
        out.push_str(&e(body));
        out.push_str(end);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// What adopt did (or, `dry_run`, would do) as text, ending with a newline; with
/// `dry_run` the diffs follow. ANSI colours only when `color`.
pub fn adopt_text(adoption: &Adoption, dry_run: bool, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    for u in &adoption.updated {
        out.push_str(&format!(
            "{} \"{}\" at {} ({}:{}:{})\n",
            style.paint(YELLOW, "~"),
            e(&u.name),
            e(&u.hierarchy),
            e(&u.origin.file.display().to_string()),
            u.origin.line,
            u.origin.column
        ));
        for f in &u.fields {
            out.push_str(&format!(
                "    {}: {} -> {}\n",
                f.field,
                e(&show(&f.file)),
                e(&show(&f.live))
            ));
        }
    }
    for a in &adoption.appended {
        out.push_str(&format!(
            "{} \"{}\" at {}: live, declared in no file: appended to {}\n",
            style.paint(CYAN, "+"),
            e(&a.name),
            e(&a.hierarchy),
            e(&a.file.display().to_string())
        ));
    }
    for m in &adoption.missing {
        let what = match (&m.note, m.removed) {
            (Some(note), _) => e(note).into_owned(),
            (None, true) => format!("removed from {}", e(&m.origin.file.display().to_string())),
            (None, false) => {
                "kept: not created yet, or deleted live (--remove-missing removes it)".to_owned()
            }
        };
        out.push_str(&format!(
            "{} \"{}\" at {}: declared at {}, missing live: {what}\n",
            style.paint(RED, if m.removed { "-" } else { "?" }),
            e(&m.name),
            e(&m.hierarchy),
            e(&m.origin.to_string())
        ));
    }
    for c in &adoption.absent_but_live {
        out.push_str(&format!(
            "{} \"{}\" at {}: declared `state: absent`, still live: left as it is (apply deletes it)\n",
            style.paint(RED, "!"),
            e(&c.name),
            e(&c.hierarchy)
        ));
    }
    for n in &adoption.not_adopted {
        let field = n.field.map(|f| format!(" {f}")).unwrap_or_default();
        out.push_str(&format!(
            "{} \"{}\" at {}{field}: not adopted: {}\n",
            style.paint(RED, "x"),
            e(&n.name),
            e(&n.hierarchy),
            e(&n.reason)
        ));
    }
    if adoption.is_empty() && out.is_empty() {
        return format!("{}\n", style.paint(GREEN, NOTHING_TO_ADOPT));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&style.paint(BOLD, &summary(adoption, dry_run)));
    out.push('\n');
    if dry_run {
        for change in &adoption.files {
            out.push('\n');
            out.push_str(&adopt_diff(change));
        }
    } else {
        for change in &adoption.files {
            out.push_str(&format!(
                "{} {}\n",
                if change.created { "created" } else { "changed" },
                e(&change.path.display().to_string())
            ));
        }
    }
    out
}

/// What adopt did (or, `dry_run`, would do) as Markdown fitted to a pull-request
/// description: a summary, a table of the values taken from live, the customers
/// appended, missing and not adopted, and each file's diff in a collapsed section; at most
/// [`MARKDOWN_LIMIT`] characters (diffs left out, with a note, beyond it).
pub fn adopt_markdown(adoption: &Adoption, dry_run: bool) -> String {
    let mut out = String::from("## voss-customers adopt\n\n");
    if adoption.is_empty()
        && adoption.missing.is_empty()
        && adoption.not_adopted.is_empty()
        && adoption.absent_but_live.is_empty()
    {
        out.push_str(NOTHING_TO_ADOPT);
        out.push('\n');
        return out;
    }
    out.push_str(&format!("**{}**\n", summary(adoption, dry_run)));
    out.push_str(
        "\nThese values were changed on the live system outside the files; this change \
         writes them into the files, so that `plan` stays clean and `apply` does not put \
         them back.\n",
    );
    if !adoption.updated.is_empty() {
        out.push_str("\n### Values taken from live\n\n| Customer | Field | Was in the file | Live | Declared at |\n|:--|:--|:--|:--|:--|\n");
        let mut rows_left_out = 0usize;
        for u in &adoption.updated {
            for f in &u.fields {
                let row = format!(
                    "| {} at `{}` | `{}` | {} | {} | `{}` |\n",
                    cell(&u.name),
                    tick(&u.hierarchy),
                    f.field,
                    cell(&show(&f.file)),
                    cell(&show(&f.live)),
                    tick(&u.origin.to_string())
                );
                // Room is kept for the lists below and the notes.
                if out.chars().count() + row.chars().count() > TABLE_LIMIT {
                    rows_left_out += 1;
                } else {
                    out.push_str(&row);
                }
            }
        }
        if rows_left_out > 0 {
            out.push_str(&format!(
                "\n_{rows_left_out} more value(s) left out to fit a pull-request description; see the diff of the branch._\n"
            ));
        }
    }
    if !adoption.appended.is_empty() {
        out.push_str("\n### Appended (live, declared in no file)\n\n");
        for a in &adoption.appended {
            out.push_str(&format!(
                "- {} at `{}` → `{}`\n",
                cell(&a.name),
                tick(&a.hierarchy),
                tick(&a.file.display().to_string())
            ));
        }
    }
    if !adoption.missing.is_empty() {
        out.push_str("\n### Declared, missing live\n\n");
        for m in &adoption.missing {
            let what = match (&m.note, m.removed) {
                (Some(note), _) => cell(note),
                (None, true) => "removed from the file".to_owned(),
                (None, false) => {
                    "kept: not created yet, or deleted live; `adopt --remove-missing` removes it"
                        .to_owned()
                }
            };
            out.push_str(&format!(
                "- {} at `{}` (`{}`): {what}\n",
                cell(&m.name),
                tick(&m.hierarchy),
                tick(&m.origin.to_string())
            ));
        }
    }
    if !adoption.absent_but_live.is_empty() {
        out.push_str("\n### Declared `state: absent`, still live (left as they are)\n\n");
        for c in &adoption.absent_but_live {
            out.push_str(&format!(
                "- {} at `{}`\n",
                cell(&c.name),
                tick(&c.hierarchy)
            ));
        }
    }
    if !adoption.not_adopted.is_empty() {
        out.push_str("\n### Not adopted\n\n");
        for n in &adoption.not_adopted {
            let field = n.field.map(|f| format!(" `{f}`")).unwrap_or_default();
            out.push_str(&format!(
                "- {} at `{}`{field}: {}\n",
                cell(&n.name),
                tick(&n.hierarchy),
                cell(&n.reason)
            ));
        }
    }
    // Very long lists are cut at a line, with a note.
    if out.chars().count() > MARKDOWN_LIMIT - 500 {
        let cut = out
            .char_indices()
            .nth(MARKDOWN_LIMIT - 500)
            .map_or(out.len(), |(i, _)| i);
        let line = out[..cut].rfind('\n').map_or(cut, |i| i + 1);
        out.truncate(line);
        out.push_str("\n_The lists are cut here to fit a pull-request description._\n");
    }
    let mut left_out = 0usize;
    for change in &adoption.files {
        let diff = adopt_diff(change);
        let fence = "`".repeat(longest_backtick_run(&diff).max(2) + 1);
        let section = format!(
            "\n<details><summary>{}</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n",
            cell(&change.path.display().to_string())
        );
        if out.chars().count() + section.chars().count() + 200 > MARKDOWN_LIMIT {
            left_out += 1;
            continue;
        }
        out.push_str(&section);
    }
    if left_out > 0 {
        out.push_str(&format!(
            "\n_The diffs of {left_out} file(s) are left out to fit the {MARKDOWN_LIMIT}-character limit; see the branch._\n"
        ));
    }
    out
}

/// `Adopted 3 fields of 2 customers, appended 1 customer, 1 missing (0 removed), 0 not
/// adopted; 1 file changed.`; with `dry_run`, `Would adopt …, would append …, … (0 would be
/// removed) …; 1 file would change.`
fn summary(adoption: &Adoption, dry_run: bool) -> String {
    let fields: usize = adoption.updated.iter().map(|u| u.fields.len()).sum();
    let removed = adoption.missing.iter().filter(|m| m.removed).count();
    let files = adoption.files.len();
    format!(
        "{} {} of {}, {} {}, {} missing ({removed} {}), {} not adopted; {} {}.",
        if dry_run { "Would adopt" } else { "Adopted" },
        plural(fields, "field", "fields"),
        plural(adoption.updated.len(), "customer", "customers"),
        if dry_run { "would append" } else { "appended" },
        plural(adoption.appended.len(), "customer", "customers"),
        adoption.missing.len(),
        if dry_run {
            "would be removed"
        } else {
            "removed"
        },
        adoption.not_adopted.len(),
        plural(files, "file", "files"),
        if dry_run { "would change" } else { "changed" },
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn cell(s: &str) -> String {
    e(s).replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn tick(s: &str) -> String {
    e(s).replace('`', "'")
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;
    use crate::adopt::{Appended, Updated};
    use crate::model::{Field, Origin};
    use crate::plan::DriftedField;

    fn adoption() -> Adoption {
        Adoption {
            files: vec![FileChange {
                path: PathBuf::from("customers/a.yaml"),
                before: "a: 1\r\nb: old # c\r\n".into(),
                after: "a: 1\r\nb: new # c\r\n".into(),
                created: false,
            }],
            updated: vec![Updated {
                hierarchy: "sys.hcs.P".into(),
                name: "A|B".into(),
                origin: Origin {
                    file: PathBuf::from("customers/a.yaml"),
                    line: 2,
                    column: 5,
                },
                fields: vec![DriftedField {
                    field: Field::Description,
                    file: json!("old"),
                    live: json!("new\u{1b}[31m"),
                }],
            }],
            appended: vec![Appended {
                hierarchy: "sys.hcs.P".into(),
                name: "C".into(),
                file: PathBuf::from("customers/a.yaml"),
            }],
            ..Adoption::default()
        }
    }

    #[test]
    fn text_lists_each_value_and_the_diff_on_a_dry_run() {
        let text = adopt_text(&adoption(), true, false);
        assert!(text.contains("~ \"A|B\" at sys.hcs.P (customers/a.yaml:2:5)\n    description: \"old\" -> \"new\\u001b[31m\"\n"), "{text}");
        assert!(text.contains(
            "+ \"C\" at sys.hcs.P: live, declared in no file: appended to customers/a.yaml\n"
        ));
        assert!(
            text.contains("Would adopt 1 field of 1 customer, would append 1 customer"),
            "{text}"
        );
        assert!(
            text.contains("--- a/customers/a.yaml\n+++ b/customers/a.yaml (CRLF)\n"),
            "{text}"
        );
        assert!(text.contains("\n-b: old # c\n+b: new # c\n"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\r'));
        let written = adopt_text(&adoption(), false, false);
        assert!(written.contains("changed customers/a.yaml\n") && !written.contains("+++"));
        assert_eq!(
            adopt_text(&Adoption::default(), false, false),
            format!("{NOTHING_TO_ADOPT}\n")
        );
    }

    #[test]
    fn markdown_fits_a_pull_request_description() {
        let md = adopt_markdown(&adoption(), false);
        assert!(md.starts_with("## voss-customers adopt\n\n**Adopted 1 field"));
        assert!(md.contains("| A\\|B at `sys.hcs.P` | `description` | \"old\" | \"new\\u001b[31m\" | `customers/a.yaml:2:5` |"), "{md}");
        assert!(md.contains(
            "<details><summary>customers/a.yaml</summary>\n\n```diff\n--- a/customers/a.yaml"
        ));
        assert!(md.chars().count() < MARKDOWN_LIMIT);
    }

    #[test]
    fn a_huge_adoption_is_cut_to_fit() {
        let mut big = adoption();
        let field = big.updated[0].fields[0].clone();
        big.updated[0].fields = vec![field; 5_000];
        big.files[0].after = "x: 1\n".repeat(20_000);
        let md = adopt_markdown(&big, true);
        assert!(
            md.chars().count() <= MARKDOWN_LIMIT,
            "{}",
            md.chars().count()
        );
        assert!(md.contains("more value(s) left out"));
        assert!(md.contains("The diffs of 1 file(s) are left out"));
        big.appended = vec![big.appended[0].clone(); 5_000];
        let md = adopt_markdown(&big, true);
        assert!(
            md.chars().count() <= MARKDOWN_LIMIT,
            "{}",
            md.chars().count()
        );
        assert!(md.contains("The lists are cut here"));
    }
}
