//! The byte span and style of every node of a YAML document, by JSON pointer: what the
//! byte-minimal editor ([`super::edit`]) needs to rewrite one value in place.
//!
//! Built from saphyr-parser's event stream, like [`super::parse_document`], but kept apart
//! from it: loading needs only line and column (kept compactly for large files), while an
//! edit needs byte ranges, styles and key ranges for the few files it changes.
//!
//! saphyr's markers count characters, not bytes, and a quoted scalar's end marker may run
//! past its closing quote (over spaces and a comment); a block scalar's span starts at its
//! content, after the `|`/`>` header. Each is corrected here, so every [`Span`] covers
//! exactly the node's own bytes.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::position::Position;
use super::reader::{MAX_DEPTH, YamlError, YamlErrorKind};

/// How a node is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block scalar.
    Literal,
    /// `>` block scalar.
    Folded,
    /// `[a, b]`
    FlowSequence,
    /// `- a` lines.
    BlockSequence,
    /// `{k: v}`
    FlowMapping,
    /// `k: v` lines.
    BlockMapping,
}

/// Where one node's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
    /// Byte range of the node: from its first byte (an opening quote, `[`, `{`, the first
    /// key of a block mapping, the first `-` of a block sequence, a block scalar's `|` or
    /// `>`) to one past its last (a closing quote, `]`, `}`, the end of the last child of
    /// a block collection, the end of a block scalar's last non-blank line). An empty
    /// plain scalar (`key:` with nothing after it) is an empty range at the `:`.
    pub bytes: Range<usize>,
    /// For a block scalar, where its content starts (after the header's line break); for
    /// one with no content (`key: |` and nothing more), the end of its header, which is
    /// then also the end of `bytes`.
    pub content: usize,
    /// In a mapping: the byte range of its key.
    pub key: Option<Range<usize>>,
    /// True when the node sits inside a flow collection (plain scalars may not hold
    /// `,[]{}` there).
    pub in_flow: bool,
}

/// Every node's [`Span`], keyed by JSON pointer (`""` the root, `/customers/0/name`).
#[derive(Debug, Clone, Default)]
pub struct Spans {
    nodes: HashMap<String, Span>,
}

impl Spans {
    /// The node at `pointer`.
    pub fn get(&self, pointer: &str) -> Option<&Span> {
        self.nodes.get(pointer)
    }
}

/// Character index → byte offset, for text that is not all ASCII.
struct Offsets<'a> {
    text: &'a str,
    table: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut table: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            table.push(text.len());
            table
        });
        Offsets { text, table }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.text.len()),
            Some(table) => table.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// A container being read.
struct Frame {
    pointer: String,
    mapping: bool,
    flow: bool,
    start: usize,
    items: usize,
    /// A mapping's key waiting for its value: its text and byte range.
    key: Option<(String, Range<usize>)>,
    /// The end of the last child read.
    last_end: usize,
    /// The container's own key in its parent mapping.
    own_key: Option<Range<usize>>,
}

/// The spans of every node of `text` (one document). Errors: what saphyr refuses (the
/// loader has accepted the file before, so this is rare), nesting deeper than the loader
/// allows, aliases.
pub fn spans(text: &str) -> Result<Spans, YamlError> {
    let offsets = Offsets::new(text);
    let mut out = Spans::default();
    let mut stack: Vec<Frame> = Vec::new();
    // The end of the last token read: where a block scalar's header is looked for.
    let mut previous_end = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            position: Position {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
            message: format!("YAML syntax error: {}", e.info()),
            kind: YamlErrorKind::Syntax,
        })?;
        let start = after_properties(text, offsets.byte(span.start.index()));
        let end = offsets.byte(span.end.index()).max(start);
        let at = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::Scalar(value, style, _, _) => {
                let (bytes, content, style) = scalar_bytes(text, start, end, previous_end, style);
                previous_end = bytes.end;
                let in_flow = stack.last().is_some_and(|f| f.flow);
                if let Some(frame) = stack.last_mut()
                    && frame.mapping
                    && frame.key.is_none()
                {
                    frame.key = Some((value.into_owned(), bytes));
                    continue;
                }
                let (pointer, key) = child_pointer(&mut stack);
                if let Some(frame) = stack.last_mut() {
                    frame.last_end = bytes.end;
                }
                out.nodes.insert(
                    pointer,
                    Span {
                        style,
                        bytes,
                        content,
                        key,
                        in_flow,
                    },
                );
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        position: at,
                        message: "nesting too deep".to_owned(),
                        kind: YamlErrorKind::TooDeep,
                    });
                }
                if stack.last().is_some_and(|f| f.mapping && f.key.is_none()) {
                    return Err(YamlError {
                        position: at,
                        message: "a mapping key must be plain text".to_owned(),
                        kind: YamlErrorKind::Syntax,
                    });
                }
                let mapping = matches!(event, Event::MappingStart(..));
                let flow = end > start;
                let (pointer, key) = child_pointer(&mut stack);
                stack.push(Frame {
                    pointer,
                    mapping,
                    flow,
                    start,
                    items: 0,
                    key: None,
                    last_end: end,
                    own_key: key,
                });
                previous_end = end;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                // A flow collection ends at its `]` or `}` (saphyr's end may run further).
                let end = if !frame.flow {
                    frame.last_end
                } else if text[start..].starts_with([']', '}']) {
                    start + 1
                } else {
                    end
                };
                previous_end = previous_end.max(end);
                let style = match (frame.mapping, frame.flow) {
                    (true, true) => Style::FlowMapping,
                    (true, false) => Style::BlockMapping,
                    (false, true) => Style::FlowSequence,
                    (false, false) => Style::BlockSequence,
                };
                let in_flow = stack.last().is_some_and(|f| f.flow);
                if let Some(parent) = stack.last_mut() {
                    parent.last_end = end;
                }
                let key = frame.own_key;
                out.nodes.insert(
                    frame.pointer,
                    Span {
                        style,
                        bytes: frame.start..end,
                        content: frame.start,
                        key,
                        in_flow,
                    },
                );
            }
            Event::Alias(_) => {
                return Err(YamlError {
                    position: at,
                    message: "YAML aliases (`*name`) are not supported".to_owned(),
                    kind: YamlErrorKind::Alias,
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `at`, or past the anchor (`&a`) and tag (`!!str`) a node starts with: a node's span is
/// its value, and an edit keeps its properties.
fn after_properties(text: &str, mut at: usize) -> usize {
    for _ in 0..2 {
        let rest = &text[at.min(text.len())..];
        if !rest.starts_with(['&', '!']) {
            break;
        }
        let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let gap = rest[word..].len() - rest[word..].trim_start_matches([' ', '\t']).len();
        at += word + gap;
    }
    at
}

/// The pointer of the node that starts now in the innermost container, and its key's
/// byte range in a mapping; the container counts it.
fn child_pointer(stack: &mut [Frame]) -> (String, Option<Range<usize>>) {
    let Some(frame) = stack.last_mut() else {
        return (String::new(), None);
    };
    if frame.mapping {
        let (name, range) = frame.key.take().unwrap_or_default();
        let escaped = name.replace('~', "~0").replace('/', "~1");
        (format!("{}/{escaped}", frame.pointer), Some(range))
    } else {
        let index = frame.items;
        frame.items += 1;
        (format!("{}/{index}", frame.pointer), None)
    }
}

/// A scalar's own bytes, its content start and style, from saphyr's `start..end` (bytes).
fn scalar_bytes(
    text: &str,
    start: usize,
    end: usize,
    previous_end: usize,
    style: ScalarStyle,
) -> (Range<usize>, usize, Style) {
    let bytes = text.as_bytes();
    match style {
        ScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return (start..i + 1, start, Style::DoubleQuoted),
                    _ => i += 1,
                }
            }
            (start..end, start, Style::DoubleQuoted)
        }
        ScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return (start..i + 1, start, Style::SingleQuoted);
                }
                i += 1;
            }
            (start..end, start, Style::SingleQuoted)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let kind = if style == ScalarStyle::Literal {
                Style::Literal
            } else {
                Style::Folded
            };
            let header = header_start(text, previous_end, start);
            if text[start..end.max(start)].trim().is_empty() {
                // No content: the span is the header's indicators (`|`, `>-`, `|2+`), so
                // an edit keeps the line break and whatever follows it.
                let indicators = text[header..]
                    .find(|c: char| !matches!(c, '|' | '>' | '-' | '+' | '0'..='9'))
                    .unwrap_or(text.len() - header);
                let header_end = header + indicators;
                return (header..header_end, header_end, kind);
            }
            let content_end = start + text[start..end.max(start)].trim_end().len();
            (header..content_end.max(header), start, kind)
        }
        _ => (start..end.max(start), start, Style::Plain),
    }
}

/// Where a block scalar's `|` or `>` is: the first of them after the previous token that
/// is not inside a `#` comment (a comment may sit between a key and its block's header).
fn header_start(text: &str, previous_end: usize, content: usize) -> usize {
    let from = previous_end.min(content);
    let mut in_comment = false;
    let mut after_space = true;
    for (i, c) in text[from..content].char_indices() {
        match c {
            '\n' | '\r' => in_comment = false,
            '#' if after_space => in_comment = true,
            '|' | '>' if !in_comment => return from + i,
            _ => {}
        }
        after_space = c.is_whitespace();
    }
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(text: &'a str, spans: &Spans, pointer: &str) -> &'a str {
        let span = spans.get(pointer).unwrap_or_else(|| panic!("{pointer}"));
        &text[span.bytes.clone()]
    }

    #[test]
    fn every_node_covers_exactly_its_own_bytes() {
        let text = "customers:\r\n  - name: \"A \\\" b\" # c\r\n    description: |\r\n      Zürich\r\n      東京\r\n\r\n    deal_ids: [D-1, 'it''s' ,c]\r\n    p:\r\n    q: plain text   # note\r\n  - {name: B, k: v}\r\nscopes: []\r\n";
        let spans = spans(text).unwrap();
        assert_eq!(raw(text, &spans, "/customers/0/name"), "\"A \\\" b\"");
        assert_eq!(
            raw(text, &spans, "/customers/0/description"),
            "|\r\n      Zürich\r\n      東京"
        );
        assert_eq!(
            raw(text, &spans, "/customers/0/deal_ids"),
            "[D-1, 'it''s' ,c]"
        );
        assert_eq!(raw(text, &spans, "/customers/0/deal_ids/1"), "'it''s'");
        assert_eq!(raw(text, &spans, "/customers/0/q"), "plain text");
        assert_eq!(raw(text, &spans, "/customers/0/p"), "");
        assert_eq!(
            &text[spans.get("/customers/0/p").unwrap().bytes.start..][..1],
            ":"
        );
        assert_eq!(raw(text, &spans, "/customers/1"), "{name: B, k: v}");
        assert!(spans.get("/customers/1/k").unwrap().in_flow);
        assert_eq!(raw(text, &spans, "/scopes"), "[]");
        let tagged = "a: &x 'it''s'\nb: !!str \"q\"   # c\nc: !!seq [1]\n";
        let spans_of_tagged = super::spans(tagged).unwrap();
        assert_eq!(raw(tagged, &spans_of_tagged, "/a"), "'it''s'");
        assert_eq!(raw(tagged, &spans_of_tagged, "/b"), "\"q\"");
        assert_eq!(raw(tagged, &spans_of_tagged, "/c"), "[1]");
        let bom = "\u{feff}a: Zürich\nb: x\n";
        assert_eq!(raw(bom, &super::spans(bom).unwrap(), "/b"), "x");
        let item = spans.get("/customers/0").unwrap();
        assert_eq!(item.style, Style::BlockMapping);
        assert!(raw(text, &spans, "/customers/0").ends_with("plain text"));
        let name = spans.get("/customers/0/name").unwrap();
        assert_eq!(&text[name.key.clone().unwrap()], "name");
        assert_eq!(
            spans.get("/customers/0/description").unwrap().style,
            Style::Literal
        );
    }

    #[test]
    fn block_scalar_headers_are_found_past_comments_and_without_content() {
        let empty = "c:\n  - name: W\n    extended_name: |\n  - name: X\n";
        let spans_of_empty = spans(empty).unwrap();
        assert_eq!(raw(empty, &spans_of_empty, "/c/0/extended_name"), "|");
        assert_eq!(raw(empty, &spans_of_empty, "/c/1/name"), "X");
        let stripped = "a: >-  # none\n\nb: 1\n";
        assert_eq!(raw(stripped, &spans(stripped).unwrap(), "/a"), ">-");
        let commented = "d: # a | b > c\n  >\n    Wayne\ne: 1\n";
        let spans_of_commented = spans(commented).unwrap();
        assert_eq!(raw(commented, &spans_of_commented, "/d"), ">\n    Wayne");
        assert_eq!(spans_of_commented.get("/d").unwrap().style, Style::Folded);
    }
}
