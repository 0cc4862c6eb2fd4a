//! Reading the live system: per hierarchy one node lookup and one paginated list of the
//! customers directly under it; HCM-F customers, roles and Prime Collaboration when the
//! planner asks for them (`plan::extra_reads` decides; this module only reads).

use std::collections::{BTreeMap, BTreeSet};

use super::client::{Client, NO_BODY};
use super::error::ApiError;
use super::fields::live_from_wire;
use super::request::{ApiRequest, Method};
use super::routes;
use super::wire::{CustomerData, NamedData, Resource};
use crate::model::{Dependents, ExtraReads, HierarchyNode, LiveCustomer, LiveState};

/// One declared hierarchy as read: its node (`None`: missing) and its customers.
type HierarchyRead = (String, Option<HierarchyNode>, Vec<LiveCustomer>);

impl Client {
    /// The nodes of `hierarchies` (missing ones in `missing_nodes`) and the customers
    /// directly under each, sorted by (hierarchy, name).
    pub async fn read_hierarchies(
        &self,
        hierarchies: &BTreeSet<String>,
    ) -> Result<LiveState, ApiError> {
        let reads = self
            .for_each(
                hierarchies.iter().cloned().collect(),
                |client, path| async move { client.read_hierarchy(path).await },
            )
            .await?;
        let mut live = LiveState::default();
        let mut seen = BTreeSet::new();
        for (path, node, customers) in reads {
            match node {
                Some(node) => {
                    live.nodes.insert(path, node);
                }
                None => {
                    live.missing_nodes.insert(path);
                }
            }
            live.customers.extend(
                customers
                    .into_iter()
                    .filter(|c| seen.insert(c.pkid.clone())),
            );
        }
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

    /// The node at `path` and, when it exists, the customers directly under it.
    async fn read_hierarchy(&self, path: String) -> Result<HierarchyRead, ApiError> {
        let Some(node) = self.hierarchy_node(&path).await? else {
            return Ok((path, None, Vec::new()));
        };
        let customers = self.customers_at(&path).await?;
        Ok((path, Some(node), customers))
    }

    /// The customers directly under `hierarchy` (every page).
    pub async fn customers_at(&self, hierarchy: &str) -> Result<Vec<LiveCustomer>, ApiError> {
        self.customers(hierarchy, true).await
    }

    /// The customers at `hierarchy` and every node below it (every page; one list).
    pub async fn customers_below(&self, hierarchy: &str) -> Result<Vec<LiveCustomer>, ApiError> {
        self.customers(hierarchy, false).await
    }

    async fn customers(
        &self,
        hierarchy: &str,
        direct: bool,
    ) -> Result<Vec<LiveCustomer>, ApiError> {
        let resources: Vec<Resource<CustomerData>> =
            self.list_all(routes::CUSTOMER, hierarchy, direct).await?;
        resources
            .iter()
            .map(|r| {
                live_from_wire(r).map_err(|detail| ApiError::BadResponse {
                    request: Box::new(ApiRequest::at(Method::Get, routes::CUSTOMER, hierarchy)),
                    detail,
                })
            })
            .collect()
    }

    /// The customer with this pkid, or `None` when it no longer exists (HTTP 404): one
    /// request, where a look-up by name lists the whole hierarchy.
    pub async fn customer(&self, pkid: &str) -> Result<Option<LiveCustomer>, ApiError> {
        let request = ApiRequest::instance(Method::Get, routes::CUSTOMER, pkid);
        let resource: Resource<CustomerData> = match self.send(&request, NO_BODY).await {
            Ok(resource) => resource,
            Err(ApiError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error),
        };
        live_from_wire(&resource)
            .map(Some)
            .map_err(|detail| ApiError::BadResponse {
                request: Box::new(request),
                detail,
            })
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
            .find(|c| c.name == name && c.hierarchy == hierarchy))
    }

    /// Customers synced from HCM-F at `sys.hcs`; none when the admin cannot see `sys.hcs`.
    pub async fn hcmf_customers(&self) -> Result<Vec<LiveCustomer>, ApiError> {
        match self.customers_at(routes::HCMF_HIERARCHY).await {
            Err(ApiError::Forbidden { .. } | ApiError::NotFound { .. }) => Ok(Vec::new()),
            other => other,
        }
    }

    /// The names of the roles visible from `hierarchy`.
    pub async fn roles(&self, hierarchy: &str) -> Result<BTreeSet<String>, ApiError> {
        let roles: Vec<Resource<NamedData>> = self.list_all(routes::ROLE, hierarchy, false).await?;
        Ok(roles.into_iter().map(|r| r.data.name).collect())
    }

    /// The Prime Collaboration applications synced from HCM-F (kept at `sys.hcs`);
    /// `None` when the admin cannot see them (nothing can then be checked).
    pub async fn prime_collaboration(&self) -> Result<Option<BTreeSet<String>>, ApiError> {
        let listed: Result<Vec<Resource<NamedData>>, ApiError> = self
            .list_all(
                routes::PRIME_COLLABORATION,
                routes::PRIME_COLLABORATION_HIERARCHY,
                false,
            )
            .await;
        match listed {
            Ok(apps) => Ok(Some(apps.into_iter().map(|r| r.data.name).collect())),
            Err(ApiError::Forbidden { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// What still hangs off `customer` (five one-line requests at its node).
    pub async fn dependents(&self, customer: &LiveCustomer) -> Result<Dependents, ApiError> {
        let node = customer_node(customer);
        let (ldap, sso_providers, devices, network_device_lists, sites) = tokio::try_join!(
            self.count(routes::LDAP, &node),
            self.count(routes::SSO_PROVIDER, &node),
            self.count(routes::PHONE, &node),
            self.count(routes::NETWORK_DEVICE_LIST, &node),
            self.count(routes::SITE, &node),
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
            .for_each(customers.to_vec(), |client, customer| async move {
                let dependents = client.dependents(&customer).await?;
                Ok((customer.pkid, dependents))
            })
            .await?;
        Ok(counted.into_iter().collect())
    }
}

/// The customer's own hierarchy node: `<hierarchy>.<name>`.
pub fn customer_node(customer: &LiveCustomer) -> String {
    format!("{}.{}", customer.hierarchy, customer.name)
}
