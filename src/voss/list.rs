//! Lists: every page of a list, a count, a hierarchy node lookup, and running reads of
//! many items at once (bounded).
//!
//! A list at a hierarchy includes the instances of every node below it [doc]; there is no
//! parameter to ask for direct children only, so callers filter on each record's parent.
//! Pages are asked at most `maximum_limit` long (the server announces it [seen: 200]), and
//! `skip` advances by what each page really held.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{Client, NO_BODY};
use super::decode::{self, Record};
use super::error::ApiError;
use super::request::{ApiRequest, Method};
use crate::model::{HierarchyNode, NodeType};

/// No list is read past this many pages, whatever the server says its total is.
const MAX_PAGES: u64 = 10_000;

impl Client {
    /// Every instance of `model` at `hierarchy` and below, page by page.
    pub(crate) async fn list_all(
        &self,
        model: &str,
        hierarchy: &str,
    ) -> Result<Vec<Record>, ApiError> {
        // `None`: the server refused our page size; ask without one (its default).
        let mut limit = Some(self.settings().page_size.max(1));
        let mut all = Vec::new();
        let mut skip = 0;
        for _ in 0..MAX_PAGES {
            let mut request = ApiRequest::at(Method::Get, model, hierarchy).param("skip", skip);
            if let Some(limit) = limit {
                request = request.param("limit", limit);
            }
            let page = match self.send_decoded(&request, NO_BODY, decode::page).await {
                Ok(page) => page,
                // A server that refuses a page above its maximum (400 naming `limit`,
                // before it announced one) is asked again without a page size.
                Err(error) if limit.is_some() && refuses_limit(&error) => {
                    limit = None;
                    let request = ApiRequest::at(Method::Get, model, hierarchy).param("skip", skip);
                    self.send_decoded(&request, NO_BODY, decode::page).await?
                }
                Err(error) => return Err(error),
            };
            let got = page.resources.len() as u64;
            // A server that ignores `skip` answers the first page again: stop rather
            // than read it MAX_PAGES times.
            if skip > 0 && page.skip == Some(0) && got > 0 {
                break;
            }
            all.extend(page.resources);
            skip += got;
            let done = match page.total {
                Some(total) => skip >= total,
                // No total: a page shorter than asked is the last.
                None => limit.is_none_or(|limit| got < limit),
            };
            if got == 0 || done {
                break;
            }
            // Never ask for more than the server serves.
            if let Some(maximum) = page.maximum_limit {
                limit = Some(limit.map_or(maximum, |limit| limit.min(maximum)).max(1));
            }
        }
        Ok(all)
    }

    /// How many instances of `model` there are at `hierarchy` and below (one request).
    pub(crate) async fn count(&self, model: &str, hierarchy: &str) -> Result<u64, ApiError> {
        let request = ApiRequest::at(Method::Get, model, hierarchy)
            .param("skip", 0)
            .param("limit", 1);
        let page = self.send_decoded(&request, NO_BODY, decode::page).await?;
        Ok(page
            .total
            .unwrap_or_default()
            .max(page.resources.len() as u64))
    }

    /// The node at `path`, or `None` when the system has no such node (HTTP 404).
    pub async fn hierarchy_node(&self, path: &str) -> Result<Option<HierarchyNode>, ApiError> {
        let request = ApiRequest::at(Method::Get, &self.profile().routes.hierarchy_node, path)
            .param("skip", 0)
            .param("limit", 1);
        let page = match self.send_decoded(&request, NO_BODY, decode::page).await {
            Ok(page) => page,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        // The server resolved `hierarchy=`, so the node exists. A list may hold the node
        // itself (its `meta.path` has one pkid per name of `path`) or only nodes below it:
        // take its type only from itself.
        let depth = path.split('.').count();
        let name = path.rsplit('.').next().unwrap_or(path);
        let own = page
            .resources
            .iter()
            .find(|node| node.path_pkids.len() == depth && node.text("name") == Some(name));
        Ok(Some(HierarchyNode {
            path: path.to_owned(),
            node_type: own.map_or(NodeType::Other, node_type),
        }))
    }

    /// Runs `read` for every item, at most `concurrency` at a time. The answers keep the
    /// items' order; when several fail, the first item's error is returned.
    pub(crate) async fn for_each<I, T, F, Fut>(
        &self,
        items: Vec<I>,
        concurrency: usize,
        read: F,
    ) -> Result<Vec<T>, ApiError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(Client, I) -> Fut,
        Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut tasks = JoinSet::new();
        let count = items.len();
        for (index, item) in items.into_iter().enumerate() {
            let task = read(self.clone(), item);
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, task.await)
            });
        }
        let mut answers: Vec<Option<Result<T, ApiError>>> = (0..count).map(|_| None).collect();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((index, answer)) => answers[index] = Some(answer),
                // A read panicked: a bug, not a server answer; let it surface.
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                // Nothing cancels these tasks.
                Err(_) => {}
            }
        }
        answers.into_iter().flatten().collect()
    }
}

/// A 400 whose field errors (or message) name `limit`.
fn refuses_limit(error: &ApiError) -> bool {
    match error {
        ApiError::Rejected {
            status: 400,
            errors,
            message,
            ..
        } => errors.iter().any(|(field, _)| field == "limit") || message.contains("limit"),
        _ => false,
    }
}

/// `node_type` [doc: a reference to `data/HierarchyNodeType`]: its name as a text, or an
/// object with a `name`.
pub(super) fn node_type(node: &Record) -> NodeType {
    let text = match node.data.get("node_type") {
        Some(serde_json::Value::String(text)) => text.as_str(),
        Some(serde_json::Value::Object(reference)) => reference
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default(),
        _ => "",
    };
    match text.to_ascii_lowercase().as_str() {
        "provider" => NodeType::Provider,
        "reseller" => NodeType::Reseller,
        "customer" => NodeType::Customer,
        _ => NodeType::Other,
    }
}
