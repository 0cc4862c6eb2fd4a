//! Drift detection: managed fields changed live, declared customers missing, absent ones
//! still live, and undeclared customers in owned scopes.

mod plan_fixtures;

use plan_fixtures::*;
use serde_json::json;
use voss_customers::model::LiveState;
use voss_customers::plan::{self, CustomerRef, DriftedField};
use voss_customers::render;

fn world() -> (voss_customers::model::Desired, LiveState) {
    let d = desired(
        vec![
            with(R1, "Globex", |c| {
                c.domain = Some("globex.example".into());
                c.deal_ids = ids(&["D-2", "D-1"]);
                c.public_sector = Some(true);
            }),
            cust(R1, "Missing Co"),
            absent(R1, "Old Co"),
            with(R2, "Initech", |c| c.renamed_from = Some("Initrode".into())),
            with(R2, "Quiet", |c| c.description = Some("same".into())),
        ],
        &[(R1, true), (R2, false)],
    );
    let l = state(vec![
        live_with(R1, "Globex", "g1", |l| {
            l.domain = "GLOBEX.example".into();
            l.deal_ids = vec!["D-1".into(), "D-2".into()];
            l.public_sector = false;
            l.description = "unmanaged, may change".into();
        }),
        live(R1, "Old Co", "o1"),
        live(R1, "Stray", "s1"),
        live(R2, "Initrode", "i1"),
        live(R2, "Walk-in", "w1"),
        live_with(R2, "Quiet", "q1", |l| l.description = "same".into()),
        live(P, "Unowned", "u1"),
    ]);
    (d, l)
}

fn r(h: &str, n: &str, pkid: Option<&str>) -> CustomerRef {
    CustomerRef {
        hierarchy: h.into(),
        name: n.into(),
        pkid: pkid.map(str::to_owned),
    }
}

#[test]
fn drift_lists_what_changed_outside_the_files() {
    let (d, l) = world();
    let drift = plan::drift(&d, &l);
    assert_eq!(drift.changed.len(), 1);
    assert_eq!(drift.changed[0].name, "Globex");
    assert_eq!(
        drift.changed[0].fields,
        vec![DriftedField {
            field: voss_customers::model::Field::PublicSector,
            file: json!(true),
            live: json!(false),
        }]
    );
    assert_eq!(
        drift.missing,
        vec![r(R1, "Missing Co", None), r(R2, "Initech", None)]
    );
    assert_eq!(drift.absent_but_live, vec![r(R1, "Old Co", Some("o1"))]);
    assert_eq!(
        drift.undeclared,
        vec![r(R1, "Stray", Some("s1")), r(R2, "Walk-in", Some("w1"))]
    );
    assert!(!drift.is_empty());
}

#[test]
fn no_drift_when_live_matches() {
    let d = desired(
        vec![with(R1, "Globex", |c| c.domain = Some("g.example".into()))],
        &[(R1, true)],
    );
    let l = state(vec![live_with(R1, "Globex", "g1", |l| {
        l.domain = "G.example".into()
    })]);
    let drift = plan::drift(&d, &l);
    assert!(drift.is_empty());
    assert_eq!(
        render::drift_text(&drift, false),
        format!("{}\n", render::NO_DRIFT)
    );
    assert!(render::drift_markdown(&drift).contains(render::NO_DRIFT));
}

#[test]
fn drift_renders_in_every_format() {
    let (d, l) = world();
    let drift = plan::drift(&d, &l);
    let text = render::drift_text(&drift, false);
    assert!(
        text.contains("~ \"Globex\" at sys.hcs.CS-P.CS-R1: changed live"),
        "{text}"
    );
    assert!(
        text.contains("    public_sector: file true, live false"),
        "{text}"
    );
    assert!(
        text.contains("? \"Missing Co\" at sys.hcs.CS-P.CS-R1: declared, missing live"),
        "{text}"
    );
    assert!(
        text.contains("+ \"Walk-in\" at sys.hcs.CS-P.CS-R2: live, declared in no file"),
        "{text}"
    );
    assert!(
        text.ends_with("Drift: 1 customer changed, 2 missing, 1 absent but live, 2 undeclared.\n"),
        "{text}"
    );
    assert!(!text.contains('\x1b'));
    assert!(render::drift_text(&drift, true).contains("\x1b[33m~\x1b[0m"));

    let md = render::drift_markdown(&drift);
    assert!(
        md.contains("| Globex at `sys.hcs.CS-P.CS-R1` | `public_sector` | true | false |"),
        "{md}"
    );
    assert!(
        md.contains("### Live, declared in no file\n\n- Stray at `sys.hcs.CS-P.CS-R1`"),
        "{md}"
    );

    let json: serde_json::Value = serde_json::from_str(&render::drift_json(&drift)).unwrap();
    assert_eq!(json["changed"][0]["fields"][0]["field"], "public_sector");
    assert_eq!(json["undeclared"][1]["name"], "Walk-in");
    assert_eq!(json["missing"][0].get("pkid"), None);
}
