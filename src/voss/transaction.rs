//! Following a write's asynchronous transaction to its end, bounded in time.

use std::time::Instant;

use super::client::{Client, NO_BODY};
use super::decode::{self, TxnState};
use super::error::ApiError;
use super::request::{ApiRequest, Method};

/// What a successful write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The transaction's id (a dashed UUID).
    pub transaction_id: String,
    /// The transaction's description as the server gave it (may be empty).
    pub message: String,
}

/// What the last poll said: a state, or why it got no answer.
enum Last {
    State(TxnState),
    Error(String),
}

/// A poll failure that says nothing about the transaction: the server was busy or slow.
fn keeps_following(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Unavailable { .. } | ApiError::Timeout { .. } | ApiError::Connect { .. }
    )
}

impl Client {
    /// Polls transaction `id`, started by `request`, until it ends: `Success` or
    /// `Completed` is done, `Fail` failed; `Queued`, `In Progress` and any status this
    /// tool does not know are followed until the poll budget is spent, after which the
    /// outcome is uncertain (never failed: the write may still happen).
    pub(crate) async fn follow(
        &self,
        request: &ApiRequest,
        id: &str,
    ) -> Result<WriteOutcome, ApiError> {
        let policy = self.settings().poll;
        let poll = ApiRequest::instance(Method::Get, &self.profile().routes.transaction, id)
            .action("poll");
        let started = Instant::now();
        let mut last = Last::State(TxnState::Running);
        for n in 0.. {
            let wait = policy.interval(n);
            if started.elapsed() + wait > policy.max_wait {
                break;
            }
            tokio::time::sleep(wait).await;
            let entry = match self
                .send_decoded_until(&poll, NO_BODY, Some(started + policy.max_wait), |bytes| {
                    decode::poll(bytes, id)
                })
                .await
            {
                Ok(entry) => entry,
                // A busy or slow server (429 after its `Retry-After`, 5xx, no answer in
                // time, even after the read's own retries): keep following within the
                // poll budget.
                Err(error) if keeps_following(&error) => {
                    last = Last::Error(error.to_string());
                    continue;
                }
                Err(e) => {
                    return Err(ApiError::Uncertain {
                        request: Box::new(request.clone()),
                        detail: format!("transaction {id} could not be followed: {e}"),
                        accepted: true,
                    });
                }
            };
            let Some((status, description)) = entry else {
                // The write was accepted: its outcome is unknown, not failed.
                return Err(ApiError::Uncertain {
                    request: Box::new(request.clone()),
                    detail: format!("the poll answer holds no status for transaction {id}"),
                    accepted: true,
                });
            };
            let writes = &self.profile().writes;
            match TxnState::of(&status, &writes.success_statuses, &writes.failure_statuses) {
                TxnState::Succeeded => {
                    return Ok(WriteOutcome {
                        transaction_id: id.to_owned(),
                        message: description,
                    });
                }
                TxnState::Failed => {
                    let message = self.failure_message(id).await.unwrap_or(description);
                    let transient = self.profile().transient_failure(&message);
                    return Err(ApiError::TransactionFailed {
                        request: Box::new(request.clone()),
                        transaction_id: id.to_owned(),
                        message,
                        transient,
                    });
                }
                other => last = Last::State(other),
            }
        }
        let seconds = policy.max_wait.as_secs_f64();
        Err(ApiError::Uncertain {
            request: Box::new(request.clone()),
            detail: match last {
                Last::State(TxnState::Unknown(status)) => format!(
                    "transaction {id} was still `{status}` (a status this tool does not know) \
                     after {seconds} s"
                ),
                Last::State(_) => {
                    format!("transaction {id} was still queued or in progress after {seconds} s")
                }
                Last::Error(error) => format!(
                    "transaction {id} could not be followed to its end within {seconds} s \
                     (last poll: {error})"
                ),
            },
            accepted: true,
        })
    }

    /// Why a transaction failed, from the transaction itself (`data.message` [ours]).
    async fn failure_message(&self, id: &str) -> Option<String> {
        let request = ApiRequest::instance(Method::Get, &self.profile().routes.transaction, id);
        let body: serde_json::Value = self.send(&request, NO_BODY).await.ok()?;
        body.pointer("/data/message")
            .and_then(serde_json::Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::super::retry::PollPolicy;
    use std::time::Duration;

    #[test]
    fn poll_interval_grows_from_20_ms_to_500_ms() {
        let policy = PollPolicy::default();
        assert_eq!(policy.interval(0), Duration::from_millis(20));
        assert_eq!(policy.interval(1), Duration::from_millis(30));
        assert!(policy.interval(5) > policy.interval(4));
        assert_eq!(policy.interval(20), Duration::from_millis(500));
        assert_eq!(policy.interval(u32::MAX), Duration::from_millis(500));
    }
}
