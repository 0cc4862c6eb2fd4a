//! Writes: each is sent with `nowait=true` and its transaction followed to the end.

use serde::Serialize;

use super::client::{Client, NO_BODY};
use super::error::ApiError;
use super::fields::{CreateRequest, updates_to_wire};
use super::request::{ApiRequest, Method};
use super::routes;
use super::transaction::WriteOutcome;
use super::wire::AsyncWriteResponse;
use crate::model::FieldValues;

impl Client {
    /// Creates the customer `request.name` under `hierarchy` (or, with `migrate`, moves
    /// the HCM-F customer of that name there).
    pub async fn create_customer(
        &self,
        hierarchy: &str,
        request: &CreateRequest,
    ) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::at(Method::Post, routes::CUSTOMER, hierarchy);
        let result = self.write(api, Some(&request.to_wire())).await;
        // Neither the error nor the transaction's description may repeat the password.
        match &request.local_admin {
            Some(admin) => {
                let secret = admin.password.expose();
                result
                    .map(|outcome| WriteOutcome {
                        message: match secret {
                            "" => outcome.message,
                            _ => outcome.message.replace(secret, "(sensitive)"),
                        },
                        ..outcome
                    })
                    .map_err(|e| e.redacted(secret))
            }
            None => result,
        }
    }

    /// Sets the given fields of customer `pkid`; the others are not sent.
    pub async fn update_customer(
        &self,
        pkid: &str,
        updates: &FieldValues,
    ) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::instance(Method::Put, routes::CUSTOMER, pkid);
        self.write(api, Some(&updates_to_wire(updates))).await
    }

    /// Deletes customer `pkid` (the caller checks its dependents first).
    pub async fn delete_customer(&self, pkid: &str) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::instance(Method::Delete, routes::CUSTOMER, pkid);
        self.write(api, NO_BODY).await
    }

    /// Runs the DN audit (Audit Number Inventory) of the customer whose own node is
    /// `customer_node` (`<hierarchy>.<name>`).
    pub async fn run_dn_audit(&self, customer_node: &str) -> Result<WriteOutcome, ApiError> {
        let api = ApiRequest::at(Method::Post, routes::DN_AUDIT, customer_node);
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
        let accepted: AsyncWriteResponse =
            self.send(&request, body)
                .await
                .map_err(|error| match error {
                    ApiError::BadResponse { request, detail } => ApiError::Uncertain {
                        request,
                        detail: format!("its answer could not be read ({detail})"),
                    },
                    other => other,
                })?;
        if !accepted.success || accepted.transaction_id.is_empty() {
            return Err(ApiError::Uncertain {
                request: Box::new(request),
                detail: "the write was answered without a transaction to follow".to_owned(),
            });
        }
        self.follow(&request, &accepted.transaction_id).await
    }
}
