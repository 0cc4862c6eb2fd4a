//! Lists 10,000 customers in pages of 200 (the simulator's default `maximum_limit`) from
//! the simulator on loopback, 15 times, in both list modes (summary and full fields), and
//! prints the median time of one full listing (target: under 300 ms, release build).
//!
//!     cargo run --release --example bench_sim_list

use std::fmt::Write;
use std::time::{Duration, Instant};

use voss_customers::sim::{self, ListFields, Options, SimConfig};
use voss_customers::voss::wire::{CustomerData, ListBody};

const CUSTOMERS: usize = 10_000;
const PAGE: usize = 200;
const ROUNDS: usize = 15;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let seed = dir.path().join("bench-seed.yaml");
    let mut text = String::from(
        "hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n  - {path: sys.hcs.P.R, type: reseller}\nadmins:\n  - {email: bench@p.example, password: bench, hierarchy: sys.hcs.P}\ncustomers:\n",
    );
    for i in 0..CUSTOMERS {
        writeln!(
            text,
            "  - {{hierarchy: sys.hcs.P.R, name: Customer {i:05}, description: customer number {i}, account_id: A-{i}}}"
        )?;
    }
    std::fs::write(&seed, text)?;
    for list_fields in [ListFields::Summary, ListFields::Full] {
        bench(&seed, list_fields).await?;
    }
    Ok(())
}

async fn bench(
    seed: &std::path::Path,
    list_fields: ListFields,
) -> Result<(), Box<dyn std::error::Error>> {
    let running = sim::start(
        SimConfig {
            seed: seed.to_path_buf(),
            options: Options {
                list_fields,
                ..Options::default()
            },
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut seen = 0;
        for page in 0..CUSTOMERS.div_ceil(PAGE) {
            let url = format!(
                "{}/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.P&format=json&skip={}&limit={PAGE}",
                running.url(),
                page * PAGE
            );
            let body: ListBody<CustomerData> = client
                .get(url)
                .basic_auth("bench@p.example", Some("bench"))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            seen += body.resources.len();
        }
        if seen != CUSTOMERS {
            return Err(format!("listed {seen} customers, expected {CUSTOMERS}").into());
        }
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "listing {CUSTOMERS} customers in pages of {PAGE} ({list_fields:?} fields): median {:.1} ms, min {:.1} ms, max {:.1} ms ({ROUNDS} rounds)",
        ms(times[ROUNDS / 2]),
        ms(times[0]),
        ms(times[ROUNDS - 1])
    );
    running.shutdown().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
