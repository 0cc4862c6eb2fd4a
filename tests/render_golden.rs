//! The three renderings of one rich plan against golden files (`UPDATE_GOLDEN=1` rewrites
//! them), the Markdown size limit, colour, and that a sensitive field shows only its
//! variable's name.

mod plan_fixtures;

use std::ffi::OsStr;
use std::path::Path;

use plan_fixtures::*;
use serde_json::{Value, json};
use voss_customers::model::LiveState;
use voss_customers::plan::{self, Action, Change, FieldChange, Plan, safety};
use voss_customers::render;

const LONG_BEFORE: &str = "Globex is a multinational conglomerate.\nIt runs the east coast plants.\nBilling goes through the Springfield office.\n";
const LONG_AFTER: &str = "Globex is a multinational conglomerate.\nIt runs the east and west coast plants.\nBilling goes through the Springfield office.\n";

/// A plan with every action, a blocked change of each kind, a follow-up, warnings (one a
/// rename hint), a refusal, a long text diff and a sensitive field.
fn rich_plan() -> Plan {
    let d = desired(
        vec![
            with(R1, "Acme Corp", |c| {
                c.description = Some("Flagship account".into());
                c.domain = Some("acme.example.com".into());
                c.deal_ids = ids(&["D-100", "D-200"]);
                c.prime_collaboration = Some(Some("PC-East".into()));
                c.local_admin = admin("CustomerAdminTemplate", "ACME_ADMIN_PASSWORD");
            }),
            with(R1, "Globex", |c| {
                c.description = Some(LONG_AFTER.into());
                c.domain = Some("globex.com".into());
                c.number_management = Some(true);
                c.local_admin = admin("CustomerAdminTemplate", "GLOBEX_PW");
            }),
            with(P, "Legacy Co", |c| {
                c.description = Some("Migrated from HCM-F".into())
            }),
            with(R1, "Initech", |c| {
                c.renamed_from = Some("Initrode".into());
                c.prime_collaboration = Some(None);
            }),
            with("sys.hcs.CS-P.CS-R9", "Nowhere Inc", |c| {
                c.local_admin = admin("CustomerAdminTemplate", "NOWHERE_PW")
            }),
            with(R1, "Crown Jewel", |c| {
                c.state = voss_customers::model::State::Absent;
                c.protect = true;
            }),
        ],
        &[(R1, true)],
    );
    let l = LiveState {
        hcmf_customers: vec![live_with(
            "sys.hcs",
            "Legacy Co",
            "5f0000000000000000000003",
            |l| l.description = "synced from HCM-F".into(),
        )],
        missing_nodes: set(&["sys.hcs.CS-P.CS-R9"]),
        prime_collaboration: Some(set(&["PC-East", "PC-West"])),
        dependents: [("5f0000000000000000000006".to_string(), deps(1, 0, 12, 1, 2))].into(),
        ..state(vec![
            live_with(R1, "Globex", "5f0000000000000000000002", |l| {
                l.description = LONG_BEFORE.into();
                l.domain = "globex.example".into();
                l.number_management = false;
            }),
            live_with(R1, "Initrode", "5f0000000000000000000004", |l| {
                l.prime_collaboration = Some("PC-West".into())
            }),
            live(R1, "Crown Jewel", "5f0000000000000000000005"),
            live(R1, "Stray Co", "5f0000000000000000000006"),
        ])
    };
    // Two deletes where one is allowed: apply would refuse it, and every format says so.
    safety::with_refusals(plan::diff(&d, &l, "https://voss.example.com"), &l, 1)
}

/// Compares with (or, with `UPDATE_GOLDEN=1`, rewrites) `tests/golden/NAME`.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to write it",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "{} differs; if the change is intended, run with UPDATE_GOLDEN=1",
        path.display()
    );
}

/// The golden plan carries the crate version; pin it so a version bump does not churn.
fn pinned(mut plan: Plan) -> Plan {
    plan.tool_version = "0.0.0-golden".into();
    plan
}

#[test]
fn text_golden() {
    golden("plan.txt", &render::text(&pinned(rich_plan()), false));
}

#[test]
fn markdown_golden() {
    golden("plan.md", &render::markdown(&pinned(rich_plan())));
}

#[test]
fn json_golden_is_the_plan_itself() {
    let plan = pinned(rich_plan());
    let json = render::json(&plan);
    golden("plan.json", &json);
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn json_has_the_contract_keys() {
    let doc: Value = serde_json::from_str(&render::json(&rich_plan())).unwrap();
    for key in [
        "format_version",
        "tool_version",
        "target",
        "desired_digest",
        "changes",
        "summary",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    for key in [
        "action",
        "hierarchy",
        "name",
        "fields",
        "blocked",
        "follow_up",
        "live_fingerprint",
    ] {
        assert!(
            doc["changes"][0].get(key).is_some(),
            "missing changes[].{key}"
        );
    }
    for key in [
        "create",
        "update",
        "migrate",
        "rename",
        "delete",
        "blocked",
        "unchanged",
    ] {
        assert!(doc["summary"].get(key).is_some(), "missing summary.{key}");
    }
}

#[test]
fn colour_only_when_asked() {
    let plan = rich_plan();
    assert!(!render::text(&plan, false).contains('\x1b'));
    let coloured = render::text(&plan, true);
    assert!(coloured.contains("\x1b[32m+ create\x1b[0m"), "{coloured}");
    assert!(coloured.contains("\x1b[1;31mblocked:\x1b[0m"), "{coloured}");
}

#[test]
fn color_wanted_honours_terminal_and_no_color() {
    assert!(render::color_wanted(true, None));
    assert!(!render::color_wanted(false, None));
    assert!(!render::color_wanted(true, Some(OsStr::new("1"))));
    assert!(render::color_wanted(true, Some(OsStr::new(""))));
}

#[test]
fn an_empty_plan_says_so() {
    let d = desired(vec![cust(R1, "Same")], &[(R1, true)]);
    let plan = plan::diff(&d, &state(vec![live(R1, "Same", "s1")]), "t");
    assert_eq!(
        render::text(&plan, false),
        "No changes. The live system matches the files.\n"
    );
    assert!(render::markdown(&plan).contains("No changes. The live system matches the files."));
}

/// A plan of many customers with long descriptions.
fn huge_plan(n: usize) -> Plan {
    let customers = (0..n)
        .map(|i| {
            with(R1, &format!("Customer {i:05}"), |c| {
                c.description = Some(format!("{} {i}", "A long description line. ".repeat(4)));
                c.deal_ids = ids(&["D-1", "D-2"]);
            })
        })
        .collect();
    plan::diff(
        &desired(customers, &[]),
        &state(vec![]),
        "https://voss.example.com",
    )
}

#[test]
fn a_huge_plan_fits_the_comment_limit_with_a_note() {
    let plan = huge_plan(2_000);
    let md = render::markdown(&plan);
    let chars = md.chars().count();
    assert!(chars <= 60_000, "{chars} characters");
    assert!(chars > 50_000, "cut far too early: {chars} characters");
    let shown = md.matches("<details>").count();
    assert_eq!(
        md.matches("</details>").count(),
        shown,
        "cut inside a section"
    );
    let note = format!(
        "… {} more changes not shown (the comment limit is 60,000 characters); run plan locally for all",
        2_000 - shown
    );
    assert!(md.contains(&note), "no note {note:?}");
    assert!(md.contains("| Create | 2000 |"));
}

#[test]
fn a_plan_that_fits_has_no_note() {
    let md = render::markdown(&huge_plan(10));
    assert_eq!(md.matches("<details>").count(), 10);
    assert!(!md.contains("not shown"));
}

#[test]
fn a_sensitive_field_shows_only_its_variable_name() {
    let secret = "hunter2-Sup3rSecret";
    let field = |before: Value, after: Value| FieldChange {
        field: voss_customers::model::Field::LocalAdminPasswordEnv,
        before,
        after,
        sensitive: true,
    };
    let change = |fields| Change {
        action: Action::Create,
        hierarchy: R1.into(),
        name: "Acme".into(),
        renamed_from: None,
        pkid: None,
        fields,
        blocked: vec![],
        follow_up: vec![],
        live_fingerprint: None,
        reason: None,
    };
    let mut plan = rich_plan();
    // A hand-edited plan file: a value where only a variable name belongs.
    plan.changes = vec![
        change(vec![field(json!(secret), json!("ACME_PW"))]),
        change(vec![field(Value::Null, json!(secret))]),
        change(vec![field(
            Value::Null,
            json!(format!(
                "{secret}\nwith lines and more than sixty characters of text"
            )),
        )]),
    ];
    let text = render::text(&plan, false);
    let md = render::markdown(&plan);
    for out in [&text, &md, &render::text(&plan, true)] {
        assert!(!out.contains("hunter2"), "{out}");
        assert!(
            out.contains("local_admin.password_env: (sensitive, from $ACME_PW)"),
            "{out}"
        );
        assert!(
            out.contains("local_admin.password_env: (sensitive)\n"),
            "{out}"
        );
    }
    let json = render::json(&plan);
    assert!(
        !json.contains(&format!("\"before\": \"{secret}\"")),
        "{json}"
    );

    // And the plans the diff makes: every output holds the name, never anything else.
    let real = rich_plan();
    for out in [
        render::text(&real, false),
        render::markdown(&real),
        render::json(&real),
    ] {
        assert!(out.contains("ACME_ADMIN_PASSWORD"));
    }
}

/// A plan whose only changes are blocked, and one with a change that can go ahead too.
fn blocked_plans() -> (Plan, Plan) {
    let l = LiveState {
        dependents: [("h1".to_string(), deps(0, 1, 3, 0, 1))].into(),
        ..state(vec![live(R1, "Hooli", "h1")])
    };
    let only = plan::diff(&desired(vec![absent(R1, "Hooli")], &[]), &l, "t");
    let mixed = plan::diff(
        &desired(vec![absent(R1, "Hooli"), cust(R2, "New Co")], &[]),
        &l,
        "t",
    );
    (only, mixed)
}

#[test]
fn a_refused_plan_says_so_in_every_format() {
    let plan = rich_plan();
    let sentence = "refusing to delete 2 customers: --max-deletes allows 1; check the files and \
                    scopes, and if the deletes are intended run again with --max-deletes 2";
    assert_eq!(plan.refusals, vec![sentence.to_owned()]);
    let text = render::text(&plan, false);
    assert!(
        text.contains(&format!(
            "Apply will refuse this plan (exit 3) and change nothing:\n  refused: {sentence}\n"
        )),
        "{text}"
    );
    let md = render::markdown(&plan);
    assert!(
        md.contains(&format!(
            "> **Apply will refuse this plan (exit 3) and change nothing:**\n>\n> - {sentence}\n"
        )),
        "{md}"
    );
    let doc: Value = serde_json::from_str(&render::json(&plan)).unwrap();
    assert_eq!(doc["refusals"], json!([sentence]));
}

#[test]
fn a_refusal_from_a_hostile_hierarchy_is_escaped() {
    let mut plan = rich_plan();
    plan.refusals = vec!["under sys.hcs.X\n::error file=a::b\u{1b}[2J".to_owned()];
    for out in [render::text(&plan, false), render::markdown(&plan)] {
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(!out.contains("\n::error"), "{out}");
    }
}

#[test]
fn only_blocked_changes_left_say_apply_changes_nothing_until_unblocked() {
    let (only, mixed) = blocked_plans();
    let note = "Only blocked changes are left: apply changes nothing, and running it again does \
                not converge until it is unblocked; its `blocked` reason says what unblocks it.";
    let text = render::text(&only, false);
    assert!(text.ends_with(&format!("1 blocked.\n{note}\n")), "{text}");
    assert!(render::markdown(&only).contains(note));

    let note = "Apply skips the 1 blocked change and makes the rest; it is left until \
                unblocked: its `blocked` reason says what unblocks it.";
    let text = render::text(&mixed, false);
    assert!(text.ends_with(&format!("1 blocked.\n{note}\n")), "{text}");
    assert!(render::markdown(&mixed).contains(note));

    let fine = plan::diff(&desired(vec![cust(R2, "New Co")], &[]), &state(vec![]), "t");
    let text = render::text(&fine, false);
    assert!(text.ends_with("0 to delete.\n"), "{text}");
}
