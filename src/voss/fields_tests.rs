use serde_json::json;

use super::*;
use crate::voss::wire::{Meta, Reference, References};

fn values(pairs: &[(Field, Value)]) -> FieldValues {
    let mut values = FieldValues::default();
    for (field, value) in pairs {
        values.set(*field, value.clone()).unwrap();
    }
    values
}

fn resource(data: Value) -> Resource<CustomerData> {
    Resource {
        meta: Meta {
            path: "sys.hcs.CS-P.CS-R1".into(),
            version_tag: "v7".into(),
            references: References {
                self_: vec![Reference {
                    pkid: "aaaaaaaaaaaaaaaaaaaaaaaa".into(),
                    href: "/api/relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa".into(),
                }],
                ..References::default()
            },
            ..Meta::default()
        },
        data: serde_json::from_value(data).unwrap(),
    }
}

#[test]
fn updates_send_only_the_given_fields_under_their_voss_names() {
    let updates = values(&[
        (Field::Domain, json!("acme.example")),
        (Field::DealIds, json!(["D-100", " D-200"])),
        (Field::NumberManagement, json!(true)),
        (Field::PrimeCollaboration, Value::Null),
    ]);
    assert_eq!(
        serde_json::to_value(updates_to_wire(&updates)).unwrap(),
        json!({
            "domainName": "acme.example",
            "dealIds": "D-100,D-200",
            "disableNumMgmt": false,
            "primeCollaboration": ""
        })
    );
    assert!(FieldValues::default().is_empty());
    assert!(!updates.is_empty());
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
        serde_json::to_value(request.to_wire()).unwrap(),
        json!({
            "name": "Acme Corp",
            "disableNumMgmt": true,
            "create_admin": true,
            "clonedAdminRole": "CustomerAdminTemplate",
            "defaultAdminPassword": "s3cret",
            "repeatDefaultAdminPassword": "s3cret"
        })
    );
    assert!(!format!("{request:?}").contains("s3cret"));
}

#[test]
fn migrate_without_admin_says_so() {
    let request = CreateRequest {
        name: "Legacy Co".into(),
        fields: FieldValues::default(),
        migrate: true,
        local_admin: None,
    };
    assert_eq!(
        serde_json::to_value(request.to_wire()).unwrap(),
        json!({"name": "Legacy Co", "migrate": true, "create_admin": false})
    );
}

#[test]
fn live_customer_takes_voss_defaults_and_translates_fields() {
    let live = live_from_wire(&resource(json!({
        "name": "Globex",
        "domainName": "globex.example",
        "dealIds": "D-1, D-2,",
        "primeCollaboration": "",
        "disableNumMgmt": true
    })))
    .unwrap();
    assert_eq!(live.pkid, "aaaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(live.hierarchy, "sys.hcs.CS-P.CS-R1");
    assert_eq!(live.version, "v7");
    assert_eq!(live.domain, "globex.example");
    assert_eq!(live.deal_ids, vec!["D-1", "D-2"]);
    assert_eq!(live.prime_collaboration, None);
    assert!(!live.number_management);
    assert!(!live.public_sector);
    assert_eq!(live.description, "");
}

#[test]
fn live_customer_prefers_the_data_pkid_and_needs_a_name() {
    let live = live_from_wire(&resource(
        json!({"pkid": "bbbbbbbbbbbbbbbbbbbbbbbb", "name": "X",
        "primeCollaboration": "PC-East"}),
    ))
    .unwrap();
    assert_eq!(live.pkid, "bbbbbbbbbbbbbbbbbbbbbbbb");
    assert_eq!(live.prime_collaboration.as_deref(), Some("PC-East"));
    assert!(live.number_management);
    assert!(live_from_wire(&resource(json!({}))).is_err());
}

#[test]
fn deal_ids_round_trip() {
    let ids = deal_ids_from_wire("D-100,D-200");
    assert_eq!(deal_ids_to_wire(&ids), "D-100,D-200");
    assert!(deal_ids_from_wire("").is_empty());
    assert_eq!(deal_ids_to_wire(&[]), "");
}
