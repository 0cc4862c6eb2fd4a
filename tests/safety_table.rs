//! The safety rules, table-tested on their own: plans made by the diff from small worlds.

mod plan_fixtures;

use plan_fixtures::*;
use voss_customers::model::{Desired, LiveState};
use voss_customers::plan::safety::StaleChange;
use voss_customers::plan::{self, Refusal, safety};

struct Case {
    name: &'static str,
    desired: Desired,
    live: LiveState,
    max_deletes: usize,
    expect: Result<(), Refusal>,
}

fn strays(hierarchy: &str, n: usize) -> Vec<voss_customers::model::LiveCustomer> {
    (0..n)
        .map(|i| {
            live(
                hierarchy,
                &format!("Stray {i}"),
                &format!("{hierarchy}-{i}"),
            )
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let mut with_kept = strays(R1, 3);
    with_kept.push(live(R1, "Kept", "k1"));
    vec![
        Case {
            name: "deletes up to the limit pass",
            desired: desired(vec![cust(R1, "Kept")], &[(R1, true)]),
            live: state(with_kept.clone()),
            max_deletes: 3,
            expect: Ok(()),
        },
        Case {
            name: "one delete over the limit is refused",
            desired: desired(vec![cust(R1, "Kept")], &[(R1, true)]),
            live: state(with_kept),
            max_deletes: 2,
            expect: Err(Refusal::TooManyDeletes {
                deletes: 3,
                max_deletes: 2,
            }),
        },
        Case {
            name: "emptying a pruned scope is refused even within the limit",
            desired: desired(vec![], &[(R1, true)]),
            live: state(strays(R1, 2)),
            max_deletes: 5,
            expect: Err(Refusal::EmptiesScope {
                hierarchy: R1.into(),
                customers: 2,
            }),
        },
        Case {
            name: "explicit absent deletes that empty a scope without prune pass",
            desired: desired(
                vec![absent(R1, "Stray 0"), absent(R1, "Stray 1")],
                &[(R1, false)],
            ),
            live: state(strays(R1, 2)),
            max_deletes: 5,
            expect: Ok(()),
        },
        Case {
            name: "a pruned scope with no live customers is not emptied",
            desired: desired(vec![cust(R1, "New")], &[(R1, true)]),
            live: state(strays(R2, 2)),
            max_deletes: 0,
            expect: Ok(()),
        },
        Case {
            name: "a pruned scope keeping one customer passes",
            desired: desired(vec![cust(R1, "Stray 1")], &[(R1, true)]),
            live: state(strays(R1, 2)),
            max_deletes: 5,
            expect: Ok(()),
        },
        Case {
            name: "a zero limit refuses any delete",
            desired: desired(vec![absent(R2, "Stray 0")], &[]),
            live: state(strays(R2, 2)),
            max_deletes: 0,
            expect: Err(Refusal::TooManyDeletes {
                deletes: 1,
                max_deletes: 0,
            }),
        },
    ]
}

#[test]
fn safety_table() {
    let mut failures = Vec::new();
    for case in cases() {
        let plan = plan::diff(&case.desired, &case.live, "t");
        let got = safety::check(&plan, &case.live, case.max_deletes);
        if got != case.expect {
            failures.push(format!(
                "{}: got {got:?}, expected {:?}",
                case.name, case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refusals_say_the_numbers_and_what_to_change() {
    let too_many = Refusal::TooManyDeletes {
        deletes: 7,
        max_deletes: 5,
    }
    .to_string();
    assert!(
        too_many.contains("refusing to delete 7 customers"),
        "{too_many}"
    );
    assert!(too_many.contains("--max-deletes allows 5"), "{too_many}");
    assert!(too_many.contains("--max-deletes 7"), "{too_many}");

    let emptied = Refusal::EmptiesScope {
        hierarchy: R1.into(),
        customers: 1,
    }
    .to_string();
    assert!(
        emptied.contains("all 1 live customer under sys.hcs.CS-P.CS-R1"),
        "{emptied}"
    );
    assert!(emptied.contains("`prune: false`"), "{emptied}");
}

#[test]
fn a_saved_plan_is_refused_on_another_server_only() {
    let mut plan = plan::diff(
        &desired(vec![], &[]),
        &state(vec![]),
        "https://voss.example.com/",
    );
    assert_eq!(
        safety::check_server(&plan, "https://VOSS.example.com"),
        Ok(())
    );
    plan.target = "https://voss-a.example.com".into();
    let refusal = safety::check_server(&plan, "https://voss-b.example.com").unwrap_err();
    assert_eq!(
        refusal,
        Refusal::OtherServer {
            planned: "https://voss-a.example.com".into(),
            target: "https://voss-b.example.com".into(),
        }
    );
    assert_eq!(
        refusal.to_string(),
        "the plan was made against https://voss-a.example.com, not \
         https://voss-b.example.com: make a plan against this server"
    );
}

#[test]
fn a_stale_saved_plan_is_refused_naming_each_moved_customer() {
    assert_eq!(safety::check_stale(Vec::new()), Ok(()));
    let stale = vec![
        StaleChange {
            hierarchy: R1.into(),
            name: "Globex".into(),
            detail: "`description` changed live".into(),
        },
        StaleChange {
            hierarchy: R1.into(),
            name: "Initech".into(),
            detail: "it no longer exists live".into(),
        },
    ];
    let refusal = safety::check_stale(stale.clone()).unwrap_err();
    assert_eq!(refusal, Refusal::Stale { changes: stale });
    assert_eq!(
        refusal.to_string(),
        "the saved plan no longer matches the live system; nothing was changed: run plan again\n  \
         stale: Globex at sys.hcs.CS-P.CS-R1 changed since the plan was made: `description` \
         changed live\n  \
         stale: Initech at sys.hcs.CS-P.CS-R1 changed since the plan was made: it no longer \
         exists live"
    );
}

#[test]
fn every_refusal_is_listed_and_carried_by_the_plan_as_sentences() {
    // Two pruned scopes emptied and more deletes than allowed: three reasons, in order.
    let d = desired(vec![], &[(R1, true), (R2, true)]);
    let l = state(strays(R1, 2).into_iter().chain(strays(R2, 1)).collect());
    let plan = plan::diff(&d, &l, "t");
    let expected = vec![
        Refusal::TooManyDeletes {
            deletes: 3,
            max_deletes: 2,
        },
        Refusal::EmptiesScope {
            hierarchy: R1.into(),
            customers: 2,
        },
        Refusal::EmptiesScope {
            hierarchy: R2.into(),
            customers: 1,
        },
    ];
    assert_eq!(safety::refusals(&plan, &l, 2), expected);
    assert_eq!(safety::check(&plan, &l, 2), Err(expected[0].clone()));

    assert!(plan.refusals.is_empty(), "the diff alone judges nothing");
    let judged = safety::with_refusals(plan.clone(), &l, 2);
    let sentences: Vec<String> = expected.iter().map(ToString::to_string).collect();
    assert_eq!(judged.refusals, sentences);
    assert_eq!(judged.changes, plan.changes, "only the refusals are added");
    assert!(
        safety::with_refusals(plan, &l, 3).refusals.len() == 2,
        "within the limit only the emptied scopes are left"
    );
}

#[test]
fn a_plan_apply_would_carry_out_has_no_refusals() {
    let d = desired(vec![cust(R1, "Kept")], &[(R1, true)]);
    let mut l = strays(R1, 2);
    l.push(live(R1, "Kept", "k1"));
    let l = state(l);
    let plan = safety::with_refusals(plan::diff(&d, &l, "t"), &l, 5);
    assert_eq!(plan.refusals, Vec::<String>::new());
    let json = voss_customers::render::json(&plan);
    assert!(
        !json.contains("refusals"),
        "an empty list is left out of the JSON:\n{json}"
    );
}
