//! Every end-to-end scenario again, against a simulator whose lists carry every field
//! (`sim --list-fields full`); the other test binaries run them against summary lists.
//! The client must work against both.

// Each scenario file declares the support module itself; here they all share this binary.
#![allow(clippy::duplicate_mod)]

#[path = "e2e_apply.rs"]
mod apply;
#[path = "import.rs"]
mod import;
#[path = "e2e_plan.rs"]
mod plan;
#[path = "e2e_reconcile.rs"]
mod reconcile;

mod e2e_support;

/// The scenarios above do run against full lists: a listed record carries every field.
#[test]
fn this_binary_s_simulator_lists_every_field() {
    assert_eq!(e2e_support::list_fields(), "full");
    let sim = e2e_support::Sim::start(&[]);
    let body = sim.get(
        "/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.CS-P&format=json",
        Some(e2e_support::PROVIDER),
    );
    let first = &body["resources"][0]["data"];
    assert!(first.get("description").is_some(), "{first}");
    assert!(first.get("disableNumMgmt").is_some(), "{first}");
}
