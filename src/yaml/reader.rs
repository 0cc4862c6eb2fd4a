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
}

/// Parses one YAML document. `Ok(None)` for a file with no document (empty or comments).
pub fn parse(text: &str) -> Result<Option<Parsed>, YamlError> {
    Ok(parse_document(text)?.map(|document| Parsed {
        positions: document.positions.to_map(),
        value: document.value,
    }))
}

/// Parses one YAML document, keeping positions compactly: what loading desired state
/// uses. `Ok(None)` for a file with no document (empty or comments).
///
/// Built straight from saphyr's event stream (rather than its node tree) so that large
/// files stay fast: see the `bench_validate` example.
pub fn parse_document(text: &str) -> Result<Option<Document>, YamlError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            position: marker_position(e.marker()),
            message: format!("YAML syntax error: {}", e.info()),
        })?;
        builder.event(event, marker_position(&span.start))?;
    }
    Ok(builder.root.map(|value| Document {
        value,
        positions: builder.positions,
    }))
}

fn marker_position(marker: &Marker) -> Position {
    Position {
        line: marker.line(),
        column: marker.col() + 1,
    }
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
}

impl Builder {
    fn event(&mut self, event: Event<'_>, at: Position) -> Result<(), YamlError> {
        let error = |message: &str| YamlError {
            position: at,
            message: message.to_string(),
        };
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(error(
                        "a second YAML document (`---`) in one file; put each document in its own file",
                    ));
                }
            }
            Event::Scalar(text, style, _, tag) => match self.begin(at) {
                Role::Key => self.key(text.into_owned(), at)?,
                Role::Value { .. } => {
                    let value = scalar(text, style, tag.as_deref())
                        .map_err(|problem| error(&problem.to_string()))?;
                    self.finish(value);
                }
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let Role::Value { node } = self.begin(at) else {
                    return Err(error("a mapping key must be plain text"));
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

/// A scalar's value under YAML 1.2's core schema: quoted and block scalars (and `!!str`)
/// are text; plain ones may be null, a boolean or a number.
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, ScalarError> {
    let is_str_tag = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || is_str_tag {
        return Ok(Value::String(text.into_owned()));
    }
    if text.is_empty() {
        // `key:` with nothing after it.
        return Ok(Value::Null);
    }
    scalar_to_json(Scalar::parse_from_cow(text))
}

/// A plain scalar JSON cannot hold.
#[derive(Debug, thiserror::Error)]
enum ScalarError {
    /// `.nan`, `.inf` and `-.inf`: YAML floats with no JSON number.
    #[error("the number {0} is not allowed here")]
    NotANumber(f64),
}

fn scalar_to_json(scalar: Scalar<'_>) -> Result<Value, ScalarError> {
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Number(i.into()),
        Scalar::FloatingPoint(f) => match Number::from_f64(f.into_inner()) {
            Some(n) => Value::Number(n),
            None => return Err(ScalarError::NotANumber(f.into_inner())),
        },
        Scalar::String(s) => Value::String(s.into_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(err.position.line, 2);
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(
            err.message.contains("second YAML document"),
            "{}",
            err.message
        );
        assert_eq!(parse("# only a comment\n").unwrap(), None);
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
}
