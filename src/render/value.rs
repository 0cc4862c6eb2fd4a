//! How values, sensitive fields, long texts and counts are shown, shared by the renderers.

use serde_json::Value;
use similar::TextDiff;

use crate::escape::escape as e;
use crate::plan::{Action, DeleteReason, FieldChange, FollowUp, Plan, Summary};

/// Text longer than this (in characters), or on several lines, is shown as a unified diff.
const LONG_TEXT: usize = 60;

/// A value as written in a desired-state file: strings quoted, lists in brackets.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// A sensitive field's `after`: only the environment variable's name, and only when it is
/// one (anything else in a hand-edited plan is never printed).
pub(crate) fn show_sensitive(f: &FieldChange) -> String {
    match f.after.as_str().filter(|name| is_env_name(name)) {
        Some(name) => format!("(sensitive, from ${name})"),
        None => "(sensitive)".to_owned(),
    }
}

/// The unified diff of a long text field (before → after), when either side is long;
/// `None` for short values, which are shown as `before → after`.
pub(crate) fn long_text_diff(f: &FieldChange) -> Option<String> {
    if f.sensitive {
        return None;
    }
    let before = text_of(&f.before)?;
    let after = text_of(&f.after)?;
    let long = |s: &str| s.chars().count() > LONG_TEXT || s.contains('\n');
    if !long(before) && !long(after) {
        return None;
    }
    let before = with_newline(before);
    let after = with_newline(after);
    let diff = TextDiff::from_lines(before.as_str(), after.as_str());
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header("live", "file")
            .to_string(),
    )
}

/// Whether a field is shown as added (`+ field: after`) rather than changed.
pub(crate) fn is_addition(action: Action, f: &FieldChange) -> bool {
    action == Action::Create || f.field.is_local_admin()
}

/// The marker shown for an action.
pub(crate) fn marker(action: Action) -> char {
    match action {
        Action::Create => '+',
        Action::Update => '~',
        Action::Migrate | Action::Rename => '>',
        Action::Delete => '-',
    }
}

pub(crate) fn follow_up(f: FollowUp) -> &'static str {
    match f {
        FollowUp::DnAudit => {
            "DN audit (Audit Number Inventory), as number management is enabled again"
        }
    }
}

/// Why a customer is deleted, one clause (text and Markdown plans).
pub(crate) fn delete_reason(reason: DeleteReason) -> &'static str {
    match reason {
        DeleteReason::StateAbsent => "declared `state: absent`",
        DeleteReason::PrunedScope => {
            "not declared in any file, and its hierarchy is a `prune: true` scope"
        }
    }
}

/// Where the plan was made: the server's URL, or the built-in simulator and its URL.
pub(crate) fn target_name(plan: &Plan) -> String {
    if plan.simulator {
        format!("the built-in simulator ({})", e(&plan.target))
    } else {
        e(&plan.target).into_owned()
    }
}

/// `Plan: 2 to create, 3 to update, 1 to migrate, 1 to rename, 1 to delete; 1 blocked.`
pub(crate) fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "Plan: {} to create, {} to update, {} to migrate, {} to rename, {} to delete",
        s.create, s.update, s.migrate, s.rename, s.delete
    );
    if s.blocked > 0 {
        line.push_str(&format!("; {} blocked", s.blocked));
    }
    line.push('.');
    line
}

/// The heading of a plan's refusals.
pub(crate) const REFUSED: &str = "Apply will refuse this plan (exit 3) and change nothing:";

/// What a plan with blocked changes leads to, closing the plan: apply skips them, and
/// nothing converges until each is unblocked. `None` when nothing is blocked.
pub(crate) fn blocked_note(plan: &Plan) -> Option<String> {
    let n = plan.summary.blocked;
    if n == 0 {
        return None;
    }
    let reasons = if n == 1 {
        "its `blocked` reason says what unblocks it"
    } else {
        "each `blocked` reason says what unblocks it"
    };
    Some(if plan.only_blocked() {
        format!(
            "Only blocked changes are left: apply changes nothing, and running it again does \
             not converge until {} unblocked; {reasons}.",
            if n == 1 { "it is" } else { "they are" }
        )
    } else {
        format!(
            "Apply skips the {} and makes the rest; {} left until unblocked: {reasons}.",
            count(n, "blocked change", "blocked changes"),
            if n == 1 { "it is" } else { "they are" }
        )
    })
}

/// "1 thing" / "2 things".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Null => Some(""),
        _ => None,
    }
}

fn with_newline(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_owned()
    } else {
        format!("{s}\n")
    }
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
