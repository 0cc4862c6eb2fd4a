//! `plan` (declared vs live) and `diff --base` (declared vs declared) give one answer to
//! "are these two values the same": deal-id order and spacing, domain letter case and
//! Prime Collaboration none are no change to either, real differences are to both.

mod plan_fixtures;

use plan_fixtures::{R1, cust, desired, live, state};
use voss_customers::model::{Customer, LiveCustomer};
use voss_customers::plan::{desired_diff, diff};

struct Case {
    what: &'static str,
    /// The value the working tree's file writes.
    file: fn(&mut Customer),
    /// The same field's value live, and as the base revision's file wrote it.
    live: fn(&mut LiveCustomer),
    base: fn(&mut Customer),
    same: bool,
}

fn list(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn plan_and_diff_base_agree_on_what_is_the_same() {
    let cases = [
        Case {
            what: "deal ids in another order",
            file: |c| c.deal_ids = Some(list(&["D-2", "D-1"])),
            live: |l| l.deal_ids = list(&["D-1", "D-2"]),
            base: |c| c.deal_ids = Some(list(&["D-1", "D-2"])),
            same: true,
        },
        Case {
            what: "deal ids with spaces around them",
            file: |c| c.deal_ids = Some(list(&[" D-1", "D-2 "])),
            live: |l| l.deal_ids = list(&["D-1", "D-2"]),
            base: |c| c.deal_ids = Some(list(&["D-1", "D-2"])),
            same: true,
        },
        Case {
            what: "a deal id more",
            file: |c| c.deal_ids = Some(list(&["D-1", "D-2"])),
            live: |l| l.deal_ids = list(&["D-1"]),
            base: |c| c.deal_ids = Some(list(&["D-1"])),
            same: false,
        },
        Case {
            what: "domain in other letter case",
            file: |c| c.domain = Some("Acme.Example".into()),
            live: |l| l.domain = "acme.example".into(),
            base: |c| c.domain = Some("acme.example".into()),
            same: true,
        },
        Case {
            what: "another domain",
            file: |c| c.domain = Some("acme.example".into()),
            live: |l| l.domain = "acme.test".into(),
            base: |c| c.domain = Some("acme.test".into()),
            same: false,
        },
        Case {
            what: "Prime Collaboration \"None\" is none",
            file: |c| c.prime_collaboration = Some(Some("None".into())),
            live: |l| l.prime_collaboration = None,
            base: |c| c.prime_collaboration = Some(None),
            same: true,
        },
        Case {
            what: "Prime Collaboration set",
            file: |c| c.prime_collaboration = Some(Some("PCA-1".into())),
            live: |l| l.prime_collaboration = None,
            base: |c| c.prime_collaboration = Some(None),
            same: false,
        },
        Case {
            what: "description letter case matters",
            file: |c| c.description = Some("Acme".into()),
            live: |l| l.description = "acme".into(),
            base: |c| c.description = Some("acme".into()),
            same: false,
        },
    ];
    for case in cases {
        let mut declared = cust(R1, "Acme");
        (case.file)(&mut declared);
        let mut base = cust(R1, "Acme");
        (case.base)(&mut base);
        let mut live_customer = live(R1, "Acme", "aaaaaaaaaaaaaaaaaaaaaaaa");
        (case.live)(&mut live_customer);

        let plan = diff(
            &desired(vec![declared.clone()], &[]),
            &state(vec![live_customer]),
            "https://voss.example",
        );
        let base_diff = desired_diff(&desired(vec![base], &[]), &desired(vec![declared], &[]));
        assert_eq!(plan.is_empty(), case.same, "plan: {}", case.what);
        assert_eq!(
            base_diff.is_empty(),
            case.same,
            "diff --base: {}",
            case.what
        );
    }
}
