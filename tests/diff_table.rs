//! The diff engine, table-tested: declared customers and live state in, the plan's
//! actions, fields, blocks and follow-ups out.

mod plan_fixtures;

use plan_fixtures::*;
use serde_json::{Value, json};
use voss_customers::model::{Desired, HierarchyNode, LiveState, NodeType};
use voss_customers::plan::{self, Action, FollowUp, LOCAL_ADMIN_WARNING};

/// What one change must look like.
struct Exp {
    action: Action,
    hierarchy: &'static str,
    name: &'static str,
    fields: Vec<(&'static str, Value, Value)>,
    /// Each reason must contain the matching text; the count must match.
    blocked: Vec<&'static str>,
    follow_up: Vec<FollowUp>,
}

fn exp(action: Action, hierarchy: &'static str, name: &'static str) -> Exp {
    Exp {
        action,
        hierarchy,
        name,
        fields: Vec::new(),
        blocked: Vec::new(),
        follow_up: Vec::new(),
    }
}

impl Exp {
    fn field(mut self, field: &'static str, before: Value, after: Value) -> Self {
        self.fields.push((field, before, after));
        self
    }
    fn blocked(mut self, text: &'static str) -> Self {
        self.blocked.push(text);
        self
    }
    fn dn_audit(mut self) -> Self {
        self.follow_up.push(FollowUp::DnAudit);
        self
    }
}

struct Case {
    name: &'static str,
    desired: Desired,
    live: LiveState,
    changes: Vec<Exp>,
    unchanged: usize,
    /// (customer name, message) of each warning.
    warnings: Vec<(&'static str, String)>,
}

fn case(name: &'static str, desired: Desired, live: LiveState) -> Case {
    Case {
        name,
        desired,
        live,
        changes: Vec::new(),
        unchanged: 0,
        warnings: Vec::new(),
    }
}

impl Case {
    fn expect(mut self, e: Exp) -> Self {
        self.changes.push(e);
        self
    }
    fn unchanged(mut self, n: usize) -> Self {
        self.unchanged = n;
        self
    }
    fn warns(mut self, name: &'static str) -> Self {
        self.warnings.push((name, LOCAL_ADMIN_WARNING.to_owned()));
        self
    }
    /// A warning on the change of `name`, whole.
    fn warns_that(mut self, name: &'static str, message: String) -> Self {
        self.warnings.push((name, message));
        self
    }
}

fn cases() -> Vec<Case> {
    use Action::*;
    let mut v = Vec::new();

    // --- create ---
    v.push(
        case(
            "create lists every written field with before null, local admin included",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.description = Some("Flagship account".into());
                    c.deal_ids = ids(&["D-100", "D-200"]);
                    c.public_sector = Some(false);
                    c.prime_collaboration = Some(None);
                    c.local_admin = admin("CustomerAdminTemplate", "ACME_ADMIN_PASSWORD");
                })],
                &[],
            ),
            state(vec![]),
        )
        .expect(
            exp(Create, R1, "Acme Corp")
                .field("description", Value::Null, json!("Flagship account"))
                .field("public_sector", Value::Null, json!(false))
                .field("deal_ids", Value::Null, json!(["D-100", "D-200"]))
                .field("prime_collaboration", Value::Null, Value::Null)
                .field(
                    "local_admin.cloned_role",
                    Value::Null,
                    json!("CustomerAdminTemplate"),
                )
                .field(
                    "local_admin.password_env",
                    Value::Null,
                    json!("ACME_ADMIN_PASSWORD"),
                ),
        ),
    );
    v.push(
        case(
            "create under a missing parent node is blocked",
            desired(vec![cust("sys.hcs.CS-P.Nowhere", "Acme")], &[]),
            LiveState {
                missing_nodes: set(&["sys.hcs.CS-P.Nowhere"]),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Create, "sys.hcs.CS-P.Nowhere", "Acme")
                .blocked("parent node sys.hcs.CS-P.Nowhere does not exist"),
        ),
    );
    v.push(
        case(
            "create with a cloned role missing at its hierarchy is blocked",
            desired(
                vec![with(R1, "Acme", |c| c.local_admin = admin("NoSuchRole", "PW"))],
                &[],
            ),
            LiveState {
                roles: [(R1.to_string(), set(&["CustomerAdminTemplate"]))].into(),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Create, R1, "Acme")
                .field("local_admin.cloned_role", Value::Null, json!("NoSuchRole"))
                .field("local_admin.password_env", Value::Null, json!("PW"))
                .blocked("cloned role \"NoSuchRole\" is not visible from sys.hcs.CS-P.CS-R1 (roles visible there: CustomerAdminTemplate)"),
        ),
    );
    v.push(
        case(
            "create with a cloned role that exists is not blocked",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.local_admin = admin("CustomerAdminTemplate", "PW")
                })],
                &[],
            ),
            LiveState {
                roles: [(R1.to_string(), set(&["CustomerAdminTemplate"]))].into(),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Create, R1, "Acme")
                .field(
                    "local_admin.cloned_role",
                    Value::Null,
                    json!("CustomerAdminTemplate"),
                )
                .field("local_admin.password_env", Value::Null, json!("PW")),
        ),
    );
    v.push(
        case(
            "create when roles were not read for the hierarchy is not blocked",
            desired(
                vec![with(R1, "Acme", |c| c.local_admin = admin("AnyRole", "PW"))],
                &[],
            ),
            LiveState {
                roles: [(P.to_string(), set(&["Other"]))].into(),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Create, R1, "Acme")
                .field("local_admin.cloned_role", Value::Null, json!("AnyRole"))
                .field("local_admin.password_env", Value::Null, json!("PW")),
        ),
    );
    v.push(
        case(
            "create with an unknown Prime Collaboration is blocked",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.prime_collaboration = Some(Some("PC-Nowhere".into()))
                })],
                &[],
            ),
            LiveState {
                prime_collaboration: Some(set(&["PC-East", "PC-West"])),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Create, R1, "Acme")
                .field("prime_collaboration", Value::Null, json!("PC-Nowhere"))
                .blocked("Prime Collaboration \"PC-Nowhere\" is not one of those synced from HCM-F (synced: PC-East, PC-West)"),
        ),
    );
    v.push(
        case(
            "a Prime Collaboration not checked (the list was not read) is a warning on it",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.prime_collaboration = Some(Some("PC-Nowhere".into()))
                })],
                &[],
            ),
            state(vec![]),
        )
        .expect(exp(Create, R1, "Acme").field(
            "prime_collaboration",
            Value::Null,
            json!("PC-Nowhere"),
        ))
        .warns_that("Acme", prime_unchecked("PC-Nowhere")),
    );
    v.push(
        case(
            "an update to a Prime Collaboration not checked is a warning too",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.prime_collaboration = Some(Some("PC-East".into()))
                })],
                &[],
            ),
            state(vec![live(R1, "Globex", "g1")]),
        )
        .expect(exp(Update, R1, "Globex").field(
            "prime_collaboration",
            Value::Null,
            json!("PC-East"),
        ))
        .warns_that("Globex", prime_unchecked("PC-East")),
    );
    v.push(
        case(
            "un-associating a Prime Collaboration needs no check",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.prime_collaboration = Some(Some("None".into()))
                })],
                &[],
            ),
            state(vec![live_with(R1, "Globex", "g1", |l| {
                l.prime_collaboration = Some("PC-East".into())
            })]),
        )
        .expect(exp(Update, R1, "Globex").field(
            "prime_collaboration",
            json!("PC-East"),
            json!("None"),
        )),
    );

    // --- a customer's own node is no parent ---
    v.push(
        case(
            "a create under a live customer's own node is blocked, naming it",
            desired(vec![cust("sys.hcs.CS-P.CS-R1.Globex", "Sub Co")], &[]),
            state(vec![live(R1, "Globex", "g1")]),
        )
        .expect(exp(Create, "sys.hcs.CS-P.CS-R1.Globex", "Sub Co").blocked(
            "sys.hcs.CS-P.CS-R1.Globex is the node of customer \"Globex\", not a provider \
                 or reseller node: customers are added under a provider or reseller; set \
                 `hierarchy` to sys.hcs.CS-P.CS-R1",
        )),
    );
    v.push(
        case(
            "a create under a node looked up as a customer's is blocked",
            desired(vec![cust("sys.hcs.CS-P.CS-R1.Globex", "Sub Co")], &[]),
            LiveState {
                nodes: [(
                    "sys.hcs.CS-P.CS-R1.Globex".to_owned(),
                    HierarchyNode {
                        path: "sys.hcs.CS-P.CS-R1.Globex".to_owned(),
                        node_type: NodeType::Customer,
                    },
                )]
                .into(),
                ..state(vec![])
            },
        )
        .expect(
            exp(Create, "sys.hcs.CS-P.CS-R1.Globex", "Sub Co")
                .blocked("is the node of customer \"Globex\""),
        ),
    );
    v.push(
        case(
            "a reseller named like a customer of another node is no customer node",
            desired(vec![cust("sys.hcs.CS-P.CS-R1.Globex", "Sub Co")], &[]),
            LiveState {
                nodes: [(
                    "sys.hcs.CS-P.CS-R1.Globex".to_owned(),
                    HierarchyNode {
                        path: "sys.hcs.CS-P.CS-R1.Globex".to_owned(),
                        node_type: NodeType::Reseller,
                    },
                )]
                .into(),
                ..state(vec![live(R2, "Globex", "g1")])
            },
        )
        .expect(exp(Create, "sys.hcs.CS-P.CS-R1.Globex", "Sub Co")),
    );

    // --- normalisation: equal values never show as a change ---
    v.push(
        case(
            "deal id order and spacing do not matter",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.deal_ids = ids(&["D-200", " D-100 "])
                })],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.deal_ids = vec!["D-100".into(), "D-200".into()]
            })]),
        )
        .unchanged(1),
    );
    v.push(
        case(
            "deal ids stored as one comma-separated text match the list",
            desired(
                vec![with(R1, "Acme", |c| c.deal_ids = ids(&["D-200", "D-100"]))],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.deal_ids = vec!["D-100, D-200".into()]
            })]),
        )
        .unchanged(1),
    );
    v.push(
        case(
            "a deal id added is a change",
            desired(
                vec![with(R1, "Acme", |c| c.deal_ids = ids(&["D-100", "D-300"]))],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.deal_ids = vec!["D-100".into()]
            })]),
        )
        .expect(exp(Update, R1, "Acme").field(
            "deal_ids",
            json!(["D-100"]),
            json!(["D-100", "D-300"]),
        )),
    );
    v.push(
        case(
            "domain case does not matter",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.domain = Some("ACME.Example.com".into())
                })],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.domain = "acme.example.com".into()
            })]),
        )
        .unchanged(1),
    );
    v.push(
        case(
            "prime collaboration null matches none live, and \"None\" too",
            desired(
                vec![
                    with(R1, "Acme", |c| c.prime_collaboration = Some(None)),
                    with(R1, "Beta", |c| {
                        c.prime_collaboration = Some(Some("None".into()))
                    }),
                ],
                &[],
            ),
            LiveState {
                prime_collaboration: Some(set(&["PC-East"])),
                ..state(vec![live(R1, "Acme", "a1"), live(R1, "Beta", "b1")])
            },
        )
        .unchanged(2),
    );
    v.push(
        case(
            "prime collaboration null un-associates a live one",
            desired(
                vec![with(R1, "Acme", |c| c.prime_collaboration = Some(None))],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.prime_collaboration = Some("PC-East".into())
            })]),
        )
        .expect(exp(Update, R1, "Acme").field(
            "prime_collaboration",
            json!("PC-East"),
            Value::Null,
        )),
    );
    v.push(
        case(
            "empty text written matches empty text live; false matches VOSS's default false",
            desired(
                vec![with(R1, "Acme", |c| {
                    c.description = Some(String::new());
                    c.account_id = Some(String::new());
                    c.public_sector = Some(false);
                    c.inactive_billing = Some(false);
                    c.shared_uc_apps = Some(false);
                    c.number_management = Some(true);
                })],
                &[],
            ),
            state(vec![live(R1, "Acme", "a1")]),
        )
        .unchanged(1),
    );
    v.push(
        case(
            "fields not written are not managed",
            desired(vec![cust(R1, "Acme")], &[]),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.description = "set by hand".into();
                l.domain = "acme.example".into();
                l.public_sector = true;
                l.deal_ids = vec!["D-1".into()];
                l.prime_collaboration = Some("PC-East".into());
            })]),
        )
        .unchanged(1),
    );

    // --- update ---
    v.push(
        case(
            "update lists only the written fields that differ",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.description = Some("New".into());
                    c.domain = Some("globex.example".into());
                    c.public_sector = Some(true);
                    c.extended_name = Some("GLX".into());
                })],
                &[],
            ),
            state(vec![live_with(R1, "Globex", "g1", |l| {
                l.description = "Old".into();
                l.domain = "globex.example".into();
                l.extended_name = "GLX".into();
            })]),
        )
        .expect(
            exp(Update, R1, "Globex")
                .field("description", json!("Old"), json!("New"))
                .field("public_sector", json!(false), json!(true)),
        ),
    );
    v.push(
        case(
            "an explicit empty string clears a text field",
            desired(
                vec![with(R1, "Globex", |c| c.account_id = Some(String::new()))],
                &[],
            ),
            state(vec![live_with(R1, "Globex", "g1", |l| {
                l.account_id = "A-1".into()
            })]),
        )
        .expect(exp(Update, R1, "Globex").field("account_id", json!("A-1"), json!(""))),
    );
    v.push(
        case(
            "number management enabled again is followed by the DN audit",
            desired(
                vec![with(R1, "Globex", |c| c.number_management = Some(true))],
                &[],
            ),
            state(vec![live_with(R1, "Globex", "g1", |l| {
                l.number_management = false
            })]),
        )
        .expect(
            exp(Update, R1, "Globex")
                .field("number_management", json!(false), json!(true))
                .dn_audit(),
        ),
    );
    v.push(
        case(
            "number management disabled has no follow-up",
            desired(
                vec![with(R1, "Globex", |c| c.number_management = Some(false))],
                &[],
            ),
            state(vec![live(R1, "Globex", "g1")]),
        )
        .expect(exp(Update, R1, "Globex").field(
            "number_management",
            json!(true),
            json!(false),
        )),
    );
    v.push(
        case(
            "an unknown Prime Collaboration on an update is blocked",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.prime_collaboration = Some(Some("PC-Gone".into()))
                })],
                &[],
            ),
            LiveState {
                prime_collaboration: Some(set(&["PC-East"])),
                ..state(vec![live(R1, "Globex", "g1")])
            },
        )
        .expect(
            exp(Update, R1, "Globex")
                .field("prime_collaboration", Value::Null, json!("PC-Gone"))
                .blocked("\"PC-Gone\" is not one of those synced from HCM-F"),
        ),
    );
    v.push(
        case(
            "local_admin on an existing customer is a warning, not an update",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.local_admin = admin("CustomerAdminTemplate", "PW")
                })],
                &[],
            ),
            state(vec![live(R1, "Globex", "g1")]),
        )
        .unchanged(1)
        .warns("Globex"),
    );
    v.push(
        case(
            "local_admin on an updated customer warns once and is not in the fields",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.local_admin = admin("CustomerAdminTemplate", "PW");
                    c.shared_uc_apps = Some(true);
                })],
                &[],
            ),
            state(vec![live(R1, "Globex", "g1")]),
        )
        .expect(exp(Update, R1, "Globex").field("shared_uc_apps", json!(false), json!(true)))
        .warns("Globex"),
    );
    v.push(
        case(
            "local_admin matching the live local admin's role is quiet",
            desired(
                vec![with(R1, "Globex", |c| {
                    c.local_admin = admin("CustomerAdminTemplate", "PW")
                })],
                &[],
            ),
            state(vec![live_with(R1, "Globex", "g1", |l| {
                l.local_admin_role = Some("CustomerAdminTemplate".into())
            })]),
        )
        .unchanged(1),
    );

    // --- migrate ---
    v.push(
        case(
            "an HCM-F customer of the same name is migrated, with the fields that differ from it",
            desired(
                vec![with(P, "Legacy Co", |c| {
                    c.description = Some("Legacy".into());
                    c.account_id = Some("A-9".into());
                    c.number_management = Some(true);
                })],
                &[],
            ),
            LiveState {
                hcmf_customers: vec![live_with("sys.hcs", "Legacy Co", "h1", |l| {
                    l.description = "synced from HCM-F".into();
                    l.account_id = "A-9".into();
                    l.number_management = false;
                })],
                ..LiveState::default()
            },
        )
        .expect(
            exp(Migrate, P, "Legacy Co")
                .field("description", json!("synced from HCM-F"), json!("Legacy"))
                .field("number_management", json!(false), json!(true))
                .dn_audit(),
        ),
    );
    v.push(
        case(
            "a migrate under a missing node is blocked",
            desired(vec![cust("sys.hcs.Gone", "Legacy Co")], &[]),
            LiveState {
                hcmf_customers: vec![live("sys.hcs", "Legacy Co", "h1")],
                missing_nodes: set(&["sys.hcs.Gone"]),
                ..LiveState::default()
            },
        )
        .expect(
            exp(Migrate, "sys.hcs.Gone", "Legacy Co")
                .blocked("parent node sys.hcs.Gone does not exist"),
        ),
    );
    v.push(
        case(
            "an HCM-F customer is not migrated when the customer is already live",
            desired(vec![cust(P, "Legacy Co")], &[]),
            LiveState {
                hcmf_customers: vec![live("sys.hcs", "Legacy Co", "h1")],
                ..state(vec![live(P, "Legacy Co", "l1")])
            },
        )
        .unchanged(1),
    );

    // --- rename ---
    v.push(
        case(
            "renamed_from renames the live customer, name first, then its field updates",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.renamed_from = Some("Acme".into());
                    c.description = Some("Renamed".into());
                })],
                &[(R1, true)],
            ),
            state(vec![live(R1, "Acme", "a1")]),
        )
        .expect(
            exp(Rename, R1, "Acme Corp")
                .field("name", json!("Acme"), json!("Acme Corp"))
                .field("description", json!(""), json!("Renamed")),
        ),
    );
    v.push(
        case(
            "a rename that enables number management again has the DN audit",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.renamed_from = Some("Acme".into());
                    c.number_management = Some(true);
                })],
                &[],
            ),
            state(vec![live_with(R1, "Acme", "a1", |l| {
                l.number_management = false
            })]),
        )
        .expect(
            exp(Rename, R1, "Acme Corp")
                .field("name", json!("Acme"), json!("Acme Corp"))
                .field("number_management", json!(false), json!(true))
                .dn_audit(),
        ),
    );
    v.push(
        case(
            "a rename whose old and new names both exist is blocked",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.renamed_from = Some("Acme".into())
                })],
                &[],
            ),
            state(vec![live(R1, "Acme", "a1"), live(R1, "Acme Corp", "a2")]),
        )
        .expect(
            exp(Rename, R1, "Acme Corp")
                .field("name", json!("Acme"), json!("Acme Corp"))
                .blocked("both \"Acme\" and \"Acme Corp\" exist at sys.hcs.CS-P.CS-R1"),
        ),
    );
    v.push(
        case(
            "renamed_from is only a hint once the rename is done",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.renamed_from = Some("Acme".into())
                })],
                &[(R1, true)],
            ),
            state(vec![live(R1, "Acme Corp", "a1")]),
        )
        .unchanged(1),
    );
    v.push(
        case(
            "renamed_from naming nothing live creates the customer",
            desired(
                vec![with(R1, "Acme Corp", |c| {
                    c.renamed_from = Some("Acme".into())
                })],
                &[],
            ),
            state(vec![live(R2, "Acme", "a1")]),
        )
        .expect(exp(Create, R1, "Acme Corp")),
    );

    // --- delete, prune, protect, dependents ---
    v.push(
        case(
            "a create next to a pruned delete blocked by dependents gets a rename hint",
            desired(vec![cust(R1, "Kept"), cust(R1, "Hooli Inc")], &[(R1, true)]),
            LiveState {
                dependents: [("h1".to_string(), deps(0, 1, 3, 0, 1))].into(),
                ..state(vec![live(R1, "Kept", "k1"), live(R1, "Hooli", "h1")])
            },
        )
        .unchanged(1)
        .expect(exp(Create, R1, "Hooli Inc"))
        .expect(exp(Delete, R1, "Hooli").blocked("still has 1 SSO identity provider"))
        .warns_that(
            "Hooli Inc",
            "the pruned scope's delete of \"Hooli\" here is blocked by its dependents: if \
             \"Hooli Inc\" is \"Hooli\" under a new name, add `renamed_from: Hooli` to \
             \"Hooli Inc\" (a rename keeps the dependents); if not, remove the dependents of \
             \"Hooli\" and its delete goes ahead"
                .to_owned(),
        ),
    );
    v.push(
        case(
            "a rename hint names every blocked pruned delete at its hierarchy, none elsewhere",
            desired(
                vec![cust(R1, "New Co"), cust(R2, "Other Co")],
                &[(R1, true), (R2, true)],
            ),
            LiveState {
                dependents: [
                    ("a1".to_string(), deps(0, 0, 1, 0, 0)),
                    ("b1".to_string(), deps(0, 0, 0, 0, 1)),
                ]
                .into(),
                ..state(vec![
                    live(R1, "Alpha", "a1"),
                    live(R1, "Bravo", "b1"),
                    live(R2, "Other Co", "o1"),
                ])
            },
        )
        .unchanged(1)
        .expect(exp(Create, R1, "New Co"))
        .expect(exp(Delete, R1, "Alpha").blocked("still has 1 device"))
        .expect(exp(Delete, R1, "Bravo").blocked("still has 1 site"))
        .warns_that(
            "New Co",
            "the pruned scope's deletes of \"Alpha\", \"Bravo\" here are blocked by their \
             dependents: if \"New Co\" is one of them under a new name, add `renamed_from: \
             <its live name>` to \"New Co\" (a rename keeps the dependents); if not, remove \
             their dependents and the deletes go ahead"
                .to_owned(),
        ),
    );
    v.push(
        case(
            "no rename hint when the pruned delete can go ahead or was declared absent",
            desired(
                vec![cust(R1, "New Co"), absent(R1, "Gone Co")],
                &[(R1, true)],
            ),
            LiveState {
                dependents: [("g1".to_string(), deps(0, 0, 2, 0, 0))].into(),
                ..state(vec![live(R1, "Stray", "s1"), live(R1, "Gone Co", "g1")])
            },
        )
        .expect(exp(Create, R1, "New Co"))
        .expect(exp(Delete, R1, "Gone Co").blocked("still has 2 devices"))
        .expect(exp(Delete, R1, "Stray")),
    );
    v.push(
        case(
            "state: absent deletes a live customer",
            desired(vec![absent(R1, "Old Co")], &[]),
            state(vec![live(R1, "Old Co", "o1")]),
        )
        .expect(exp(Delete, R1, "Old Co")),
    );
    v.push(case(
        "state: absent of a customer that is not live does nothing",
        desired(vec![absent(R1, "Old Co")], &[]),
        state(vec![live(R2, "Old Co", "o1")]),
    ));
    v.push(
        case(
            "a pruned scope deletes its undeclared customers, only directly under it",
            desired(vec![cust(R1, "Kept")], &[(R1, true)]),
            state(vec![
                live(R1, "Kept", "k1"),
                live(R1, "Stray", "s1"),
                live(P, "Provider Level", "p1"),
                live(R2, "Elsewhere", "e1"),
            ]),
        )
        .unchanged(1)
        .expect(exp(Delete, R1, "Stray")),
    );
    v.push(
        case(
            "a scope without prune deletes nothing",
            desired(vec![cust(R1, "Kept")], &[(R1, false)]),
            state(vec![live(R1, "Kept", "k1"), live(R1, "Stray", "s1")]),
        )
        .unchanged(1),
    );
    v.push(case(
        "outside any scope, undeclared customers are left alone",
        desired(vec![], &[]),
        state(vec![live(R1, "Stray", "s1")]),
    ));
    v.push(
        case(
            "deleting a protected customer is blocked",
            desired(
                vec![with(R1, "Crown Jewel", |c| {
                    c.state = voss_customers::model::State::Absent;
                    c.protect = true;
                })],
                &[],
            ),
            state(vec![live(R1, "Crown Jewel", "c1")]),
        )
        .expect(exp(Delete, R1, "Crown Jewel").blocked("it is protected (`protect: true`)")),
    );
    v.push(
        case(
            "a delete of a customer with dependents is blocked, with them listed",
            desired(vec![absent(R1, "Globex")], &[]),
            LiveState {
                dependents: [("g1".to_string(), deps(1, 0, 12, 1, 2))].into(),
                ..state(vec![live(R1, "Globex", "g1")])
            },
        )
        .expect(exp(Delete, R1, "Globex").blocked(
            "still has 1 LDAP server, 12 devices, 1 Network Device List, 2 sites: remove them first",
        )),
    );
    v.push(
        case(
            "one dependent is named in the singular",
            desired(vec![absent(R1, "Globex")], &[]),
            LiveState {
                dependents: [("g1".to_string(), deps(0, 1, 0, 0, 0))].into(),
                ..state(vec![live(R1, "Globex", "g1")])
            },
        )
        .expect(
            exp(Delete, R1, "Globex").blocked("still has 1 SSO identity provider: remove it first"),
        ),
    );
    v.push(
        case(
            "no dependents, no block",
            desired(vec![absent(R1, "Globex")], &[]),
            LiveState {
                dependents: [("g1".to_string(), deps(0, 0, 0, 0, 0))].into(),
                ..state(vec![live(R1, "Globex", "g1")])
            },
        )
        .expect(exp(Delete, R1, "Globex")),
    );

    // --- names that differ only in letter case (VOSS may ignore case) ---
    v.push(
        case(
            "a pruned live customer is never deleted for a create that differs only in case",
            desired(vec![cust(R1, "WAYNE ENTERPRISES")], &[(R1, true)]),
            state(vec![live(R1, "Wayne Enterprises", "w1")]),
        )
        .expect(exp(Create, R1, "WAYNE ENTERPRISES").blocked(
            "\"Wayne Enterprises\" exists at sys.hcs.CS-P.CS-R1, and \"WAYNE ENTERPRISES\" differs from it only in letter case (VOSS may take them for one name): to rename it, add `renamed_from: Wayne Enterprises` to \"WAYNE ENTERPRISES\"",
        ))
        .expect(exp(Delete, R1, "Wayne Enterprises").blocked(
            "\"WAYNE ENTERPRISES\" is to be created, and differs from it only in letter case (VOSS may take them for one name): to rename it, add `renamed_from: Wayne Enterprises` to \"WAYNE ENTERPRISES\"",
        )),
    );
    v.push(
        case(
            "without prune, a create next to a live name that differs only in case is blocked",
            desired(vec![cust(R1, "acme")], &[]),
            state(vec![live(R1, "Acme", "a1")]),
        )
        .expect(
            exp(Create, R1, "acme").blocked("to rename it, add `renamed_from: Acme` to \"acme\""),
        ),
    );
    v.push(
        case(
            "a hierarchy written in another case pairs the same way",
            desired(vec![cust("sys.hcs.cs-p.cs-r1", "Acme")], &[(R1, true)]),
            state(vec![live(R1, "Acme", "a1")]),
        )
        .expect(
            exp(Create, "sys.hcs.cs-p.cs-r1", "Acme")
                .blocked("\"Acme\" exists at sys.hcs.cs-p.cs-r1"),
        )
        .expect(exp(Delete, R1, "Acme").blocked("\"Acme\" is to be created")),
    );
    v.push(
        case(
            "a renamed_from that matches live only ignoring case blocks the create and the prune",
            desired(
                vec![with(R1, "Wayne Corp", |c| {
                    c.renamed_from = Some("wayne enterprises".into())
                })],
                &[(R1, true)],
            ),
            state(vec![live(R1, "Wayne Enterprises", "w1")]),
        )
        .expect(exp(Create, R1, "Wayne Corp").blocked(
            "`renamed_from: wayne enterprises` matches \"Wayne Enterprises\" at sys.hcs.CS-P.CS-R1 only ignoring letter case: write `renamed_from: Wayne Enterprises`, exactly as it is live",
        ))
        .expect(exp(Delete, R1, "Wayne Enterprises").blocked(
            "\"Wayne Corp\" is renamed from \"wayne enterprises\", which differs from \"Wayne Enterprises\" only in letter case: write `renamed_from: Wayne Enterprises` on \"Wayne Corp\"",
        )),
    );
    v.push(
        case(
            "a rename that changes only the case of the name is a rename",
            desired(
                vec![with(R1, "WAYNE ENTERPRISES", |c| {
                    c.renamed_from = Some("Wayne Enterprises".into())
                })],
                &[(R1, true)],
            ),
            state(vec![live(R1, "Wayne Enterprises", "w1")]),
        )
        .expect(exp(Rename, R1, "WAYNE ENTERPRISES").field(
            "name",
            json!("Wayne Enterprises"),
            json!("WAYNE ENTERPRISES"),
        )),
    );
    v.push(
        case(
            "a rename onto a name that differs only in case from another live one is blocked",
            desired(
                vec![with(R1, "ACME", |c| c.renamed_from = Some("Bolt".into()))],
                &[],
            ),
            state(vec![live(R1, "Bolt", "b1"), live(R1, "Acme", "a1")]),
        )
        .expect(
            exp(Rename, R1, "ACME")
                .field("name", json!("Bolt"), json!("ACME"))
                .blocked("\"Acme\" exists at sys.hcs.CS-P.CS-R1, and \"ACME\" differs from it only in letter case (VOSS may take them for one name): choose another name, or delete \"Acme\" first"),
        ),
    );
    v.push(
        case(
            "an update of the exact live name prunes a live case variant as before",
            desired(vec![cust(R1, "Acme")], &[(R1, true)]),
            state(vec![live(R1, "Acme", "a1"), live(R1, "ACME", "a2")]),
        )
        .unchanged(1)
        .expect(exp(Delete, R1, "ACME")),
    );

    // --- order ---
    v.push(
        case(
            "changes come migrates and creates, renames and updates, then deletes, each by (hierarchy, name)",
            desired(
                vec![
                    absent(R1, "Zed"),
                    with(R2, "B Update", |c| c.account_id = Some("X".into())),
                    cust(R2, "A Create"),
                    with(R1, "Renamed", |c| c.renamed_from = Some("Old".into())),
                    cust(R1, "Legacy"),
                    absent(P, "Gone"),
                ],
                &[],
            ),
            LiveState {
                hcmf_customers: vec![live("sys.hcs", "Legacy", "h1")],
                ..state(vec![
                    live(R1, "Zed", "z1"),
                    live(R2, "B Update", "b1"),
                    live(R1, "Old", "o1"),
                    live(P, "Gone", "g1"),
                ])
            },
        )
        .expect(exp(Migrate, R1, "Legacy"))
        .expect(exp(Create, R2, "A Create"))
        .expect(exp(Rename, R1, "Renamed").field("name", json!("Old"), json!("Renamed")))
        .expect(exp(Update, R2, "B Update").field("account_id", json!(""), json!("X")))
        .expect(exp(Delete, P, "Gone"))
        .expect(exp(Delete, R1, "Zed")),
    );
    v
}

#[test]
fn diff_table() {
    let mut failures = Vec::new();
    for case in cases() {
        let plan = plan::diff(&case.desired, &case.live, "https://voss.test");
        let got: Vec<String> = plan.changes.iter().map(|c| format!("{c:#?}")).collect();
        let mut problems = Vec::new();
        if plan.changes.len() != case.changes.len() {
            problems.push(format!(
                "{} changes, expected {}",
                plan.changes.len(),
                case.changes.len()
            ));
        }
        for (i, (c, e)) in plan.changes.iter().zip(&case.changes).enumerate() {
            if (c.action, c.hierarchy.as_str(), c.name.as_str()) != (e.action, e.hierarchy, e.name)
            {
                problems.push(format!(
                    "change {i}: {:?} {} at {}, expected {:?} {} at {}",
                    c.action, c.name, c.hierarchy, e.action, e.name, e.hierarchy
                ));
            }
            let fields: Vec<(&str, Value, Value)> = c
                .fields
                .iter()
                .map(|f| (f.field.name(), f.before.clone(), f.after.clone()))
                .collect();
            if fields != e.fields {
                problems.push(format!(
                    "change {i}: fields {fields:?}, expected {:?}",
                    e.fields
                ));
            }
            let blocked_ok = c.blocked.len() == e.blocked.len()
                && c.blocked.iter().zip(&e.blocked).all(|(r, t)| r.contains(t));
            if !blocked_ok {
                problems.push(format!(
                    "change {i}: blocked {:?}, expected {:?}",
                    c.blocked, e.blocked
                ));
            }
            if c.follow_up != e.follow_up {
                problems.push(format!(
                    "change {i}: follow-ups {:?}, expected {:?}",
                    c.follow_up, e.follow_up
                ));
            }
        }
        if plan.summary.unchanged != case.unchanged {
            problems.push(format!(
                "{} unchanged, expected {}",
                plan.summary.unchanged, case.unchanged
            ));
        }
        let warnings: Vec<(&str, String)> = plan
            .warnings
            .iter()
            .map(|w| (w.name.as_str(), w.message.clone()))
            .collect();
        if warnings != case.warnings {
            problems.push(format!(
                "warnings {warnings:?}, expected {:?}",
                case.warnings
            ));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n  got: {}",
                case.name,
                problems.join("\n  "),
                got.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The warning on a change setting Prime Collaboration `name` when the applications synced
/// from HCM-F could not be read.
fn prime_unchecked(name: &str) -> String {
    format!(
        "Prime Collaboration \"{name}\" was not checked: the applications synced from HCM-F \
         could not be read (the admin may not see them), so a wrong name is found only when \
         apply sends it: check the name in VOSS, or plan as an admin who can see them"
    )
}

/// A rich desired state and live state exercising every action.
fn mixed() -> (voss_customers::model::Desired, LiveState) {
    let d = desired(
        vec![
            with(R1, "Acme", |c| {
                c.local_admin = admin("CustomerAdminTemplate", "ACME_PW")
            }),
            with(R1, "Globex", |c| c.description = Some("New".into())),
            cust(P, "Legacy Co"),
            with(R1, "Initech", |c| c.renamed_from = Some("Initrode".into())),
            absent(R1, "Old Co"),
        ],
        &[(R1, true)],
    );
    let l = LiveState {
        hcmf_customers: vec![live("sys.hcs", "Legacy Co", "h1")],
        dependents: [("o1".to_string(), deps(0, 0, 3, 0, 0))].into(),
        ..state(vec![
            live(R1, "Globex", "g1"),
            live(R1, "Initrode", "i1"),
            live(R1, "Old Co", "o1"),
            live(R1, "Stray", "s1"),
        ])
    };
    (d, l)
}

#[test]
fn plan_header_and_summary() {
    let (d, l) = mixed();
    let plan = plan::diff(&d, &l, "https://voss.test");
    assert_eq!(plan.format_version, 1);
    assert_eq!(plan.tool_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(plan.target, "https://voss.test");
    assert_eq!(plan.desired_digest, plan::digest(&d));
    let s = plan.summary;
    assert_eq!(
        (
            s.create,
            s.update,
            s.migrate,
            s.rename,
            s.delete,
            s.blocked,
            s.unchanged
        ),
        (1, 1, 1, 1, 2, 1, 0)
    );
}

#[test]
fn the_password_is_a_sensitive_variable_name() {
    let (d, l) = mixed();
    let plan = plan::diff(&d, &l, "t");
    let acme = plan.changes.iter().find(|c| c.name == "Acme").unwrap();
    assert_eq!(acme.action, Action::Create);
    let field = acme
        .fields
        .iter()
        .find(|f| f.field.name() == "local_admin.password_env")
        .unwrap();
    assert!(field.sensitive);
    assert_eq!(field.after, json!("ACME_PW"));
    assert_eq!(field.before, Value::Null);
    let others_sensitive = plan
        .changes
        .iter()
        .flat_map(|c| &c.fields)
        .filter(|f| f.sensitive)
        .count();
    assert_eq!(others_sensitive, 1);
}

#[test]
fn changes_touching_a_live_customer_carry_its_pkid_and_fingerprint() {
    let (d, l) = mixed();
    let plan = plan::diff(&d, &l, "t");
    let all_live: Vec<_> = l.customers.iter().chain(&l.hcmf_customers).collect();
    for c in &plan.changes {
        match c.action {
            Action::Create => {
                assert_eq!((&c.pkid, &c.live_fingerprint), (&None, &None), "{}", c.name)
            }
            _ => {
                let pkid = c.pkid.as_deref().unwrap();
                let record = all_live.iter().find(|r| r.pkid == pkid).unwrap();
                assert_eq!(
                    c.live_fingerprint.as_deref(),
                    Some(plan::fingerprint(record).as_str())
                );
            }
        }
    }
    let rename = plan
        .changes
        .iter()
        .find(|c| c.action == Action::Rename)
        .unwrap();
    assert_eq!(rename.pkid.as_deref(), Some("i1"));
    assert_eq!(rename.renamed_from.as_deref(), Some("Initrode"));
    let migrate = plan
        .changes
        .iter()
        .find(|c| c.action == Action::Migrate)
        .unwrap();
    assert_eq!(migrate.pkid.as_deref(), Some("h1"));
}

#[test]
fn deletes_to_check_names_exactly_the_planned_deletes() {
    let (d, l) = mixed();
    let plan = plan::diff(&d, &l, "t");
    let planned: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .filter_map(|c| c.pkid.clone())
        .collect();
    assert_eq!(plan::deletes_to_check(&d, &l), planned);
    assert_eq!(planned, vec!["o1".to_string(), "s1".to_string()]);
}

#[test]
fn the_plan_does_not_depend_on_declaration_order() {
    let (mut d, l) = mixed();
    let first = plan::diff(&d, &l, "t");
    d.customers.reverse();
    let mut l2 = l.clone();
    l2.customers.reverse();
    assert_eq!(plan::diff(&d, &l2, "t"), first);
}

#[test]
fn the_desired_digest_ignores_order_and_splitting_but_not_values() {
    let (d, _) = mixed();
    let mut reordered = d.clone();
    reordered.customers.reverse();
    for (i, c) in reordered.customers.iter_mut().enumerate() {
        c.origin.file = format!("part-{i}.yaml").into();
    }
    assert_eq!(plan::digest(&d), plan::digest(&reordered));
    assert_eq!(plan::digest(&d).len(), 64);

    let mut edited = d.clone();
    edited.customers[1].customer.description = Some("Other".into());
    assert_ne!(plan::digest(&d), plan::digest(&edited));
    let mut unpruned = d.clone();
    unpruned.scopes[0].scope.prune = false;
    assert_ne!(plan::digest(&d), plan::digest(&unpruned));
}

#[test]
fn the_fingerprint_moves_with_the_version_and_managed_fields() {
    let base = live(R1, "Globex", "g1");
    let same = live(R1, "Globex", "g1");
    assert_eq!(plan::fingerprint(&base), plan::fingerprint(&same));
    let newer = live_with(R1, "Globex", "g1", |l| l.version = "v2".into());
    assert_ne!(plan::fingerprint(&base), plan::fingerprint(&newer));
    let edited = live_with(R1, "Globex", "g1", |l| l.shared_uc_apps = true);
    assert_ne!(plan::fingerprint(&base), plan::fingerprint(&edited));
}
