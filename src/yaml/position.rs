//! Where a node of a YAML document sits: plain data shared by the reader and the index.

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
