//! The model types (URL paths under `/api/`) this tool uses. Names marked [ours] are not
//! in the vendor's documentation: a user with a real server corrects them here.

/// Customers: "joins HcsVossCustomerDAT with other VOSS and SDR customer models". [doc]
pub const CUSTOMER: &str = "relation/HcsCustomerREL";
/// Hierarchy nodes (provider, reseller, customer...). [doc]
pub const HIERARCHY_NODE: &str = "data/HierarchyNode";
/// Providers: where a provider's domain (`directoryDomain`) lives. [doc]
pub const PROVIDER_REL: &str = "relation/HcsProviderREL";
/// Resellers: where a reseller's domain (`directoryDomain`) lives. [doc]
pub const RESELLER_REL: &str = "relation/HcsResellerREL";
/// Roles a local admin role is cloned from. [doc]
pub const ROLE: &str = "data/Role";
/// Asynchronous transactions. [doc]
pub const TRANSACTION: &str = "tool/Transaction";
/// LDAP servers (a dependent of a customer). [doc]
pub const LDAP: &str = "data/Ldap";
/// SSO identity providers (a dependent of a customer). [doc]
pub const SSO_PROVIDER: &str = "data/SsoIdentityProvider";
/// Phones (devices, a dependent of a customer). [doc]
pub const PHONE: &str = "device/cucm/Phone";
/// Network Device Lists (a dependent of a customer). [doc]
pub const NETWORK_DEVICE_LIST: &str = "relation/HcsNetworkDeviceListREL";
/// Sites below a customer (a dependent of a customer). [doc]
pub const SITE: &str = "relation/HcsSiteREL";
/// Internal (directory) number inventory. [doc]
pub const INTERNAL_NUMBER: &str = "data/InternalNumberInventory";
/// E164 number inventory. [doc]
pub const E164_NUMBER: &str = "data/HcsDpE164InventoryDAT";
/// Prime Collaboration applications synced from HCM-F. [ours]
pub const PRIME_COLLABORATION: &str = "data/HcsPrimeCollaborationDAT";
/// The DN audit ("Audit Number Inventory"), run with a POST at the customer's node. [ours]
pub const DN_AUDIT: &str = "tool/DnAudit";

/// Where customers synced from HCM-F wait to be migrated. [doc]
pub const HCMF_HIERARCHY: &str = "sys.hcs";

/// Default page size of a list (the API guide's example). [ours]
pub const DEFAULT_PAGE_SIZE: u64 = 250;
/// The largest page a list request gets. [ours] A server announces its own limit in
/// `pagination.maximum_limit`, which wins.
pub const MAX_PAGE_SIZE: u64 = 2000;
/// The `maximum_limit` a real 11.5.1 server announced (later releases show 2000 in
/// choices answers). [seen]
pub const SEEN_MAXIMUM_LIMIT: u64 = 200;

/// Where the Prime Collaboration applications synced from HCM-F are listed (an admin who
/// cannot see it gets 403; the names are then not checked). [ours]
pub const PRIME_COLLABORATION_HIERARCHY: &str = HCMF_HIERARCHY;

/// Local administrators (the admin made with a customer's Create Local Admin). [ours]
pub const USER: &str = "data/User";
