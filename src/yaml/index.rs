//! The position of every node of a parsed document, stored compactly in document order.
//!
//! A `HashMap` keyed by JSON pointer ([`super::Parsed::positions`]) costs one heap
//! string per node and a table far larger than the file: for 10,000 customers that is
//! 130,000 allocations and a 16 MB table touched at random, which made loading grow
//! faster than the file (see the `bench_validate` example). Here every node is one entry
//! of a flat vector, its children a contiguous run of edges (in index order for a list,
//! sorted by key for a mapping), and key names one shared string: a pointer is looked up
//! by walking its segments.

use std::collections::HashMap;
use std::ops::Range;

use super::position::NodePosition;

/// Positions of a document's nodes; node 0 is the root.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PositionIndex {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Every mapping key, one after the other; an [`Edge`] holds its byte range.
    names: String,
    /// Edges of the containers still open, innermost last.
    pending: Vec<Edge>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    at: NodePosition,
    /// Its children: `edges[first..first + len]`.
    first: usize,
    len: usize,
    mapping: bool,
}

/// A child of a container: its node and, in a mapping, the range of its key in `names`.
#[derive(Debug, Clone, PartialEq)]
struct Edge {
    name: Range<usize>,
    node: usize,
}

/// A container being filled: its node and where its edges start in `pending`.
#[derive(Debug, Clone, Copy)]
pub struct Open {
    node: usize,
    pending_from: usize,
}

impl PositionIndex {
    /// Stores a mapping key's text, for the node that follows it.
    pub fn key(&mut self, name: &str) -> Range<usize> {
        let start = self.names.len();
        self.names.push_str(name);
        start..self.names.len()
    }

    /// Records a node at `at`: the root, an item of the innermost open list (`key` is
    /// `None`) or the value of the key `key` (from [`Self::key`]) of the innermost open
    /// mapping.
    pub fn node(&mut self, at: NodePosition, key: Option<Range<usize>>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            at,
            first: 0,
            len: 0,
            mapping: false,
        });
        if id > 0 {
            self.pending.push(Edge {
                name: key.unwrap_or(0..0),
                node: id,
            });
        }
        id
    }

    /// Opens the container just recorded as `node`.
    pub fn open(&mut self, node: usize, mapping: bool) -> Open {
        if let Some(n) = self.nodes.get_mut(node) {
            n.mapping = mapping;
        }
        Open {
            node,
            pending_from: self.pending.len(),
        }
    }

    /// Closes a container: its children become one run of edges.
    pub fn close(&mut self, open: Open) {
        let first = self.edges.len();
        let children = self.pending.drain(open.pending_from..);
        self.edges.extend(children);
        let Some(node) = self.nodes.get_mut(open.node) else {
            return;
        };
        node.first = first;
        node.len = self.edges.len() - first;
        if node.mapping {
            // Bytes order is UTF-8 text order, without a char-boundary check per compare.
            let names = self.names.as_bytes();
            self.edges[first..]
                .sort_unstable_by(|a, b| names[a.name.clone()].cmp(&names[b.name.clone()]));
        }
    }

    /// The position of the node at `pointer`, or of its nearest ancestor; `None` for a
    /// pointer that is neither `""` nor starts with `/`, or an empty index.
    pub fn get(&self, pointer: &str) -> Option<NodePosition> {
        self.walk(pointer).map(|(node, _)| node.at)
    }

    /// [`Self::get`] of `{base}/{key}` for each of `keys` (each one pointer segment,
    /// escaped as in a pointer), walking `base` once and formatting no pointer: what loading reads of
    /// every customer item. `None` as for [`Self::get`] of `base`.
    pub fn get_in<const N: usize>(&self, base: &str, keys: [&str; N]) -> Option<[NodePosition; N]> {
        let (node, whole) = self.walk(base)?;
        Some(keys.map(|key| {
            let child = if whole { self.child(node, key) } else { None };
            child.unwrap_or(node).at
        }))
    }

    /// The node at `pointer` or its nearest ancestor, and whether it is the node itself.
    fn walk(&self, pointer: &str) -> Option<(&Node, bool)> {
        let mut node = self.nodes.first()?;
        if pointer.is_empty() {
            return Some((node, true));
        }
        let rest = pointer.strip_prefix('/')?;
        for segment in rest.split('/') {
            match self.child(node, segment) {
                Some(child) => node = child,
                None => return Some((node, false)),
            }
        }
        Some((node, true))
    }

    fn child(&self, node: &Node, segment: &str) -> Option<&Node> {
        let edges = self.edges.get(node.first..node.first + node.len)?;
        let edge = if node.mapping {
            let name = unescape(segment)?;
            let found = edges
                .binary_search_by(|e| self.names.as_bytes()[e.name.clone()].cmp(name.as_bytes()))
                .ok()?;
            &edges[found]
        } else {
            edges.get(index(segment)?)?
        };
        self.nodes.get(edge.node)
    }

    /// The pointers of the mapping keys whose name `matches`, anywhere, in document-value
    /// order (keys sorted, items by index); nothing below a matching key is searched.
    /// Reads only the shared key text, not the value tree.
    pub fn keys_where(&self, matches: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut found = Vec::new();
        // Most documents have no such key: one pass over the edges (an item's name is
        // empty) shows it without building a path per node.
        let any = self
            .edges
            .iter()
            .any(|edge| matches(&self.names[edge.name.clone()]));
        if any && !self.nodes.is_empty() {
            self.search(0, matches, &mut Vec::new(), &mut found);
        }
        found
    }

    fn search<'a>(
        &'a self,
        id: usize,
        matches: &dyn Fn(&str) -> bool,
        path: &mut Vec<Segment<'a>>,
        found: &mut Vec<String>,
    ) {
        let node = self.nodes[id];
        for (i, edge) in self.edges[node.first..node.first + node.len]
            .iter()
            .enumerate()
        {
            if node.mapping {
                let name = &self.names[edge.name.clone()];
                path.push(Segment::Key(name));
                if matches(name) {
                    found.push(pointer(path));
                } else {
                    self.search(edge.node, matches, path, found);
                }
            } else {
                path.push(Segment::Index(i));
                self.search(edge.node, matches, path, found);
            }
            path.pop();
        }
    }

    /// Every node's position keyed by its JSON pointer, as [`super::Parsed`] holds them.
    pub fn to_map(&self) -> HashMap<String, NodePosition> {
        let mut map = HashMap::with_capacity(self.nodes.len());
        if !self.nodes.is_empty() {
            self.fill(0, &mut String::new(), &mut map);
        }
        map
    }

    fn fill(&self, id: usize, pointer: &mut String, map: &mut HashMap<String, NodePosition>) {
        let node = self.nodes[id];
        map.insert(pointer.clone(), node.at);
        let length = pointer.len();
        for (i, edge) in self.edges[node.first..node.first + node.len]
            .iter()
            .enumerate()
        {
            pointer.push('/');
            if node.mapping {
                let name = &self.names[edge.name.clone()];
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            } else {
                pointer.push_str(&i.to_string());
            }
            self.fill(edge.node, pointer, map);
            pointer.truncate(length);
        }
    }
}

/// One step of a JSON pointer.
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of a path of segments.
pub fn pointer(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Segment::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// A pointer segment as a list index: decimal without leading zeros, as pointers are written.
fn index(segment: &str) -> Option<usize> {
    let canonical = segment == "0"
        || (!segment.is_empty()
            && !segment.starts_with('0')
            && segment.bytes().all(|b| b.is_ascii_digit()));
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

/// A pointer segment as a key (`~1` is `/`, `~0` is `~`); `None` if it is not how the
/// key would be written (`~2`, ...).
fn unescape(segment: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !segment.contains('~') {
        return Some(segment.into());
    }
    let name = segment.replace("~1", "/").replace("~0", "~");
    let written = name.replace('~', "~0").replace('/', "~1");
    (written == segment).then_some(name.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Position;

    fn at(line: usize, column: usize) -> NodePosition {
        NodePosition {
            key: None,
            value: Position { line, column },
        }
    }

    #[test]
    fn finds_nodes_and_falls_back_to_the_nearest_ancestor() {
        // {b: [x], "a/~": y}
        let mut index = PositionIndex::default();
        let root = index.node(at(1, 1), None);
        let map = index.open(root, true);
        let b = index.key("b");
        let list = index.node(at(1, 5), Some(b));
        let items = index.open(list, false);
        index.node(at(1, 6), None);
        index.close(items);
        let a = index.key("a/~");
        index.node(at(2, 9), Some(a));
        index.close(map);

        assert_eq!(index.get(""), Some(at(1, 1)));
        assert_eq!(index.get("/b/0"), Some(at(1, 6)));
        assert_eq!(index.get("/a~1~0"), Some(at(2, 9)));
        assert_eq!(index.get("/b/00"), Some(at(1, 5)));
        assert_eq!(index.get("/b/1/x"), Some(at(1, 5)));
        assert_eq!(index.get("/a~1~2"), Some(at(1, 1)));
        assert_eq!(index.get("b"), None);
        // Each key as `get` of the whole pointer, the missing one at its parent.
        assert_eq!(index.get_in("/b", ["0", "1"]), Some([at(1, 6), at(1, 5)]));
        assert_eq!(index.get_in("", ["a~1~0", "c"]), Some([at(2, 9), at(1, 1)]));
        assert_eq!(index.get_in("/c", ["b"]), Some([at(1, 1)]));
        assert_eq!(index.get_in("b", ["b"]), None);
        assert_eq!(index.keys_where(&|k| k.starts_with('a')), ["/a~1~0"]);
        assert_eq!(index.keys_where(&|k| k == "b"), ["/b"]);
        let map = index.to_map();
        assert_eq!(map.len(), 4);
        assert_eq!(map["/a~1~0"], at(2, 9));
        assert_eq!(map["/b/0"], at(1, 6));
    }
}
