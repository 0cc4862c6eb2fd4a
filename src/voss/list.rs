//! Lists: every page of a list, a count, a hierarchy node lookup, and running reads of
//! many hierarchies at once (bounded).

use std::future::Future;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{Client, NO_BODY};
use super::error::ApiError;
use super::request::{ApiRequest, Method};
use super::routes;
use super::wire::{HierarchyNodeData, ListBody, Pagination, Resource};
use crate::model::{HierarchyNode, NodeType};

/// No list is read past this many pages, whatever the server says its total is.
const MAX_PAGES: u64 = 10_000;

/// A list page read only for its total (and how many instances it carried: a server
/// that answers `total: 0`, as with `count=false`, still shows what it returned).
#[derive(Deserialize)]
struct CountOnly {
    pagination: Pagination,
    #[serde(default)]
    resources: Vec<serde::de::IgnoredAny>,
}

impl Client {
    /// Every instance of `model` at `hierarchy` (and below, unless `direct`), page by page.
    pub(crate) async fn list_all<T: DeserializeOwned>(
        &self,
        model: &'static str,
        hierarchy: &str,
        direct: bool,
    ) -> Result<Vec<Resource<T>>, ApiError> {
        let limit = self.settings().page_size.clamp(1, routes::MAX_PAGE_SIZE);
        let mut all = Vec::new();
        let mut skip = 0;
        for _ in 0..MAX_PAGES {
            let mut request = ApiRequest::at(Method::Get, model, hierarchy);
            if direct {
                request = request.param("direct", "true");
            }
            let request = request.param("skip", skip).param("limit", limit);
            let page: ListBody<T> = self.send(&request, NO_BODY).await?;
            let got = page.resources.len() as u64;
            // A server that ignores `skip` answers the first page again: stop rather
            // than read it MAX_PAGES times.
            if skip > 0 && page.pagination.skip == 0 && got > 0 {
                break;
            }
            all.extend(page.resources);
            skip += got;
            if got == 0 || skip >= page.pagination.total {
                break;
            }
        }
        Ok(all)
    }

    /// How many instances of `model` there are at `hierarchy` and below (one request).
    pub(crate) async fn count(
        &self,
        model: &'static str,
        hierarchy: &str,
    ) -> Result<u64, ApiError> {
        let request = ApiRequest::at(Method::Get, model, hierarchy)
            .param("skip", 0)
            .param("limit", 1);
        let page: CountOnly = self.send(&request, NO_BODY).await?;
        Ok(page.pagination.total.max(page.resources.len() as u64))
    }

    /// The node at `path`, or `None` when the system has no such node (HTTP 404).
    pub async fn hierarchy_node(&self, path: &str) -> Result<Option<HierarchyNode>, ApiError> {
        let request = ApiRequest::at(Method::Get, routes::HIERARCHY_NODE, path)
            .param("skip", 0)
            .param("limit", 1);
        let page: ListBody<HierarchyNodeData> = match self.send(&request, NO_BODY).await {
            Ok(page) => page,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        // The server resolved `hierarchy=`, so the node exists. A list may hold the node
        // itself or only the nodes below it: take its type and domain only from itself.
        // TODO(issue 10 client): meta.path is a list of pkids (ancestors, then the node):
        // the node itself is the one named like the path's last part at the path's depth.
        let depth = path.split('.').count();
        let last = path.rsplit('.').next().unwrap_or(path);
        let own = page
            .resources
            .into_iter()
            .find(|node| node.meta.path.len() == depth && node.data.name == last);
        Ok(Some(match own {
            Some(node) => HierarchyNode {
                path: path.to_owned(),
                // TODO(issue 10 client): `node_type` replaces `type`; nodes carry no domain
                // (it lives on the provider/reseller relations' directoryDomain).
                node_type: node_type(node.data.node_type.as_deref().unwrap_or("")),
                domain: None,
            },
            None => HierarchyNode {
                path: path.to_owned(),
                node_type: NodeType::Other,
                domain: None,
            },
        }))
    }

    /// Runs `read` for every item, at most `concurrency` at a time. The answers keep the
    /// items' order; when several fail, the first item's error is returned.
    pub(crate) async fn for_each<I, T, F, Fut>(
        &self,
        items: Vec<I>,
        read: F,
    ) -> Result<Vec<T>, ApiError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(Client, I) -> Fut,
        Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(self.settings().concurrency.max(1)));
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

fn node_type(text: &str) -> NodeType {
    match text.to_ascii_lowercase().as_str() {
        "provider" => NodeType::Provider,
        "reseller" => NodeType::Reseller,
        "customer" => NodeType::Customer,
        _ => NodeType::Other,
    }
}
