//! Drift (what changed live, outside the files) as text, Markdown and JSON.

use super::json::pretty;
use super::style::{BOLD, CYAN, GREEN, RED, Style, YELLOW};
use super::value::{count, show};
use crate::escape::escape as e;
use crate::plan::{CustomerRef, Drift};

/// Shown when there is no drift.
pub const NO_DRIFT: &str = "No drift. The live system matches the files.";

/// Drift as text, ending with a newline; ANSI colours only when `color`.
pub fn drift_text(drift: &Drift, color: bool) -> String {
    let style = Style { color };
    if drift.is_empty() {
        return format!("{}\n", style.paint(GREEN, NO_DRIFT));
    }
    let mut out = String::new();
    for c in &drift.changed {
        out.push_str(&format!(
            "{} \"{}\" at {}: changed live\n",
            style.paint(YELLOW, "~"),
            e(&c.name),
            e(&c.hierarchy)
        ));
        for f in &c.fields {
            out.push_str(&format!(
                "    {}: file {}, live {}\n",
                e(&f.field.to_string()),
                show(&f.file),
                show(&f.live)
            ));
        }
    }
    let lists = [
        (&drift.missing, "?", RED, "declared, missing live"),
        (
            &drift.absent_but_live,
            "!",
            RED,
            "declared `state: absent`, still live",
        ),
        (&drift.undeclared, "+", CYAN, "live, declared in no file"),
    ];
    for (list, mark, color, what) in lists {
        for c in list {
            out.push_str(&format!(
                "{} \"{}\" at {}: {what}\n",
                style.paint(color, mark),
                e(&c.name),
                e(&c.hierarchy)
            ));
        }
    }
    out.push('\n');
    out.push_str(&style.paint(BOLD, &summary(drift)));
    out.push('\n');
    out
}

/// Drift as Markdown (an issue or pull-request comment), ending with a newline.
pub fn drift_markdown(drift: &Drift) -> String {
    let mut out = String::from("## voss-customers drift\n\n");
    if drift.is_empty() {
        out.push_str(NO_DRIFT);
        out.push('\n');
        return out;
    }
    out.push_str(&format!("**{}**\n", summary(drift)));
    if !drift.changed.is_empty() {
        out.push_str(
            "\n### Changed live\n\n| Customer | Field | File | Live |\n|:--|:--|:--|:--|\n",
        );
        for c in &drift.changed {
            for f in &c.fields {
                out.push_str(&format!(
                    "| {} at `{}` | `{}` | {} | {} |\n",
                    cell(&c.name),
                    e(&c.hierarchy).replace('`', "'"),
                    f.field,
                    cell(&show(&f.file)),
                    cell(&show(&f.live))
                ));
            }
        }
    }
    let lists = [
        (&drift.missing, "Declared, missing live"),
        (
            &drift.absent_but_live,
            "Declared `state: absent`, still live",
        ),
        (&drift.undeclared, "Live, declared in no file"),
    ];
    for (list, title) in lists {
        push_list(&mut out, list, title);
    }
    out
}

/// Drift as pretty JSON, ending with a newline.
pub fn drift_json(drift: &Drift) -> String {
    pretty(drift)
}

fn push_list(out: &mut String, list: &[CustomerRef], title: &str) {
    if list.is_empty() {
        return;
    }
    out.push_str(&format!("\n### {title}\n\n"));
    for c in list {
        out.push_str(&format!(
            "- {} at `{}`\n",
            cell(&c.name),
            e(&c.hierarchy).replace('`', "'")
        ));
    }
}

/// `Drift: 1 changed, 1 missing, 0 absent but live, 2 undeclared.`
fn summary(drift: &Drift) -> String {
    format!(
        "Drift: {} changed, {} missing, {} absent but live, {} undeclared.",
        count(drift.changed.len(), "customer", "customers"),
        drift.missing.len(),
        drift.absent_but_live.len(),
        drift.undeclared.len()
    )
}

/// Text safe in a Markdown table cell (control characters escaped).
fn cell(s: &str) -> String {
    e(s).replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
