//! The YAML reader is a leaf both `desired` and the simulator stand on: it imports nothing
//! else of the crate, its files import one another one way only, and the simulator reaches
//! into neither `desired` nor `ops`.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    found
}

fn src(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)
}

#[test]
fn the_yaml_module_uses_nothing_else_of_the_crate() {
    let files = sources(&src("yaml"));
    assert!(files.len() >= 3, "{files:?}");
    for (path, text) in &files {
        for line in text.lines().filter(|l| l.contains("crate::")) {
            assert!(
                line.contains("crate::yaml") || line.trim_start().starts_with("//"),
                "{}: {line}",
                path.display()
            );
        }
    }
}

#[test]
fn the_yaml_files_import_one_another_one_way() {
    // reader → index → position, never back.
    let read = |name: &str| std::fs::read_to_string(src("yaml").join(name)).unwrap();
    let position = read("position.rs");
    let index = read("index.rs");
    assert!(!position.contains("use super::"), "position.rs imports");
    assert!(
        !index.contains("super::reader") && !index.contains("crate::yaml::reader"),
        "index.rs imports the reader"
    );
}

#[test]
fn the_simulator_reaches_into_neither_desired_nor_ops() {
    for (path, text) in sources(&src("sim")) {
        for forbidden in ["crate::desired", "crate::ops"] {
            assert!(
                !text.contains(forbidden),
                "{} names {forbidden}",
                path.display()
            );
        }
    }
}
