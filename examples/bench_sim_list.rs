//! Benchmark of the simulator alone, in two parts.
//!
//! 1. In process (as before issue 14): lists 10,000 customers in pages of 200 (the
//!    simulator's default `maximum_limit`) from the simulator on loopback, 15 times, in
//!    both list modes (summary and full fields), and prints the median time of one full
//!    listing (target: under 300 ms, release build).
//! 2. The simulator's own CPU (issue 14: "the simulator is never the bottleneck"): the
//!    release binary's `voss-customers sim` in a process of its own, seeded as
//!    `bench_plan` seeds it (a provider, one reseller with a domain per 200 customers, an
//!    admin; 100,000 customers unless `--customers N`), with `--max-page 2000`. Each
//!    round lists every customer at the provider in pages of 2000, one page at a time,
//!    then GETs 1,000 of them one by one; the simulator's user + system CPU is read from
//!    `/proc/PID/stat` around each. Reported per list mode (full and summary fields):
//!    the median CPU of one listing and of the 1,000 GETs over `--rounds` rounds (default
//!    5), and the bytes of one listing. Target: a full-fields listing of 100,000 in at
//!    most 0.3 s of simulator CPU; exits 1 when missed.
//!
//!     cargo build --release --locked && cargo run --release --locked --example bench_sim_list [-- --rounds N] [--customers N]

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Deserialize;
use voss_customers::sim::{self, ListFields, Options, SimConfig};
use voss_customers::voss::wire::{CustomerData, ListBody};

mod bench_support;

use bench_support::{Error, SimProcess, clock_ticks, release_binary, stats};

const CUSTOMERS: usize = 10_000;
const PAGE: usize = 200;
const ROUNDS: usize = 15;

/// Part 2: customers per reseller, the page size, the instance reads, the target.
const PER_RESELLER: usize = 200;
const MAX_PAGE: usize = 2000;
const GETS: usize = 1000;
const TARGET_FULL_LISTING_CPU: f64 = 0.3;
const EMAIL: &str = "bench@p.example";
const PASSWORD: &str = "bench";

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (rounds, customers) = config()?;
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

    let binary = release_binary()?;
    let seed = dir.path().join("bench-seed-process.yaml");
    std::fs::write(&seed, seed_text(customers))?;
    let ticks = clock_ticks();
    let mut all_ok = true;
    for (mode, label) in [("full", "full"), ("summary", "summary")] {
        let cpu = process_bench(&binary, &seed, mode, customers, rounds, ticks).await?;
        let ok = mode != "full" || cpu.listing <= TARGET_FULL_LISTING_CPU;
        all_ok &= ok;
        println!(
            "simulator process, {customers} customers, pages of {MAX_PAGE}, {label} fields: \
             one listing {:.3} s CPU (min {:.3}, max {:.3}; {:.1} MB), {GETS} instance GETs \
             {:.3} s CPU (min {:.3}, max {:.3}); median of {rounds} rounds{}",
            cpu.listing,
            cpu.listing_min,
            cpu.listing_max,
            cpu.bytes as f64 / 1e6,
            cpu.gets,
            cpu.gets_min,
            cpu.gets_max,
            if mode == "full" {
                format!(
                    " (target ≤ {TARGET_FULL_LISTING_CPU} s: {})",
                    if ok { "met" } else { "MISSED" }
                )
            } else {
                String::new()
            }
        );
    }
    if !all_ok {
        std::process::exit(1);
    }
    Ok(())
}

/// `--rounds N` (part 2, default 5) and `--customers N` (part 2, default 100,000).
fn config() -> Result<(usize, usize), Error> {
    let (mut rounds, mut customers) = (5, 100_000);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rounds" => rounds = value.parse::<usize>()?.max(1),
            "--customers" => customers = value.parse::<usize>()?.max(PER_RESELLER),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok((rounds, customers))
}

async fn bench(seed: &std::path::Path, list_fields: ListFields) -> Result<(), Error> {
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

/// `bench_plan`'s seed: a provider, resellers R000… with domains, an admin, 200
/// customers per reseller.
fn seed_text(customers: usize) -> String {
    let resellers = customers / PER_RESELLER;
    let mut out =
        String::from("hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n");
    for r in 0..resellers {
        let _ = writeln!(
            out,
            "  - {{path: sys.hcs.P.R{r:03}, type: reseller, domain: r{r:03}.example}}"
        );
    }
    let _ = writeln!(
        out,
        "admins:\n  - {{email: {EMAIL}, password: {PASSWORD}, hierarchy: sys.hcs.P}}\ncustomers:"
    );
    for r in 0..resellers {
        for i in 0..PER_RESELLER {
            let _ = writeln!(
                out,
                "  - {{hierarchy: sys.hcs.P.R{r:03}, name: Customer {r:03}-{i:03}, description: live customer {r}-{i}, account_id: A-{r}-{i}}}"
            );
        }
    }
    out
}

/// What a page is read for: its length and its customers' pkids.
#[derive(Deserialize)]
struct Page {
    resources: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    pkid: String,
}

/// Medians (and extremes) of the simulator's CPU seconds per listing and per `GETS`
/// instance reads; the bytes of one listing.
struct Cpu {
    listing: f64,
    listing_min: f64,
    listing_max: f64,
    gets: f64,
    gets_min: f64,
    gets_max: f64,
    bytes: usize,
}

async fn process_bench(
    binary: &Path,
    seed: &Path,
    list_fields: &str,
    customers: usize,
    rounds: usize,
    ticks: f64,
) -> Result<Cpu, Error> {
    let sim = SimProcess::start(binary, seed, list_fields, MAX_PAGE as u64)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let get = |url: String| {
        let client = &client;
        async move {
            let response = client
                .get(url)
                .basic_auth(EMAIL, Some(PASSWORD))
                .send()
                .await?
                .error_for_status()?;
            Ok::<_, Error>(response.bytes().await?)
        }
    };
    let (mut listings, mut reads) = (Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..rounds {
        let mut pkids = Vec::with_capacity(customers);
        bytes = 0;
        let before = sim.cpu_seconds(ticks)?;
        for skip in (0..customers).step_by(MAX_PAGE) {
            let body = get(format!(
                "{}/api/relation/HcsCustomerREL/?hierarchy=sys.hcs.P&format=json&skip={skip}&limit={MAX_PAGE}",
                sim.url
            ))
            .await?;
            bytes += body.len();
            let page: Page = serde_json::from_slice(&body)?;
            pkids.extend(page.resources.into_iter().map(|r| r.pkid));
        }
        listings.push(sim.cpu_seconds(ticks)? - before);
        if pkids.len() != customers {
            return Err(format!("listed {} customers, expected {customers}", pkids.len()).into());
        }
        let step = (customers / GETS).max(1);
        let before = sim.cpu_seconds(ticks)?;
        for pkid in pkids.iter().step_by(step).take(GETS) {
            get(format!(
                "{}/api/relation/HcsCustomerREL/{pkid}/?format=json",
                sim.url
            ))
            .await?;
        }
        reads.push(sim.cpu_seconds(ticks)? - before);
    }
    // Every request was served, and counted, as asked.
    let served = stats(&client, &sim.url)
        .await?
        .get("GET relation/HcsCustomerREL")
        .copied()
        .unwrap_or(0);
    let asked = rounds * (customers.div_ceil(MAX_PAGE) + GETS.min(customers));
    if served != asked as u64 {
        return Err(
            format!("the simulator counts {served} customer GETs, {asked} were sent").into(),
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (listing, listing_min, listing_max) = median(&mut listings);
    let (gets, gets_min, gets_max) = median(&mut reads);
    Ok(Cpu {
        listing,
        listing_min,
        listing_max,
        gets,
        gets_min,
        gets_max,
        bytes,
    })
}
