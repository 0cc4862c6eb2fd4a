//! Reading the live system with the fewest requests: per declared hierarchy one node
//! lookup and one paginated list of the customers directly under it; HCM-F customers,
//! roles and Prime Collaboration only when the plan can need them.

use std::collections::{BTreeMap, BTreeSet};

use super::client::{Client, NO_BODY};
use super::error::ApiError;
use super::fields::live_from_wire;
use super::request::{ApiRequest, Method};
use super::routes;
use super::wire::{CustomerData, NamedData, Resource};
use crate::model::{Dependents, Desired, HierarchyNode, LiveCustomer, LiveState};

/// One declared hierarchy as read: its node (`None`: missing) and its customers.
type HierarchyRead = (String, Option<HierarchyNode>, Vec<LiveCustomer>);

impl Client {
    /// What the planner needs to know about the live system for `desired`.
    pub async fn read_live(&self, desired: &Desired) -> Result<LiveState, ApiError> {
        let hierarchies: BTreeSet<String> = desired
            .customers
            .iter()
            .map(|c| c.customer.hierarchy.clone())
            .chain(desired.scopes.iter().map(|s| s.scope.hierarchy.clone()))
            .collect();
        let reads = self
            .for_each(
                hierarchies.into_iter().collect(),
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

        let live_keys: BTreeSet<(&str, &str)> = live
            .customers
            .iter()
            .map(|c| (c.hierarchy.as_str(), c.name.as_str()))
            .collect();
        let not_live: Vec<_> = desired
            .customers
            .iter()
            .map(|d| &d.customer)
            .filter(|c| c.state.is_present())
            .filter(|c| {
                !live_keys.contains(&(c.hierarchy.as_str(), c.name.as_str()))
                    && c.renamed_from
                        .as_deref()
                        .is_none_or(|old| !live_keys.contains(&(c.hierarchy.as_str(), old)))
            })
            .collect();
        let role_hierarchies: BTreeSet<String> = not_live
            .iter()
            .filter(|c| c.local_admin.is_some() && live.nodes.contains_key(&c.hierarchy))
            .map(|c| c.hierarchy.clone())
            .collect();
        let wants_prime = desired.customers.iter().any(|d| {
            d.customer.state.is_present() && matches!(d.customer.prime_collaboration, Some(Some(_)))
        });

        let (hcmf, roles, prime) = tokio::join!(
            async {
                if not_live.is_empty() {
                    Ok(Vec::new())
                } else {
                    self.hcmf_customers().await
                }
            },
            self.for_each(
                role_hierarchies.into_iter().collect(),
                |client, path| async move {
                    let roles = client.roles(&path).await?;
                    Ok((path, roles))
                }
            ),
            async {
                if wants_prime {
                    self.prime_collaboration().await
                } else {
                    Ok(None)
                }
            },
        );
        live.hcmf_customers = hcmf?;
        live.roles = roles?.into_iter().collect();
        live.prime_collaboration = prime?;
        live.customers
            .sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        Ok(live)
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
