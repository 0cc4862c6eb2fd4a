use super::*;

#[test]
fn the_built_in_profile_reads_and_names_every_managed_field() {
    let profile = Profile::builtin().unwrap();
    assert_eq!(profile.routes.customer, "relation/HcsCustomerREL");
    assert_eq!(profile.json_name(Field::Domain), Some("directoryDomain"));
    assert_eq!(profile.json_name(Field::Name), Some("name"));
    for field in Field::managed() {
        assert!(
            profile.json_name(field).is_some(),
            "{field} has no JSON name"
        );
    }
    assert_eq!(profile.json_name(Field::LocalAdmin), None);
    assert_eq!(profile.lists.page_size, 200);
    assert_eq!(profile.writes.update_method, UpdateMethodName::Put);
    assert!(
        !profile.asks_to_clone_role(),
        "21.4 clones with the customer"
    );
}

#[test]
fn a_user_profile_overrides_only_what_it_writes() {
    let profile = Profile::layered(Some((
        "mine.yaml",
        "release: \"24.2\"\nfields:\n  extended_name: extName\nwrites:\n  success_statuses: [Done]\n",
    )))
    .unwrap();
    assert_eq!(profile.json_name(Field::ExtendedName), Some("extName"));
    assert_eq!(profile.json_name(Field::AccountId), Some("accountId"));
    assert_eq!(profile.writes.success_statuses, ["Done"]);
    assert_eq!(profile.writes.failure_statuses, ["Fail"]);
    assert!(profile.asks_to_clone_role());
}

#[test]
fn an_unknown_key_is_named_where_it_is_with_a_suggestion() {
    let error =
        Profile::layered(Some(("mine.yaml", "routes:\n  custommer: relation/X\n"))).unwrap_err();
    assert_eq!(error.location, "mine.yaml:2:3");
    assert_eq!(
        error.message,
        "unknown key `custommer` in `routes`: did you mean `customer`?"
    );
    let error = Profile::layered(Some(("mine.yaml", "fields:\n  extended_nam: x\n"))).unwrap_err();
    assert_eq!(error.location, "mine.yaml:2:17");
    assert!(
        error.message.contains("did you mean `extended_name`?"),
        "{error}"
    );
    let error = Profile::layered(Some(("mine.yaml", "colour: red\n"))).unwrap_err();
    assert!(
        error
            .message
            .starts_with("unknown key `colour` in a profile"),
        "{error}"
    );
}

#[test]
fn wrong_values_are_named_where_they_are() {
    let cases = [
        (
            "lists:\n  page_size: many\n",
            "mine.yaml:2:14",
            "invalid type",
        ),
        ("lists:\n  page_size: 0\n", "mine.yaml:2:14", "at least 1"),
        ("release: twenty\n", "mine.yaml:1:10", "MAJOR.MINOR"),
        (
            "writes:\n  update_method: post\n",
            "mine.yaml:2:18",
            "unknown variant",
        ),
        (
            "routes:\n  customer: /api/x/\n",
            "mine.yaml:2:13",
            "no leading or trailing",
        ),
        (
            "fields:\n  account_id: description\n",
            "mine.yaml:2:15",
            "both map to the JSON name `description`",
        ),
        ("fields: [1]\n", "mine.yaml:1:9", "invalid type"),
        ("- a\n", "mine.yaml:1:1", "a profile is a mapping"),
        ("routes: {customer: [\n", "mine.yaml:", ""),
    ];
    for (text, location, message) in cases {
        let error = Profile::layered(Some(("mine.yaml", text))).unwrap_err();
        assert!(
            error.location.starts_with(location) && error.message.contains(message),
            "{text:?}: {error}"
        );
    }
}

#[test]
fn the_printed_profile_reads_back_as_the_same_profile() {
    let profile = Profile::layered(Some(("mine.yaml", "fields:\n  deal_ids: deals\n"))).unwrap();
    let printed = profile.to_yaml();
    assert!(printed.contains("  deal_ids: \"deals\"\n"), "{printed}");
    let again = Profile::layered(Some(("printed.yaml", &printed))).unwrap();
    assert_eq!(again, profile);
}

#[test]
fn a_transient_failure_is_one_the_profile_names() {
    let profile = Profile::builtin().unwrap();
    assert!(profile.transient_failure("Simulated failure; Nothing was changed"));
    assert!(!profile.transient_failure("no role named `Nope` is visible"));
    let mine = Profile::layered(Some((
        "mine.yaml",
        "writes:\n  transient_failure_texts: [Retry later]\n",
    )))
    .unwrap();
    assert!(mine.transient_failure("retry later, please"));
    assert!(!mine.transient_failure("nothing was changed"));
}
