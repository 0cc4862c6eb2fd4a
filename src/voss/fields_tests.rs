use serde_json::json;

use super::*;
use crate::voss::wire::{Meta, Reference, References};

fn change(field: &str, after: Value) -> FieldChange {
    FieldChange {
        field: field.into(),
        before: Value::Null,
        after,
        sensitive: false,
    }
}

fn resource(data: Value) -> Resource<CustomerData> {
    // TODO(issue 10 client): compile fixes for the reshaped wire types only.
    Resource {
        pkid: None,
        meta: Meta {
            path: vec!["aaaaaaaaaaaaaaaaaaaaaaaa".into()],
            version_tag: Some("v7".into()),
            references: References {
                self_: vec![Reference {
                    pkid: Some("aaaaaaaaaaaaaaaaaaaaaaaa".into()),
                    href: Some("/api/relation/HcsCustomerREL/aaaaaaaaaaaaaaaaaaaaaaaa".into()),
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
    let updates = FieldUpdates {
        domain: Some("acme.example".into()),
        deal_ids: Some(vec!["D-100".into(), " D-200".into()]),
        number_management: Some(true),
        prime_collaboration: Some(None),
        ..FieldUpdates::default()
    };
    assert_eq!(
        serde_json::to_value(updates.to_wire()).unwrap(),
        json!({
            "directoryDomain": "acme.example",
            "dealIds": "D-100,D-200",
            "disableNumMgmt": false,
            "primeCollaboration": ""
        })
    );
    assert!(FieldUpdates::default().is_empty());
    assert!(!updates.is_empty());
}

#[test]
fn create_carries_the_name_the_admin_and_the_password_twice() {
    let request = CreateRequest {
        name: "Acme Corp".into(),
        fields: FieldUpdates {
            number_management: Some(false),
            ..FieldUpdates::default()
        },
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
        fields: FieldUpdates::default(),
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
        "hierarchy_path": "sys.hcs.CS-P.CS-R1",
        "directoryDomain": "globex.example",
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

#[test]
fn a_plan_field_list_becomes_the_same_write() {
    let updates = updates_from_plan(&[
        change("name", json!("Acme")),
        change("description", json!("")),
        change("deal_ids", json!(["D-1", "D-2"])),
        change("prime_collaboration", Value::Null),
        change("number_management", json!(true)),
        change("public_sector", json!(false)),
        change(
            "local_admin",
            json!({"cloned_role": "R", "password_env": "P"}),
        ),
    ])
    .unwrap();
    assert_eq!(
        updates,
        FieldUpdates {
            name: Some("Acme".into()),
            description: Some(String::new()),
            deal_ids: Some(vec!["D-1".into(), "D-2".into()]),
            prime_collaboration: Some(None),
            number_management: Some(true),
            public_sector: Some(false),
            ..FieldUpdates::default()
        }
    );
}

#[test]
fn a_plan_field_of_the_wrong_kind_is_refused_by_name() {
    let error = updates_from_plan(&[change("public_sector", json!("yes"))]).unwrap_err();
    assert_eq!(error.field, "public_sector");
    let error = updates_from_plan(&[change("colour", json!("red"))]).unwrap_err();
    assert!(error.to_string().contains("`colour`"), "{error}");
}

#[test]
fn local_admin_from_either_plan_shape() {
    let whole = [change(
        "local_admin",
        json!({"cloned_role": "CustomerAdminTemplate", "password_env": "ACME_PW"}),
    )];
    let split = [
        change("local_admin.cloned_role", json!("CustomerAdminTemplate")),
        change("local_admin.password_env", json!("ACME_PW")),
    ];
    let expected = Some(LocalAdmin {
        cloned_role: "CustomerAdminTemplate".into(),
        password_env: "ACME_PW".into(),
    });
    assert_eq!(local_admin_from_plan(&whole).unwrap(), expected);
    assert_eq!(local_admin_from_plan(&split).unwrap(), expected);
    assert_eq!(local_admin_from_plan(&[]).unwrap(), None);
    assert!(local_admin_from_plan(&split[..1]).is_err());
}
