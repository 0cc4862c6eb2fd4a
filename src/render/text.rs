//! The plan for a terminal, Terraform-like: a marker and a verb per customer, then each
//! field's `before → after`.

use super::style::{BOLD, BOLD_RED, CYAN, GREEN, RED, Style, YELLOW};
use super::value::{
    REFUSED, blocked_note, delete_reason, follow_up, is_addition, long_text_diff, marker, show,
    show_sensitive, summary_line, target_name,
};
use crate::escape::escape as e;
use crate::plan::{Action, Change, FieldChange, Plan, Warning};

/// Shown instead of the changes when there are none.
pub const NO_CHANGES: &str = "No changes. The live system matches the files.";

/// The plan as text, ending with a newline; ANSI colours only when `color`.
pub fn text(plan: &Plan, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(&style.paint(GREEN, NO_CHANGES));
        out.push('\n');
        push_warnings(&mut out, &plan.warnings, style);
        push_partial(&mut out, plan, style);
        return out;
    }
    out.push_str(&format!(
        "voss-customers will make these changes on {}:\n",
        target_name(plan)
    ));
    for change in &plan.changes {
        out.push('\n');
        push_change(&mut out, change, style);
    }
    push_warnings(&mut out, &plan.warnings, style);
    push_refusals(&mut out, &plan.refusals, style);
    out.push('\n');
    out.push_str(&style.paint(BOLD, &summary_line(&plan.summary)));
    out.push('\n');
    if let Some(note) = blocked_note(plan) {
        out.push_str(&note);
        out.push('\n');
    }
    push_partial(&mut out, plan, style);
    out
}

/// Customers named in the text of a partial plan before "and N more".
const NOT_READ_LISTED: usize = 10;

/// What a partial plan (`plan --changed-since REV`) did not read, in one sentence (the
/// first customers named; the JSON names them all); `None` for a whole plan.
pub fn partial_note(plan: &Plan) -> Option<String> {
    let partial = plan.partial.as_ref()?;
    let count = partial.not_read.len();
    let mut names: Vec<String> = partial
        .not_read
        .iter()
        .take(NOT_READ_LISTED)
        .map(|c| format!("{} at {}", c.name, c.hierarchy))
        .collect();
    if count > NOT_READ_LISTED {
        names.push(format!(
            "and {} more (the JSON plan names them all)",
            count - NOT_READ_LISTED
        ));
    }
    Some(format!(
        "Partial plan (--changed-since {}): {count} customer(s) whose declaration did not change were not read, so their fields were not compared: {}. `drift` and `apply` read them.",
        partial.changed_since,
        names.join(", ")
    ))
}

fn push_partial(out: &mut String, plan: &Plan, style: Style) {
    if let Some(note) = partial_note(plan) {
        out.push_str(&format!("\n{}\n", style.paint(YELLOW, &e(&note))));
    }
}

/// Why apply would refuse the plan, one line each.
fn push_refusals(out: &mut String, refusals: &[String], style: Style) {
    if refusals.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\n", style.paint(BOLD_RED, REFUSED)));
    for refusal in refusals {
        out.push_str(&format!(
            "  {} {}\n",
            style.paint(BOLD_RED, "refused:"),
            e(refusal)
        ));
    }
}

/// The colour of an action's marker and verb.
fn action_color(action: Action) -> &'static str {
    match action {
        Action::Create => GREEN,
        Action::Update => YELLOW,
        Action::Migrate | Action::Rename => CYAN,
        Action::Delete => RED,
    }
}

fn push_change(out: &mut String, change: &Change, style: Style) {
    let color = action_color(change.action);
    let head = format!("{} {}", marker(change.action), change.action.name());
    out.push_str(&format!(
        "{} {}\n",
        style.paint(color, &head),
        style.paint(BOLD, &title(change))
    ));
    for field in &change.fields {
        push_field(out, change.action, field, style);
    }
    if let Some(reason) = change.reason {
        out.push_str(&format!("    reason: {}\n", delete_reason(reason)));
    }
    for reason in &change.blocked {
        out.push_str(&format!(
            "    {} {}\n",
            style.paint(BOLD_RED, "blocked:"),
            e(reason)
        ));
    }
    for f in &change.follow_up {
        out.push_str(&format!(
            "    {} {}\n",
            style.paint(CYAN, "follow-up:"),
            follow_up(*f)
        ));
    }
}

/// `"Acme Corp" at sys.hcs.CS-P.CS-R1`, with the old name for a rename.
fn title(change: &Change) -> String {
    match (&change.action, &change.renamed_from) {
        (Action::Rename, Some(old)) => {
            format!(
                "\"{}\" → \"{}\" at {}",
                e(old),
                e(&change.name),
                e(&change.hierarchy)
            )
        }
        (Action::Migrate, _) => format!(
            "\"{}\" from HCM-F (sys.hcs) to {}",
            e(&change.name),
            e(&change.hierarchy)
        ),
        _ => format!("\"{}\" at {}", e(&change.name), e(&change.hierarchy)),
    }
}

fn push_field(out: &mut String, action: Action, f: &FieldChange, style: Style) {
    let added = is_addition(action, f);
    let (sign, color) = if added { ('+', GREEN) } else { ('~', YELLOW) };
    let sign = style.paint(color, &sign.to_string());
    if f.sensitive {
        out.push_str(&format!("    {sign} {}: {}\n", f.field, show_sensitive(f)));
    } else if let Some(diff) = long_text_diff(f) {
        out.push_str(&format!("    {sign} {}:\n", f.field));
        for line in diff.lines() {
            let line = &*e(line);
            let painted = match line.chars().next() {
                Some('+') => style.paint(GREEN, line),
                Some('-') => style.paint(RED, line),
                Some('@') => style.paint(CYAN, line),
                _ => line.to_owned(),
            };
            out.push_str(&format!("        {painted}\n"));
        }
    } else if added {
        out.push_str(&format!("    {sign} {}: {}\n", f.field, show(&f.after)));
    } else {
        out.push_str(&format!(
            "    {sign} {}: {} → {}\n",
            f.field,
            show(&f.before),
            show(&f.after)
        ));
    }
}

fn push_warnings(out: &mut String, warnings: &[Warning], style: Style) {
    if warnings.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\n", style.paint(YELLOW, "Warnings:")));
    for w in warnings {
        out.push_str(&format!(
            "  {} \"{}\" at {}: {}\n",
            style.paint(YELLOW, "!"),
            e(&w.name),
            e(&w.hierarchy),
            e(&w.message)
        ));
    }
}
