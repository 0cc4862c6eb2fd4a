//! The seed file (contract.md section 5): YAML → typed seed → a fresh [`Store`] and the
//! admins' credentials. Every problem is reported as `FILE:LINE:COL: message`.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::voss::routes::HCMF_HIERARCHY;
use crate::yaml::{self, Parsed, Position};

use super::auth::{Credential, Credentials};
use super::rules::check_name;
use super::store::{CustomerRec, DependentKind, Fields, Named, NodeType, Store, parent_of, within};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    hierarchy: Vec<SeedNode>,
    #[serde(default)]
    admins: Vec<SeedAdmin>,
    #[serde(default)]
    roles: Vec<SeedRole>,
    #[serde(default)]
    prime_collaboration: Vec<String>,
    #[serde(default)]
    hcmf_customers: Vec<SeedCustomer>,
    #[serde(default)]
    customers: Vec<SeedCustomer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedNode {
    path: String,
    #[serde(rename = "type")]
    node_type: SeedNodeType,
    #[serde(default)]
    domain: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeedNodeType {
    Provider,
    Reseller,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAdmin {
    email: String,
    password: SeedPassword,
    hierarchy: String,
}

/// A seed admin's password: text, and never repeated in an error or a debug print.
struct SeedPassword(String);

impl<'de> Deserialize<'de> for SeedPassword {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(SeedPassword(text)),
            _ => Err(serde::de::Error::custom(
                "a password must be text (quote it); the value is not shown",
            )),
        }
    }
}

impl std::fmt::Debug for SeedAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedAdmin")
            .field("email", &self.email)
            .field("password", &"(sensitive)")
            .field("hierarchy", &self.hierarchy)
            .finish()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRole {
    hierarchy: String,
    name: String,
}

/// A customer: the fields of desired-state files, plus its dependents and numbers.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedCustomer {
    name: String,
    #[serde(default)]
    hierarchy: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    extended_name: String,
    #[serde(default)]
    external_customer_id: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    public_sector: bool,
    #[serde(default)]
    inactive_billing: bool,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    deal_ids: Vec<String>,
    #[serde(default)]
    prime_collaboration: Option<String>,
    #[serde(default)]
    shared_uc_apps: bool,
    #[serde(default = "yes")]
    number_management: bool,
    #[serde(default)]
    dependents: SeedDependents,
    /// Internal (directory) numbers already in the inventory.
    #[serde(default)]
    numbers: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedDependents {
    #[serde(default)]
    ldap: u32,
    #[serde(default)]
    sso_providers: u32,
    #[serde(default)]
    devices: u32,
    #[serde(default)]
    network_device_lists: u32,
    #[serde(default)]
    sites: u32,
}

/// The largest number of dependents of one kind a seed may give a customer.
const MAX_DEPENDENTS: u32 = 10_000;

/// A seed problem: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// `FILE:LINE:COL` (or `FILE` when the file cannot be read).
    pub location: String,
    pub message: String,
}

/// Reads and checks the seed file.
pub fn load(path: &Path) -> Result<(Store, Credentials), SeedError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SeedError {
        location: file.clone(),
        message: format!("cannot read the seed file: {e}"),
    })?;
    load_text(&file, &text)
}

/// Checks the seed text `text` of the file named `file` (as [`load`] does after reading it;
/// also the entry point of the seed's fuzz target).
pub fn load_text(file: &str, text: &str) -> Result<(Store, Credentials), SeedError> {
    let at = |pos: Position, message: String| SeedError {
        location: format!("{file}:{}:{}", pos.line, pos.column),
        message,
    };
    let parsed = yaml::parse(text)
        .map_err(|e| at(e.position, e.message))?
        .unwrap_or(Parsed {
            value: Value::Object(Default::default()),
            positions: Default::default(),
        });
    let seed: Seed = serde_path_to_error::deserialize(&parsed.value).map_err(|e| {
        let pointer = crate::yaml::pointer_of(e.path());
        at(parsed.key_position(&pointer), e.into_inner().to_string())
    })?;
    build(&seed).map_err(|(pointer, message)| at(parsed.position(&pointer), message))
}

type Problem = (String, String);

fn build(seed: &Seed) -> Result<(Store, Credentials), Problem> {
    let mut store = Store::new();
    for (i, node) in seed.hierarchy.iter().enumerate() {
        let here = format!("/hierarchy/{i}/path");
        if store.nodes.contains_key(&node.path) {
            return Err((here, format!("`{}` is declared twice", node.path)));
        }
        let (parent, name) = match node.path.rsplit_once('.') {
            Some(split) => split,
            None => return Err((here, format!("`{}` is not a path below sys.hcs", node.path))),
        };
        if name.is_empty() || check_name(name).is_err() {
            return Err((
                here,
                format!("`{name}` is not a valid node name (letters, digits, space, _ and -)"),
            ));
        }
        let parent_type = store.nodes.get(parent).map(|n| n.node_type);
        let node_type = match (node.node_type, parent_type) {
            (SeedNodeType::Provider, _) if parent == HCMF_HIERARCHY => NodeType::Provider,
            (SeedNodeType::Reseller, Some(NodeType::Provider)) => NodeType::Reseller,
            (SeedNodeType::Provider, _) => {
                return Err((
                    here,
                    format!("a provider sits directly under {HCMF_HIERARCHY}"),
                ));
            }
            (SeedNodeType::Reseller, _) => {
                return Err((
                    here,
                    format!(
                        "a reseller sits directly under a provider declared above it; `{parent}` is not one"
                    ),
                ));
            }
        };
        store.add_node(&node.path, node_type, node.domain.clone(), None);
    }
    let mut credentials = Credentials::default();
    for (i, admin) in seed.admins.iter().enumerate() {
        if !is_tree_node(&store, &admin.hierarchy) {
            return Err((
                format!("/admins/{i}/hierarchy"),
                unknown_node(&admin.hierarchy),
            ));
        }
        if admin.email.is_empty() || admin.password.0.is_empty() {
            return Err((
                format!("/admins/{i}"),
                "an admin needs an email and a password".into(),
            ));
        }
        let fresh = credentials.insert(Credential {
            email: admin.email.clone(),
            password: admin.password.0.clone(),
            hierarchy: admin.hierarchy.clone(),
        });
        if !fresh {
            return Err((
                format!("/admins/{i}/email"),
                format!("`{}` is declared twice", admin.email),
            ));
        }
    }
    for (i, role) in seed.roles.iter().enumerate() {
        if !is_tree_node(&store, &role.hierarchy) {
            return Err((
                format!("/roles/{i}/hierarchy"),
                unknown_node(&role.hierarchy),
            ));
        }
        if role.name.is_empty() {
            return Err((format!("/roles/{i}/name"), "a role needs a name".into()));
        }
        store.place_role(&role.hierarchy, role.name.clone());
    }
    for (i, name) in seed.prime_collaboration.iter().enumerate() {
        if name.is_empty() || seed.prime_collaboration[..i].contains(name) {
            return Err((
                format!("/prime_collaboration/{i}"),
                format!("`{name}` is empty or declared twice"),
            ));
        }
        let named = named(&mut store, name.clone());
        store.prime_collaboration.push(named);
    }
    for (i, customer) in seed.hcmf_customers.iter().enumerate() {
        let here = format!("/hcmf_customers/{i}");
        if customer
            .hierarchy
            .as_deref()
            .is_some_and(|h| h != HCMF_HIERARCHY)
        {
            return Err((
                format!("{here}/hierarchy"),
                format!("HCM-F customers sit at {HCMF_HIERARCHY}; leave `hierarchy` out"),
            ));
        }
        add_customer(&mut store, customer, HCMF_HIERARCHY, &here)?;
    }
    for (i, customer) in seed.customers.iter().enumerate() {
        let here = format!("/customers/{i}");
        let Some(parent) = customer.hierarchy.as_deref() else {
            return Err((
                here,
                "a customer needs `hierarchy`: the provider or reseller it lives under".into(),
            ));
        };
        match store.nodes.get(parent).map(|n| n.node_type) {
            Some(NodeType::Provider | NodeType::Reseller) => {}
            _ => {
                return Err((
                    format!("{here}/hierarchy"),
                    format!("`{parent}` is not a provider or reseller declared under `hierarchy`"),
                ));
            }
        }
        add_customer(&mut store, customer, parent, &here)?;
    }
    Ok((store, credentials))
}

fn is_tree_node(store: &Store, path: &str) -> bool {
    store.nodes.contains_key(path) && within(path, HCMF_HIERARCHY) && parent_of(path).is_some()
}

fn unknown_node(path: &str) -> String {
    format!("`{path}` is not a node declared under `hierarchy`")
}

fn named(store: &mut Store, name: String) -> Named {
    Named {
        pkid: store.new_pkid(),
        name,
        version: store.new_version(),
    }
}

fn add_customer(
    store: &mut Store,
    seed: &SeedCustomer,
    parent: &str,
    here: &str,
) -> Result<(), Problem> {
    check_name(&seed.name).map_err(|e| (format!("{here}/name"), e.message))?;
    let node_path = format!("{parent}.{}", seed.name);
    if store.customer_at(parent, &seed.name).is_some() || store.nodes.contains_key(&node_path) {
        return Err((
            format!("{here}/name"),
            format!("`{}` is declared twice at {parent}", seed.name),
        ));
    }
    if let Some(pc) = seed.prime_collaboration.as_deref()
        && store.prime_collaboration.iter().all(|p| p.name != pc)
    {
        return Err((
            format!("{here}/prime_collaboration"),
            format!("`{pc}` is not listed under `prime_collaboration`"),
        ));
    }
    if let Some((j, _)) = seed
        .deal_ids
        .iter()
        .enumerate()
        .find(|(_, d)| d.is_empty() || d.contains(','))
    {
        return Err((
            format!("{here}/deal_ids/{j}"),
            "a deal id is not empty and has no comma".into(),
        ));
    }
    let pkid = store.new_pkid();
    if parent != HCMF_HIERARCHY {
        let domain = Some(seed.domain.clone()).filter(|d| !d.is_empty());
        store.add_node(&node_path, NodeType::Customer, domain, Some(pkid.clone()));
    }
    let data_pkid = store.new_pkid();
    let mut customer = CustomerRec {
        pkid,
        data_pkid,
        parent: parent.to_owned(),
        version: store.new_version(),
        fields: Fields {
            name: seed.name.clone(),
            description: seed.description.clone(),
            extended_name: seed.extended_name.clone(),
            external_customer_id: seed.external_customer_id.clone(),
            domain_name: seed.domain.clone(),
            public_sector: seed.public_sector,
            inactive_billing: seed.inactive_billing,
            account_id: seed.account_id.clone(),
            deal_ids: seed.deal_ids.join(","),
            prime_collaboration: seed.prime_collaboration.clone().unwrap_or_default(),
            shared_uc_apps: seed.shared_uc_apps,
            disable_num_mgmt: !seed.number_management,
            ..Fields::default()
        },
        dependents: Default::default(),
        internal_numbers: Vec::new(),
        e164_numbers: Vec::new(),
    };
    let d = &seed.dependents;
    let counts = [
        d.ldap,
        d.sso_providers,
        d.devices,
        d.network_device_lists,
        d.sites,
    ];
    for (kind, count) in DependentKind::ALL.into_iter().zip(counts) {
        if count > MAX_DEPENDENTS {
            return Err((
                format!("{here}/dependents"),
                format!("at most {MAX_DEPENDENTS} dependents of a kind"),
            ));
        }
        for n in 1..=count {
            let item = named(store, dependent_name(kind, n));
            customer.dependents.of_mut(kind).push(item);
        }
    }
    for (j, number) in seed.numbers.iter().enumerate() {
        let digits = number.strip_prefix('+').unwrap_or(number);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                format!("{here}/numbers/{j}"),
                format!("`{number}` is not a number"),
            ));
        }
        let item = named(store, number.clone());
        customer.internal_numbers.push(super::store::NumberRec {
            pkid: item.pkid,
            number: item.name,
            status: "Available".into(),
            version: item.version,
        });
    }
    store.insert_customer(customer);
    Ok(())
}

/// Names for generated dependents: `ldap-1`, `sso-1`, `SEP000000000001`, `NDL-1`, `Site-1`.
fn dependent_name(kind: DependentKind, n: u32) -> String {
    match kind {
        DependentKind::Ldap => format!("ldap-{n}"),
        DependentKind::SsoProvider => format!("sso-{n}"),
        DependentKind::Device => format!("SEP{n:012}"),
        DependentKind::NetworkDeviceList => format!("NDL-{n}"),
        DependentKind::Site => format!("Site-{n}"),
    }
}
