//! Byte-minimal edits of a YAML document: replace one value, remove one entry, append
//! items to a list, keeping every other byte (comments, key order, indentation, flow or
//! block style, line endings) as it was. Pure: text in, [`Edit`]s out.
//!
//! A replaced value keeps its quoting where the new value allows it: a plain scalar stays
//! plain unless YAML would read the new text as something else (`NO`, `yes`, `1e3`, `007`,
//! `null`, `a: b`, `x #y`, edge spaces, empty), which is then double-quoted with
//! [`super::quote`]; a single-quoted one stays single-quoted unless it needs an escape; a
//! `|` or `>` block stays a `|` block when the text fits one. A list of texts keeps its
//! flow (`[a, b]`) or block (`- a` lines) style; changed items are replaced in place,
//! removed ones dropped, new ones added after the last.

use std::fmt;
use std::ops::Range;

use serde_json::Value;

use super::position::Position;
use super::quote;
use super::span::{Span, Spans, Style};

/// Replace the bytes `range` with `text` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// Why an edit cannot be made; `position` is where in the file (1-based), when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub position: Option<Position>,
    pub message: String,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EditError {}

fn error_at(text: &str, byte: usize, message: impl Into<String>) -> EditError {
    EditError {
        position: Some(position_of(text, byte)),
        message: message.into(),
    }
}

/// The 1-based line and column (in characters) of the byte `byte` of `text`.
pub fn position_of(text: &str, byte: usize) -> Position {
    let byte = floor_char_boundary(text, byte.min(text.len()));
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    while byte > 0 && !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// The file's line break: `\r\n` when its first line ends so, else `\n`.
pub fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `text` with `edits` made. Errors: edits that overlap, or a range outside the text or
/// not on character boundaries.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for edit in sorted {
        let Range { start, end } = edit.range.clone();
        if start < at || end < start || end > text.len() {
            return Err(error_at(
                text,
                start,
                "two edits overlap (a bug; nothing was written)",
            ));
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(error_at(
                text,
                start,
                "an edit splits a character (a bug; nothing was written)",
            ));
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.text);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// How new texts are quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Plain where YAML reads the text back as the same text, else double-quoted.
    Plain,
    /// Single-quoted where no escape is needed, else double-quoted.
    Single,
    /// Always double-quoted.
    Double,
}

impl Quoting {
    fn of(style: Style) -> Quoting {
        match style {
            Style::SingleQuoted => Quoting::Single,
            Style::DoubleQuoted => Quoting::Double,
            _ => Quoting::Plain,
        }
    }
}

/// `value` (a text, flag, null or list of texts) as a YAML scalar or flow list, quoted as
/// `quoting` asks where the text allows it. `in_flow`: it goes inside `[...]` or `{...}`.
pub fn render(value: &Value, quoting: Quoting, in_flow: bool) -> String {
    match value {
        Value::String(text) => render_text(text, quoting, in_flow),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| render(v, quoting, true)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

fn render_text(text: &str, quoting: Quoting, in_flow: bool) -> String {
    match quoting {
        Quoting::Plain if plain_safe(text, in_flow) => text.to_owned(),
        Quoting::Single if single_safe(text) => format!("'{}'", text.replace('\'', "''")),
        _ => quote(text),
    }
}

/// True when `text` written plain reads back as the same text, in YAML 1.2 *and* in
/// YAML 1.1 readers (so `NO`, `yes`, `on`, `y` are quoted too), and in a flow collection
/// when `in_flow`.
pub fn plain_safe(text: &str, in_flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
    {
        return false;
    }
    if in_flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    const SPECIAL: [&str; 16] = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf",
        ".nan", "<<", "=",
    ];
    if SPECIAL.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Numbers, dates and times of YAML 1.1 and 1.2: `007`, `1e3`, `0x1F`, `1_000`,
    // `2024-01-01`, `12:30`, `+1`, `.5`.
    let numeric_start = first.is_ascii_digit() || matches!(first, '+' | '.');
    if numeric_start
        && text
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO._+-: T".contains(c))
    {
        return false;
    }
    // Last word: the reader itself must give the text back.
    let probe = if in_flow {
        format!("k: [{text}]\n")
    } else {
        format!("k: {text}\n")
    };
    let expected = if in_flow {
        serde_json::json!({"k": [text]})
    } else {
        serde_json::json!({"k": text})
    };
    matches!(super::parse(&probe), Ok(Some(parsed)) if parsed.value == expected)
}

/// True when `text` can be single-quoted without escapes: no line break, tab or other
/// control character.
fn single_safe(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// The edits that make the value at `pointer` read as `new` (a text, flag, null or list
/// of texts). `old` is the value there now. Errors: no node at `pointer`, or a layout
/// this editor does not change (the message says what to do by hand).
pub fn set_value(
    text: &str,
    spans: &Spans,
    pointer: &str,
    old: &Value,
    new: &Value,
) -> Result<Vec<Edit>, EditError> {
    let span = spans.get(pointer).ok_or_else(|| EditError {
        position: None,
        message: format!("nothing at `{pointer}` to change"),
    })?;
    match (span.style, old, new) {
        (Style::FlowSequence | Style::BlockSequence, Value::Array(old), Value::Array(new)) => {
            let old: Vec<&str> = old.iter().filter_map(Value::as_str).collect();
            let new: Vec<&str> = new.iter().filter_map(Value::as_str).collect();
            set_list(text, spans, pointer, span, &old, &new)
        }
        (
            Style::FlowSequence | Style::BlockSequence | Style::FlowMapping | Style::BlockMapping,
            ..,
        ) => Err(error_at(
            text,
            span.bytes.start,
            "this value is a list or mapping here; edit it by hand",
        )),
        _ => Ok(vec![set_scalar(text, span, new)]),
    }
}

/// The replacement of one scalar node (any style) by `new`.
fn set_scalar(text: &str, span: &Span, new: &Value) -> Edit {
    let raw = &text[span.bytes.clone()];
    if span.bytes.is_empty() {
        // `key:` with nothing after it: the empty node sits at the `:`.
        let at = span.bytes.start;
        let rendered = render(new, Quoting::Plain, span.in_flow);
        if text[at..].starts_with(':') {
            let after = at + 1;
            let end = if text[after..].starts_with(' ') {
                after + 1
            } else {
                after
            };
            return Edit {
                range: after..end,
                text: format!(" {rendered}"),
            };
        }
        return Edit {
            range: at..at,
            text: rendered,
        };
    }
    let rendered = match (span.style, new) {
        // A block with no content (`key: |` and nothing after it) becomes a one-line value.
        (Style::Literal | Style::Folded, value) if span.content >= span.bytes.end => {
            render(value, Quoting::Plain, span.in_flow)
        }
        (Style::Literal | Style::Folded, Value::String(s)) => {
            let indent = line_indent(text, span.content);
            block_literal(s, &indent, line_break(text)).unwrap_or_else(|| quote(s))
        }
        (style, Value::Bool(flag)) => flag_like(*flag, raw, style),
        (Style::Plain, Value::Null) if raw == "~" => "~".to_owned(),
        (style, value) => render(value, Quoting::of(style), span.in_flow),
    };
    Edit {
        range: span.bytes.clone(),
        text: rendered,
    }
}

/// `true`/`false` in the letter case of the flag it replaces (`True`, `TRUE`).
fn flag_like(flag: bool, raw: &str, style: Style) -> String {
    let word = if flag { "true" } else { "false" };
    if style != Style::Plain {
        return word.to_owned();
    }
    let letters: Vec<char> = raw.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase) {
        word.to_ascii_uppercase()
    } else if letters.first().is_some_and(char::is_ascii_uppercase) {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else {
        word.to_owned()
    }
}

/// `text` as a `|` (clip) or `|-` (strip) block whose lines are indented by `indent`, or
/// `None` when a block would not read back as the same text (edge spaces or blank lines
/// at the start, several line breaks at the end, control characters, a line of spaces).
fn block_literal(text: &str, indent: &str, eol: &str) -> Option<String> {
    if text.is_empty()
        || text.starts_with([' ', '\t', '\n'])
        || text.ends_with("\n\n")
        || text.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        })
    {
        return None;
    }
    let (body, header) = match text.strip_suffix('\n') {
        Some(body) => (body, "|"),
        None => (text, "|-"),
    };
    let mut out = header.to_owned();
    for line in body.split('\n') {
        if !line.is_empty() && line.trim().is_empty() {
            return None;
        }
        out.push_str(eol);
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
    }
    Some(out)
}

/// The spaces that indent the line holding byte `at`.
fn line_indent(text: &str, at: usize) -> String {
    let start = line_start(text, at);
    let line = &text[start..];
    let n = line.len() - line.trim_start_matches(' ').len();
    " ".repeat(n)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding byte `at`, before its line break.
fn line_end(text: &str, at: usize) -> usize {
    match text[at..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[at + i - 1] == b'\r' => at + i - 1,
        Some(i) => at + i,
        None => text.len(),
    }
}

/// The end of the line holding byte `at`, after its line break.
fn line_end_with_break(text: &str, at: usize) -> usize {
    match text[at..].find('\n') {
        Some(i) => at + i + 1,
        None => text.len(),
    }
}

/// The list a text list becomes when `old` is edited to hold `new` (as a set): items kept
/// in place, removed ones replaced in order by new ones, the rest removed or appended.
/// What [`set_value`] writes, for checking the result.
pub fn list_result<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<&'a str> {
    let plan = list_plan(old, new);
    let mut out: Vec<&str> = Vec::new();
    for (i, item) in old.iter().enumerate() {
        match plan.slots[i] {
            Slot::Keep => out.push(item),
            Slot::Replace(v) => out.push(v),
            Slot::Remove => {}
        }
    }
    out.extend(plan.appended.iter());
    out
}

#[derive(Debug, Clone, Copy)]
enum Slot<'a> {
    Keep,
    Replace(&'a str),
    Remove,
}

struct ListPlan<'a> {
    slots: Vec<Slot<'a>>,
    appended: Vec<&'a str>,
}

fn list_plan<'a>(old: &[&'a str], new: &[&'a str]) -> ListPlan<'a> {
    let mut added: Vec<&str> = Vec::new();
    for item in new {
        if !old.contains(item) && !added.contains(item) {
            added.push(item);
        }
    }
    let mut added = added.into_iter();
    let mut seen: Vec<&str> = Vec::new();
    let slots = old
        .iter()
        .map(|item| {
            if new.contains(item) && !seen.contains(item) {
                seen.push(item);
                Slot::Keep
            } else {
                added.next().map_or(Slot::Remove, Slot::Replace)
            }
        })
        .collect();
    ListPlan {
        slots,
        appended: added.collect(),
    }
}

fn set_list(
    text: &str,
    spans: &Spans,
    pointer: &str,
    span: &Span,
    old: &[&str],
    new: &[&str],
) -> Result<Vec<Edit>, EditError> {
    let items: Vec<&Span> = (0..old.len())
        .map(|i| spans.get(&format!("{pointer}/{i}")))
        .collect::<Option<_>>()
        .ok_or_else(|| error_at(text, span.bytes.start, "the list's items were not found"))?;
    if items.iter().any(|s| {
        !matches!(
            s.style,
            Style::Plain | Style::SingleQuoted | Style::DoubleQuoted
        )
    }) {
        return Err(error_at(
            text,
            span.bytes.start,
            "an item of this list is not a one-line text; edit it by hand",
        ));
    }
    let plan = list_plan(old, new);
    let like = items
        .first()
        .map_or(Quoting::Plain, |s| Quoting::of(s.style));
    if span.style == Style::FlowSequence {
        return Ok(flow_list_edits(text, span, &items, &plan, like));
    }
    // A block list: one item per line.
    let eol = line_break(text);
    if new.is_empty() {
        let colon = colon_after_key(text, span)?;
        return Ok(vec![emptied_block_list(text, colon, span.bytes.end)]);
    }
    let mut edits = Vec::new();
    for (i, slot) in plan.slots.iter().enumerate() {
        let item = items[i];
        match slot {
            Slot::Keep => {}
            Slot::Replace(v) => edits.push(Edit {
                range: item.bytes.clone(),
                text: render_text(v, Quoting::of(item.style), false),
            }),
            Slot::Remove => {
                let start = line_start(text, item.bytes.start);
                if text[start..item.bytes.start].trim() != "-" {
                    return Err(error_at(
                        text,
                        item.bytes.start,
                        "this item shares its line with other content; edit the list by hand",
                    ));
                }
                edits.push(Edit {
                    range: start..line_end_with_break(text, item.bytes.end),
                    text: String::new(),
                });
            }
        }
    }
    if !plan.appended.is_empty() {
        let Some(last) = items.last() else {
            return Err(error_at(text, span.bytes.start, "an empty block list"));
        };
        let start = line_start(text, last.bytes.start);
        let prefix = &text[start..last.bytes.start];
        let mut added = String::new();
        for v in &plan.appended {
            added.push_str(eol);
            added.push_str(prefix);
            added.push_str(&render_text(v, like, false));
        }
        let at = line_end(text, last.bytes.end);
        edits.push(Edit {
            range: at..at,
            text: added,
        });
    }
    Ok(edits)
}

/// The edits of a flow list `[a, b]`: only the replaced and removed items' own bytes
/// change, so every kept item keeps its comment. A removed item goes with the separator
/// after it (its own comment); removed items at the end go with the `,` before them (and
/// the rest of that separator when it holds no comment); appended items
/// follow the last item, joined like the first two items without their comment.
fn flow_list_edits(
    text: &str,
    span: &Span,
    items: &[&Span],
    plan: &ListPlan<'_>,
    like: Quoting,
) -> Vec<Edit> {
    let inner = span.bytes.start + 1..span.bytes.end.saturating_sub(1).max(span.bytes.start + 1);
    if items.is_empty() {
        let parts: Vec<String> = plan
            .appended
            .iter()
            .map(|v| render_text(v, like, true))
            .collect();
        return vec![Edit {
            range: inner,
            text: parts.join(", "),
        }];
    }
    if plan.slots.iter().all(|s| matches!(s, Slot::Remove)) && plan.appended.is_empty() {
        return vec![Edit {
            range: inner,
            text: String::new(),
        }];
    }
    let last = items.len() - 1;
    // The first item after `i` that stays (kept or replaced), if any.
    let survivor_after =
        |i: usize| (i + 1..items.len()).find(|&j| !matches!(plan.slots[j], Slot::Remove));
    // Where the removed items at the end start (`items.len()` when the last item stays).
    let run_start = (0..items.len())
        .rev()
        .take_while(|&j| matches!(plan.slots[j], Slot::Remove))
        .last()
        .unwrap_or(items.len());
    let mut edits = Vec::new();
    for (i, slot) in plan.slots.iter().enumerate() {
        let item = items[i];
        match slot {
            Slot::Keep => {}
            Slot::Replace(v) => edits.push(Edit {
                range: item.bytes.clone(),
                text: render_text(v, Quoting::of(item.style), true),
            }),
            Slot::Remove => {
                let range = if survivor_after(i).is_some() {
                    item.bytes.start..items[i + 1].bytes.start
                } else if i != run_start {
                    // Inside the trailing run: removed with its first item.
                    continue;
                } else {
                    trailing_run(text, span, items, i, &mut edits)
                };
                edits.push(Edit {
                    range,
                    text: String::new(),
                });
            }
        }
    }
    if !plan.appended.is_empty() {
        let separator = match items {
            [a, b, ..] => without_comments(&text[a.bytes.end..b.bytes.start]),
            _ => ", ".to_owned(),
        };
        let mut added = String::new();
        for v in &plan.appended {
            added.push_str(&separator);
            added.push_str(&render_text(v, like, true));
        }
        let end = items[last].bytes.end;
        match edits.iter_mut().find(|e| e.range.end == end) {
            Some(edit) => edit.text.push_str(&added),
            None => edits.push(Edit {
                range: end..end,
                text: added,
            }),
        }
    }
    edits
}

/// The range that removes the flow list's items from `first` to the last (some item
/// before `first` stays); may push an edit of its own (the `,` before them).
/// - `[A,  # a` / `B,  # b` / `C]`, B and C removed: A loses its `,`, keeps its comment,
///   and `B … C` goes (`[A  # a` / `]`).
/// - No comment before them: from the end of the item before to the end of the last.
/// - A trailing `,` after the last item (`B,` / `]`): from the first one (its line, when it
///   starts one) to the end of the last one's line, the trailing `,` and comment with it.
fn trailing_run(
    text: &str,
    span: &Span,
    items: &[&Span],
    first: usize,
    edits: &mut Vec<Edit>,
) -> Range<usize> {
    let survivor_end = items[first.saturating_sub(1)].bytes.end;
    let start = items[first].bytes.start;
    let end = items[items.len() - 1].bytes.end;
    let close = span.bytes.end.saturating_sub(1).max(end);
    let after = &text[end..close];
    if let Some(comma) = after.find(',').filter(|&c| after[..c].trim().is_empty()) {
        let line = line_start(text, start);
        let from = if line > survivor_end && text[line..start].trim().is_empty() {
            line
        } else {
            start
        };
        let to = line_end_with_break(text, end + comma).min(close);
        return from..to;
    }
    let separator = &text[survivor_end..start];
    match (separator.find(','), separator.find('#')) {
        (Some(comma), Some(hash)) if comma < hash => {
            let at = survivor_end + comma;
            edits.push(Edit {
                range: at..at + 1,
                text: String::new(),
            });
            start..end
        }
        _ => survivor_end..end,
    }
}

/// A flow separator (`,`, spaces, line breaks, comments) without its comments and the
/// spaces before them.
fn without_comments(separator: &str) -> String {
    let mut out = String::new();
    let mut rest = separator;
    while !rest.is_empty() {
        let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(line_len);
        match line.find('#') {
            Some(hash) => {
                out.push_str(line[..hash].trim_end_matches([' ', '\t']));
                let eol = &line[hash..];
                let brk = eol.find(['\r', '\n']).map_or(eol.len(), |i| i);
                out.push_str(&eol[brk..]);
            }
            None => out.push_str(line),
        }
        rest = tail;
    }
    out
}

/// The edit that makes the block list after the key's `:` at byte `colon` (its items
/// ending at `end`) read `[]`; a comment on the key's line stays after the `[]`.
fn emptied_block_list(text: &str, colon: usize, end: usize) -> Edit {
    let after = &text[colon + 1..line_end(text, colon).min(end).max(colon + 1)];
    let comment = if after.trim_start().starts_with('#') {
        after.trim_end()
    } else {
        ""
    };
    Edit {
        range: colon + 1..end,
        text: format!(" []{comment}"),
    }
}

/// The byte of the `:` after the key of the node `span`.
fn colon_after_key(text: &str, span: &Span) -> Result<usize, EditError> {
    let key = span
        .key
        .clone()
        .ok_or_else(|| error_at(text, span.bytes.start, "this value has no key"))?;
    text[key.end..span.bytes.start.max(key.end)]
        .find(':')
        .map(|i| key.end + i)
        .ok_or_else(|| error_at(text, key.start, "no `:` after this key"))
}

/// The edit that removes the mapping entry or list item at `pointer` with its line(s);
/// a block list left with no item becomes `[]`. Errors: a layout this editor does not
/// change (an entry sharing its line with a `- `, for example).
pub fn remove_entry(text: &str, spans: &Spans, pointer: &str) -> Result<Edit, EditError> {
    let span = spans.get(pointer).ok_or_else(|| EditError {
        position: None,
        message: format!("nothing at `{pointer}` to remove"),
    })?;
    let (parent_pointer, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let parent = spans.get(parent_pointer).ok_or_else(|| EditError {
        position: None,
        message: format!("no container around `{pointer}`"),
    })?;
    let start = span.key.as_ref().map_or(span.bytes.start, |k| k.start);
    let index: Option<usize> = last.parse().ok();
    let sibling = |i: usize| spans.get(&format!("{parent_pointer}/{i}"));
    match parent.style {
        Style::BlockSequence => {
            let index = index.unwrap_or(0);
            if index == 0 && sibling(1).is_none() {
                let colon = colon_after_key(text, parent)?;
                return Ok(emptied_block_list(text, colon, parent.bytes.end));
            }
            let line = line_start(text, start);
            if text[line..start].trim() != "-" {
                return Err(error_at(
                    text,
                    start,
                    "this item shares its line with other content; remove it by hand",
                ));
            }
            Ok(Edit {
                range: without_blank_separator(
                    text,
                    line,
                    line_end_with_break(text, span.bytes.end),
                ),
                text: String::new(),
            })
        }
        Style::BlockMapping => {
            let line = line_start(text, start);
            if !text[line..start].trim().is_empty() {
                return Err(error_at(
                    text,
                    start,
                    "this entry shares its line with a `- `; remove it by hand",
                ));
            }
            Ok(Edit {
                range: line..line_end_with_break(text, span.bytes.end),
                text: String::new(),
            })
        }
        Style::FlowSequence | Style::FlowMapping => {
            // The entry and the separator before it (after it, for the first entry).
            let entries: Vec<(usize, usize)> = if parent.style == Style::FlowSequence {
                (0..)
                    .map_while(sibling)
                    .map(|s| (s.bytes.start, s.bytes.end))
                    .collect()
            } else {
                vec![(start, span.bytes.end)]
            };
            let position = entries.iter().position(|e| e.0 == start).unwrap_or(0);
            let range = if parent.style == Style::FlowMapping {
                // Up to and with the next `,`, else back to the previous one.
                let after = &text[span.bytes.end..parent.bytes.end];
                match after.find(',') {
                    Some(i) => {
                        let next = span.bytes.end + i + 1;
                        let skip = text[next..].len() - text[next..].trim_start().len();
                        start..next + skip
                    }
                    None => {
                        let before = &text[parent.bytes.start..start];
                        let comma = before.rfind(',').map_or(start, |i| parent.bytes.start + i);
                        comma..span.bytes.end
                    }
                }
            } else if position > 0 {
                entries[position - 1].1..span.bytes.end
            } else if let Some(next) = entries.get(1) {
                start..next.0
            } else {
                start..span.bytes.end
            };
            Ok(Edit {
                range,
                text: String::new(),
            })
        }
        _ => Err(error_at(text, start, "not inside a list or mapping")),
    }
}

/// `start..end` (whole lines) widened by one blank line, where items are separated by
/// blank lines: the one after it when one is before it too (or the list's key), the one
/// before it at the end of the file.
fn without_blank_separator(text: &str, start: usize, end: usize) -> Range<usize> {
    let blank = |from: usize| {
        let to = line_end_with_break(text, from);
        (from < text.len() && text[from..to].trim().is_empty()).then_some(to)
    };
    let before = start
        .checked_sub(1)
        .map(|b| line_start(text, b))
        .filter(|&b| b < start);
    let blank_before = before.is_some_and(|b| text[b..start].trim().is_empty());
    let key_before = before.is_some_and(|b| text[b..start].trim_end().ends_with(':'));
    match blank(end) {
        Some(after) if blank_before || key_before => start..after,
        None if end >= text.len() && blank_before => before.unwrap_or(start)..end,
        _ => start..end,
    }
}

/// One item to append: a mapping's entries in order (values: texts, flags, null, lists
/// of texts).
pub type Item = Vec<(String, Value)>;

/// The edit that appends `items` to the list under the top-level `key` (a mapping at
/// the root), in the list's own style: block items (`- k: v` lines, indented as its
/// items are) or flow items (`{k: v}`), texts quoted as its items' first key is, nested
/// lists flow or block as its items' are. A missing key is added at the end of the file;
/// an empty `[]` becomes a block list. Errors: a root that is not a block mapping where
/// one is needed.
pub fn append_items(
    text: &str,
    spans: &Spans,
    key: &str,
    items: &[Item],
) -> Result<Edit, EditError> {
    let eol = line_break(text);
    let pointer = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
    let existing: Vec<&Span> = (0..)
        .map_while(|i| spans.get(&format!("{pointer}/{i}")))
        .collect();
    let look = Look::of(spans, &pointer, existing.len());
    let root = spans.get("").map(|s| s.style);
    let Some(list) = spans.get(&pointer) else {
        if root.is_some() && root != Some(Style::BlockMapping) {
            return Err(EditError {
                position: None,
                message: format!("the file is not a block mapping: add `{key}:` by hand"),
            });
        }
        // Indented as the file's other top-level list is, else by two spaces.
        let dash = spans
            .get("/scopes/0")
            .filter(|_| {
                spans
                    .get("/scopes")
                    .is_some_and(|s| s.style == Style::BlockSequence)
            })
            .map_or_else(|| "  ".to_owned(), |s| line_indent(text, s.bytes.start));
        let mut out = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(key);
        out.push(':');
        for item in items {
            out.push_str(eol);
            out.push_str(&block_item(
                item,
                &format!("{dash}- "),
                &format!("{dash}  "),
                look,
                eol,
            ));
        }
        out.push_str(eol);
        return Ok(Edit {
            range: text.len()..text.len(),
            text: out,
        });
    };
    match list.style {
        Style::BlockSequence => {
            let last = existing
                .last()
                .ok_or_else(|| error_at(text, list.bytes.start, "an empty block list"))?;
            let first = existing.first().unwrap_or(last);
            let line = line_start(text, first.bytes.start);
            let prefix = &text[line..first.bytes.start];
            let content = " ".repeat(prefix.chars().count());
            // Items separated by a blank line get one too.
            let gap = existing.len() >= 2 && {
                let previous = existing[existing.len() - 2];
                let between = line_end_with_break(text, previous.bytes.end)
                    ..line_start(text, last.bytes.start);
                between.start < between.end
                    && text[between].split('\n').any(|l| l.trim().is_empty())
            };
            let mut out = String::new();
            for item in items {
                out.push_str(eol);
                if gap {
                    out.push_str(eol);
                }
                if first.style == Style::FlowMapping {
                    out.push_str(prefix);
                    out.push_str(&flow_item(item, look));
                } else {
                    out.push_str(&block_item(item, prefix, &content, look, eol));
                }
            }
            let at = line_end(text, last.bytes.end);
            Ok(Edit {
                range: at..at,
                text: out,
            })
        }
        Style::FlowSequence => {
            let rendered: Vec<String> = items.iter().map(|i| flow_item(i, look)).collect();
            match (existing.first(), existing.last()) {
                (Some(first), Some(last)) => {
                    let separator = if line_start(text, first.bytes.start)
                        != line_start(text, list.bytes.start)
                    {
                        format!("{eol}{}", line_indent(text, first.bytes.start))
                    } else {
                        " ".to_owned()
                    };
                    let mut out = String::new();
                    for r in rendered {
                        out.push(',');
                        out.push_str(&separator);
                        out.push_str(&r);
                    }
                    Ok(Edit {
                        range: last.bytes.end..last.bytes.end,
                        text: out,
                    })
                }
                _ if root == Some(Style::BlockMapping) && !list.in_flow => {
                    // `key: []` becomes a block list, two spaces in from the key.
                    let colon = colon_after_key(text, list)?;
                    let dash = format!("{}  ", line_indent(text, colon));
                    let content = format!("{dash}  ");
                    let mut out = String::new();
                    for item in items {
                        out.push_str(eol);
                        out.push_str(&block_item(item, &format!("{dash}- "), &content, look, eol));
                    }
                    Ok(Edit {
                        range: colon + 1..list.bytes.end,
                        text: out,
                    })
                }
                _ => Ok(Edit {
                    range: list.bytes.start + 1..list.bytes.end - 1,
                    text: rendered.join(", "),
                }),
            }
        }
        _ => Err(error_at(
            text,
            list.bytes.start,
            format!("`{key}` is not a list; fix the file first"),
        )),
    }
}

/// How a list's items are written: the quoting of their first key's values, and whether
/// their nested lists are block lists.
#[derive(Debug, Clone, Copy)]
struct Look {
    quoting: Quoting,
    block_lists: bool,
}

impl Look {
    fn of(spans: &Spans, pointer: &str, items: usize) -> Look {
        let mut styles = Vec::new();
        let mut block = 0usize;
        let mut flow = 0usize;
        for i in 0..items {
            if let Some(s) = spans.get(&format!("{pointer}/{i}/name")) {
                styles.push(s.style);
            }
            match spans
                .get(&format!("{pointer}/{i}/deal_ids"))
                .map(|s| s.style)
            {
                Some(Style::BlockSequence) => block += 1,
                Some(Style::FlowSequence) => flow += 1,
                _ => {}
            }
        }
        let quoting = match styles.first() {
            Some(first) if styles.iter().all(|s| s == first) => Quoting::of(*first),
            _ => Quoting::Plain,
        };
        Look {
            quoting,
            block_lists: block > flow,
        }
    }
}

/// A block mapping item: its first line starts with `first` (the indentation, `-` and
/// the spaces after it), the others with `content`.
fn block_item(item: &Item, first: &str, content: &str, look: Look, eol: &str) -> String {
    let mut out = String::new();
    for (i, (key, value)) in item.iter().enumerate() {
        if i == 0 {
            out.push_str(first);
        } else {
            out.push_str(eol);
            out.push_str(content);
        }
        out.push_str(key);
        out.push(':');
        match value {
            Value::Array(list) if look.block_lists && !list.is_empty() => {
                for v in list {
                    out.push_str(eol);
                    out.push_str(content);
                    out.push_str("  - ");
                    out.push_str(&render(v, look.quoting, false));
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&render(value, look.quoting, false));
            }
        }
    }
    out
}

fn flow_item(item: &Item, look: Look) -> String {
    let entries: Vec<String> = item
        .iter()
        .map(|(k, v)| format!("{k}: {}", render(v, look.quoting, true)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

#[cfg(test)]
mod tests;
