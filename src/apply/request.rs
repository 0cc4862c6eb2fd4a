//! From a planned change to the write it asks for, in model terms: the plan's field list
//! becomes [`FieldValues`] (and a create's local admin). The `voss` module then turns those
//! into VOSS's JSON; this module knows plans, not VOSS.

use serde_json::Value;

use crate::model::{Field, FieldValues, LocalAdmin};
use crate::plan::FieldChange;

/// A plan field this version cannot turn into a write (a hand-edited or foreign plan).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the plan's field `{field}` {problem}: make the plan again with this version of \
     voss-customers"
)]
pub struct PlanFieldError {
    /// The field, as the plan names it.
    pub field: String,
    /// What is wrong with it ("is not a text"...).
    pub problem: String,
}

/// The write that a plan's field list asks for: each field's `after` value (with `name`
/// for a rename). The create-only local admin fields are left to [`local_admin_from_plan`].
///
/// Errors: a value whose shape is not its field's, or a field that only files carry.
pub fn updates_from_plan(changes: &[FieldChange]) -> Result<FieldValues, PlanFieldError> {
    let mut values = FieldValues::default();
    for change in changes {
        let field = change.field;
        if field.is_local_admin() {
            continue;
        }
        if matches!(field, Field::RenamedFrom | Field::Protect) {
            return Err(PlanFieldError {
                field: field.name().to_owned(),
                problem: "is not a field this tool writes".to_owned(),
            });
        }
        values
            .set(field, change.after.clone())
            .map_err(|misfit| PlanFieldError {
                field: field.name().to_owned(),
                problem: format!("is not {}", misfit.expected),
            })?;
    }
    Ok(values)
}

/// The local admin a plan's create asks for: a `local_admin` field holding
/// `{"cloned_role", "password_env"}`, or the two fields `local_admin.cloned_role` and
/// `local_admin.password_env`. `None` when the plan names no local admin.
pub fn local_admin_from_plan(
    changes: &[FieldChange],
) -> Result<Option<LocalAdmin>, PlanFieldError> {
    let mut cloned_role = None;
    let mut password_env = None;
    for change in changes {
        let bad = |problem: &str| PlanFieldError {
            field: change.field.name().to_owned(),
            problem: problem.to_owned(),
        };
        let text = || {
            change
                .after
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad("is not a text"))
        };
        match change.field {
            Field::LocalAdmin => match &change.after {
                Value::Null => {}
                Value::Object(map) => {
                    let get = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
                    cloned_role = get("cloned_role");
                    password_env = get("password_env");
                    if cloned_role.is_none() || password_env.is_none() {
                        return Err(bad("lacks cloned_role or password_env"));
                    }
                }
                _ => return Err(bad("is not an object")),
            },
            Field::LocalAdminClonedRole => cloned_role = Some(text()?),
            Field::LocalAdminPasswordEnv => password_env = Some(text()?),
            _ => {}
        }
    }
    let missing = |field: Field| PlanFieldError {
        field: field.name().to_owned(),
        problem: "is missing".to_owned(),
    };
    match (cloned_role, password_env) {
        (Some(cloned_role), Some(password_env)) => Ok(Some(LocalAdmin {
            cloned_role,
            password_env,
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(missing(Field::LocalAdminPasswordEnv)),
        (None, Some(_)) => Err(missing(Field::LocalAdminClonedRole)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(field: Field, after: Value) -> FieldChange {
        FieldChange {
            field,
            before: Value::Null,
            after,
            sensitive: false,
        }
    }

    #[test]
    fn a_plan_field_list_becomes_the_same_write() {
        let updates = updates_from_plan(&[
            change(Field::Name, json!("Acme")),
            change(Field::Description, json!("")),
            change(Field::DealIds, json!(["D-1", "D-2"])),
            change(Field::PrimeCollaboration, Value::Null),
            change(Field::NumberManagement, json!(true)),
            change(Field::PublicSector, json!(false)),
            change(
                Field::LocalAdmin,
                json!({"cloned_role": "R", "password_env": "P"}),
            ),
        ])
        .unwrap();
        let got: Vec<(Field, &Value)> = updates.iter().collect();
        assert_eq!(
            got,
            vec![
                (Field::Name, &json!("Acme")),
                (Field::Description, &json!("")),
                (Field::PublicSector, &json!(false)),
                (Field::DealIds, &json!(["D-1", "D-2"])),
                (Field::PrimeCollaboration, &Value::Null),
                (Field::NumberManagement, &json!(true)),
            ]
        );
    }

    #[test]
    fn a_plan_field_of_the_wrong_kind_is_refused_by_name() {
        let error = updates_from_plan(&[change(Field::PublicSector, json!("yes"))]).unwrap_err();
        assert_eq!(error.field, "public_sector");
        assert!(error.to_string().contains("true or false"), "{error}");
        let error = updates_from_plan(&[change(Field::Protect, json!(true))]).unwrap_err();
        assert!(error.to_string().contains("`protect`"), "{error}");
        // A field name this version does not know fails when the plan is read.
        let unknown = serde_json::from_value::<FieldChange>(
            json!({"field": "colour", "before": null, "after": "red", "sensitive": false}),
        )
        .unwrap_err();
        assert!(unknown.to_string().contains("`colour`"), "{unknown}");
    }

    #[test]
    fn local_admin_from_either_plan_shape() {
        let whole = [change(
            Field::LocalAdmin,
            json!({"cloned_role": "CustomerAdminTemplate", "password_env": "ACME_PW"}),
        )];
        let split = [
            change(Field::LocalAdminClonedRole, json!("CustomerAdminTemplate")),
            change(Field::LocalAdminPasswordEnv, json!("ACME_PW")),
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
}
