//! What `plan` reads in full-list mode, counted by the simulator: one customer list at the
//! declared hierarchies' common ancestor when that takes fewer requests than one per
//! hierarchy (the customers of undeclared nodes are dropped client side), one node list
//! there when it is shorter than looking the unseen hierarchies up one by one, and the
//! same live state either way.

mod sim_support;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;
use sim_support::{Harness, start};
use voss_customers::model::{DeclaredCustomer, Desired, LiveState, NodeType, Origin};
use voss_customers::ops::plan::read_live;
use voss_customers::sim::{ListFields, Options, SimConfig};
use voss_customers::voss::{Client, ConnectSettings, Secret};

const EMAIL: &str = "admin@p.example";
const PASSWORD: &str = "plan-reads-secret";
const P: &str = "sys.hcs.P";

/// Resellers R0..R3 with 3 customers each, R4 empty, R5 with 3 customers nobody declares.
fn seed(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = format!("hierarchy:\n  - {{path: {P}, type: provider, domain: p.example}}\n");
    for r in 0..6 {
        writeln!(text, "  - {{path: {P}.R{r}, type: reseller}}").unwrap();
    }
    writeln!(
        text,
        "admins:\n  - {{email: {EMAIL}, password: {PASSWORD}, hierarchy: {P}}}\ncustomers:"
    )
    .unwrap();
    for r in [0, 1, 2, 3, 5] {
        for i in 0..3 {
            writeln!(
                text,
                "  - {{hierarchy: {P}.R{r}, name: C{r}-{i}, description: live {r}-{i}}}"
            )
            .unwrap();
        }
    }
    let path = dir.join("seed.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every customer of R0..R3 (one changed), R4 declared empty, R9 (missing) with one.
fn desired() -> Desired {
    let mut customers = Vec::new();
    for r in 0..4 {
        for i in 0..3 {
            let description = if (r, i) == (2, 1) { "changed" } else { "live" };
            customers.push(serde_json::json!({
                "name": format!("C{r}-{i}"),
                "hierarchy": format!("{P}.R{r}"),
                "description": format!("{description} {r}-{i}"),
            }));
        }
    }
    customers.push(serde_json::json!({"name": "New", "hierarchy": format!("{P}.R4")}));
    customers.push(serde_json::json!({"name": "Lost", "hierarchy": format!("{P}.R9")}));
    let customers: Vec<voss_customers::model::Customer> =
        serde_json::from_value(Value::Array(customers)).unwrap();
    Desired {
        customers: customers
            .into_iter()
            .map(|customer| DeclaredCustomer {
                customer,
                origin: Origin {
                    file: "customers.yaml".into(),
                    line: 1,
                    column: 1,
                },
            })
            .collect(),
        scopes: vec![],
    }
}

/// Reads the live state against a full-list simulator serving `max_page` per page; the
/// state and the requests by (route, hierarchy=) the read made.
async fn read(max_page: u64) -> (LiveState, BTreeMap<String, u64>) {
    let dir = tempfile::tempdir().unwrap();
    let h: Harness = start(SimConfig {
        seed: seed(dir.path()),
        options: Options {
            list_fields: ListFields::Full,
            max_page,
            ..Options::default()
        },
        ..SimConfig::default()
    })
    .await;
    let before = routes(&h.stats().await);
    let settings = ConnectSettings::new(&h.sim.url(), EMAIL, Secret::new(PASSWORD)).unwrap();
    let client = Client::new(settings).unwrap();
    let live = read_live(&client, &desired()).await.unwrap();
    let after = routes(&h.stats().await);
    let made = after
        .into_iter()
        .map(|(route, n)| {
            let n = n - before.get(&route).copied().unwrap_or(0);
            (route, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    (live, made)
}

fn routes(stats: &Value) -> BTreeMap<String, u64> {
    stats["by_route"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(route, n)| (route.clone(), n.as_u64().unwrap()))
        .collect()
}

fn count(made: &BTreeMap<String, u64>, route_part: &str) -> u64 {
    made.iter()
        .filter(|(route, _)| route.contains(route_part))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn one_list_at_the_common_ancestor_and_one_node_list_read_what_six_lists_would() {
    let (live, made) = read(200).await;
    // Six declared hierarchies: one customer list at the provider instead of six (the
    // other customer list is of the HCM-F customers, for the two new ones), and one node
    // list for the two no customer shows (R4 empty, R9 missing).
    assert_eq!(count(&made, "HcsCustomerREL"), 2, "{made:#?}");
    assert_eq!(count(&made, "HierarchyNode"), 1, "{made:#?}");
    let names: Vec<&str> = live.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names.len(),
        12,
        "R5's customers are not declared: {names:?}"
    );
    assert!(names.iter().all(|n| !n.starts_with("C5")));
    assert_eq!(live.nodes[&format!("{P}.R4")].node_type, NodeType::Reseller);
    assert!(live.nodes.contains_key(&format!("{P}.R2")));
    assert_eq!(
        live.missing_nodes.iter().collect::<Vec<_>>(),
        [&format!("{P}.R9")]
    );
}

#[tokio::test]
async fn small_pages_make_one_list_per_hierarchy_cheaper_and_the_state_is_the_same() {
    let (common, _) = read(200).await;
    // Pages of 2: 18 customers under the provider take 9 pages, the five hierarchies
    // 2 + 2 + 2 + 2 + 1 = 9: not fewer, so one list per hierarchy (after one first page).
    let (per_root, made) = read(2).await;
    assert!(count(&made, "HcsCustomerREL") >= 9, "{made:#?}");
    // Each simulator gives its own pkids.
    let fields = |live: &LiveState| {
        live.customers
            .iter()
            .map(|c| (c.hierarchy.clone(), c.name.clone(), c.description.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&common), fields(&per_root));
    assert_eq!(common.missing_nodes, per_root.missing_nodes);
    assert_eq!(
        common.nodes.keys().collect::<Vec<_>>(),
        per_root.nodes.keys().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_common_list_s_pages_read_at_once_give_every_customer_once() {
    let (one_page, _) = read(200).await;
    // Pages of 4: the provider's 15 customers take 4 pages against 6 lists per
    // hierarchy, so the common list is read, its last three pages at once. The HCM-F
    // list at `sys.hcs` (for the two new customers) holds the same 15 in 4 pages.
    let (paged, made) = read(4).await;
    assert_eq!(count(&made, "HcsCustomerREL"), 4 + 4, "{made:#?}");
    let fields = |live: &LiveState| {
        live.customers
            .iter()
            .map(|c| (c.hierarchy.clone(), c.name.clone(), c.description.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&paged), fields(&one_page));
    assert_eq!(paged.missing_nodes, one_page.missing_nodes);
}
