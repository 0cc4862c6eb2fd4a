//! YAML text → a JSON value plus the position of every node, keyed by JSON pointer.
//!
//! saphyr is a YAML 1.2 parser (so `no` stays a string) that marks every node with its
//! position. Converting to `serde_json::Value` lets one value feed both the JSON Schema
//! validator and serde, and their JSON-pointer paths map back to `line:column` here.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, ScalarStyle, YamlData};
use serde_json::{Map, Number, Value};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Where a node sits: its value and, for a mapping entry, its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePosition {
    pub key: Option<Position>,
    pub value: Position,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// Positions by JSON pointer (`""` is the root, `/customers/0/name` a field).
    pub positions: HashMap<String, NodePosition>,
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
                None => {
                    return NodePosition {
                        key: None,
                        value: Position { line: 1, column: 1 },
                    };
                }
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
    let docs = MarkedYaml::load_from_str(text).map_err(|e| YamlError {
        position: Position {
            line: e.marker().line(),
            column: e.marker().col() + 1,
        },
        message: format!("YAML syntax error: {}", e.info()),
    })?;
    let mut docs = docs.into_iter();
    let Some(first) = docs.next() else {
        return Ok(None);
    };
    if let Some(second) = docs.next() {
        return Err(YamlError {
            position: position_of(&second),
            message:
                "a second YAML document (`---`) in one file; put each document in its own file"
                    .into(),
        });
    }
    let mut positions = HashMap::new();
    let mut pointer = String::new();
    let value = convert(&first, &mut pointer, None, &mut positions)?;
    Ok(Some(Parsed { value, positions }))
}

fn position_of(node: &MarkedYaml<'_>) -> Position {
    Position {
        line: node.span.start.line(),
        column: node.span.start.col() + 1,
    }
}

fn convert(
    node: &MarkedYaml<'_>,
    pointer: &mut String,
    key: Option<Position>,
    positions: &mut HashMap<String, NodePosition>,
) -> Result<Value, YamlError> {
    let here = position_of(node);
    positions.insert(pointer.clone(), NodePosition { key, value: here });
    let error = |message: String| YamlError {
        position: here,
        message,
    };
    Ok(match &node.data {
        YamlData::Value(scalar) => scalar_to_json(scalar).map_err(error)?,
        YamlData::Representation(text, style, _) => {
            let scalar = if *style == ScalarStyle::Plain {
                Scalar::parse_from_cow(Cow::Borrowed(text.as_ref()))
            } else {
                Scalar::String(Cow::Borrowed(text.as_ref()))
            };
            scalar_to_json(&scalar).map_err(error)?
        }
        YamlData::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                out.push(convert(item, pointer, None, positions)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        YamlData::Mapping(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                let key_pos = position_of(k);
                let name = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Representation(s, _, _) => s.to_string(),
                    YamlData::Value(other) => scalar_text(other),
                    _ => {
                        return Err(YamlError {
                            position: key_pos,
                            message: "a mapping key must be plain text".into(),
                        });
                    }
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                let value = convert(v, pointer, Some(key_pos), positions)?;
                pointer.truncate(len);
                out.insert(name, value);
            }
            Value::Object(out)
        }
        YamlData::Tagged(_, inner) => convert(inner, pointer, key, positions)?,
        YamlData::Alias(_) => {
            return Err(error(
                "YAML aliases (`*name`) are not supported; write the value out".into(),
            ));
        }
        YamlData::BadValue => return Err(error("a value YAML cannot read".into())),
    })
}

fn scalar_to_json(scalar: &Scalar<'_>) -> Result<Value, String> {
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => match Number::from_f64(f.into_inner()) {
            Some(n) => Value::Number(n),
            None => return Err(format!("the number {} is not allowed here", f.into_inner())),
        },
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

fn scalar_text(scalar: &Scalar<'_>) -> String {
    match scalar {
        Scalar::Null => "null".into(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::String(s) => s.to_string(),
    }
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
    fn duplicate_keys_are_errors() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.position.line, 2, "{err:?}");
    }
}
