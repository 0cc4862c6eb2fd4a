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

/// Pages of one list asked at once (see [`Client::list_pages_if`]).
const PAGES_AHEAD: usize = 2;

impl Client {
    /// Every instance of `model` at `hierarchy` and below, page by page.
    pub(crate) async fn list_all(
        &self,
        model: &str,
        hierarchy: &str,
    ) -> Result<Vec<Record>, ApiError> {
        Ok(self
            .list_all_if(model, hierarchy, |_, _| true)
            .await?
            .map(|(records, _)| records)
            .unwrap_or_default())
    }

    /// Every instance of `model` at `hierarchy` and below, page by page, unless
    /// `go_on(total, page)` says no once the first page told the list's total and the
    /// page size the rest would be read at (then `None`: one request spent). With the
    /// records, the total and that page size.
    pub(crate) async fn list_all_if(
        &self,
        model: &str,
        hierarchy: &str,
        go_on: impl FnMut(u64, u64) -> bool,
    ) -> Result<Option<(Vec<Record>, (u64, u64))>, ApiError> {
        let mut all = Vec::new();
        let sizes = self
            .list_pages_if(model, hierarchy, false, go_on, |page| {
                all.extend(page);
                Ok(())
            })
            .await?;
        Ok(sizes.map(|sizes| (all, sizes)))
    }

    /// [`Client::list_all_if`], handing each page's records to `each` as it arrives
    /// instead of keeping them all (a list of 100,000 customers is not held as records
    /// and as the model at once). With the list's total and page size. `concurrent`:
    /// once the first page told the total, the next pages are asked a few at once
    /// (at most `--concurrency`) (each decoded as it arrives, in order); a page shorter than
    /// asked before the end makes the rest be read one by one from where it stopped.
    pub(crate) async fn list_pages_if(
        &self,
        model: &str,
        hierarchy: &str,
        concurrent: bool,
        mut go_on: impl FnMut(u64, u64) -> bool,
        mut each: impl FnMut(Vec<Record>) -> Result<(), ApiError>,
    ) -> Result<Option<(u64, u64)>, ApiError> {
        // `None`: the server refused our page size; ask without one (its default).
        let mut limit = Some(self.settings().page_size.max(1));
        let mut skip = 0;
        let mut sizes = (0, 1);
        for _ in 0..MAX_PAGES {
            let mut request = ApiRequest::at(Method::Get, model, hierarchy).param("skip", skip);
            let mut asked = limit;
            if let Some(limit) = limit {
                request = request.param("limit", limit);
            }
            let page = match self.send_decoded(&request, NO_BODY, decode::page).await {
                Ok(page) => page,
                // A server that refuses a page above its maximum (400 naming `limit`,
                // before it announced one) is asked again without a page size.
                Err(error) if limit.is_some() && refuses_limit(&error) => {
                    limit = None;
                    asked = None;
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
            // The rest is read at the server's announced maximum [seen: 200 on 11.5.1,
            // 2000 later]: never more, and no more requests than it allows; a page size
            // set below the profile's is a deliberate cap and kept.
            if let Some(maximum) = page.maximum_limit {
                let wanted = self.settings().page_size;
                let capped = wanted < self.profile().lists.page_size;
                limit = Some(match limit {
                    Some(_) if capped => wanted.min(maximum).max(1),
                    _ => maximum.max(1),
                });
            }
            if skip == 0 {
                sizes = (
                    page.total.unwrap_or(got).max(got),
                    limit.unwrap_or(got).max(1),
                );
                if !go_on(sizes.0, sizes.1) {
                    return Ok(None);
                }
            }
            let first = skip == 0;
            each(page.resources)?;
            skip += got;
            let done = match page.total {
                Some(total) => skip >= total,
                // No total: a page shorter than asked is the last.
                None => asked.is_none_or(|asked| got < asked),
            };
            if got == 0 || done {
                break;
            }
            if let (true, true, Some(total), Some(limit)) = (concurrent, first, page.total, limit) {
                match self
                    .pages_at_once(model, hierarchy, skip, total, limit, &mut each)
                    .await?
                {
                    Some(stopped_at) => skip = stopped_at,
                    None => break,
                }
            }
        }
        Ok(Some(sizes))
    }

    /// The pages of a list from `from` to `total`, `limit` each, asked a few at a
    /// time (at most `--concurrency`) and handed to `each` in order. `Some(skip)`: a page held
    /// fewer than asked before the end, so the rest is to be read one page at a time from
    /// `skip` (what it really held; pending pages are dropped); `None`: all read.
    async fn pages_at_once(
        &self,
        model: &str,
        hierarchy: &str,
        from: u64,
        total: u64,
        limit: u64,
        each: &mut impl FnMut(Vec<Record>) -> Result<(), ApiError>,
    ) -> Result<Option<u64>, ApiError> {
        let step = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
        let skips: Vec<u64> = (from..total)
            .step_by(step)
            .take(usize::try_from(MAX_PAGES).unwrap_or(usize::MAX))
            .collect();
        // A few pages ahead overlap the server's work with ours; more would only hold
        // more decoded pages at once (2000 records each).
        let window = self.settings().concurrency.clamp(1, PAGES_AHEAD);
        let mut tasks = JoinSet::new();
        let mut ready = std::collections::BTreeMap::new();
        let (mut spawned, mut taken) = (0, 0);
        loop {
            while spawned < skips.len() && spawned < taken + window {
                let client = self.clone();
                let request = ApiRequest::at(Method::Get, model, hierarchy)
                    .param("skip", skips[spawned])
                    .param("limit", limit);
                let index = spawned;
                tasks.spawn(async move {
                    let page = client.send_decoded(&request, NO_BODY, decode::page).await;
                    (index, page)
                });
                spawned += 1;
            }
            let Some(&at) = skips.get(taken) else {
                return Ok(None);
            };
            while !ready.contains_key(&taken) {
                match tasks.join_next().await {
                    Some(Ok((index, page))) => {
                        ready.insert(index, page?);
                    }
                    // A read panicked: a bug, not a server answer; let it surface.
                    Some(Err(error)) if error.is_panic() => {
                        std::panic::resume_unwind(error.into_panic())
                    }
                    Some(Err(_)) => {}
                    None => return Ok(Some(at)),
                }
            }
            let Some(page) = ready.remove(&taken) else {
                return Ok(Some(at));
            };
            let got = page.resources.len() as u64;
            // A server that ignores `skip` answers the first page again: stop.
            if page.skip == Some(0) && got > 0 {
                return Ok(None);
            }
            each(page.resources)?;
            if got < limit.min(total - at) {
                return Ok(Some(at + got));
            }
            taken += 1;
        }
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

    /// Every node at and below `path` by dotted path, from one `data/HierarchyNode` list
    /// (every page). A node's path is `path` and the names of the pkids its `meta.path`
    /// lists below `path` [seen: `meta.path` is the pkids from `sys` down]; a node whose
    /// ancestors the list does not hold is left out.
    pub async fn hierarchy_nodes_below(
        &self,
        path: &str,
    ) -> Result<std::collections::BTreeMap<String, HierarchyNode>, ApiError> {
        let records = self
            .list_all(&self.profile().routes.hierarchy_node, path)
            .await?;
        let depth = path.split('.').count();
        let names: std::collections::HashMap<&str, &str> = records
            .iter()
            .filter_map(|r| Some((r.pkid.as_str(), r.text("name")?)))
            .collect();
        let mut nodes = std::collections::BTreeMap::new();
        for record in &records {
            let Some(below) = record.path_pkids.get(depth..) else {
                continue;
            };
            let mut dotted = path.to_owned();
            let mut whole = true;
            for pkid in below {
                match names.get(pkid.as_str()) {
                    Some(name) => {
                        dotted.push('.');
                        dotted.push_str(name);
                    }
                    None => whole = false,
                }
            }
            if whole && !below.is_empty() {
                nodes.insert(
                    dotted.clone(),
                    HierarchyNode {
                        path: dotted,
                        node_type: node_type(record),
                    },
                );
            }
        }
        Ok(nodes)
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
