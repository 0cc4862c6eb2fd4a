//! JSON pointers into a parsed document, from the paths serde reports.

/// A `serde_path_to_error` path → the JSON pointer of the same place (`/customers/0/name`),
/// for looking its position up.
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            // A variant's name is not a key of the document (unit variants are texts).
            Segment::Enum { .. } | Segment::Unknown => String::new(),
        })
        .collect()
}
