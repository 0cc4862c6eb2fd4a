use std::path::Path;

use serde_json::json;

use super::*;
use crate::model::LiveCustomer;

/// Loads `files` (name, text) from a temporary directory: the desired state and the texts.
fn load(dir: &Path, files: &[(&str, &str)]) -> (Desired, Texts) {
    let mut texts = Texts::new();
    let mut paths = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        texts.insert(path.clone(), (*text).to_owned());
        paths.push(path);
    }
    let desired = crate::desired::load_reporting(&paths).desired.unwrap();
    (desired, texts)
}

fn live(hierarchy: &str, name: &str) -> LiveCustomer {
    LiveCustomer::with_defaults(&format!("{name:0>24}"), hierarchy, name)
}

fn state(customers: Vec<LiveCustomer>) -> LiveState {
    LiveState {
        customers,
        ..LiveState::default()
    }
}

const ACME: &str = "\
# Customers of reseller R1.
customers:
  # The flagship.
  - name: Acme            # do not rename
    hierarchy: sys.hcs.P.R1
    description: 'Flagship account'   # shown in VOSS
    domain: acme.example
    deal_ids: [D-100, D-200]  # HLM
    public_sector: false
    local_admin: {cloned_role: CustomerAdminTemplate, password_env: ACME_ADMIN_PASSWORD}
  - name: Bolt
    hierarchy: sys.hcs.P.R1
    deal_ids:
      - D-1
    prime_collaboration: PC-East
scopes:
  - hierarchy: sys.hcs.P.R1
    prune: false
";

fn acme_live() -> (LiveCustomer, LiveCustomer) {
    let mut acme = live("sys.hcs.P.R1", "Acme");
    acme.description = "Flagship account".into();
    acme.domain = "acme.example".into();
    acme.deal_ids = vec!["D-100".into(), "D-200".into()];
    let mut bolt = live("sys.hcs.P.R1", "Bolt");
    bolt.deal_ids = vec!["D-1".into()];
    bolt.prime_collaboration = Some("PC-East".into());
    (acme, bolt)
}

#[test]
fn only_the_drifted_values_bytes_change() {
    let dir = tempfile::tempdir().unwrap();
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME)]);
    let (mut acme, mut bolt) = acme_live();
    acme.description = "it's NO: #1".into();
    acme.public_sector = true;
    acme.deal_ids = vec!["D-100".into(), "D-300".into()];
    acme.local_admin_role = Some("OtherRole".into());
    bolt.prime_collaboration = None;
    bolt.deal_ids = vec!["D-1".into(), "D-2".into()];
    let adoption = adopt(
        &texts,
        &desired,
        &state(vec![acme, bolt]),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(adoption.files.len(), 1);
    let after = &adoption.files[0].after;
    let expected = ACME
        .replace("'Flagship account'", "'it''s NO: #1'")
        .replace("[D-100, D-200]", "[D-100, D-300]")
        .replace("public_sector: false", "public_sector: true")
        .replace("prime_collaboration: PC-East", "prime_collaboration: null")
        .replace("      - D-1\n", "      - D-1\n      - D-2\n");
    assert_eq!(after, &expected);
    let fields: Vec<Vec<Field>> = adoption
        .updated
        .iter()
        .map(|u| u.fields.iter().map(|f| f.field).collect())
        .collect();
    assert_eq!(
        fields,
        [
            vec![Field::Description, Field::PublicSector, Field::DealIds],
            vec![Field::DealIds, Field::PrimeCollaboration]
        ]
    );
    assert!(
        adoption.not_adopted.is_empty(),
        "{:?}",
        adoption.not_adopted
    );
}

#[test]
fn nothing_drifted_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME)]);
    let (acme, bolt) = acme_live();
    let adoption = adopt(
        &texts,
        &desired,
        &state(vec![acme, bolt]),
        &Options::default(),
    )
    .unwrap();
    assert!(adoption.is_empty());
    assert!(adoption.updated.is_empty());
}

#[test]
fn an_emptied_domain_removes_the_key_and_filters_pick_customers() {
    let dir = tempfile::tempdir().unwrap();
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME)]);
    let (mut acme, mut bolt) = acme_live();
    acme.domain = String::new();
    bolt.description = "new".into();
    let options = Options {
        customers: vec!["Acme".into()],
        ..Options::default()
    };
    let adoption = adopt(&texts, &desired, &state(vec![acme, bolt]), &options).unwrap();
    assert_eq!(
        adoption.files[0].after,
        ACME.replace("    domain: acme.example\n", "")
    );
    assert_eq!(adoption.updated.len(), 1);
}

#[test]
fn undeclared_customers_go_to_the_file_owning_their_scope_and_missing_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let other = "customers:\n- name: Zed\n  hierarchy: sys.hcs.P.R1\n";
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME), ("b.yaml", other)]);
    let (acme, _) = acme_live();
    let mut newco = live("sys.hcs.P.R1", "1e3");
    newco.deal_ids = vec!["D-9".into(), "D-9".into()];
    newco.domain = "n.example".into();
    let aaa = live("sys.hcs.P.R1", "Aaa");
    let zed = live("sys.hcs.P.R1", "Zed");
    let adoption = adopt(
        &texts,
        &desired,
        &state(vec![acme.clone(), newco.clone(), aaa.clone(), zed.clone()]),
        &Options::default(),
    )
    .unwrap();
    let appended: Vec<(&str, &Path)> = adoption
        .appended
        .iter()
        .map(|a| (a.name.as_str(), a.file.as_path()))
        .collect();
    let a = dir.path().join("a.yaml");
    assert_eq!(appended, [("1e3", a.as_path()), ("Aaa", a.as_path())]);
    assert_eq!(adoption.files.len(), 1, "b.yaml is left as it is");
    let after = &adoption.files[0].after;
    assert!(after.starts_with(&ACME[..ACME.find("scopes:").unwrap()]));
    assert!(after.contains(
        "      - D-1\n    prime_collaboration: PC-East\n  - name: \"1e3\"\n    hierarchy: sys.hcs.P.R1\n    description: \"\"\n"
    ));
    assert!(after.contains("    domain: n.example\n"));
    // One flow list and one block list in the file: a tie is written flow.
    assert!(after.contains("    deal_ids: [D-9]\n"), "{after}");
    assert!(after.ends_with("scopes:\n  - hierarchy: sys.hcs.P.R1\n    prune: false\n"));
    // Bolt is declared and gone: reported, kept.
    assert_eq!(adoption.missing.len(), 1);
    assert!(!adoption.missing[0].removed);
    let value = crate::yaml::parse(after).unwrap().unwrap().value;
    assert_eq!(value["customers"][2]["deal_ids"], json!(["D-9"]));

    // --remove-missing removes Bolt's item (and nothing else).
    let options = Options {
        remove_missing: true,
        ..Options::default()
    };
    let adoption = adopt(&texts, &desired, &state(vec![acme, zed]), &options).unwrap();
    let start = ACME.find("  - name: Bolt").unwrap();
    let end = ACME.find("scopes:").unwrap();
    assert_eq!(
        adoption.files[0].after,
        format!("{}{}", &ACME[..start], &ACME[end..])
    );
    assert!(adoption.missing[0].removed);
}

#[test]
fn a_pending_rename_is_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    let text = "customers:\n  - name: New Name\n    hierarchy: sys.hcs.P\n    renamed_from: Old\n";
    let (desired, texts) = load(dir.path(), &[("a.yaml", text)]);
    let options = Options {
        remove_missing: true,
        ..Options::default()
    };
    let adoption = adopt(
        &texts,
        &desired,
        &state(vec![live("sys.hcs.P", "Old")]),
        &options,
    )
    .unwrap();
    assert!(adoption.is_empty());
    assert!(
        adoption.missing[0]
            .note
            .as_deref()
            .unwrap()
            .contains("pending rename")
    );
}

#[test]
fn into_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME)]);
    let (acme, bolt) = acme_live();
    let into = dir.path().join("new.yaml");
    let options = Options {
        into: Some(into.clone()),
        ..Options::default()
    };
    let adoption = adopt(
        &texts,
        &desired,
        &state(vec![acme, bolt, live("sys.hcs.P.R1", "Cyd")]),
        &options,
    )
    .unwrap();
    assert_eq!(adoption.files.len(), 1);
    assert!(adoption.files[0].created);
    assert_eq!(adoption.files[0].path, into);
    assert!(
        adoption.files[0]
            .after
            .starts_with("customers:\n  - name: Cyd\n    hierarchy: sys.hcs.P.R1\n")
    );
}

#[test]
fn hierarchy_filters_ignore_ascii_case_and_a_filter_matching_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (desired, texts) = load(dir.path(), &[("a.yaml", ACME)]);
    let (acme, mut bolt) = acme_live();
    bolt.deal_ids = vec!["D-1".into(), "D-2".into()];
    let live = state(vec![acme, bolt]);
    let lower = Options {
        hierarchies: vec!["SYS.hcs.p.r1".into()],
        ..Options::default()
    };
    let adoption = adopt(&texts, &desired, &live, &lower).unwrap();
    assert_eq!(adoption.updated.len(), 1, "Bolt's deal_ids are adopted");
    for (options, named) in [
        (
            Options {
                customers: vec!["Acmee".into()],
                ..Options::default()
            },
            "--customer Acmee",
        ),
        (
            Options {
                hierarchies: vec!["sys.hcs.P.R9".into()],
                ..Options::default()
            },
            "--hierarchy sys.hcs.P.R9",
        ),
    ] {
        let error = adopt(&texts, &desired, &live, &options).unwrap_err();
        assert!(
            matches!(&error, AdoptError::UnknownFilter { filter } if filter == named),
            "{error}"
        );
        assert!(error.to_string().starts_with(named), "{error}");
    }
    // No filter, and no customer anywhere: nothing to adopt, not an error.
    let (desired, texts) = load(dir.path(), &[("b.yaml", "scopes: []\n")]);
    let adoption = adopt(&texts, &desired, &state(vec![]), &Options::default()).unwrap();
    assert!(adoption.is_empty());
}

/// The reviewer's layouts (issue 16): a multi-line flow list with a comment per item, an
/// empty block scalar, and a `|`/`>` inside the comment before a block scalar's header.
#[test]
fn comments_in_flow_lists_and_block_scalar_headers_survive() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\
customers:
  - name: Wayne
    hierarchy: sys.hcs.P.R1
    extended_name: |
    description: # a | b
      >
        Wayne
    deal_ids: [A,  # a
      B,  # b
      C]  # c
";
    let (desired, texts) = load(dir.path(), &[("a.yaml", text)]);
    let mut wayne = live("sys.hcs.P.R1", "Wayne");
    wayne.extended_name = "WAYNE-ENT".into();
    wayne.description = "Bruce".into();
    wayne.deal_ids = vec!["A".into(), "B".into(), "D".into()];
    let adoption = adopt(&texts, &desired, &state(vec![wayne]), &Options::default()).unwrap();
    assert!(
        adoption.not_adopted.is_empty(),
        "{:?}",
        adoption.not_adopted
    );
    assert_eq!(
        adoption.files[0].after,
        "\
customers:
  - name: Wayne
    hierarchy: sys.hcs.P.R1
    extended_name: WAYNE-ENT
    description: # a | b
      |-
        Bruce
    deal_ids: [A,  # a
      B,  # b
      D]  # c
"
    );
}
