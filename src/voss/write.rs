//! Writes: each is sent with `nowait=true` and its transaction followed to the end.

use serde::Serialize;
use serde_json::{Map, Value};

use super::client::{Client, NO_BODY};
use super::decode;
use super::error::{ApiError, mask_secret};
use super::fields::{CreateRequest, partial_record, whole_record};
use super::request::{ApiRequest, Method};
use super::settings::UpdateMethod;
use super::transaction::WriteOutcome;
use crate::model::FieldValues;

impl Client {
    /// Creates the customer `request.name` under `hierarchy` (or, with `migrate`, moves
    /// the HCM-F customer of that name there).
    pub async fn create_customer(
        &self,
        hierarchy: &str,
        request: &CreateRequest,
    ) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::at(Method::Post, &self.profile().routes.customer, hierarchy);
        let mut result = self
            .write(api, Some(&request.to_wire(hierarchy, self.profile())))
            .await;
        // A migration carries only the name [doc]: the written fields follow as an update
        // of the moved customer.
        if let Ok(migrated) = &result
            && request.migrate
            && !request.fields.is_empty()
        {
            result = self
                .update_migrated(hierarchy, &request.name, &request.fields)
                .await
                .map(|updated| WriteOutcome {
                    transaction_id: migrated.transaction_id.clone(),
                    message: format!("{}; then {}", migrated.message, updated.message),
                });
        }
        // Neither the error nor the transaction's description may repeat the password:
        // both are server texts, masked or withheld (`mask_secret`), never searched and
        // replaced letter by letter.
        match &request.local_admin {
            Some(admin) => {
                let secret = admin.password.expose();
                result
                    .map(|outcome| WriteOutcome {
                        message: mask_secret(&outcome.message, secret),
                        ..outcome
                    })
                    .map_err(|e| e.redacted(secret))
            }
            None => result,
        }
    }

    /// Sets `values` on customer `pkid`, whose data as read is `current`: by default a
    /// `PUT` of the whole record with those fields changed (an update replaces the record
    /// with its payload [doc]), or a `PATCH` of only those fields
    /// ([`UpdateMethod::Patch`]).
    pub async fn put_customer(
        &self,
        pkid: &str,
        current: &Map<String, Value>,
        values: &FieldValues,
    ) -> Result<WriteOutcome, ApiError> {
        let (method, body) = match self.settings().update_method {
            UpdateMethod::Put => (Method::Put, whole_record(current, values, self.profile())),
            UpdateMethod::Patch => (
                Method::Patch,
                partial_record(values, current, self.profile()),
            ),
        };
        let api = ApiRequest::instance(method, &self.profile().routes.customer, pkid);
        self.write(api, Some(&body)).await
    }

    /// Reads customer `pkid` and sets `values` on it ([`Client::put_customer`]), without
    /// checking what changed since it was planned (the executor checks that first).
    pub async fn update_customer(
        &self,
        pkid: &str,
        values: &FieldValues,
    ) -> Result<WriteOutcome, ApiError> {
        let request = ApiRequest::instance(Method::Get, &self.profile().routes.customer, pkid);
        match self.customer_record(pkid).await? {
            Some((_, current)) => self.put_customer(pkid, &current, values).await,
            None => Err(ApiError::NotFound {
                request: Box::new(request),
                message: "the customer no longer exists".to_owned(),
            }),
        }
    }

    /// Sets `values` on the customer just migrated to `hierarchy` as `name`. Its create
    /// succeeded, so a failure here is reported as uncertain: look before acting again.
    async fn update_migrated(
        &self,
        hierarchy: &str,
        name: &str,
        values: &FieldValues,
    ) -> Result<WriteOutcome, ApiError> {
        let request = ApiRequest::at(Method::Get, &self.profile().routes.customer, hierarchy);
        let uncertain = |detail: String| ApiError::Uncertain {
            request: Box::new(request.clone()),
            detail,
            accepted: true,
        };
        let migrated = self
            .find_customer(hierarchy, name)
            .await
            .map_err(|e| uncertain(format!("the migrated customer could not be read: {e}")))?
            .ok_or_else(|| uncertain("the migrated customer is not listed yet".to_owned()))?;
        self.update_customer(&migrated.pkid, values)
            .await
            .map_err(|e| {
                uncertain(format!(
                    "migrated, but its fields could not be set ({e}): run plan to see what is left"
                ))
            })
    }

    /// Deletes customer `pkid` (the caller checks its dependents first).
    pub async fn delete_customer(&self, pkid: &str) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::instance(Method::Delete, &self.profile().routes.customer, pkid);
        self.write(api, NO_BODY).await
    }

    /// Runs the DN audit (Audit Number Inventory) of the customer whose own node is
    /// `customer_node` (`<hierarchy>.<name>`).
    pub async fn run_dn_audit(&self, customer_node: &str) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::at(Method::Post, &self.profile().routes.dn_audit, customer_node);
        self.write(api, Some(&serde_json::Map::new())).await
    }

    async fn write<B: Serialize + ?Sized>(
        &self,
        request: ApiRequest,
        body: Option<&B>,
    ) -> Result<WriteOutcome, ApiError> {
        let request = request.param("nowait", "true");
        // A 2xx answer this tool cannot read means the server may have acted on the write:
        // that is an uncertain outcome (look before doing anything), never a plain failure.
        let accepted = self
            .send_decoded(&request, body, decode::accepted)
            .await
            .map_err(|error| match error {
                ApiError::BadResponse { request, detail } => ApiError::Uncertain {
                    request,
                    detail: format!("its answer could not be read ({detail})"),
                    accepted: true,
                },
                other => other,
            })?;
        let Some(transaction_id) = accepted else {
            return Err(ApiError::Uncertain {
                request: Box::new(request),
                detail: "the write was answered without a transaction to follow".to_owned(),
                accepted: true,
            });
        };
        self.follow(&request, &transaction_id).await
    }
}
