//! The plan as a pull-request comment: a summary table and one collapsible section per
//! customer, cut at a customer boundary so the whole stays within the comment limit.

use super::text::NO_CHANGES;
use super::value::{
    REFUSED, blocked_note, count, delete_reason, follow_up, is_addition, long_text_diff, marker,
    show, show_sensitive, summary_line,
};
use crate::escape::escape as e;
use crate::plan::{Action, Change, FieldChange, Plan};

/// The most characters a comment holds (GitHub allows 65,536; the rest is headroom).
pub const MARKDOWN_LIMIT: usize = 60_000;

/// Warnings listed before "and N more warnings".
const WARNINGS_LISTED: usize = 20;

/// Room kept for the note that says changes were cut.
const NOTE_ROOM: usize = 200;

/// The plan as Markdown, at most [`MARKDOWN_LIMIT`] characters, ending with a newline.
pub fn markdown(plan: &Plan) -> String {
    let mut head = String::from("## voss-customers plan\n\n");
    let simulator = if plan.simulator {
        "the built-in simulator at "
    } else {
        ""
    };
    head.push_str(&format!(
        "Against {simulator}`{}` (voss-customers {}).\n\n",
        code(&plan.target),
        plan.tool_version
    ));
    let tail = warnings(plan);
    head.push_str(&refusals(&plan.refusals));
    if let Some(note) = super::text::partial_note(plan) {
        head.push_str(&format!("> {}\n\n", html(&note)));
    }
    if plan.is_empty() {
        return format!("{head}{NO_CHANGES}\n\n{tail}");
    }
    head.push_str(&table(plan));
    head.push_str(&format!("\n**{}**\n\n", summary_line(&plan.summary)));
    if let Some(note) = blocked_note(plan) {
        head.push_str(&format!("{}\n\n", e(&note)));
    }

    let sections: Vec<String> = plan.changes.iter().map(section).collect();
    let total: usize = sections.iter().map(|s| chars(s)).sum();
    let fixed = chars(&head) + chars(&tail);
    let mut out = head;
    if fixed + total <= MARKDOWN_LIMIT {
        sections.iter().for_each(|s| out.push_str(s));
    } else {
        let budget = MARKDOWN_LIMIT.saturating_sub(fixed + NOTE_ROOM);
        let mut used = 0;
        let mut shown = 0;
        for s in &sections {
            if used + chars(s) > budget {
                break;
            }
            used += chars(s);
            shown += 1;
            out.push_str(s);
        }
        out.push_str(&format!(
            "… {} not shown (the comment limit is 60,000 characters); run plan locally \
             for all.\n\n",
            count(sections.len() - shown, "more change", "more changes")
        ));
    }
    out.push_str(&tail);
    out
}

fn table(plan: &Plan) -> String {
    let s = &plan.summary;
    let rows = [
        ("Create", s.create),
        ("Update", s.update),
        ("Migrate", s.migrate),
        ("Rename", s.rename),
        ("Delete", s.delete),
        ("Blocked", s.blocked),
        ("Unchanged", s.unchanged),
    ];
    let mut out = String::from("| Action | Customers |\n|:--|--:|\n");
    for (label, n) in rows {
        out.push_str(&format!("| {label} | {n} |\n"));
    }
    out
}

/// One customer: a `<details>` with a fenced diff of its fields, its blocks and follow-ups.
fn section(change: &Change) -> String {
    let blocked = if change.is_blocked() {
        " (blocked)"
    } else {
        ""
    };
    let mut out = format!(
        "<details><summary><code>{} {}</code> <b>{}</b>{} at <code>{}</code>{blocked}</summary>\n\n",
        html(&marker(change.action).to_string()),
        change.action.name(),
        html(&change.name),
        change
            .renamed_from
            .as_deref()
            .map(|old| format!(" (was <b>{}</b>)", html(old)))
            .unwrap_or_default(),
        html(&change.hierarchy),
    );
    if let Some(reason) = change.reason {
        out.push_str(&format!("- **Reason:** {}\n", delete_reason(reason)));
    }
    for reason in &change.blocked {
        out.push_str(&format!("- **Blocked:** {}\n", e(reason)));
    }
    for f in &change.follow_up {
        out.push_str(&format!("- **Follow-up:** {}\n", follow_up(*f)));
    }
    if change.reason.is_some() || !change.blocked.is_empty() || !change.follow_up.is_empty() {
        out.push('\n');
    }
    // Each line escaped: a control character in a name or a value cannot end the fence.
    let body: String = diff_body(change)
        .lines()
        .map(|line| format!("{}\n", e(line)))
        .collect();
    let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
    out.push_str(&format!("{fence}diff\n{body}{fence}\n\n</details>\n\n"));
    out
}

/// The lines of the fenced diff.
fn diff_body(change: &Change) -> String {
    let mut out = String::new();
    if change.action == Action::Delete {
        out.push_str(&format!("- customer \"{}\"", change.name));
        if let Some(pkid) = &change.pkid {
            out.push_str(&format!(" (pkid {pkid})"));
        }
        out.push('\n');
    }
    if change.action == Action::Migrate {
        out.push_str(&format!(
            "> moved from HCM-F (sys.hcs) to {}\n",
            change.hierarchy
        ));
    }
    for f in &change.fields {
        push_field(&mut out, change.action, f);
    }
    out
}

fn push_field(out: &mut String, action: Action, f: &FieldChange) {
    if f.sensitive {
        out.push_str(&format!("+ {}: {}\n", f.field, show_sensitive(f)));
    } else if let Some(diff) = long_text_diff(f) {
        out.push_str(&format!("! {}:\n{diff}", f.field));
        if !diff.ends_with('\n') {
            out.push('\n');
        }
    } else if is_addition(action, f) {
        out.push_str(&format!("+ {}: {}\n", f.field, show(&f.after)));
    } else {
        out.push_str(&format!("- {}: {}\n", f.field, show(&f.before)));
        out.push_str(&format!("+ {}: {}\n", f.field, show(&f.after)));
    }
}

/// Why apply would refuse the plan, as a quote block at the top of the comment.
fn refusals(refusals: &[String]) -> String {
    if refusals.is_empty() {
        return String::new();
    }
    let mut out = format!("> [!CAUTION]\n> **{REFUSED}**\n>\n");
    for refusal in refusals {
        out.push_str(&format!("> - {}\n", e(refusal)));
    }
    out.push('\n');
    out
}

/// The warnings, at most [`WARNINGS_LISTED`] of them.
fn warnings(plan: &Plan) -> String {
    if plan.warnings.is_empty() {
        return String::new();
    }
    let mut out = String::from("**Warnings**\n\n");
    for w in plan.warnings.iter().take(WARNINGS_LISTED) {
        out.push_str(&format!(
            "- **{}** at `{}`: {}\n",
            html(&w.name),
            code(&w.hierarchy),
            e(&w.message)
        ));
    }
    let rest = plan.warnings.len().saturating_sub(WARNINGS_LISTED);
    if rest > 0 {
        out.push_str(&format!(
            "- … and {}; run plan locally for all\n",
            count(rest, "more warning", "more warnings")
        ));
    }
    out
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text safe inside HTML (control characters escaped).
fn html(s: &str) -> String {
    e(s).replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text safe inside an inline code span (control characters escaped).
fn code(s: &str) -> String {
    e(s).replace('`', "'")
}
