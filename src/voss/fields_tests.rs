use serde_json::json;

use super::*;
use crate::voss::decode;

fn builtin() -> Profile {
    Profile::builtin().unwrap()
}

fn values(pairs: &[(Field, Value)]) -> FieldValues {
    let mut values = FieldValues::default();
    for (field, value) in pairs {
        values.set(*field, value.clone()).unwrap();
    }
    values
}

fn record(data: Value) -> Record {
    decode::record(json!({
        "pkid": "5b00000000000000000000a1",
        "meta": {"path": ["1c0ffee2c0deab00da595101", "5b00000000000000000000a1"]},
        "data": data
    }))
    .unwrap()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[test]
fn a_whole_record_update_keeps_every_other_field_and_drops_read_only_ones() {
    let current = object(json!({
        "name": "Acme", "description": "old", "extendedName": "Acme Corporation",
        "accountId": "A-1", "dealIds": "D-1,D-2", "directoryDomain": "acme.example",
        "custom_string_1": "kept", "misc_data": {"a": 1},
        "pkid": "5c00000000000000000000f1", "hierarchy_path": "sys.hcs.P.R1",
        "defaultAdminRole": "Acme_CustomerAdminTemplate", "publicSector": "false"
    }));
    let body = whole_record(
        &current,
        &values(&[
            (Field::Description, json!("new")),
            (Field::PublicSector, json!(true)),
        ]),
        &builtin(),
    );
    assert_eq!(
        Value::Object(body),
        json!({
            "name": "Acme", "description": "new", "extendedName": "Acme Corporation",
            "accountId": "A-1", "dealIds": "D-1,D-2", "directoryDomain": "acme.example",
            "custom_string_1": "kept", "misc_data": {"a": 1},
            // A flag the server keeps as a text is written back as a text.
            "publicSector": "true"
        })
    );
}

#[test]
fn a_partial_update_sends_only_the_given_fields_under_their_voss_names() {
    let updates = values(&[
        (Field::Domain, json!("acme.example")),
        (Field::DealIds, json!(["D-100", " D-200"])),
        (Field::NumberManagement, json!(true)),
        (Field::PrimeCollaboration, Value::Null),
    ]);
    assert_eq!(
        Value::Object(partial_record(&updates, &Map::new(), &builtin())),
        json!({
            "directoryDomain": "acme.example",
            "dealIds": "D-100,D-200",
            "disableNumMgmt": false,
            "primeCollaboration": ""
        })
    );
}

#[test]
fn create_carries_the_name_the_admin_and_the_password_twice() {
    let request = CreateRequest {
        name: "Acme Corp".into(),
        fields: values(&[(Field::NumberManagement, json!(false))]),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "CustomerAdminTemplate".into(),
            password: Secret::new("s3cret"),
        }),
    };
    assert_eq!(
        Value::Object(request.to_wire("sys.hcs.P.R1", &builtin())),
        json!({
            "name": "Acme Corp",
            "disableNumMgmt": true,
            "create_admin": true,
            "clonedAdminRole": "CustomerAdminTemplate",
            "defaultAdminPassword": "s3cret",
            "repeatDefaultAdminPassword": "s3cret"
        })
    );
}

#[test]
fn a_migration_carries_only_name_migrate_and_hierarchy_path() {
    let request = CreateRequest {
        name: "Legacy Co".into(),
        fields: values(&[(Field::Description, json!("moved"))]),
        migrate: true,
        local_admin: None,
    };
    assert_eq!(
        Value::Object(request.to_wire("sys.hcs.P.R1", &builtin())),
        json!({"name": "Legacy Co", "migrate": true, "HierarchyPath": "sys.hcs.P.R1",
               "create_admin": false})
    );
}

#[test]
fn a_record_takes_voss_defaults_for_what_it_lacks_and_says_which() {
    let full = record(json!({
        "name": "Globex", "description": "d", "extendedName": "", "externalCustomerId": "",
        "directoryDomain": "globex.example", "publicSector": "true", "inactiveBilling": false,
        "accountId": "", "dealIds": "D-1, D-2", "primeCollaboration": "",
        "shared_uc_apps": false, "disableNumMgmt": true, "create_admin": true,
        "clonedAdminRole": "CustomerAdminTemplate"
    }));
    let live = live_from_record(&full, "sys.hcs.P.R1", &builtin()).unwrap();
    assert_eq!(live.pkid, "5b00000000000000000000a1");
    assert_eq!(live.hierarchy, "sys.hcs.P.R1");
    assert_eq!(live.domain, "globex.example");
    assert!(live.public_sector);
    assert_eq!(live.deal_ids, ["D-1", "D-2"]);
    assert_eq!(live.prime_collaboration, None);
    assert!(!live.number_management);
    assert_eq!(
        live.local_admin_role.as_deref(),
        Some("CustomerAdminTemplate")
    );
    assert!(live.unread.is_empty());

    let summary = record(json!({"name": "Globex", "hierarchy_path": "sys.hcs.P.R1"}));
    let live = live_from_record(&summary, "sys.hcs.P.R1", &builtin()).unwrap();
    assert_eq!(live.unread.len(), 11, "{:?}", live.unread);
    assert!(live.number_management, "VOSS's default");
}

#[test]
fn a_record_without_a_name_or_with_a_bad_value_is_named() {
    let Unreadable(error) =
        live_from_record(&record(json!({})), "sys.hcs.P", &builtin()).unwrap_err();
    assert!(error.contains("5b00000000000000000000a1"), "{error}");
    let bad = record(json!({"name": "Globex", "publicSector": 3}));
    let Unreadable(error) = live_from_record(&bad, "sys.hcs.P", &builtin()).unwrap_err();
    assert!(
        error.contains("Globex") && error.contains("`publicSector` is not true or false"),
        "{error}"
    );
}

#[test]
fn every_managed_field_has_one_json_name() {
    let profile = Profile::builtin().unwrap();
    let names: BTreeSet<&str> = Field::managed()
        .filter_map(|f| profile.json_name(f))
        .collect();
    assert_eq!(names.len(), Field::managed().count());
    assert_eq!(profile.json_name(Field::Domain), Some("directoryDomain"));
    assert_eq!(profile.json_name(Field::LocalAdmin), None);
}

#[test]
fn deal_ids_round_trip() {
    let ids = deal_ids_from_wire("D-100,D-200");
    assert_eq!(deal_ids_to_wire(&ids), "D-100,D-200");
    assert!(deal_ids_from_wire("").is_empty());
    assert_eq!(deal_ids_to_wire(&[]), "");
}

#[test]
fn from_24_2_on_a_create_asks_for_the_role_to_be_cloned_and_names_follow_the_profile() {
    let profile = Profile::layered(Some((
        "mine.yaml",
        "release: \"24.2\"\nfields:\n  extended_name: extName\n",
    )))
    .unwrap();
    let request = CreateRequest {
        name: "Acme".into(),
        fields: values(&[(Field::ExtendedName, json!("Acme Corporation"))]),
        migrate: false,
        local_admin: Some(LocalAdminRequest {
            cloned_role: "CustomerAdminTemplate".into(),
            password: Secret::new("pw"),
        }),
    };
    let body = request.to_wire("sys.hcs.P.R1", &profile);
    assert_eq!(body["clone_admin_role"], json!(true));
    assert_eq!(body["extName"], json!("Acme Corporation"));
    assert!(!body.contains_key("extendedName"));
    // Before 24.2 the role is cloned with the customer: no flag.
    let body = request.to_wire("sys.hcs.P.R1", &builtin());
    assert!(!body.contains_key("clone_admin_role"));
    let live = live_from_record(
        &record(json!({"name": "Acme", "extName": "X"})),
        "sys.hcs.P",
        &profile,
    )
    .unwrap();
    assert_eq!(live.extended_name, "X");
    assert!(!live.unread.contains(&Field::ExtendedName));
}
