//! A [`DesiredDiff`] as text, markdown (for a pull-request comment) or JSON.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::escape::escape as e;
use crate::model::State;
use crate::plan::desired_diff::{CustomerDiff, DesiredDiff, DiffKind, FieldDiff, ScopeDiff};

/// The JSON document's version; bumped when its shape changes incompatibly.
pub const DIFF_FORMAT_VERSION: u32 = 1;

/// `{"format_version": 1, "base": REV, "changes": [...], "summary": {...}}`.
pub fn json(diff: &DesiredDiff, base: &str) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        format_version: u32,
        base: &'a str,
        #[serde(flatten)]
        diff: &'a DesiredDiff,
    }
    let document = Document {
        format_version: DIFF_FORMAT_VERSION,
        base,
        diff,
    };
    match serde_json::to_string_pretty(&document) {
        Ok(text) => text + "\n",
        Err(e) => format!("{{\"error\": {}}}\n", Value::from(e.to_string())),
    }
}

/// One line per customer, its fields indented below, then the summary.
pub fn text(diff: &DesiredDiff, base: &str) -> String {
    let base = e(base);
    if diff.is_empty() {
        return format!("No changes to the declared customers since {base}.\n");
    }
    let mut out = format!("Declared customers changed since {base}:\n\n");
    for change in &diff.changes {
        let _ = writeln!(out, "{} {}", sign(change.kind), e(&headline(change)));
        for field in &change.fields {
            let _ = writeln!(out, "    {}", e(&field_line(field)));
        }
    }
    for scope in &diff.scopes {
        let _ = writeln!(out, "{} {}", scope_sign(scope), e(&scope_line(scope)));
    }
    let _ = writeln!(out, "\n{}", summary(diff));
    out
}

/// A summary table and one list per customer.
pub fn markdown(diff: &DesiredDiff, base: &str) -> String {
    let base = e(base).replace('`', "'");
    if diff.is_empty() {
        return format!("**No changes** to the declared customers since `{base}`.\n");
    }
    let s = &diff.summary;
    let mut out = format!(
        "### Declared customers changed since `{base}`\n\n\
         | added | removed | renamed | changed |\n|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} |\n\n",
        s.added, s.removed, s.renamed, s.changed
    );
    for change in &diff.changes {
        let _ = writeln!(out, "- **{}**", escape(&headline(change)));
        for field in &change.fields {
            let _ = writeln!(out, "  - `{}`", e(&field_line(field)).replace('`', "'"));
        }
    }
    if !diff.scopes.is_empty() {
        out.push_str("\n**Scopes**\n\n");
        for scope in &diff.scopes {
            let _ = writeln!(out, "- {}", escape(&scope_line(scope)));
        }
    }
    out
}

fn scope_sign(scope: &ScopeDiff) -> char {
    match (scope.prune_before, scope.prune_after) {
        (None, _) => '+',
        (_, None) => '-',
        _ => '~',
    }
}

/// "scope sys.hcs.P.R2: prune false → true (undeclared customers there will be deleted)".
fn scope_line(scope: &ScopeDiff) -> String {
    let h = &scope.hierarchy;
    match (scope.prune_before, scope.prune_after) {
        (None, Some(true)) => format!(
            "scope {h} owned, with prune: true (undeclared customers there will be deleted)"
        ),
        (None, _) => format!("scope {h} owned (prune: false)"),
        (Some(_), None) => format!("scope {h} no longer owned (nothing there is pruned)"),
        (_, Some(true)) => {
            format!("scope {h}: prune false → true (undeclared customers there will be deleted)")
        }
        (_, _) => format!("scope {h}: prune true → false"),
    }
}

fn sign(kind: DiffKind) -> char {
    match kind {
        DiffKind::Added => '+',
        DiffKind::Removed => '-',
        DiffKind::Renamed => '>',
        DiffKind::Changed => '~',
    }
}

/// "Globex at sys.hcs.P.R1: changed (state: present → absent)".
fn headline(c: &CustomerDiff) -> String {
    let what = match (c.kind, &c.old_name) {
        (DiffKind::Added, _) => "added".to_owned(),
        (DiffKind::Removed, _) => {
            "no longer declared (deleted live only in a scope with prune: true)".to_owned()
        }
        (DiffKind::Renamed, Some(old)) => format!("renamed from {old}"),
        (DiffKind::Renamed | DiffKind::Changed, _) => "changed".to_owned(),
    };
    let mut line = format!("{} at {}: {what}", c.name, c.hierarchy);
    match (c.state_before, c.state_after) {
        (Some(before), Some(after)) if before != after => {
            let _ = write!(line, " (state: {} → {})", state(before), state(after));
        }
        (None, Some(State::Absent)) => line.push_str(" (state: absent)"),
        _ => {}
    }
    line
}

fn state(s: State) -> &'static str {
    match s {
        State::Present => "present",
        State::Absent => "absent",
    }
}

/// "description: \"old\" → \"new\"", with "(not written)" for a side that omits it.
fn field_line(f: &FieldDiff) -> String {
    format!("{}: {} → {}", f.field, show(&f.before), show(&f.after))
}

fn show(value: &Option<Value>) -> String {
    match value {
        None => "(not written)".to_owned(),
        Some(Value::Array(items)) => {
            let items: Vec<String> = items.iter().map(|v| show(&Some(v.clone()))).collect();
            format!("[{}]", items.join(", "))
        }
        Some(other) => other.to_string(),
    }
}

fn summary(diff: &DesiredDiff) -> String {
    let s = &diff.summary;
    let mut line = format!(
        "Summary: {} added, {} removed, {} renamed, {} changed",
        s.added, s.removed, s.renamed, s.changed
    );
    if !diff.scopes.is_empty() {
        let _ = write!(line, "; {} scope(s) changed", diff.scopes.len());
    }
    line.push('.');
    line
}

/// Markdown's inline specials escaped, so a name cannot break the list (control
/// characters first, by [`e`]).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in e(text).chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::plan::desired_diff::DiffSummary;
    use serde_json::json;

    fn sample() -> DesiredDiff {
        DesiredDiff {
            changes: vec![CustomerDiff {
                kind: DiffKind::Changed,
                hierarchy: "sys.hcs.P.R1".into(),
                name: "Globex".into(),
                old_name: None,
                state_before: Some(State::Present),
                state_after: Some(State::Absent),
                fields: vec![FieldDiff {
                    field: Field::DealIds,
                    before: None,
                    after: Some(json!(["D-1"])),
                }],
            }],
            summary: DiffSummary {
                changed: 1,
                ..DiffSummary::default()
            },
            scopes: Vec::new(),
        }
    }

    #[test]
    fn text_shows_state_and_unwritten_sides() {
        let text = text(&sample(), "HEAD~1");
        assert!(text.contains("~ Globex at sys.hcs.P.R1: changed (state: present → absent)"));
        assert!(text.contains("    deal_ids: (not written) → [\"D-1\"]"));
        assert!(text.contains("Summary: 0 added, 0 removed, 0 renamed, 1 changed."));
    }

    #[test]
    fn json_names_the_base_and_version() {
        let value: Value = serde_json::from_str(&json(&sample(), "main")).unwrap();
        assert_eq!(value["format_version"], 1);
        assert_eq!(value["base"], "main");
        assert_eq!(value["changes"][0]["kind"], "changed");
        assert_eq!(value["changes"][0]["fields"][0]["before"], Value::Null);
        assert_eq!(value["summary"]["changed"], 1);
    }

    #[test]
    fn markdown_has_a_summary_table_and_empty_says_so() {
        let md = markdown(&sample(), "main");
        assert!(md.contains("| 0 | 0 | 0 | 1 |"));
        assert!(md.contains("- **Globex at sys.hcs.P.R1: changed"));
        assert!(markdown(&DesiredDiff::default(), "main").contains("No changes"));
    }

    #[test]
    fn a_scope_that_starts_pruning_is_called_out() {
        let diff = DesiredDiff {
            changes: Vec::new(),
            summary: DiffSummary::default(),
            scopes: vec![
                ScopeDiff {
                    hierarchy: "sys.hcs.P.A".into(),
                    prune_before: Some(false),
                    prune_after: Some(true),
                },
                ScopeDiff {
                    hierarchy: "sys.hcs.P.B".into(),
                    prune_before: Some(true),
                    prune_after: None,
                },
                ScopeDiff {
                    hierarchy: "sys.hcs.P.D".into(),
                    prune_before: None,
                    prune_after: Some(false),
                },
            ],
        };
        let text = text(&diff, "main");
        assert!(
            text.contains("~ scope sys.hcs.P.A: prune false → true (undeclared customers there will be deleted)"),
            "{text}"
        );
        assert!(text.contains("; 3 scope(s) changed."), "{text}");
    }
}
