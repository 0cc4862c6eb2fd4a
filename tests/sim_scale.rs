//! 10,000 customers listed page by page: every one exactly once, in order.

mod sim_support;

use std::collections::HashSet;
use std::fmt::Write;

use sim_support::*;
use voss_customers::sim::SimConfig;

#[tokio::test]
async fn ten_thousand_customers_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("big.yaml");
    let mut text = String::from(
        "hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n  - {path: sys.hcs.P.R, type: reseller}\nadmins:\n  - {email: a@p.example, password: pw, hierarchy: sys.hcs.P}\ncustomers:\n",
    );
    for i in 0..10_000 {
        writeln!(
            text,
            "  - {{hierarchy: sys.hcs.P.R, name: Customer {i:05}}}"
        )
        .unwrap();
    }
    std::fs::write(&seed, text).unwrap();
    let h = start(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    let who = ("a@p.example", "pw");
    let mut names = Vec::new();
    let mut pkids = HashSet::new();
    for page in 0..51 {
        let (status, body) = h
            .get(
                who,
                &format!(
                    "relation/HcsCustomerREL/?hierarchy=sys.hcs.P&format=json&skip={}&limit=200",
                    page * 200
                ),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["pagination"]["total"], 10_000);
        let resources = body["resources"].as_array().unwrap();
        if page == 50 {
            assert!(resources.is_empty(), "past the end: an empty page");
        }
        for r in resources {
            names.push(r["data"]["name"].as_str().unwrap().to_owned());
            pkids.insert(r["pkid"].as_str().unwrap().to_owned());
        }
    }
    let expected: Vec<String> = (0..10_000).map(|i| format!("Customer {i:05}")).collect();
    assert_eq!(names, expected);
    assert_eq!(pkids.len(), 10_000, "pkids are unique");
    h.sim.shutdown().await;
}
