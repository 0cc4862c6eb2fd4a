//! Reading the live system. A list at a node includes the customers of every node below it
//! [doc], so a customer belongs to the node its `hierarchy_path` names and lists are
//! filtered to direct children here, whatever the server returns. A declared hierarchy
//! below another declared one is served by the ancestor's list (it holds its customers
//! anyway). HCM-F customers, roles and Prime Collaboration are read when the planner asks
//! (`plan::extra_reads` decides; this module only reads), and instances one by one when a
//! list carried only summary fields. A declared hierarchy whose list holds no customer at
//! all has its node looked up: its type tells a customer's own node (nothing is created
//! under one) from an empty provider or reseller. With two declared roots or more, one list
//! at their lowest common ancestor may replace the per-root lists (the planner decides from
//! its first page; see [`Client::read_hierarchies`]).

use std::collections::{BTreeMap, BTreeSet};

use super::client::{Client, NO_BODY};
use super::decode::{self, Record, Unreadable};
use super::error::ApiError;
use super::fields::live_from_record;
use super::request::{ApiRequest, Method};
use crate::model::{
    CommonList, Dependents, ExtraReads, HierarchyNode, ListChoice, ListReads, LiveCustomer,
    LiveState, NodeType,
};

/// What one list at a root hierarchy gave: whether its node exists, and its records.
type RootRead = (String, Option<Vec<Record>>);

impl Client {
    /// The nodes of the declared hierarchies (missing ones in `missing_nodes`) and the
    /// customers directly under each, sorted by (hierarchy, name), read as `reads` says:
    /// one list at the roots' common ancestor when `choose` (the planner) finds, from its
    /// first page, that it takes fewer requests; otherwise (also when the ancestor cannot
    /// be listed, or its records do not say where they live) one list per root.
    pub async fn read_hierarchies(
        &self,
        reads: &ListReads,
        choose: impl Fn(ListChoice) -> bool,
    ) -> Result<LiveState, ApiError> {
        if let Some(common) = &reads.common
            && let Some(live) = self.read_common(reads, common, &choose).await?
        {
            return Ok(live);
        }
        self.read_roots(&reads.hierarchies, reads.roots.clone())
            .await
    }

    /// The declared hierarchies from one customer list at their common ancestor (see
    /// [`Client::read_hierarchies`]); `None` when it is not read after all. Nodes: a
    /// declared hierarchy exists when a listed customer lives at or below it; the others
    /// are looked up one by one, or, when `choose` finds it shorter, found in one node
    /// list at the ancestor.
    async fn read_common(
        &self,
        reads: &ListReads,
        common: &CommonList,
        choose: &impl Fn(ListChoice) -> bool,
    ) -> Result<Option<LiveState>, ApiError> {
        let mut live = LiveState::default();
        let mut parents = BTreeSet::new();
        let mut unplaced = false;
        // Each page is decoded as it comes: only the declared parents' customers are kept.
        let listed = self
            .list_pages_if(
                &self.profile().routes.customer,
                &common.at,
                true,
                |total, page| choose(ListChoice::CommonCustomers { total, page }),
                |records| {
                    for record in &records {
                        let Some(parent) = record.parent_given(&common.at) else {
                            unplaced = true;
                            continue;
                        };
                        if reads.hierarchies.contains(&parent) {
                            live.customers
                                .push(self.decoded(record, &parent, &common.at)?);
                        }
                        if !parents.contains(&parent) {
                            parents.insert(parent);
                        }
                    }
                    Ok(())
                },
            )
            .await;
        let (total, page) = match listed {
            Ok(Some(sizes)) => sizes,
            Ok(None) => return Ok(None),
            // Not the admin's to list, or not there: each root answers for itself.
            Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        // A record that does not say where it lives: each root is listed itself.
        if unplaced {
            return Ok(None);
        }
        // Every node from the ancestor down to a listed customer's parent exists.
        let mut exists = BTreeSet::new();
        for parent in &parents {
            let mut at = parent.as_str();
            while at.len() > common.at.len() && exists.insert(at.to_owned()) {
                match at.rfind('.') {
                    Some(i) => at = &at[..i],
                    None => break,
                }
            }
        }
        let mut unseen = Vec::new();
        for hierarchy in &reads.hierarchies {
            if exists.contains(hierarchy) {
                live.nodes.insert(hierarchy.clone(), node(hierarchy));
            } else {
                unseen.push(hierarchy.clone());
            }
        }
        let node_list = !unseen.is_empty()
            && choose(ListChoice::NodeList {
                unseen: unseen.len() as u64,
                nodes: total,
                page,
            });
        // An admin may list customers at the common ancestor but not its nodes (a 403 or
        // 404 on the node list): then each unseen node is looked up, as without the list.
        let listed = if node_list {
            match self.hierarchy_nodes_below(&common.at).await {
                Ok(nodes) => Some(nodes),
                Err(ApiError::Forbidden { .. } | ApiError::NotFound { .. }) => None,
                Err(error) => return Err(error),
            }
        } else {
            None
        };
        if let Some(mut nodes) = listed {
            for hierarchy in unseen {
                match nodes.remove(&hierarchy) {
                    Some(found) => {
                        live.nodes.insert(hierarchy, found);
                    }
                    None => {
                        live.missing_nodes.insert(hierarchy);
                    }
                }
            }
        } else {
            let found = self
                .for_each(
                    unseen,
                    self.settings().concurrency,
                    |client, hierarchy| async move {
                        let found = client.hierarchy_node(&hierarchy).await?;
                        Ok((hierarchy, found))
                    },
                )
                .await?;
            for (hierarchy, found) in found {
                match found {
                    Some(found) => {
                        live.nodes.insert(hierarchy, found);
                    }
                    None => {
                        live.missing_nodes.insert(hierarchy);
                    }
                }
            }
        }
        live.customers
            .sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        Ok(Some(live))
    }

    /// The declared hierarchies from one list per root (see
    /// [`Client::read_hierarchies`]).
    async fn read_roots(
        &self,
        hierarchies: &BTreeSet<String>,
        roots: Vec<String>,
    ) -> Result<LiveState, ApiError> {
        let reads: Vec<RootRead> = self
            .for_each(
                roots,
                self.settings().concurrency,
                |client, root| async move {
                    let records = client.customer_records(&root).await?;
                    Ok((root, records))
                },
            )
            .await?;

        let mut live = LiveState::default();
        let mut unplaced = BTreeSet::new();
        let mut empty = Vec::new();
        for (root, records) in reads {
            let Some(records) = records else {
                live.missing_nodes.insert(root);
                continue;
            };
            if records.is_empty() {
                empty.push(root.clone());
            }
            live.nodes.insert(root.clone(), node(&root));
            for record in records {
                match record.parent_given(&root) {
                    Some(parent) if hierarchies.contains(&parent) => {
                        live.customers.push(self.decoded(&record, &parent, &root)?);
                    }
                    Some(_) => {}
                    None => {
                        unplaced.insert(root.clone());
                    }
                }
            }
        }

        // A list with no customer at all may be a customer's own node (nothing is created
        // under one): its type is looked up, one request per such hierarchy only.
        let typed = self
            .for_each(
                empty,
                self.settings().concurrency,
                |client, root| async move { client.hierarchy_node(&root).await },
            )
            .await?;
        for found in typed.into_iter().flatten() {
            live.nodes.insert(found.path.clone(), found);
        }

        // Declared hierarchies below a root: a node exists when a customer lives at or
        // below it; otherwise it is looked up. When the root's list did not say where its
        // customers live (no `hierarchy_path`), each is listed itself.
        let below: Vec<String> = hierarchies
            .iter()
            .filter(|h| !live.nodes.contains_key(*h) && !live.missing_nodes.contains(*h))
            .cloned()
            .collect();
        for hierarchy in below {
            let root_unplaced = unplaced.iter().any(|root| is_below(&hierarchy, root));
            let seen = live
                .customers
                .iter()
                .any(|c| c.hierarchy == hierarchy || is_below(&c.hierarchy, &hierarchy));
            if root_unplaced {
                match self.customer_records(&hierarchy).await? {
                    None => {
                        live.missing_nodes.insert(hierarchy);
                    }
                    Some(records) => {
                        live.nodes.insert(hierarchy.clone(), node(&hierarchy));
                        for record in records {
                            if record.parent_given(&hierarchy).as_deref() == Some(&hierarchy) {
                                live.customers
                                    .push(self.decoded(&record, &hierarchy, &hierarchy)?);
                            }
                        }
                    }
                }
            } else if seen {
                live.nodes.insert(hierarchy.clone(), node(&hierarchy));
            } else {
                match self.hierarchy_node(&hierarchy).await? {
                    Some(node) => {
                        live.nodes.insert(hierarchy, node);
                    }
                    None => {
                        live.missing_nodes.insert(hierarchy);
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        live.customers.retain(|c| seen.insert(c.pkid.clone()));
        live.customers
            .sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        Ok(live)
    }

    /// Reads what `extra` asks for into `live`: HCM-F customers, roles, Prime
    /// Collaboration applications (concurrently).
    pub async fn read_extras(
        &self,
        live: &mut LiveState,
        extra: &ExtraReads,
    ) -> Result<(), ApiError> {
        let (hcmf, roles, prime) = tokio::join!(
            async {
                if extra.hcmf_customers {
                    self.hcmf_customers().await
                } else {
                    Ok(Vec::new())
                }
            },
            self.for_each(
                extra.roles_at.iter().cloned().collect(),
                self.settings().concurrency,
                |client, path| async move {
                    let roles = client.roles(&path).await?;
                    Ok((path, roles))
                }
            ),
            async {
                if extra.prime_collaboration {
                    self.prime_collaboration().await
                } else {
                    Ok(None)
                }
            },
        );
        live.hcmf_customers = hcmf?;
        live.roles = roles?.into_iter().collect();
        live.prime_collaboration = prime?;
        Ok(())
    }

    /// Reads the instances `pkids` (at most `--read-concurrency` at once) and puts them in
    /// place of their listed records in `live` (customers and HCM-F customers).
    pub async fn read_instances(
        &self,
        live: &mut LiveState,
        pkids: &BTreeSet<String>,
    ) -> Result<(), ApiError> {
        if pkids.is_empty() {
            return Ok(());
        }
        live.customers = self
            .replace_read(std::mem::take(&mut live.customers), pkids)
            .await?;
        live.hcmf_customers = self
            .replace_read(std::mem::take(&mut live.hcmf_customers), pkids)
            .await?;
        Ok(())
    }

    /// `customers` with every record a list gave in part replaced by its instance (read at
    /// most `--read-concurrency` at once); one deleted meanwhile is left out.
    pub async fn complete(
        &self,
        customers: Vec<LiveCustomer>,
    ) -> Result<Vec<LiveCustomer>, ApiError> {
        let partial: BTreeSet<String> = customers
            .iter()
            .filter(|c| !c.unread.is_empty())
            .map(|c| c.pkid.clone())
            .collect();
        self.replace_read(customers, &partial).await
    }

    /// `customers` with those in `pkids` read again by pkid.
    async fn replace_read(
        &self,
        customers: Vec<LiveCustomer>,
        pkids: &BTreeSet<String>,
    ) -> Result<Vec<LiveCustomer>, ApiError> {
        let wanted: Vec<(String, String)> = customers
            .iter()
            .filter(|c| pkids.contains(&c.pkid))
            .map(|c| (c.pkid.clone(), c.hierarchy.clone()))
            .collect();
        if wanted.is_empty() {
            return Ok(customers);
        }
        let read = self
            .for_each(
                wanted,
                self.settings().read_concurrency,
                |client, (pkid, hierarchy)| async move {
                    let found = client.customer(&pkid, &hierarchy).await?;
                    Ok((pkid, found))
                },
            )
            .await?;
        let mut by_pkid: BTreeMap<String, Option<LiveCustomer>> = read.into_iter().collect();
        Ok(customers
            .into_iter()
            .filter_map(|customer| match by_pkid.remove(&customer.pkid) {
                // Deleted since it was listed: it is gone.
                Some(None) => None,
                Some(Some(read)) => Some(read),
                None => Some(customer),
            })
            .collect())
    }

    /// The customer records of a list at `hierarchy` (every page; customers of nodes below
    /// it too); `None` when the system has no such node.
    async fn customer_records(&self, hierarchy: &str) -> Result<Option<Vec<Record>>, ApiError> {
        match self
            .list_all(&self.profile().routes.customer, hierarchy)
            .await
        {
            Ok(records) => Ok(Some(records)),
            Err(ApiError::NotFound { request, message }) => {
                // A 404 is a missing node only when the node lookup agrees; otherwise the
                // customer model is not where this tool looks for it.
                match self.hierarchy_node(hierarchy).await? {
                    None => Ok(None),
                    Some(_) => Err(ApiError::NotFound { request, message }),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// A record in model terms; `at` names the list in an error.
    fn decoded(&self, record: &Record, parent: &str, at: &str) -> Result<LiveCustomer, ApiError> {
        live_from_record(record, parent, self.profile()).map_err(|Unreadable(detail)| {
            ApiError::BadResponse {
                request: Box::new(ApiRequest::at(
                    Method::Get,
                    &self.profile().routes.customer,
                    at,
                )),
                detail,
            }
        })
    }

    /// The customers directly under `hierarchy` (every page of its list, filtered).
    pub async fn customers_at(&self, hierarchy: &str) -> Result<Vec<LiveCustomer>, ApiError> {
        let records = self
            .list_all(&self.profile().routes.customer, hierarchy)
            .await?;
        records
            .iter()
            .filter(|r| r.parent_given(hierarchy).as_deref() == Some(hierarchy))
            .map(|r| self.decoded(r, hierarchy, hierarchy))
            .collect()
    }

    /// The customers at `hierarchy` and every node below it (every page; one list).
    /// Errors: a record below `hierarchy` that does not say where it lives.
    pub async fn customers_below(&self, hierarchy: &str) -> Result<Vec<LiveCustomer>, ApiError> {
        let records = self
            .list_all(&self.profile().routes.customer, hierarchy)
            .await?;
        records
            .iter()
            .map(|r| {
                let parent = r
                    .parent_given(hierarchy)
                    .ok_or_else(|| ApiError::BadResponse {
                        request: Box::new(ApiRequest::at(
                            Method::Get,
                            &self.profile().routes.customer,
                            hierarchy,
                        )),
                        detail: format!("customer {} has no `hierarchy_path`", r.pkid),
                    })?;
                self.decoded(r, &parent, hierarchy)
            })
            .collect()
    }

    /// The customer with this pkid, expected under `hierarchy` (where it lives unless its
    /// record says otherwise), or `None` when it no longer exists (HTTP 404): one request,
    /// with every field.
    pub async fn customer(
        &self,
        pkid: &str,
        hierarchy: &str,
    ) -> Result<Option<LiveCustomer>, ApiError> {
        Ok(self
            .customer_record(pkid)
            .await?
            .map(|(live, _)| live)
            .map(|mut live| {
                if live.hierarchy.is_empty() {
                    live.hierarchy = hierarchy.to_owned();
                }
                live
            }))
    }

    /// The customer with this pkid and its record's data as the server sent it (what a
    /// whole-record update sends back); `None` when it no longer exists (HTTP 404).
    /// The customer's hierarchy is "" when the record does not carry `hierarchy_path`.
    pub async fn customer_record(
        &self,
        pkid: &str,
    ) -> Result<Option<(LiveCustomer, serde_json::Map<String, serde_json::Value>)>, ApiError> {
        let request = ApiRequest::instance(Method::Get, &self.profile().routes.customer, pkid);
        let record = match self.send_decoded(&request, NO_BODY, decode::instance).await {
            Ok(record) => record,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        let parent = record.parent.clone().unwrap_or_default();
        let live =
            live_from_record(&record, &parent, self.profile()).map_err(|Unreadable(detail)| {
                ApiError::BadResponse {
                    request: Box::new(request.clone()),
                    detail,
                }
            })?;
        Ok(Some((live, record.data)))
    }

    /// The customer `name` directly under `hierarchy`, if it exists.
    pub async fn find_customer(
        &self,
        hierarchy: &str,
        name: &str,
    ) -> Result<Option<LiveCustomer>, ApiError> {
        Ok(self
            .customers_at(hierarchy)
            .await?
            .into_iter()
            .find(|c| c.name == name))
    }

    /// Customers synced from HCM-F, waiting directly at `sys.hcs`; none when the admin
    /// cannot see `sys.hcs`.
    pub async fn hcmf_customers(&self) -> Result<Vec<LiveCustomer>, ApiError> {
        match self
            .customers_at(&self.profile().lists.hcmf_hierarchy)
            .await
        {
            Err(ApiError::Forbidden { .. } | ApiError::NotFound { .. }) => Ok(Vec::new()),
            other => other,
        }
    }

    /// The names of the roles visible from `hierarchy`: defined at it or above it (a list
    /// that also holds roles defined below it, such as customers' own roles, is filtered).
    pub async fn roles(&self, hierarchy: &str) -> Result<BTreeSet<String>, ApiError> {
        let roles = self
            .list_all(&self.profile().routes.role, hierarchy)
            .await?;
        Ok(roles
            .iter()
            .filter(|r| {
                r.parent
                    .as_deref()
                    .is_none_or(|at| !is_below(at, hierarchy))
            })
            .filter_map(|r| r.text("name").map(str::to_owned))
            .collect())
    }

    /// The Prime Collaboration applications synced from HCM-F (kept at `sys.hcs`);
    /// `None` when the admin cannot see them (nothing can then be checked).
    pub async fn prime_collaboration(&self) -> Result<Option<BTreeSet<String>>, ApiError> {
        let listed = self
            .list_all(
                &self.profile().routes.prime_collaboration,
                &self.profile().lists.prime_collaboration_hierarchy,
            )
            .await;
        match listed {
            Ok(apps) => Ok(Some(
                apps.iter()
                    .filter_map(|r| r.text("name").map(str::to_owned))
                    .collect(),
            )),
            Err(ApiError::Forbidden { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// What still hangs off `customer` (five one-line requests at its node; each counts
    /// everything at or below the node).
    pub async fn dependents(&self, customer: &LiveCustomer) -> Result<Dependents, ApiError> {
        let node = customer_node(customer);
        let (ldap, sso_providers, devices, network_device_lists, sites) = tokio::try_join!(
            self.count(&self.profile().routes.ldap, &node),
            self.count(&self.profile().routes.sso_provider, &node),
            self.count(&self.profile().routes.phone, &node),
            self.count(&self.profile().routes.network_device_list, &node),
            self.count(&self.profile().routes.site, &node),
        )?;
        Ok(Dependents {
            ldap,
            sso_providers,
            devices,
            network_device_lists,
            sites,
        })
    }

    /// The dependents of each customer, by pkid (customers read concurrently, bounded).
    pub async fn dependents_of(
        &self,
        customers: &[LiveCustomer],
    ) -> Result<BTreeMap<String, Dependents>, ApiError> {
        let counted = self
            .for_each(
                customers.to_vec(),
                self.settings().concurrency,
                |client, customer| async move {
                    let dependents = client.dependents(&customer).await?;
                    Ok((customer.pkid, dependents))
                },
            )
            .await?;
        Ok(counted.into_iter().collect())
    }
}

/// A node known to exist (its kind is not needed by the planner).
fn node(path: &str) -> HierarchyNode {
    HierarchyNode {
        path: path.to_owned(),
        node_type: NodeType::Other,
    }
}

/// Whether `path` is strictly below `ancestor` (`a.b.c` is below `a.b`, `a.bc` is not).
fn is_below(path: &str, ancestor: &str) -> bool {
    path.len() > ancestor.len()
        && path.starts_with(ancestor)
        && path.as_bytes().get(ancestor.len()) == Some(&b'.')
}

/// The customer's own hierarchy node: `<hierarchy>.<name>`.
pub fn customer_node(customer: &LiveCustomer) -> String {
    format!("{}.{}", customer.hierarchy, customer.name)
}
