use serde_json::{Value, json};

use super::*;
use crate::yaml::{parse, spans};

fn value_of(text: &str) -> Value {
    parse(text).unwrap().unwrap().value
}

/// `text` with the value at `pointer` set to `new`; checks that it reads back so.
fn set(text: &str, pointer: &str, new: Value) -> String {
    let before = value_of(text);
    let old = before.pointer(pointer).unwrap().clone();
    let spans = spans(text).unwrap();
    let edits = set_value(text, &spans, pointer, &old, &new).unwrap();
    let out = apply(text, &edits).unwrap();
    let mut expected = before;
    let want = match (&old, &new) {
        (Value::Array(o), Value::Array(n)) => {
            let o: Vec<&str> = o.iter().filter_map(Value::as_str).collect();
            let n: Vec<&str> = n.iter().filter_map(Value::as_str).collect();
            json!(list_result(&o, &n))
        }
        _ => new,
    };
    *expected.pointer_mut(pointer).unwrap() = want;
    assert_eq!(value_of(&out), expected, "reads back:\n{out}");
    out
}

#[test]
fn scalars_keep_their_style_where_the_new_text_allows_it() {
    let table: &[(&str, &str, Value, &str)] = &[
        // plain stays plain; comments and spacing around stay
        (
            "a: old   # note\nb: 1\n",
            "/a",
            json!("new"),
            "a: new   # note\nb: 1\n",
        ),
        // plain → quoted exactly when YAML would misread the new text
        ("a: x\n", "/a", json!("NO"), "a: \"NO\"\n"),
        ("a: x\n", "/a", json!("yes"), "a: \"yes\"\n"),
        ("a: x\n", "/a", json!("1e3"), "a: \"1e3\"\n"),
        ("a: x\n", "/a", json!("007"), "a: \"007\"\n"),
        ("a: x\n", "/a", json!("a: b"), "a: \"a: b\"\n"),
        ("a: x\n", "/a", json!("x #y"), "a: \"x #y\"\n"),
        ("a: x\n", "/a", json!("#x"), "a: \"#x\"\n"),
        ("a: x\n", "/a", json!(" lead"), "a: \" lead\"\n"),
        ("a: x\n", "/a", json!("trail "), "a: \"trail \"\n"),
        ("a: x\n", "/a", json!(""), "a: \"\"\n"),
        ("a: x\n", "/a", json!("null"), "a: \"null\"\n"),
        ("a: x\n", "/a", json!("Zürich – 東京"), "a: Zürich – 東京\n"),
        ("a: x\n", "/a", json!("D-100"), "a: D-100\n"),
        (
            "a: x\n",
            "/a",
            json!("123 Main Street"),
            "a: 123 Main Street\n",
        ),
        // double stays double, single stays single unless it needs an escape
        ("a: \"x\"\n", "/a", json!("plain"), "a: \"plain\"\n"),
        ("a: 'x'\n", "/a", json!("it's: #1"), "a: 'it''s: #1'\n"),
        ("a: 'x'\n", "/a", json!("tab\there"), "a: \"tab\\there\"\n"),
        // flags keep their letter case; null
        ("a: True\n", "/a", json!(false), "a: False\n"),
        ("a: FALSE\n", "/a", json!(true), "a: TRUE\n"),
        ("a: false\n", "/a", json!(true), "a: true\n"),
        ("a: PC-East\n", "/a", json!(null), "a: null\n"),
        ("a: ~\n", "/a", json!("PC-West"), "a: PC-West\n"),
        ("a: null\n", "/a", json!("PC West"), "a: PC West\n"),
        // an empty value (`key:`) gets one
        ("a:\nb: 1\n", "/a", json!("v"), "a: v\nb: 1\n"),
        ("a: \nb: 1\n", "/a", json!("v"), "a: v\nb: 1\n"),
        // in a flow mapping, flow indicators are quoted
        (
            "- {a: x, b: y}\n",
            "/0/a",
            json!("p, q"),
            "- {a: \"p, q\", b: y}\n",
        ),
        ("- {a: x, b: y}\n", "/0/b", json!("z"), "- {a: x, b: z}\n"),
        // CRLF stays
        ("a: x\r\nb: y\r\n", "/b", json!("z"), "a: x\r\nb: z\r\n"),
        // a multi-line plain or quoted scalar becomes one
        (
            "a: one\n  two\nb: 1\n",
            "/a",
            json!("three"),
            "a: three\nb: 1\n",
        ),
    ];
    for (text, pointer, new, expected) in table {
        assert_eq!(
            set(text, pointer, new.clone()),
            *expected,
            "{text:?} {pointer} {new}"
        );
    }
}

#[test]
fn block_scalars_stay_blocks_with_their_indentation_and_line_breaks() {
    let text = "a: |\r\n    one\r\n    two\r\n\r\nb: 1 # c\r\n";
    assert_eq!(
        set(text, "/a", json!("three\nfour\n")),
        "a: |\r\n    three\r\n    four\r\n\r\nb: 1 # c\r\n"
    );
    assert_eq!(
        set(text, "/a", json!("no break")),
        "a: |-\r\n    no break\r\n\r\nb: 1 # c\r\n"
    );
    // Text a block cannot hold is double-quoted.
    assert_eq!(
        set(text, "/a", json!("  indented\n")),
        "a: \"  indented\\n\"\r\n\r\nb: 1 # c\r\n"
    );
    // An empty block becomes a one-line value; a comment before the header stays.
    assert_eq!(
        set(
            "c:\n  - n: W\n    e: |\n  - n: X\n",
            "/c/0/e",
            json!("WAYNE-ENT")
        ),
        "c:\n  - n: W\n    e: WAYNE-ENT\n  - n: X\n"
    );
    assert_eq!(
        set("d: # a | b\n  >\n    Wayne\ne: 1\n", "/d", json!("Bruce")),
        "d: # a | b\n  |-\n    Bruce\ne: 1\n"
    );
    let folded = "a: >-\n  folded\n  text\nb: 1\n";
    assert_eq!(set(folded, "/a", json!("x\ny")), "a: |-\n  x\n  y\nb: 1\n");
}

#[test]
fn lists_keep_flow_or_block_style_and_change_only_what_moved() {
    let table: &[(&str, Value, &str)] = &[
        (
            "d: [D-1, D-2]  # ids\n",
            json!(["D-1", "D-3"]),
            "d: [D-1, D-3]  # ids\n",
        ),
        (
            "d: [D-1,D-2]\n",
            json!(["D-2", "D-1", "D-3"]),
            "d: [D-1,D-2,D-3]\n",
        ),
        ("d: [\"D-1\", 'D-2']\n", json!(["D-2"]), "d: ['D-2']\n"),
        ("d: []\n", json!(["D-1", "NO"]), "d: [D-1, \"NO\"]\n"),
        ("d: [D-1]\n", json!([]), "d: []\n"),
        (
            "d:\n  - D-1 # first\n  - D-2\n  - D-3\ne: 1\n",
            json!(["D-1", "D-3", "D-4", "D-5"]),
            "d:\n  - D-1 # first\n  - D-4\n  - D-3\n  - D-5\ne: 1\n",
        ),
        (
            "d:\r\n- D-1\r\n- D-2\r\ne: 1\r\n",
            json!(["D-2"]),
            "d:\r\n- D-2\r\ne: 1\r\n",
        ),
        ("d:\n  - D-1\n  - D-2\ne: 1\n", json!([]), "d: []\ne: 1\n"),
        (
            "d:   # ids\n  - D-1\ne: 1\n",
            json!([]),
            "d: []   # ids\ne: 1\n",
        ),
        (
            "d: [\n  D-1,\n  D-2,\n]\n",
            json!(["D-1", "D-2", "D-3"]),
            "d: [\n  D-1,\n  D-2,\n  D-3,\n]\n",
        ),
        // A multi-line flow list: each item keeps its own comment.
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!(["A", "B", "D"]),
            "d: [A,  # a\n      B,  # b\n      D]  # c\n",
        ),
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!(["A", "C"]),
            "d: [A,  # a\n      C]  # c\n",
        ),
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!(["A", "B"]),
            "d: [A,  # a\n      B  # b\n      ]  # c\n",
        ),
        (
            "d: [\n  A,  # a\n  B,  # b\n]\n",
            json!(["A"]),
            "d: [\n  A,  # a\n]\n",
        ),
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!(["B"]),
            "d: [B  # b\n      ]  # c\n",
        ),
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!(["A", "B", "C", "E"]),
            "d: [A,  # a\n      B,  # b\n      C,\n      E]  # c\n",
        ),
        (
            "d: [A,  # a\n      B,  # b\n      C]  # c\n",
            json!([]),
            "d: []  # c\n",
        ),
        ("d: [A, B, C, D]\n", json!(["C"]), "d: [C]\n"),
        ("d: [A, B, C]\n", json!(["A"]), "d: [A]\n"),
        ("d: [A, B,]\n", json!(["A"]), "d: [A, ]\n"),
        (
            "d: [\n  A,  # a\n  B,  # b\n  C,  # c\n]\n",
            json!(["A"]),
            "d: [\n  A,  # a\n]\n",
        ),
        (
            "d: [A,  # a\n   B,  # b\n   C,  # c\n   D]\n",
            json!(["A"]),
            "d: [A  # a\n   ]\n",
        ),
        ("d: [A, B, C, D]\n", json!(["A", "D"]), "d: [A, D]\n"),
        ("d: [A, B, C, D]\n", json!(["B"]), "d: [B]\n"),
    ];
    for (text, new, expected) in table {
        assert_eq!(set(text, "/d", new.clone()), *expected, "{text:?} {new}");
    }
}

fn remove(text: &str, pointer: &str) -> String {
    let spans = spans(text).unwrap();
    let edit = remove_entry(text, &spans, pointer).unwrap();
    apply(text, &[edit]).unwrap()
}

#[test]
fn entries_are_removed_with_their_lines() {
    let block =
        "c:\n  # Acme\n  - name: A\n    domain: a.example # d\n    x: 1\n  - name: B\n    x: 2\n";
    assert_eq!(
        remove(block, "/c/0/domain"),
        "c:\n  # Acme\n  - name: A\n    x: 1\n  - name: B\n    x: 2\n"
    );
    assert_eq!(
        remove(block, "/c/1"),
        "c:\n  # Acme\n  - name: A\n    domain: a.example # d\n    x: 1\n"
    );
    assert_eq!(
        remove(block, "/c/0"),
        "c:\n  # Acme\n  - name: B\n    x: 2\n"
    );
    assert_eq!(remove("c:\n  - name: A\nd: 1\n", "/c/0"), "c: []\nd: 1\n");
    assert_eq!(
        remove(
            "c:   # every customer of R2\r\n  - name: A\r\nd: 1\r\n",
            "/c/0"
        ),
        "c: []   # every customer of R2\r\nd: 1\r\n"
    );
    assert_eq!(
        remove("c: [{n: A}, {n: B}, {n: C}]\n", "/c/1"),
        "c: [{n: A}, {n: C}]\n"
    );
    assert_eq!(remove("c: [{n: A}, {n: B}]\n", "/c/0"), "c: [{n: B}]\n");
    assert_eq!(remove("- {n: A, d: x, e: 1}\n", "/0/d"), "- {n: A, e: 1}\n");
    assert_eq!(remove("- {n: A, d: x}\n", "/0/d"), "- {n: A}\n");
    // The first key of a block item shares the `- ` line: refused, not mangled.
    let spans = spans("- d: x\n  n: A\n").unwrap();
    assert!(remove_entry("- d: x\n  n: A\n", &spans, "/0/d").is_err());
}

fn append(text: &str, items: &[Item]) -> String {
    let spans = spans(text).unwrap();
    let edit = append_items(text, &spans, "customers", items).unwrap();
    let out = apply(text, &[edit]).unwrap();
    let mut expected = value_of(text);
    let list = expected
        .as_object_mut()
        .unwrap()
        .entry("customers")
        .or_insert(json!([]));
    for item in items {
        let map: serde_json::Map<String, Value> = item.iter().cloned().collect();
        list.as_array_mut().unwrap().push(Value::Object(map));
    }
    assert_eq!(value_of(&out), expected, "reads back:\n{out}");
    out
}

fn item(name: &str, deals: Value) -> Item {
    vec![
        ("name".to_owned(), json!(name)),
        ("hierarchy".to_owned(), json!("sys.hcs.P")),
        ("public_sector".to_owned(), json!(false)),
        ("deal_ids".to_owned(), deals),
    ]
}

#[test]
fn appended_items_follow_the_list_s_style() {
    // Block items, indented by four, nested lists in block style, CRLF.
    let text = "customers:\r\n    -   name: A # first\r\n        hierarchy: sys.hcs.P\r\n        deal_ids:\r\n          - D-1\r\nscopes: []\r\n";
    assert_eq!(
        append(text, &[item("NO", json!(["D-2"]))]),
        "customers:\r\n    -   name: A # first\r\n        hierarchy: sys.hcs.P\r\n        deal_ids:\r\n          - D-1\r\n    -   name: \"NO\"\r\n        hierarchy: sys.hcs.P\r\n        public_sector: false\r\n        deal_ids:\r\n          - D-2\r\nscopes: []\r\n"
    );
    // Double-quoted names: every text double-quoted; flow lists.
    let text = "customers:\n- name: \"A\"\n  deal_ids: []\n";
    assert_eq!(
        append(text, &[item("B", json!([]))]),
        "customers:\n- name: \"A\"\n  deal_ids: []\n- name: \"B\"\n  hierarchy: \"sys.hcs.P\"\n  public_sector: false\n  deal_ids: []\n"
    );
    // Flow items in a block list.
    let text = "customers:\n  - {name: A}\n";
    assert_eq!(
        append(text, &[item("B C", json!(["x"]))]),
        "customers:\n  - {name: A}\n  - {name: B C, hierarchy: sys.hcs.P, public_sector: false, deal_ids: [x]}\n"
    );
    // A flow list, one line, and one item per line.
    assert_eq!(
        append("customers: [{name: A}]\n", &[item("B", json!([]))]),
        "customers: [{name: A}, {name: B, hierarchy: sys.hcs.P, public_sector: false, deal_ids: []}]\n"
    );
    assert_eq!(
        append("customers: [\n  {name: A},\n]\n", &[item("B", json!([]))]),
        "customers: [\n  {name: A},\n  {name: B, hierarchy: sys.hcs.P, public_sector: false, deal_ids: []},\n]\n"
    );
    // `[]` and a missing key become block lists.
    assert_eq!(
        append(
            "customers: [] # none yet\nscopes: []\n",
            &[item("B", json!([]))]
        ),
        "customers:\n  - name: B\n    hierarchy: sys.hcs.P\n    public_sector: false\n    deal_ids: [] # none yet\nscopes: []\n"
    );
    assert_eq!(
        append("scopes:\n- hierarchy: sys.hcs.P", &[item("B", json!([]))]),
        "scopes:\n- hierarchy: sys.hcs.P\ncustomers:\n- name: B\n  hierarchy: sys.hcs.P\n  public_sector: false\n  deal_ids: []\n"
    );
}

#[test]
fn plain_safety_agrees_with_the_reader() {
    for text in [
        "NO",
        "no",
        "Y",
        "on",
        "1e3",
        "007",
        "0x1F",
        "1_000",
        "2024-01-01",
        "12:30",
        "+1",
        ".5",
        ".inf",
        "null",
        "~",
        "",
        " a",
        "a ",
        "a: b",
        "a #b",
        "#a",
        "-a",
        "- a",
        "[a]",
        "{a}",
        "*a",
        "&a",
        "!a",
        "%a",
        "@a",
        "`a",
        "'a'",
        "\"a\"",
        "a\nb",
        "a\tb",
        "a:",
    ] {
        assert!(!plain_safe(text, false), "{text:?} must be quoted");
    }
    for text in [
        "Acme Corp",
        "D-100",
        "sys.hcs.CS-P",
        "a:b",
        "a#b",
        "Zürich 東京",
        "x-1.5",
        "PC-East",
    ] {
        assert!(plain_safe(text, false), "{text:?} may stay plain");
    }
    assert!(!plain_safe("a,b", true));
    assert!(plain_safe("a,b", false));
}

#[test]
fn overlapping_edits_are_refused() {
    let edits = [
        Edit {
            range: 0..3,
            text: "x".into(),
        },
        Edit {
            range: 2..4,
            text: "y".into(),
        },
    ];
    assert!(apply("abcdef", &edits).is_err());
    assert_eq!(line_break("a\r\nb\n"), "\r\n");
    assert_eq!(line_break("a\nb\r\n"), "\n");
}

#[test]
fn blank_lines_between_items_are_kept_as_the_file_has_them() {
    let text = "c:\n  - n: A\n\n  - n: B\n\n  - n: C\n";
    assert_eq!(remove(text, "/c/0"), "c:\n  - n: B\n\n  - n: C\n");
    assert_eq!(remove(text, "/c/1"), "c:\n  - n: A\n\n  - n: C\n");
    assert_eq!(remove(text, "/c/2"), "c:\n  - n: A\n\n  - n: B\n");
    let spans = spans(text).unwrap();
    let edit = append_items(text, &spans, "c", &[vec![("n".to_owned(), json!("D"))]]).unwrap();
    assert_eq!(
        apply(text, &[edit]).unwrap(),
        "c:\n  - n: A\n\n  - n: B\n\n  - n: C\n\n  - n: D\n"
    );
}

/// Every tricky text, written over a value of every style and context, reads back as
/// itself, and nothing outside the value changes.
#[test]
fn every_tricky_text_reads_back_in_every_style_and_context() {
    let tricky = [
        "NO",
        "no",
        "Yes",
        "on",
        "OFF",
        "y",
        "1e3",
        "007",
        "0x1F",
        "1_000",
        "-1",
        "+1",
        ".5",
        "2024-01-01",
        "12:30",
        "null",
        "~",
        "true",
        "",
        " lead",
        "trail ",
        "a: b",
        "x #y",
        "#x",
        "- x",
        "-x",
        "? x",
        ": x",
        "[x]",
        "{x}",
        "x, y",
        "&a",
        "*b",
        "!tag",
        "%x",
        "@x",
        "`x",
        "'q'",
        "\"dq\"",
        "it's",
        "back\\slash",
        "tab\there",
        "line\nbreak",
        "two\n",
        "Zürich – 東京 🚀",
        "\u{7f}\u{85}\u{2028}",
        "|",
        ">",
        "x:",
        "a,b",
        "=",
        "<<",
    ];
    let contexts = [
        ("before: 1 # c\nk: plain\nafter: 2\n", "/k"),
        ("k: 'single'  # c\n", "/k"),
        ("k: \"double\"\r\nz: 1\r\n", "/k"),
        ("k: |\n  block\n  text\nz: 1\n", "/k"),
        ("k: >-\n  folded\nz: 1\n", "/k"),
        ("k:\nz: 1\n", "/k"),
        ("- {a: 1, k: x, z: 2}\n", "/0/k"),
        ("l: [a, x, c]\n", "/l/1"),
        ("l:\n  - a\n  - x # c\n", "/l/1"),
    ];
    for (text, pointer) in contexts {
        let spans = spans(text).unwrap();
        let span = spans.get(pointer).unwrap().bytes.clone();
        for new in tricky {
            let out = set(text, pointer, json!(new));
            // Outside the value's bytes, the text is the same (an empty `k:` gains a space).
            assert!(
                out.starts_with(&text[..span.start]),
                "{text:?} {new:?} {out:?}"
            );
            let tail = &text[span.end..];
            assert!(
                out.ends_with(tail) || span.is_empty(),
                "{text:?} {new:?} {out:?}"
            );
        }
    }
}
