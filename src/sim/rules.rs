//! The "Manage Customers" rules: every write the simulator accepts goes through
//! [`Store::apply`], which checks everything before it changes anything (a failed write,
//! like a failed VOSS transaction, leaves no trace).
//!
//! An update is a PUT (whole replacement [doc]: every field the payload leaves out falls
//! back to its default) or a PATCH (a merge: only the fields sent change). Both go through
//! [`check_write`] first: read-only fields, and create-only fields on an update, are
//! refused with every offending field named.

use crate::voss::routes::{CUSTOMER, DN_AUDIT, E164_NUMBER, HCMF_HIERARCHY, INTERNAL_NUMBER};
use crate::voss::wire::CustomerData;

use super::errors::ApiError;
use super::store::{
    CustomerRec, DependentKind, Dependents, Fields, NodeType, NumberKind, NumberRec, Placed, Store,
    within,
};

/// A write, as a request asks for it (after the request's own checks and RBAC).
#[derive(Debug, Clone)]
pub enum Op {
    Create {
        parent: String,
        data: CustomerData,
        /// Whether Create Local Admin clones the chosen role (see [`Store::apply`]'s
        /// create): always before 24.2, only when asked from 24.2 on.
        clone_role: bool,
    },
    Update {
        pkid: String,
        data: CustomerData,
        mode: UpdateMode,
    },
    Delete {
        pkid: String,
    },
    AddNumber {
        customer: String,
        kind: NumberKind,
        number: String,
    },
    DnAudit {
        customer: String,
    },
}

impl Op {
    /// One line for the transaction's description.
    pub fn describe(&self) -> String {
        match self {
            Op::Create { parent, data, .. } => format!(
                "add {CUSTOMER} {} at {parent}",
                data.name.as_deref().unwrap_or("")
            ),
            Op::Update { pkid, .. } => format!("modify {CUSTOMER} {pkid}"),
            Op::Delete { pkid } => format!("delete {CUSTOMER} {pkid}"),
            Op::AddNumber { number, kind, .. } => format!("add {} {number}", number_model(*kind)),
            Op::DnAudit { customer } => format!("{DN_AUDIT} for customer {customer}"),
        }
    }
}

/// How an update treats the fields its payload leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// PUT: they fall back to their defaults [doc].
    Replace,
    /// PATCH: they keep their values [seen in use].
    Merge,
}

/// Which write a body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Create,
    Update,
}

/// Fields a client reads but never writes [seen]/[ours].
const READ_ONLY: [&str; 3] = ["pkid", "hierarchy_path", "defaultAdminRole"];
/// Fields only a create carries [ours]; an update with one is refused.
const CREATE_ONLY: [&str; 3] = [
    "defaultAdminPassword",
    "repeatDefaultAdminPassword",
    "migrate",
];

/// Refuses, naming every one of them, the read-only fields of a write body and, on an
/// update, the create-only ones (the passwords, `migrate`).
pub fn check_write(data: &CustomerData, kind: WriteKind) -> Result<(), ApiError> {
    let present = [
        ("pkid", data.pkid.is_some()),
        ("hierarchy_path", data.hierarchy_path.is_some()),
        ("defaultAdminRole", data.default_admin_role.is_some()),
        (
            "defaultAdminPassword",
            data.default_admin_password.is_some(),
        ),
        (
            "repeatDefaultAdminPassword",
            data.repeat_default_admin_password.is_some(),
        ),
        ("migrate", data.migrate.is_some()),
    ];
    let sent_of = |names: &[&str]| -> Vec<String> {
        present
            .iter()
            .filter(|(name, sent)| *sent && names.contains(name))
            .map(|(name, _)| (*name).to_owned())
            .collect()
    };
    let read_only = sent_of(&READ_ONLY);
    if !read_only.is_empty() {
        return Err(ApiError::bad_fields(
            read_only.clone(),
            format!(
                "read-only field(s) {}: a write never carries them (they are derived by the server)",
                read_only.join(", ")
            ),
        ));
    }
    if kind == WriteKind::Update {
        let create_only = sent_of(&CREATE_ONLY);
        if !create_only.is_empty() {
            return Err(ApiError::bad_fields(
                create_only.clone(),
                format!(
                    "create-only field(s) {}: an update never carries them",
                    create_only.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// What a successful write did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub model_type: &'static str,
    pub pkid: String,
    /// The instance after the write (none for a delete).
    pub href: Option<String>,
}

pub fn number_model(kind: NumberKind) -> &'static str {
    match kind {
        NumberKind::Internal => INTERNAL_NUMBER,
        NumberKind::E164 => E164_NUMBER,
    }
}

pub fn href(model_type: &str, pkid: &str) -> String {
    let mut out = String::new();
    write_href(&mut out, model_type, pkid);
    out
}

/// Appends [`href`] to `out`.
pub fn write_href(out: &mut String, model_type: &str, pkid: &str) {
    out.push_str("/api/");
    out.push_str(model_type);
    out.push('/');
    out.push_str(pkid);
    out.push('/');
}

impl Store {
    pub fn apply(&mut self, op: &Op) -> Result<Applied, ApiError> {
        match op {
            Op::Create {
                parent,
                data,
                clone_role,
            } => self.create(parent, data, *clone_role),
            Op::Update { pkid, data, mode } => self.update(pkid, data, *mode),
            Op::Delete { pkid } => self.delete(pkid),
            Op::AddNumber {
                customer,
                kind,
                number,
            } => self.add_number(customer, *kind, number),
            Op::DnAudit { customer } => self.dn_audit(customer),
        }
    }

    /// A customer. With Create Local Admin (default true [doc]; a migrate only when
    /// asked [ours]) the chosen role (`clonedAdminRole`) must be visible from `parent`, the
    /// passwords set and equal, and a domain apply; then a local admin
    /// `<Name>Admin@<domain>` (spaces → `_`) is placed at the customer's node [doc], and
    /// its role is:
    /// - with `clone_role` (every create before 24.2 [doc]; from 24.2 on, a create that
    ///   sends the clone flag as true [doc]): a new role `<Name><role>` cloned from the
    ///   chosen one and placed at the customer's node [doc: a role prefixed with the
    ///   customer name]; `defaultAdminRole` reports it;
    /// - without (24.2 on, no clone flag or false [doc: no longer cloned by itself]): the
    ///   chosen role itself, no new role; `defaultAdminRole` reports the chosen role [ours].
    fn create(
        &mut self,
        parent: &str,
        data: &CustomerData,
        clone_role: bool,
    ) -> Result<Applied, ApiError> {
        let name = data
            .name
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("name", "Customer Name is mandatory"))?;
        check_name(name)?;
        match self.nodes.get(parent).map(|n| n.node_type) {
            Some(NodeType::Provider | NodeType::Reseller) => {}
            _ => {
                return Err(ApiError::bad_request(
                    "hierarchy",
                    format!(
                        "`{parent}` is not a provider or reseller node: customers are added under one"
                    ),
                ));
            }
        }
        if let Some(path) = &data.form_hierarchy_path
            && path != parent
        {
            return Err(ApiError::bad_request(
                "HierarchyPath",
                format!(
                    "HierarchyPath `{path}` differs from the hierarchy `{parent}` of the request"
                ),
            ));
        }
        let node_path = format!("{parent}.{name}");
        if self.customer_at(parent, name).is_some() || self.nodes.contains_key(&node_path) {
            return Err(ApiError::conflict(
                "name",
                format!("a customer named `{name}` already exists at {parent}"),
            ));
        }
        self.check_case_sibling(parent, name, None)?;
        self.check_prime_collaboration(data)?;
        let migrated = match data.migrate {
            Some(true) => match self.customer_at(HCMF_HIERARCHY, name) {
                Some(hcmf) => Some(hcmf.pkid.clone()),
                None => {
                    return Err(ApiError::bad_request(
                        "migrate",
                        format!(
                            "no customer named `{name}` synced from HCM-F waits at {HCMF_HIERARCHY} to be migrated"
                        ),
                    ));
                }
            },
            _ => None,
        };
        // Create Local Admin defaults to "true" [doc]; a migrate takes the HCM-F values
        // and makes a local admin only when asked [ours].
        let local_admin = if data.create_admin.unwrap_or(migrated.is_none()) {
            Some(self.check_local_admin(parent, name, data, clone_role)?)
        } else {
            None
        };

        // Every check passed: write.
        let (pkid, data_pkid, mut fields, dependents) = match migrated {
            Some(pkid) => match self.remove_customer(&pkid) {
                Some(old) => (old.pkid, old.data_pkid, old.fields, old.dependents),
                None => return Err(ApiError::internal("the HCM-F customer vanished")),
            },
            None => (
                self.new_pkid(),
                self.new_pkid(),
                Fields::default(),
                Dependents::default(),
            ),
        };
        overlay(&mut fields, data);
        fields.name = name.to_owned();
        let domain = Some(fields.domain_name.clone()).filter(|d| !d.is_empty());
        self.add_node(&node_path, NodeType::Customer, domain, Some(pkid.clone()));
        if let Some((cloned, role, email)) = local_admin {
            fields.create_admin = true;
            fields.default_admin_role = role.clone();
            if clone_role {
                self.place_role(&node_path, role);
            }
            fields.cloned_admin_role = cloned;
            let placed = self.placed(&node_path, email);
            self.users.push(placed);
        }
        let version = self.new_version();
        self.insert_customer(CustomerRec {
            pkid: pkid.clone(),
            data_pkid,
            parent: parent.to_owned(),
            version,
            fields,
            dependents,
            internal_numbers: Vec::new(),
            e164_numbers: Vec::new(),
        });
        Ok(customer_applied(pkid))
    }

    /// Checks Create Local Admin and returns (chosen role, the admin's role, admin email):
    /// the admin's role is the clone `<Name><role>` with `clone_role`, else the chosen one.
    fn check_local_admin(
        &self,
        parent: &str,
        name: &str,
        data: &CustomerData,
        clone_role: bool,
    ) -> Result<(String, String, String), ApiError> {
        let cloned = data.cloned_admin_role.as_deref().unwrap_or("");
        if cloned.is_empty() {
            return Err(ApiError::bad_request(
                "clonedAdminRole",
                "Cloned Admin Role is mandatory when Create Local Admin is set",
            ));
        }
        if self.roles_visible_from(parent).all(|r| r.name != cloned) {
            return Err(ApiError::bad_request(
                "clonedAdminRole",
                format!("no role named `{cloned}` is visible from {parent}"),
            ));
        }
        let password = data.default_admin_password.as_deref().unwrap_or("");
        if password.is_empty() {
            return Err(ApiError::bad_request(
                "defaultAdminPassword",
                "Default Admin Password is mandatory when Create Local Admin is set",
            ));
        }
        if data.repeat_default_admin_password.as_deref() != Some(password) {
            return Err(ApiError::bad_request(
                "repeatDefaultAdminPassword",
                "Repeat Default Admin Password does not match Default Admin Password",
            ));
        }
        let domain = self.effective_domain(parent, data.directory_domain.as_deref().unwrap_or(""));
        if domain.is_empty() {
            return Err(ApiError::bad_request(
                "directoryDomain",
                format!(
                    "no domain applies to the local admin of `{name}`: set directoryDomain (Domain Name)"
                ),
            ));
        }
        let prefix = name.replace(' ', "_");
        let role = if clone_role {
            format!("{prefix}{cloned}")
        } else {
            cloned.to_owned()
        };
        Ok((cloned.to_owned(), role, format!("{prefix}Admin@{domain}")))
    }

    fn update(
        &mut self,
        pkid: &str,
        data: &CustomerData,
        mode: UpdateMode,
    ) -> Result<Applied, ApiError> {
        check_write(data, WriteKind::Update)?;
        let current = self
            .customers
            .get(pkid)
            .ok_or_else(|| unknown_customer(pkid))?;
        if let Some(path) = &data.form_hierarchy_path
            && *path != current.parent
        {
            return Err(ApiError::bad_request(
                "HierarchyPath",
                format!(
                    "moving a customer from {} to `{path}` is not supported",
                    current.parent
                ),
            ));
        }
        // The local admin is made by the create: an update may send these back unchanged
        // (a whole-record PUT does) but not change them [ours].
        if data
            .create_admin
            .is_some_and(|sent| sent != current.fields.create_admin)
        {
            return Err(ApiError::bad_request(
                "create_admin",
                "create_admin is create-only: the local admin is made when the customer is created",
            ));
        }
        if data
            .cloned_admin_role
            .as_ref()
            .is_some_and(|sent| *sent != current.fields.cloned_admin_role)
        {
            return Err(ApiError::bad_request(
                "clonedAdminRole",
                "clonedAdminRole is create-only: the local admin's role is cloned when the customer is created",
            ));
        }
        let parent = current.parent.clone();
        let old_name = current.fields.name.clone();
        let new_name = match (mode, &data.name) {
            (_, Some(name)) => name.clone(),
            (UpdateMode::Merge, None) => old_name.clone(),
            (UpdateMode::Replace, None) => {
                return Err(ApiError::bad_request(
                    "name",
                    "Customer Name is mandatory: a PUT replaces the whole record, send every field (or PATCH the changed ones)",
                ));
            }
        };
        if new_name != old_name {
            check_name(&new_name)?;
            let new_node = format!("{parent}.{new_name}");
            if self.customer_at(&parent, &new_name).is_some() || self.nodes.contains_key(&new_node)
            {
                return Err(ApiError::conflict(
                    "name",
                    format!("a customer named `{new_name}` already exists at {parent}"),
                ));
            }
            let own = format!("{parent}.{old_name}");
            self.check_case_sibling(&parent, &new_name, Some(&own))?;
        }
        self.check_prime_collaboration(data)?;

        let Some(mut customer) = self.remove_customer(pkid) else {
            return Err(unknown_customer(pkid));
        };
        let old_node = customer.node_path();
        if mode == UpdateMode::Replace {
            // Whole replacement: what the payload leaves out takes its default; what the
            // create decided (the local admin) stays.
            let kept = &customer.fields;
            customer.fields = Fields {
                create_admin: kept.create_admin,
                cloned_admin_role: kept.cloned_admin_role.clone(),
                default_admin_role: kept.default_admin_role.clone(),
                ..Fields::default()
            };
        }
        overlay(&mut customer.fields, data);
        customer.fields.name = new_name;
        let new_node = customer.node_path();
        if new_node != old_node {
            self.move_subtree(&old_node, &new_node);
        }
        let domain = Some(customer.fields.domain_name.clone()).filter(|d| !d.is_empty());
        let version = self.new_version();
        if let Some(node) = self.nodes.get_mut(&new_node) {
            node.domain = domain;
            node.version = version.clone();
        }
        customer.version = version;
        self.insert_customer(customer);
        Ok(customer_applied(pkid.to_owned()))
    }

    fn delete(&mut self, pkid: &str) -> Result<Applied, ApiError> {
        let customer = self
            .customers
            .get(pkid)
            .ok_or_else(|| unknown_customer(pkid))?;
        let blockers: Vec<String> = DependentKind::ALL
            .iter()
            .filter_map(|kind| {
                let count = customer.dependents.of(*kind).len();
                let (one, many) = kind.nouns();
                match count {
                    0 => None,
                    1 => Some(format!("1 {one}")),
                    n => Some(format!("{n} {many}")),
                }
            })
            .collect();
        if !blockers.is_empty() {
            return Err(ApiError::conflict(
                "pkid",
                format!(
                    "customer {} still has {}: remove them first",
                    customer.fields.name,
                    blockers.join(", ")
                ),
            ));
        }
        let node = customer.node_path();
        self.remove_customer(pkid);
        for path in self.node_paths_within(&node) {
            self.remove_node(&path);
        }
        self.roles.retain(|r| !within(&r.path, &node));
        self.users.retain(|u| !within(&u.path, &node));
        self.new_version();
        Ok(Applied {
            model_type: CUSTOMER,
            pkid: pkid.to_owned(),
            href: None,
        })
    }

    fn add_number(
        &mut self,
        customer: &str,
        kind: NumberKind,
        number: &str,
    ) -> Result<Applied, ApiError> {
        let current = self
            .customers
            .get(customer)
            .ok_or_else(|| unknown_customer(customer))?;
        if current.fields.disable_num_mgmt {
            return Err(ApiError::bad_request(
                "number",
                format!(
                    "number management is disabled for customer {} (Disable Number Management): numbers cannot be added",
                    current.fields.name
                ),
            ));
        }
        let digits = number.strip_prefix('+').unwrap_or(number);
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_request(
                "number",
                format!("`{number}` is not a number: digits, optionally after a leading +"),
            ));
        }
        if current.numbers(kind).iter().any(|n| n.number == number) {
            return Err(ApiError::conflict(
                "number",
                format!(
                    "{number} is already in the inventory of customer {}",
                    current.fields.name
                ),
            ));
        }
        let pkid = self.new_pkid();
        let version = self.new_version();
        if let Some(c) = self.customers.get_mut(customer) {
            c.numbers_mut(kind).push(NumberRec {
                pkid: pkid.clone(),
                number: number.to_owned(),
                status: "Available".into(),
                version,
            });
        }
        let model_type = number_model(kind);
        Ok(Applied {
            model_type,
            href: Some(href(model_type, &pkid)),
            pkid,
        })
    }

    /// Audit Number Inventory: refreshes each number's status; deletes no number.
    fn dn_audit(&mut self, customer: &str) -> Result<Applied, ApiError> {
        let current = self
            .customers
            .get(customer)
            .ok_or_else(|| unknown_customer(customer))?;
        if current.fields.disable_num_mgmt {
            return Err(ApiError::bad_request(
                "hierarchy",
                format!(
                    "the DN audit cannot run while number management is disabled for customer {}",
                    current.fields.name
                ),
            ));
        }
        let version = self.new_version();
        if let Some(c) = self.customers.get_mut(customer) {
            for number in c
                .internal_numbers
                .iter_mut()
                .chain(c.e164_numbers.iter_mut())
            {
                number.status = "Available".into();
                number.version = version.clone();
            }
        }
        Ok(Applied {
            model_type: DN_AUDIT,
            pkid: customer.to_owned(),
            href: Some(href(CUSTOMER, customer)),
        })
    }

    /// Refuses (409) a name that differs from a sibling's (a node directly under `parent`,
    /// customer or not; `own` is the node of the customer being renamed) only in letter
    /// case. Names are unique per hierarchy on VOSS, and whether that ignores case is not
    /// documented: the simulator takes the safe side [ours] until a real server says
    /// otherwise.
    ///
    /// Names are ASCII ([`check_name`]), so every case variant of `name` sorts between its
    /// upper-case and its lower-case spelling: only that range of the tree is looked at.
    fn check_case_sibling(
        &self,
        parent: &str,
        name: &str,
        own: Option<&str>,
    ) -> Result<(), ApiError> {
        let prefix = format!("{parent}.");
        let low = format!("{prefix}{}", name.to_ascii_uppercase());
        let high = format!("{prefix}{}", name.to_ascii_lowercase());
        let sibling = self
            .nodes
            .range(low..=high)
            .map(|(path, _)| path.as_str())
            .filter(|path| Some(*path) != own)
            .filter_map(|path| path.strip_prefix(&prefix))
            .find(|other| other.eq_ignore_ascii_case(name));
        match sibling {
            Some(other) => Err(ApiError::conflict(
                "name",
                format!(
                    "`{other}` already exists at {parent}, and `{name}` differs from it only in letter case"
                ),
            )),
            None => Ok(()),
        }
    }

    fn check_prime_collaboration(&self, data: &CustomerData) -> Result<(), ApiError> {
        match data.prime_collaboration.as_deref() {
            None | Some("") => Ok(()),
            Some(name) if self.prime_collaboration.iter().any(|p| p.name == name) => Ok(()),
            Some(name) => {
                let known: Vec<&str> = self
                    .prime_collaboration
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                Err(ApiError::bad_request(
                    "primeCollaboration",
                    format!(
                        "`{name}` is not a Prime Collaboration application synced from HCM-F (known: {}; \"\" for none)",
                        known.join(", ")
                    ),
                ))
            }
        }
    }

    fn placed(&mut self, path: &str, name: String) -> Placed {
        Placed {
            pkid: self.new_pkid(),
            path: path.to_owned(),
            name,
            version: self.new_version(),
        }
    }

    /// Adds a role at `path`.
    pub fn place_role(&mut self, path: &str, name: String) {
        let placed = self.placed(path, name);
        self.roles.push(placed);
    }
}

fn customer_applied(pkid: String) -> Applied {
    Applied {
        model_type: CUSTOMER,
        href: Some(href(CUSTOMER, &pkid)),
        pkid,
    }
}

fn unknown_customer(pkid: &str) -> ApiError {
    ApiError::not_found("pkid", format!("no customer has pkid {pkid}"))
}

/// Customer Name: mandatory, at most 64 characters, letters, digits, space, `_` and `-`.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ApiError::bad_request(
            "name",
            "Customer Name must have 1 to 64 characters",
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ')))
    {
        return Err(ApiError::bad_request(
            "name",
            format!(
                "Customer Name `{name}` contains `{bad}`: only letters, digits, spaces, _ and - are allowed"
            ),
        ));
    }
    Ok(())
}

/// Sets the fields a write carries; create-only and write-only fields are not stored here.
/// The defaults a PUT falls back to are [`Fields::default`]'s: "" and false [doc/ours].
fn overlay(fields: &mut Fields, data: &CustomerData) {
    fn set<T: Clone>(target: &mut T, value: &Option<T>) {
        if let Some(v) = value {
            *target = v.clone();
        }
    }
    set(&mut fields.description, &data.description);
    set(&mut fields.extended_name, &data.extended_name);
    set(&mut fields.external_customer_id, &data.external_customer_id);
    set(&mut fields.domain_name, &data.directory_domain);
    set(&mut fields.public_sector, &data.public_sector);
    set(&mut fields.inactive_billing, &data.inactive_billing);
    set(&mut fields.account_id, &data.account_id);
    set(&mut fields.deal_ids, &data.deal_ids);
    set(&mut fields.prime_collaboration, &data.prime_collaboration);
    set(&mut fields.shared_uc_apps, &data.shared_uc_apps);
    set(&mut fields.disable_num_mgmt, &data.disable_num_mgmt);
}
