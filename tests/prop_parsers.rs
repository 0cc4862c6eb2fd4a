//! Bounded property tests of the parsers of untrusted input, on the stable toolchain (the
//! fuzz targets in `fuzz/` need nightly flags): a few hundred generated inputs per property,
//! run through the same checks as the fuzz targets (`tests/fuzz_support/mod.rs`), plus the
//! properties that need a generator of valid input:
//! - a generated valid desired-state file validates and plans without error against an
//!   empty simulator (a provider and a reseller, no customers): one create per present
//!   customer;
//! - `import` output of live customers with valid values validates and round-trips (a plan
//!   of it against those customers changes nothing); of any live values, it parses back to
//!   the same texts;
//! - `Field::normalise` is idempotent on any value;
//! - generated API answers decode, re-encode and decode equal.

mod fuzz_support;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};
use voss_customers::model::{Field, LiveCustomer, LiveState};
use voss_customers::ops::connect::{Endpoint, Target};
use voss_customers::plan::Action;
use voss_customers::voss::{Auth, Tuning};
use voss_customers::yaml::quote;
use voss_customers::{desired, plan, render, yaml};

/// Cases per property: enough to catch a regression, few enough for a debug build to run
/// every property in a few seconds.
const CASES: u32 = 128;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // No files of failing cases in the source tree: a failure prints its input.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Valid desired-state files.

/// A text VOSS names allow: letters, digits, `_`, `-`, inner spaces.
fn name_part() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]([A-Za-z0-9_ -]{0,12}[A-Za-z0-9_-])?"
}

/// Free text with characters YAML would misread unquoted.
fn free_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]([A-Za-z0-9 .,:#'\"{}\\[\\]&*!|>%@`-]{0,20}[A-Za-z0-9])?",
        Just("NO".to_owned()),
        Just("null".to_owned()),
        Just("1e3".to_owned()),
        Just("007".to_owned()),
        Just("é ü 東京".to_owned()),
    ]
}

#[derive(Debug, Clone)]
struct GenCustomer {
    name: String,
    hierarchy: &'static str,
    absent: bool,
    texts: Vec<(&'static str, String)>,
    flags: Vec<(&'static str, bool)>,
    domain: Option<String>,
    deal_ids: Option<BTreeSet<String>>,
    prime_collaboration: Option<Option<&'static str>>,
    local_admin: Option<String>,
    renamed: bool,
    protect: Option<bool>,
}

fn customer() -> impl Strategy<Value = GenCustomer> {
    let texts = prop::collection::vec(
        (
            prop::sample::select(vec![
                "description",
                "extended_name",
                "external_customer_id",
                "account_id",
            ]),
            free_text(),
        ),
        0..4,
    );
    let flags = prop::collection::vec(
        (
            prop::sample::select(vec![
                "public_sector",
                "inactive_billing",
                "shared_uc_apps",
                "number_management",
            ]),
            any::<bool>(),
        ),
        0..4,
    );
    (
        name_part(),
        prop::sample::select(vec!["sys.hcs.P", "sys.hcs.P.R", "sys.hcs.Q"]),
        any::<bool>(),
        texts,
        flags,
        prop::option::of("[a-z0-9]{1,8}(\\.[a-z]{2,5}){0,2}"),
        prop::option::of(prop::collection::btree_set("D-[0-9]{1,4}", 0..4)),
        prop::option::of(prop::option::of(Just("PC-East"))),
        (
            prop::option::of("[A-Z][A-Z0-9_]{0,8}"),
            any::<bool>(),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(name, hierarchy, absent, texts, flags, domain, deal_ids, pc, rest)| {
                let (local_admin, renamed, protect) = rest;
                GenCustomer {
                    name,
                    hierarchy,
                    absent,
                    texts,
                    flags,
                    domain,
                    deal_ids,
                    prime_collaboration: pc,
                    local_admin,
                    renamed,
                    protect,
                }
            },
        )
}

/// A desired-state file declaring `customers` (names made unique by their index), and
/// whether each is present.
fn file_text(customers: &[GenCustomer], prune: Option<bool>) -> (String, usize) {
    let mut out = String::from(if customers.is_empty() {
        "customers: []\n"
    } else {
        "customers:\n"
    });
    let mut present = 0;
    for (i, c) in customers.iter().enumerate() {
        out += &format!("  - name: {}\n", quote(&format!("C{i:03} {}", c.name)));
        out += &format!("    hierarchy: {}\n", c.hierarchy);
        if c.absent {
            out += "    state: absent\n";
        } else {
            present += 1;
        }
        let mut written = BTreeSet::new();
        for (key, text) in &c.texts {
            if written.insert(*key) {
                out += &format!("    {key}: {}\n", quote(text));
            }
        }
        for (key, on) in &c.flags {
            if written.insert(*key) {
                out += &format!("    {key}: {on}\n");
            }
        }
        if let Some(domain) = &c.domain {
            out += &format!("    domain: {}\n", quote(domain));
        }
        if let Some(ids) = &c.deal_ids {
            let ids: Vec<String> = ids.iter().map(|id| quote(id)).collect();
            out += &format!("    deal_ids: [{}]\n", ids.join(", "));
        }
        match c.prime_collaboration {
            Some(Some(pc)) => out += &format!("    prime_collaboration: {pc}\n"),
            Some(None) => out += "    prime_collaboration: null\n",
            None => {}
        }
        if let Some(variable) = &c.local_admin {
            out += &format!(
                "    local_admin: {{cloned_role: CustomerAdminTemplate, password_env: PW_{variable}}}\n"
            );
        }
        if c.renamed {
            out += &format!("    renamed_from: {}\n", quote(&format!("Old{i:03}")));
        }
        if let Some(protect) = c.protect {
            out += &format!("    protect: {protect}\n");
        }
    }
    if let Some(prune) = prune {
        out += &format!("scopes:\n  - hierarchy: sys.hcs.P.R\n    prune: {prune}\n");
    }
    (out, present)
}

/// The empty simulator: a provider and a reseller with their admin and a role, no
/// customers; started once for this test binary, on 127.0.0.1 port 0.
fn empty_sim() -> &'static (tokio::runtime::Runtime, Target) {
    static SIM: OnceLock<(tokio::runtime::Runtime, Target)> = OnceLock::new();
    SIM.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed.yaml");
        std::fs::write(
            &seed,
            "hierarchy:\n  - {path: sys.hcs.P, type: provider}\n  - {path: sys.hcs.P.R, type: reseller}\n\
             admins:\n  - {email: admin@p.example, password: p-secret, hierarchy: sys.hcs.P}\n\
             roles:\n  - {hierarchy: sys.hcs.P, name: CustomerAdminTemplate}\n",
        )
        .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let target = runtime
            .block_on(Target::open(Endpoint::Sim {
                seed,
                user: None,
                auth: Auth::Basic,
                tuning: Box::new(Tuning::default()),
            }))
            .unwrap();
        // The seed is read at start; the directory may go.
        drop(dir);
        (runtime, target)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..config() })]

    #[test]
    fn a_valid_file_plans_without_error_against_an_empty_simulator(
        customers in prop::collection::vec(customer(), 0..6),
        prune in prop::option::of(any::<bool>()),
    ) {
        let (text, present) = file_text(&customers, prune);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("customers.yaml");
        std::fs::write(&path, &text).unwrap();
        let desired = match desired::load_reporting(std::slice::from_ref(&path)).desired {
            Ok(desired) => desired,
            Err(problems) => panic!("{}\n{text}", desired::render_text(&problems)),
        };
        // The pure planner (and the plan file's round trip), as the fuzz target checks.
        fuzz_support::desired_file(text.as_bytes());
        let (runtime, target) = empty_sim();
        let (plan, _live) = runtime
            .block_on(voss_customers::ops::plan::make_plan(&target.client, &desired))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(plan.changes.len(), present, "{}", text);
        prop_assert!(plan.changes.iter().all(|c| c.action == Action::Create), "{:#?}", plan);
        // Under the missing node sys.hcs.Q a create is blocked, not an error.
        for change in &plan.changes {
            prop_assert_eq!(change.hierarchy == "sys.hcs.Q", change.is_blocked() && change.blocked.iter().any(|b| b.contains("sys.hcs.Q")), "{:#?}", change);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Import.

fn live_customer(valid: bool) -> impl Strategy<Value = LiveCustomer> {
    let text = move || -> BoxedStrategy<String> {
        if valid {
            prop_oneof![Just(String::new()), free_text()].boxed()
        } else {
            any::<String>().boxed()
        }
    };
    let name: BoxedStrategy<String> = if valid {
        name_part().boxed()
    } else {
        any::<String>().boxed()
    };
    let domain: BoxedStrategy<String> = if valid {
        prop_oneof![Just(String::new()), "[a-z0-9]{1,8}(\\.[a-z]{2,5}){0,2}"].boxed()
    } else {
        any::<String>().boxed()
    };
    let deal_ids: BoxedStrategy<Vec<String>> = if valid {
        prop::collection::btree_set("D-[0-9]{1,4}", 0..3)
            .prop_map(|ids| ids.into_iter().collect())
            .boxed()
    } else {
        prop::collection::vec(any::<String>(), 0..3).boxed()
    };
    (
        name,
        prop::sample::select(vec!["sys.hcs.P", "sys.hcs.P.R"]),
        (text(), text(), text(), text()),
        domain,
        any::<[bool; 4]>(),
        deal_ids,
        prop::option::of(if valid {
            free_text().boxed()
        } else {
            any::<String>().boxed()
        }),
    )
        .prop_map(|(name, hierarchy, texts, domain, flags, deal_ids, pc)| {
            let mut live = LiveCustomer::with_defaults("pkid", hierarchy, &name);
            (
                live.description,
                live.extended_name,
                live.external_customer_id,
                live.account_id,
            ) = texts;
            live.domain = domain;
            [
                live.public_sector,
                live.inactive_billing,
                live.shared_uc_apps,
                live.number_management,
            ] = flags;
            live.deal_ids = deal_ids;
            live.prime_collaboration = pc;
            live
        })
}

/// Live customers with distinct names (by their index) and pkids.
fn numbered(customers: Vec<LiveCustomer>) -> Vec<LiveCustomer> {
    customers
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.name = format!("C{i:03} {}", c.name);
            c.pkid = format!("{i:024x}");
            c
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn import_of_valid_live_customers_validates_and_plans_no_change(
        customers in prop::collection::vec(live_customer(true), 0..5),
        recursive in any::<bool>(),
    ) {
        let customers = numbered(customers);
        let text = render::import_yaml::render("sys.hcs.P", recursive, &customers);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imported.yaml");
        std::fs::write(&path, &text).unwrap();
        let desired = match desired::load_reporting(std::slice::from_ref(&path)).desired {
            Ok(desired) => desired,
            Err(problems) => panic!("{}\n{text}", desired::render_text(&problems)),
        };
        prop_assert_eq!(desired.customers.len(), customers.len());
        let live = LiveState { customers: customers.clone(), ..LiveState::default() };
        let plan = plan::diff(&desired, &live, "http://127.0.0.1:1");
        prop_assert!(plan.changes.is_empty(), "{:#?}\n{}", plan.changes, text);
        prop_assert_eq!(plan.summary.unchanged, customers.len());
    }

    #[test]
    fn import_of_any_live_values_reads_back_as_the_same_texts(
        customers in prop::collection::vec(live_customer(false), 0..4),
    ) {
        let customers = numbered(customers);
        let text = render::import_yaml::render("sys.hcs.P", false, &customers);
        let parsed = yaml::parse(&text)
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
            .unwrap();
        let mut sorted = customers.clone();
        sorted.sort_by(|a, b| (&a.hierarchy, &a.name).cmp(&(&b.hierarchy, &b.name)));
        let items = parsed.value["customers"].as_array().cloned().unwrap_or_default();
        prop_assert_eq!(items.len(), sorted.len());
        for (item, live) in items.iter().zip(&sorted) {
            prop_assert_eq!(&item["name"], &json!(live.name));
            prop_assert_eq!(&item["description"], &json!(live.description));
            prop_assert_eq!(&item["account_id"], &json!(live.account_id));
            if !live.domain.is_empty() {
                prop_assert_eq!(&item["domain"], &json!(live.domain));
            }
            let ids: BTreeSet<&str> = live.deal_ids.iter().map(String::as_str).collect();
            let read: BTreeSet<&str> = item["deal_ids"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            prop_assert_eq!(read, ids);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Normalisation, and the fuzz targets' checks on generated input.

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[ ,]{0,2}[A-Za-z\u{a0}\u{2028} -]{0,6}(,[ A-Za-z-]{0,4}){0,3}".prop_map(Value::from),
        prop::sample::select(vec!["None", " none ", "", " ", "D-1, D-2,", "Ex.COM "])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// YAML and JSON made of the tokens of the tool's files and answers.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "customers:",
        "scopes:",
        "hierarchy:",
        "name:",
        "prune:",
        "state:",
        "absent",
        "present",
        "local_admin:",
        "cloned_role:",
        "password_env:",
        "renamed_from:",
        "protect:",
        "deal_ids:",
        "domain:",
        "prime_collaboration:",
        "description:",
        "sys.hcs.P",
        "sys.hcs.P.R",
        "admins:",
        "email:",
        "password:",
        "roles:",
        "type:",
        "provider",
        "reseller",
        "hcmf_customers:",
        "dependents:",
        "devices:",
        "numbers:",
        "path:",
        "routes:",
        "fields:",
        "release:",
        "lists:",
        "page_size:",
        "writes:",
        "\n",
        "\n  ",
        "\n    ",
        "- ",
        "  - ",
        ": ",
        ":",
        ",",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "#",
        "&a",
        "*a",
        "!!str",
        "!!int",
        "!!binary",
        "? ",
        "|",
        ">",
        "---",
        "...",
        "\t",
        "~",
        "null",
        "true",
        "NO",
        "1e3",
        ".nan",
        "-.inf",
        "0x1F",
        "007",
        "é",
        "\u{2028}",
        "\u{feff}",
        "%YAML 1.2",
        "  ",
        "x",
        "Acme",
        "D-1",
    ];
    prop::collection::vec(prop::sample::select(tokens), 0..60).prop_map(|t| t.concat())
}

fn answer_bytes() -> impl Strategy<Value = Vec<u8>> {
    let record = (
        prop::option::of(prop_oneof![
            "[a-f0-9 ]{0,6}".prop_map(Value::from),
            any::<u32>().prop_map(Value::from),
            Just(Value::Null)
        ]),
        prop::collection::vec(json_value(), 0..3),
        json_value(),
        prop::option::of(json_value()),
    )
        .prop_map(|(pkid, path, data, version)| {
            let mut record =
                json!({"meta": {"path": path, "references": {"self": [{"pkid": "r1"}]}}});
            if let Some(pkid) = pkid {
                record["pkid"] = pkid;
            }
            if let Some(version) = version {
                record["meta"]["version_tag"] = version;
            }
            record["data"] = match data {
                Value::Object(mut map) => {
                    map.insert("name".into(), json!("Acme"));
                    map.insert("hierarchy_path".into(), json!("sys.hcs.P"));
                    Value::Object(map)
                }
                other => other,
            };
            record
        })
        .boxed();
    let answer = prop_oneof![
        (prop::collection::vec(record.clone(), 0..3), json_value()).prop_map(
            |(resources, pagination)| {
                (
                    0u8,
                    json!({"pagination": pagination, "resources": resources}),
                )
            }
        ),
        record.prop_map(|r| (1u8, r)),
        (json_value(), json_value()).prop_map(|(status, description)| {
            (
                2u8,
                json!({"id": {"status": status, "description": description}}),
            )
        }),
        (json_value(), json_value(), json_value()).prop_map(|(success, href, id)| {
            (
                3u8,
                json!({"success": success, "href": href, "transaction_id": id}),
            )
        }),
        (json_value(), json_value()).prop_map(|(message, errors)| {
            (
                4u8,
                json!({"success": false, "code": 400, "message": message, "errors": errors}),
            )
        }),
        json_value().prop_map(|message| (5u8, json!({"data": {"message": message}}))),
        (json_value(), json_value()).prop_map(|(properties, release)| {
            (
                6u8,
                json!({"meta": {"api_version": release}, "x": {"properties": properties}}),
            )
        }),
    ];
    answer.prop_map(|(kind, value)| {
        let mut bytes = vec![kind];
        if kind == 2 {
            bytes.extend(b"id\n");
        }
        bytes.extend(serde_json::to_vec(&value).unwrap());
        bytes
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalisation_is_idempotent(value in json_value()) {
        for field in Field::ALL {
            fuzz_support::normalise_is_idempotent(field, &value);
        }
    }

    #[test]
    fn decoded_answers_re_encode_to_themselves(bytes in answer_bytes()) {
        fuzz_support::api_answer(&bytes);
    }

    #[test]
    fn token_soup_never_crashes_the_yaml_readers(text in token_soup()) {
        fuzz_support::desired_file(text.as_bytes());
        fuzz_support::sim_seed(text.as_bytes());
        fuzz_support::profile(text.as_bytes());
    }

    #[test]
    fn any_bytes_never_crash_any_reader(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        fuzz_support::desired_file(&bytes);
        fuzz_support::saved_plan(&bytes);
        fuzz_support::api_answer(&bytes);
    }
}
