//! YAML text → a JSON value plus the position of every node, keyed by JSON pointer.
//!
//! saphyr is a YAML 1.2 parser (so `no` stays a string) that marks every node with its
//! position. Converting to `serde_json::Value` lets one value feed both the JSON Schema
//! validator and serde, and their JSON-pointer paths map back to `line:column` here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr::{Scalar, ScalarStyle, Tag};
use saphyr_parser::{Event, Marker, Parser};
use serde_json::{Map, Number, Value};

use super::index::{Open, PositionIndex, Segment, pointer};
use super::position::{NodePosition, Position};

/// A parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// Positions by JSON pointer (`""` is the root, `/customers/0/name` a field).
    pub positions: HashMap<String, NodePosition>,
}

/// A parsed document with its positions in compact form: what [`parse_document`] returns,
/// for files too large for [`Parsed`]'s map of one string per node.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
    pub positions: PositionIndex,
    /// Where a plain `.nan`, `.inf` or `-.inf` was read as [`NON_FINITE`], with its text:
    /// a consumer whose fields accept numbers must refuse these.
    pub non_finite: Vec<(Position, String)>,
}

/// A parsed value whose nodes' positions can be looked up by JSON pointer.
pub trait Locate {
    /// The whole parsed value.
    fn root(&self) -> &Value;

    /// Where the node at `pointer` sits, or its nearest ancestor that has a position.
    fn node_position(&self, pointer: &str) -> NodePosition;

    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    fn position(&self, pointer: &str) -> Position {
        self.node_position(pointer).value
    }

    /// The position of the *key* at `pointer` (for "unknown field" errors), else its value.
    fn key_position(&self, pointer: &str) -> Position {
        let node = self.node_position(pointer);
        node.key.unwrap_or(node.value)
    }

    /// The pointers of the mapping keys whose name `matches`, anywhere (keys in sorted
    /// order, items by index); nothing below a matching key is searched.
    fn keys_where(&self, matches: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut found = Vec::new();
        keys_in(self.root(), matches, &mut Vec::new(), &mut found);
        found
    }
}

fn keys_in<'a>(
    value: &'a Value,
    matches: &dyn Fn(&str) -> bool,
    path: &mut Vec<Segment<'a>>,
    found: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Segment::Key(key));
                if matches(key) {
                    found.push(pointer(path));
                } else {
                    keys_in(child, matches, path, found);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                keys_in(child, matches, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Where a pointer that names no node is reported: the start of the file.
const FILE_START: NodePosition = NodePosition {
    key: None,
    value: Position { line: 1, column: 1 },
};

impl Locate for Document {
    fn root(&self) -> &Value {
        &self.value
    }

    fn node_position(&self, pointer: &str) -> NodePosition {
        self.positions.get(pointer).unwrap_or(FILE_START)
    }

    /// From the index's key text alone: a large document's value tree is not walked.
    fn keys_where(&self, matches: &dyn Fn(&str) -> bool) -> Vec<String> {
        self.positions.keys_where(matches)
    }
}

impl Locate for Parsed {
    fn root(&self) -> &Value {
        &self.value
    }

    fn node_position(&self, pointer: &str) -> NodePosition {
        Parsed::node_position(self, pointer)
    }
}

impl Parsed {
    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn position(&self, pointer: &str) -> Position {
        self.node_position(pointer).value
    }

    /// The position of the *key* at `pointer` (for "unknown field" errors), else its value.
    pub fn key_position(&self, pointer: &str) -> Position {
        let node = self.node_position(pointer);
        node.key.unwrap_or(node.value)
    }

    fn node_position(&self, pointer: &str) -> NodePosition {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return FILE_START,
            }
        }
    }
}

/// A YAML problem at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub position: Position,
    pub message: String,
    pub kind: YamlErrorKind,
}

/// What kind of problem a [`YamlError`] is (a diagnostic's rule name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Text that is not YAML (an unclosed bracket, a tab used as indentation, ...).
    Syntax,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A key twice in one mapping.
    DuplicateKey,
    /// A second document (`---`) in one file.
    SecondDocument,
    /// A tag other than the core schema's, or one that does not fit its value.
    Tag,
    /// An alias (`*name`).
    Alias,
    /// `.nan` or `.inf`, which JSON cannot hold ([`parse`] only).
    NonFinite,
}

/// The deepest nesting of lists and mappings a document may have. Desired-state files need
/// four levels, API profiles and simulator seeds a few more; the limit keeps every later
/// step (schema validation, serde, dropping the value) far from the end of the stack.
pub const MAX_DEPTH: usize = 64;

/// How many bytes may be parsed again in all after a tab that follows `key:` was made a
/// space (saphyr refuses `key:<TAB>value`, which YAML 1.2 allows): a few hundred such
/// tabs in a small file, a handful in a large one.
const TAB_RETRY_BUDGET: usize = 64 * 1024 * 1024;

/// Parses one YAML document. `Ok(None)` for a file with no document (empty or comments).
/// `.nan` and `.inf` (numbers JSON cannot hold) are errors here.
pub fn parse(text: &str) -> Result<Option<Parsed>, YamlError> {
    let Some(document) = parse_document(text)? else {
        return Ok(None);
    };
    if let Some((position, text)) = document.non_finite.first() {
        return Err(YamlError {
            position: *position,
            message: format!(
                "`{text}` is a YAML number JSON cannot hold; write a number, or quote it to make it text"
            ),
            kind: YamlErrorKind::NonFinite,
        });
    }
    Ok(Some(Parsed {
        positions: document.positions.to_map(),
        value: document.value,
    }))
}

/// Parses one YAML document, keeping positions compactly: what loading desired state
/// uses. `Ok(None)` for a file with no document (empty or comments).
///
/// Built straight from saphyr's event stream (rather than its node tree) so that large
/// files stay fast: see the `bench_validate` example.
///
/// Errors: syntax, nesting deeper than [`MAX_DEPTH`], a tag other than the core schema's
/// `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map` (or one that does not
/// fit its value), aliases, duplicate keys, a second document. A plain `.nan`, `.inf` or
/// `-.inf` is read as a number (a stand-in, [`NON_FINITE`]) and listed in
/// [`Document::non_finite`], so that a text field reports it as "must be text".
pub fn parse_document(text: &str) -> Result<Option<Document>, YamlError> {
    let mut text = Cow::Borrowed(text);
    let mut budget = TAB_RETRY_BUDGET;
    loop {
        match build(&text) {
            Ok(document) => return Ok(document),
            Err(Failure::Error(error)) => return Err(error),
            Err(Failure::TabAfterColon(error, at)) => {
                let Some(fixed) = tab_after_colon_as_space(&text, at) else {
                    return Err(error);
                };
                if budget < text.len() {
                    return Err(YamlError {
                        message: format!(
                            "{}: too many tabs after `key:` to read; use spaces",
                            error.message
                        ),
                        ..error
                    });
                }
                budget -= text.len();
                text = Cow::Owned(fixed);
            }
        }
    }
}

/// The number a plain `.nan`, `.inf` or `-.inf` is read as by [`parse_document`].
pub const NON_FINITE: f64 = f64::MAX;

enum Failure {
    Error(YamlError),
    /// saphyr's refusal of a tab after `:`, with the char index it stopped at.
    TabAfterColon(YamlError, usize),
}

fn build(text: &str) -> Result<Option<Document>, Failure> {
    let mut builder = Builder::default();
    // Where each open list and mapping starts: an unclosed `[` or `{` is reported there.
    let mut open: Vec<Marker> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| syntax_error(text, &e, &open))?;
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => open.push(span.start),
            Event::SequenceEnd | Event::MappingEnd => {
                open.pop();
            }
            _ => {}
        }
        builder
            .event(event, marker_position(&span.start))
            .map_err(Failure::Error)?;
    }
    Ok(builder.root.map(|value| Document {
        value,
        positions: builder.positions,
        non_finite: builder.non_finite,
    }))
}

fn syntax_error(text: &str, e: &saphyr_parser::ScanError, open: &[Marker]) -> Failure {
    let mut error = YamlError {
        position: marker_position(e.marker()),
        message: format!("YAML syntax error: {}", e.info()),
        kind: YamlErrorKind::Syntax,
    };
    if e.info() == "':' must be followed by a valid YAML whitespace" {
        return Failure::TabAfterColon(error, e.marker().index());
    }
    if e.info() == "recursion limit exceeded" {
        error.message = too_deep();
        error.kind = YamlErrorKind::TooDeep;
        return Failure::Error(error);
    }
    if let Some(error) = unclosed_bracket(text, e, open) {
        return Failure::Error(error);
    }
    if e.info().contains("tab")
        && !e.info().contains("block scalar")
        && let Some(position) = indentation_tab(text, e.marker().line())
    {
        error = YamlError {
            position,
            message:
                "a tab used as indentation; indent with spaces (YAML does not allow tabs there)"
                    .to_owned(),
            kind: YamlErrorKind::Syntax,
        };
    }
    Failure::Error(error)
}

/// A flow list or mapping that is never closed, reported at its `[` or `{` rather than
/// where the parser gave up (often past the end of the file): the innermost open flow
/// collection, when the parser's complaint is about a flow collection or it stopped at the
/// end of the text. `None` for any other error.
fn unclosed_bracket(
    text: &str,
    e: &saphyr_parser::ScanError,
    open: &[Marker],
) -> Option<YamlError> {
    let info = e.info();
    let flow = info.contains("flow sequence") || info.contains("flow mapping");
    let stop = e.marker().index();
    let at_end = text.chars().skip(stop).all(char::is_whitespace);
    // Only on an error: a pass over the text per open collection, at most MAX_DEPTH + 1.
    let (bracket, marker) =
        open.iter()
            .rev()
            .find_map(|marker| match text.chars().nth(marker.index()) {
                Some(c @ ('[' | '{')) => Some((c, marker)),
                _ => None,
            })?;
    let (what, close) = if bracket == '[' {
        ("list", ']')
    } else {
        ("mapping", '}')
    };
    if !(flow || at_end) {
        // An error further on, inside the open bracket: reported where it is, naming the
        // bracket, which most often is the cause (a flow list may span lines).
        if e.marker().line() <= marker.line() {
            return None;
        }
        return Some(YamlError {
            position: marker_position(e.marker()),
            message: format!(
                "YAML syntax error: {info}, inside the `{bracket}` opened at line {}, column {} and not closed before here; end the {what} with `{close}`",
                marker.line(),
                marker.col() + 1
            ),
            kind: YamlErrorKind::Syntax,
        });
    }
    let reached = if at_end {
        "the end of the file".to_owned()
    } else {
        format!(
            "line {}, column {}",
            e.marker().line(),
            e.marker().col() + 1
        )
    };
    Some(YamlError {
        position: marker_position(marker),
        message: format!(
            "YAML syntax error: this `{bracket}` is never closed; end the {what} with `{close}` (the reader expected `,` or `{close}` and reached {reached})"
        ),
        kind: YamlErrorKind::Syntax,
    })
}

fn too_deep() -> String {
    format!(
        "nesting too deep: more than {MAX_DEPTH} levels of lists and mappings; \
         this tool's files need a few (flatten the document)"
    )
}

fn marker_position(marker: &Marker) -> Position {
    Position {
        line: marker.line(),
        column: marker.col() + 1,
    }
}

/// The text with the tabs between a `:` and the char at index `at` made spaces (one byte
/// each, so every position stays); `None` when there are none.
fn tab_after_colon_as_space(text: &str, at: usize) -> Option<String> {
    let end = text
        .char_indices()
        .nth(at)
        .map_or(text.len(), |(byte, _)| byte);
    let gap = text[..end].len() - text[..end].trim_end_matches([' ', '\t']).len();
    let start = end - gap;
    if !text[..start].ends_with(':') || !text[start..end].contains('\t') {
        return None;
    }
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(&text[..start]);
    fixed.push_str(&text[start..end].replace('\t', " "));
    fixed.push_str(&text[end..]);
    Some(fixed)
}

/// The first tab in the indentation of a line with content, from line `from` (1-based) on.
fn indentation_tab(text: &str, from: usize) -> Option<Position> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find_map(|(i, line)| {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            let rest = &line[indent..];
            if rest.is_empty() || rest.starts_with('#') {
                return None;
            }
            let column = line[..indent].find('\t')?;
            Some(Position {
                line: i + 1,
                column: column + 1,
            })
        })
}

/// A key waiting for its value: its text, position and range in the position index.
type PendingKey = (String, Position, Range<usize>);

/// A mapping or sequence being read.
enum Frame {
    Sequence(Vec<Value>),
    /// The entries so far, and the key waiting for its value.
    Mapping(Map<String, Value>, Option<PendingKey>),
}

/// Where a node starts: as a value (recorded as a node of the index), or as a mapping key.
enum Role {
    Value { node: usize },
    Key,
}

/// Turns events into one JSON value, recording the position of every node.
#[derive(Default)]
struct Builder {
    root: Option<Value>,
    positions: PositionIndex,
    /// Open containers, each with its entry in the position index.
    stack: Vec<(Frame, Open)>,
    documents: usize,
    non_finite: Vec<(Position, String)>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, at: Position) -> Result<(), YamlError> {
        let error = |kind: YamlErrorKind, message: &str| YamlError {
            position: at,
            message: message.to_string(),
            kind,
        };
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(error(
                        YamlErrorKind::SecondDocument,
                        "a second YAML document (`---`) in one file; put each document in its own file",
                    ));
                }
            }
            Event::Scalar(text, style, _, tag) => match self.begin(at) {
                Role::Key => {
                    if let Some(tag) = tag.as_deref()
                        && !matches!(core_name(tag), Some("str") | Some("!"))
                    {
                        return Err(error(YamlErrorKind::Tag, &unsupported_tag(tag)));
                    }
                    self.key(tight(text), at)?
                }
                Role::Value { .. } => {
                    let value = match scalar(&text, style, tag.as_deref()) {
                        Ok(Some(value)) => value,
                        // The text itself: saphyr's own string, not a copy of it.
                        Ok(None) => Value::String(tight(text)),
                        Err(ScalarError::NotANumber(_)) => {
                            self.non_finite.push((at, text.into_owned()));
                            Value::Number(Number::from_f64(NON_FINITE).unwrap_or(0.into()))
                        }
                        Err(problem) => {
                            return Err(error(YamlErrorKind::Tag, &problem.to_string()));
                        }
                    };
                    self.finish(value);
                }
            },
            Event::SequenceStart(_, ref tag) | Event::MappingStart(_, ref tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(error(YamlErrorKind::TooDeep, &too_deep()));
                }
                let want = match event {
                    Event::SequenceStart(..) => "seq",
                    _ => "map",
                };
                if let Some(tag) = tag.as_deref() {
                    match core_name(tag) {
                        Some(name) if name == want || name == "!" => {}
                        _ => return Err(error(YamlErrorKind::Tag, &unsupported_tag(tag))),
                    }
                }
                let Role::Value { node } = self.begin(at) else {
                    return Err(error(
                        YamlErrorKind::Syntax,
                        "a mapping key must be plain text",
                    ));
                };
                let (frame, mapping) = match event {
                    Event::SequenceStart(..) => (Frame::Sequence(Vec::new()), false),
                    _ => (Frame::Mapping(Map::new(), None), true),
                };
                let open = self.positions.open(node, mapping);
                self.stack.push((frame, open));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((frame, open)) = self.stack.pop() {
                    self.positions.close(open);
                    self.finish(match frame {
                        Frame::Sequence(items) => Value::Array(items),
                        Frame::Mapping(entries, _) => Value::Object(entries),
                    });
                }
            }
            Event::Alias(_) => {
                return Err(error(
                    YamlErrorKind::Alias,
                    "YAML aliases (`*name`) are not supported; write the value out",
                ));
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// A node starts at `at`: records its position, unless it is a mapping key.
    fn begin(&mut self, at: Position) -> Role {
        let (key_at, name) = match self.stack.last() {
            None | Some((Frame::Sequence(_), _)) => (None, None),
            Some((Frame::Mapping(_, Some((_, key_at, name))), _)) => {
                (Some(*key_at), Some(name.clone()))
            }
            Some((Frame::Mapping(_, None), _)) => return Role::Key,
        };
        let position = NodePosition {
            key: key_at,
            value: at,
        };
        Role::Value {
            node: self.positions.node(position, name),
        }
    }

    fn key(&mut self, name: String, at: Position) -> Result<(), YamlError> {
        if let Some((Frame::Mapping(entries, pending), _)) = self.stack.last_mut() {
            if entries.contains_key(&name) {
                return Err(YamlError {
                    position: at,
                    message: format!("the key `{name}` appears twice in this mapping"),
                    kind: YamlErrorKind::DuplicateKey,
                });
            }
            let range = self.positions.key(&name);
            *pending = Some((name, at, range));
        }
        Ok(())
    }

    /// A complete node: into its container, or the root.
    fn finish(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some((Frame::Sequence(items), _)) => items.push(value),
            Some((Frame::Mapping(entries, pending), _)) => {
                if let Some((name, ..)) = pending.take() {
                    entries.insert(name, value);
                }
            }
        }
    }
}

/// A scalar's text as an owned string without spare room: saphyr reserves 128 bytes or
/// more for each plain scalar, and a large file's value tree holds a few per customer.
fn tight(text: Cow<'_, str>) -> String {
    let mut text = text.into_owned();
    text.shrink_to_fit();
    text
}

/// A tag's name: the core schema's suffix (`str` for `!!str` or
/// `!<tag:yaml.org,2002:str>`), `!` for the non-specific tag, `None` for any other.
fn core_name(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle == CORE {
        return Some(&tag.suffix);
    }
    if tag.handle.is_empty() {
        return match tag.suffix.strip_prefix(CORE) {
            Some(name) => Some(name),
            None => (tag.suffix == "!").then_some("!"),
        };
    }
    None
}

/// How a tag is written back in a message.
fn tag_text(tag: &Tag) -> String {
    match core_name(tag) {
        Some("!") => "!".to_owned(),
        Some(name) => format!("!!{name}"),
        None if tag.handle == "!" => format!("!{}", tag.suffix),
        None => format!("!<{}{}>", tag.handle, tag.suffix),
    }
}

fn unsupported_tag(tag: &Tag) -> String {
    format!(
        "the tag `{}` is not supported here; remove it (quote the value to make it text)",
        tag_text(tag)
    )
}

/// A scalar's value under YAML 1.2's core schema: quoted and block scalars (and `!!str`)
/// are text; plain ones may be null, a boolean or a number. A core-schema tag must fit
/// the value (`!!int hello` is an error); any other tag is refused. `None` for text: the
/// caller moves `text` into the value (no copy per scalar).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Option<Value>, ScalarError> {
    let Some(tag) = tag else {
        if style != ScalarStyle::Plain {
            return Ok(None);
        }
        if text.is_empty() {
            // `key:` with nothing after it.
            return Ok(Some(Value::Null));
        }
        if plain_text_at_a_glance(text) {
            return Ok(None);
        }
        return scalar_to_json(Scalar::parse_from_cow(Cow::Borrowed(text)));
    };
    let name = core_name(tag).ok_or_else(|| ScalarError::Tag(unsupported_tag(tag)))?;
    let typed = || {
        if text.trim().is_empty() {
            Scalar::Null
        } else {
            Scalar::parse_from_cow(Cow::Borrowed(text))
        }
    };
    let fits = match name {
        "str" | "!" => return Ok(None),
        "int" => matches!(typed(), Scalar::Integer(_)),
        "float" => matches!(typed(), Scalar::Integer(_) | Scalar::FloatingPoint(_)),
        "bool" => matches!(typed(), Scalar::Boolean(_)),
        "null" => matches!(typed(), Scalar::Null),
        _ => return Err(ScalarError::Tag(unsupported_tag(tag))),
    };
    if !fits {
        // Neither the value nor its kind is told: it may be a password (the caret shows
        // where it is).
        return Err(ScalarError::Tag(format!(
            "this value does not fit its tag `{}`; remove the tag or fix the value",
            tag_text(tag)
        )));
    }
    match (name, typed()) {
        ("float", Scalar::Integer(i)) => Ok(Some(
            Number::from_f64(i as f64)
                .map(Value::Number)
                .unwrap_or(Value::Null),
        )),
        (_, value) => scalar_to_json(value),
    }
}

/// Whether a plain scalar is text by its first byte alone, which most are (names,
/// hierarchies): the core schema's null (`~`, `null`), booleans (`true`, `false`, in
/// three spellings each) and numbers (`12`, `+1`, `0x1F`, `.5`, `-.inf`, `.nan`, `1e3`)
/// all start with one of `~nNtTfF+-.` or a digit; saphyr is asked about the others.
fn plain_text_at_a_glance(text: &str) -> bool {
    text.as_bytes().first().is_some_and(|first| {
        !matches!(
            first,
            b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'+' | b'-' | b'.' | b'0'..=b'9'
        )
    })
}

/// A scalar JSON cannot hold, or a tag this reader refuses.
#[derive(Debug, thiserror::Error)]
enum ScalarError {
    /// `.nan`, `.inf` and `-.inf`: YAML floats with no JSON number.
    #[error("the number {0} is not allowed here")]
    NotANumber(f64),
    #[error("{0}")]
    Tag(String),
}

/// A scalar as JSON; `None` for text (always the scalar's own text: see [`scalar`]).
fn scalar_to_json(scalar: Scalar<'_>) -> Result<Option<Value>, ScalarError> {
    Ok(Some(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Number(i.into()),
        Scalar::FloatingPoint(f) => match Number::from_f64(f.into_inner()) {
            Some(n) => Value::Number(n),
            None => return Err(ScalarError::NotANumber(f.into_inner())),
        },
        Scalar::String(_) => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The first-byte shortcut agrees with saphyr on any text, and on number-like text
        /// in particular (signs, dots, digits, exponents, radix prefixes, letters).
        #[test]
        fn plain_text_at_a_glance_agrees_with_saphyr(
            text in proptest::prop_oneof![
                "\\PC{1,12}",
                "[-+.0-9a-fA-FxXoOeEnNtTuUlLsSrR_~ ]{1,8}",
                "[-+.]?[0-9]{1,4}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,2})?",
                "0[xo][0-9a-fA-F]{1,4}",
                "~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)",
            ]
        ) {
            if plain_text_at_a_glance(&text) {
                proptest::prop_assert!(
                    matches!(Scalar::parse_from_cow(text.as_str().into()), Scalar::String(_)),
                    "{}", text
                );
            }
        }
    }

    /// The first-byte shortcut never calls text what saphyr reads as null, a boolean or a
    /// number.
    #[test]
    fn plain_text_at_a_glance_is_text_for_saphyr_too() {
        let samples = [
            "Acme",
            "sys.hcs.P",
            "yes",
            "No",
            "on",
            "Off",
            "inf",
            "Infinity",
            "NaN",
            "e5",
            "x1",
            "_1",
            "@1",
            " 1",
            "\u{00e9}1",
            "ǅ",
            "Null",
            "nULL",
            "true",
            "0",
            "~",
        ];
        for text in samples {
            if plain_text_at_a_glance(text) {
                assert!(
                    matches!(Scalar::parse_from_cow(text.into()), Scalar::String(_)),
                    "{text}"
                );
            }
        }
        assert!(plain_text_at_a_glance("Acme"));
        for not_text in [
            "~", "null", "Null", "NULL", "true", "False", "1", "+1", "-.inf", ".nan",
        ] {
            assert!(!plain_text_at_a_glance(not_text), "{not_text}");
        }
        // Every printable ASCII first byte, with a digit after it (as numbers have).
        for first in 0x20u8..0x7f {
            for rest in [
                "", "1", "0.5", "e3", "x1F", "inf", "nan", "ull", "rue", "alse",
            ] {
                let text = format!("{}{rest}", first as char);
                if plain_text_at_a_glance(&text) {
                    assert!(
                        matches!(
                            Scalar::parse_from_cow(text.as_str().into()),
                            Scalar::String(_)
                        ),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_positions_and_yaml_1_2_scalars() {
        let parsed = parse("customers:\n  - name: NO\n    public_sector: true\n")
            .unwrap()
            .unwrap();
        assert_eq!(parsed.value["customers"][0]["name"], "NO");
        assert_eq!(parsed.value["customers"][0]["public_sector"], true);
        assert_eq!(
            parsed.position("/customers/0/name"),
            Position {
                line: 2,
                column: 11
            }
        );
        assert_eq!(
            parsed.key_position("/customers/0/public_sector"),
            Position { line: 3, column: 5 }
        );
        // An unknown pointer falls back to its nearest ancestor.
        assert_eq!(
            parsed.position("/customers/0/name/x"),
            Position {
                line: 2,
                column: 11
            }
        );
    }

    #[test]
    fn reports_syntax_errors_and_second_documents() {
        let err = parse("a: [1, 2\n").unwrap_err();
        assert_eq!(err.position, Position { line: 1, column: 4 }, "{err:?}");
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(
            err.message.contains("second YAML document"),
            "{}",
            err.message
        );
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_at_the_bracket_not_past_the_end() {
        for (text, at, needs) in [
            (
                "a: [1, 2\n",
                (1, 4),
                "this `[` is never closed; end the list with `]`",
            ),
            (
                "a: {b: 1\n",
                (1, 4),
                "this `{` is never closed; end the mapping with `}`",
            ),
            (
                "a:\n  - [x, y\n  - z\n",
                (2, 5),
                "reached the end of the file",
            ),
            ("a: [1,\n\n# only a comment\n", (1, 4), "this `[`"),
            // The innermost open one: the closed `[` before it is not blamed.
            ("a: [[1], [2, 3\n", (1, 10), "this `[`"),
            // A `]` where a `}` belongs: the `{` is what is never closed.
            ("a: [1, {b: 2]\n", (1, 8), "reached line 1, column 13"),
            (
                "k:\n  - name: A\n    deal_ids: [D-1, D-2\n  - name: B\n    hierarchy: x\n",
                (4, 9),
                "inside the `[` opened at line 3, column 15 and not closed before here",
            ),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(
                (err.position.line, err.position.column),
                at,
                "{text:?}: {err:?}"
            );
            assert!(err.message.contains(needs), "{text:?}: {err:?}");
        }
        // Other syntax errors keep their own place.
        let err = parse("a: \"abc\n").unwrap_err();
        assert_eq!(err.position, Position { line: 1, column: 4 });
        assert!(err.message.contains("quoted scalar"), "{err:?}");
    }

    #[test]
    fn reads_core_schema_scalars_and_refuses_aliases() {
        let parsed =
            parse("a:\nb: ~\nc: '1'\nd: !!str 2\ne: 0x1F\nf: [1.5, \"x\"]\ng: |\n  text\n")
                .unwrap()
                .unwrap();
        assert_eq!(
            parsed.value,
            serde_json::json!({"a": null, "b": null, "c": "1", "d": "2", "e": 31,
                "f": [1.5, "x"], "g": "text\n"})
        );
        assert_eq!(
            parsed.position("/f/1"),
            Position {
                line: 6,
                column: 10
            }
        );
        let err = parse("a: &x 1\nb: *x\n").unwrap_err();
        assert_eq!(err.position, Position { line: 2, column: 4 });
        let err = parse("? [a]\n: 1\n").unwrap_err();
        assert_eq!(err.message, "a mapping key must be plain text");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.position.line, 2, "{err:?}");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_not_a_crash() {
        for (text, line) in [
            (format!("a:\n{}x\n", "- ".repeat(60_000)), 2),
            (
                format!("a: {}{}\n", "[".repeat(60_000), "]".repeat(60_000)),
                1,
            ),
            (
                format!("a: {}{}\n", "{b: ".repeat(60_000), "}".repeat(60_000)),
                1,
            ),
            (
                (0..=MAX_DEPTH)
                    .map(|i| format!("{}k:\n", " ".repeat(i)))
                    .collect::<String>(),
                MAX_DEPTH + 1,
            ),
        ] {
            let err = parse(&text).unwrap_err();
            assert!(err.message.starts_with("nesting too deep"), "{err:?}");
            assert_eq!(err.position.line, line, "{err:?}");
            assert!(parse_document(&text).is_err());
        }
        // Exactly at the limit is fine.
        let text = format!("{}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&text).unwrap().is_some());
    }

    #[test]
    fn tags_must_be_core_schema_and_fit_their_value() {
        for (text, wanted) in [
            (
                "a: !!binary aGVsbG8=\n",
                "the tag `!!binary` is not supported",
            ),
            ("a: !custom x\n", "the tag `!custom` is not supported"),
            (
                "a: !!int hello\n",
                "this value does not fit its tag `!!int`",
            ),
            ("a: !!bool 1\n", "this value does not fit its tag `!!bool`"),
            ("a: !!timestamp 2001-12-14\n", "the tag `!!timestamp`"),
            ("a: !!map [1]\n", "the tag `!!map`"),
            ("a: !!seq {b: 1}\n", "the tag `!!seq`"),
            (
                "a: !<tag:example.com,2000:x> y\n",
                "the tag `!<tag:example.com,2000:x>`",
            ),
            ("!!binary a: 1\n", "the tag `!!binary`"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.message.contains(wanted), "{text:?}: {err:?}");
            assert_eq!(err.position.line, 1, "{err:?}");
        }
        let parsed = parse(
            "a: !<tag:yaml.org,2002:str> 12\nb: !!str 12\nc: !!int \"7\"\nd: !!float 2\n\
             e: !!bool true\nf: !!null\ng: !!seq [1]\nh: !!map {x: 1}\ni: ! 5\n!!str j: 1\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            parsed.value,
            serde_json::json!({"a": "12", "b": "12", "c": 7, "d": 2.0, "e": true, "f": null,
                "g": [1], "h": {"x": 1}, "i": "5", "j": 1})
        );
    }

    #[test]
    fn a_tab_after_a_colon_separates_and_an_indenting_tab_is_reported_at_its_line() {
        let parsed = parse("a:\tx\nb: \t-1\nc:\t\t\"q\"\nd:\t 'r:\tr'\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            parsed.value,
            serde_json::json!({"a": "x", "b": -1, "c": "q", "d": "r:\tr"})
        );
        assert_eq!(parsed.position("/c"), Position { line: 3, column: 5 });
        let err = parse("a:\n  - b: x\n\tc: y\n").unwrap_err();
        assert_eq!(err.position, Position { line: 3, column: 1 }, "{err:?}");
        assert!(err.message.contains("tab used as indentation"), "{err:?}");
        let err = parse("a:\n  b: x\n \tc: y\n").unwrap_err();
        assert_eq!(err.position.line, 3, "{err:?}");
    }

    #[test]
    fn non_finite_numbers_are_a_stand_in_for_documents_and_errors_for_parse() {
        let document = parse_document("a: .NaN\nb: -.inf\nc: '.nan'\n")
            .unwrap()
            .unwrap();
        assert_eq!(document.value["a"], serde_json::json!(NON_FINITE));
        assert_eq!(document.value["c"], ".nan");
        assert_eq!(
            document.non_finite,
            vec![
                (Position { line: 1, column: 4 }, ".NaN".to_owned()),
                (Position { line: 2, column: 4 }, "-.inf".to_owned())
            ]
        );
        let err = parse("a: 1\nb: .inf\n").unwrap_err();
        assert_eq!(err.position, Position { line: 2, column: 4 });
        assert!(err.message.contains("quote it"), "{err:?}");
    }
}
