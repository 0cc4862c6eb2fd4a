//! Benchmark: time `voss_customers::desired::load` (what `validate` does) on generated
//! files of 1,000 and 10,000 customers, median of several runs.
//!
//!     cargo run --release --example bench_validate
//!
//! Target (issue 2): 10,000 customers in under 0.5 s, and 10k ≤ 12 × 1k.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut medians = Vec::new();
    for count in [1_000, 10_000] {
        let file = dir.path().join(format!("customers-{count}.yaml"));
        std::fs::write(&file, generate(count))?;
        let paths = [PathBuf::from(&file)];
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let desired = voss_customers::desired::load(&paths)
                .map_err(|problems| format!("generated file invalid: {}", problems[0]))?;
            times.push(start.elapsed());
            assert_eq!(desired.customers.len(), count);
        }
        times.sort();
        let median = times[RUNS / 2];
        println!(
            "{count:>6} customers: median {:>8.1} ms (min {:.1} ms, max {:.1} ms, {RUNS} runs)",
            ms(median),
            ms(times[0]),
            ms(times[RUNS - 1])
        );
        medians.push(median);
    }
    let ratio = medians[1].as_secs_f64() / medians[0].as_secs_f64();
    println!(
        "10k / 1k = {ratio:.1} (target ≤ 12); 10k under 0.5 s: {}",
        medians[1] < Duration::from_millis(500)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One file of `count` customers over two resellers, using most fields.
fn generate(count: usize) -> String {
    let mut out = String::from("customers:\n");
    for i in 0..count {
        let reseller = if i % 2 == 0 { "CS-R1" } else { "CS-R2" };
        let _ = write!(
            out,
            "  - name: Customer {i:05}\n    hierarchy: sys.hcs.CS-P.{reseller}\n    description: Generated customer {i}\n    external_customer_id: EXT-{i}\n    domain: c{i}.example.com\n    account_id: A-{i}\n    deal_ids: [D-{i}, E-{i}]\n    prime_collaboration: PC-East\n    shared_uc_apps: true\n    number_management: true\n"
        );
    }
    out
}
