use serde_json::json;

use super::*;

const LIST: &str = include_str!("../../tests/fixtures/api/customer_list.json");
const POLL: &str = include_str!("../../tests/fixtures/api/poll.json");

#[test]
fn a_captured_list_gives_relation_pkids_never_data_pkids() {
    let page = page(LIST.as_bytes()).unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.skip, Some(0));
    assert_eq!(page.maximum_limit, Some(200));
    let pkids: Vec<&str> = page.resources.iter().map(|r| r.pkid.as_str()).collect();
    // The first from its top-level pkid, the second from meta.references.self[0]; the
    // data.pkid of either (5c…) is the data model's and is never taken.
    assert_eq!(
        pkids,
        ["5b00000000000000000000a1", "5b00000000000000000000a2"]
    );
}

#[test]
fn the_parent_is_hierarchy_path_or_else_read_from_the_pkid_path() {
    let page = page(LIST.as_bytes()).unwrap();
    let first = &page.resources[0];
    assert_eq!(first.parent.as_deref(), Some("sys.hcs.CS-P.CS-R1"));
    assert_eq!(first.path_pkids.len(), 5);
    assert_eq!(
        first.parent_given("sys.hcs.CS-P").as_deref(),
        Some("sys.hcs.CS-P.CS-R1")
    );
    // No hierarchy_path: meta.path shows it directly under the provider (4 pkids for a
    // 3-node path + itself) when listed there; listed higher up, its parent is unknown.
    let second = &page.resources[1];
    assert_eq!(second.parent, None);
    assert_eq!(
        second.parent_given("sys.hcs.CS-P").as_deref(),
        Some("sys.hcs.CS-P")
    );
    assert_eq!(second.parent_given("sys.hcs"), None);
    // Every key of the data is kept, unknown ones too (a whole-record PUT sends them back).
    assert_eq!(first.text("custom_string_1"), Some("kept"));
}

#[test]
fn pagination_numbers_may_be_texts_and_unknown_keys_are_ignored() {
    let body = json!({
        "pagination": {"skip": "200", "limit": "200", "total": "401", "maximum_limit": 200,
                       "order_by": "name", "direction": "asc", "current": "/x"},
        "resources": [],
        "operations": ["list"],
        "something_new": {"a": 1}
    });
    let page = page(body.to_string().as_bytes()).unwrap();
    assert_eq!(
        (page.skip, page.total, page.maximum_limit),
        (Some(200), Some(401), Some(200))
    );
}

#[test]
fn a_resource_without_any_pkid_is_named_in_the_error() {
    let body = json!({"pagination": {}, "resources": [
        {"pkid": "5b00000000000000000000a1", "meta": {}, "data": {"name": "A"}},
        {"pkid": null, "meta": {"references": {"self": [{"pkid": ""}]}}, "data": {"name": "B", "pkid": "5c00000000000000000000f2"}}
    ]});
    let Unreadable(error) = page(body.to_string().as_bytes()).unwrap_err();
    assert!(error.starts_with("resources[1]:"), "{error}");
    assert!(error.contains("meta.references.self[0].pkid"), "{error}");
    let Unreadable(error) = page(b"[1, 2]").unwrap_err();
    assert!(error.contains("not a list answer"), "{error}");
}

#[test]
fn a_dotted_meta_path_is_not_mistaken_for_a_list() {
    // The old guess: meta.path as the dotted hierarchy. It is a list of pkids.
    let record = record(json!({
        "pkid": "5b00000000000000000000a1",
        "meta": {"path": "sys.hcs.CS-P.CS-R1"},
        "data": {"name": "A"}
    }))
    .unwrap();
    assert!(record.path_pkids.is_empty());
    assert_eq!(record.parent, None);
    assert_eq!(record.parent_given("sys.hcs.CS-P.CS-R1"), None);
}

#[test]
fn completed_is_success_and_unknown_statuses_are_followed() {
    let profile = crate::voss::profile::Profile::builtin().unwrap();
    let state = |status: &str| {
        TxnState::of(
            status,
            &profile.writes.success_statuses,
            &profile.writes.failure_statuses,
        )
    };
    let (status, description) = poll(POLL.as_bytes(), "0d3a6b2e-1f4c-4a57-9a7e-3c1d2b4e5f60")
        .unwrap()
        .unwrap();
    assert_eq!(state(&status), TxnState::Succeeded);
    assert_eq!(description, "Add relation/HcsCustomerREL Acme Corp");
    assert_eq!(poll(POLL.as_bytes(), "other").unwrap(), None);
    assert_eq!(state("Success"), TxnState::Succeeded);
    assert_eq!(state("In Progress"), TxnState::Running);
    assert_eq!(state("Queued"), TxnState::Running);
    assert_eq!(state("Fail"), TxnState::Failed);
    assert_eq!(state("Suspended"), TxnState::Unknown("Suspended".into()));
    // A profile that says so makes another text mean done.
    assert_eq!(
        TxnState::of("Done", &["Done".to_owned()], &[]),
        TxnState::Succeeded
    );
}

#[test]
fn a_blank_transaction_id_in_href_names_no_transaction() {
    // Found by the fuzz target api_answer: a blank id was taken from `href` (and polled as
    // `tool/Transaction/ /poll/`) but refused from `transaction_id`.
    assert_eq!(
        accepted(br#"{"href": "/api/tool/Transaction/ /"}"#),
        Ok(None)
    );
    assert_eq!(accepted(br#"{"transaction_id": " "}"#), Ok(None));
    assert_eq!(
        accepted(br#"{"href": "/api/tool/Transaction/abc/"}"#),
        Ok(Some("abc".to_owned()))
    );
}
