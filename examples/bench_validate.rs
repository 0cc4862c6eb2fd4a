//! Benchmark: time `voss_customers::desired::load` (what `validate` does) on generated
//! files of 1,000 and 10,000 customers.
//!
//!     cargo run --release --example bench_validate [RUNS]
//!
//! Target (issue 2): 10,000 customers in under 0.5 s, and 10k ≤ 12 × 1k (linear growth).
//! Each size is loaded once untimed (warm-up: page cache, the compiled schema, the
//! allocator's heap), then RUNS times (default 9, at least 7), the two sizes taking
//! turns; the median counts, with min and max shown so a noisy machine is visible.
//! Exit code 1 when a target is missed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const MIN_RUNS: usize = 7;
const LIMIT_10K: Duration = Duration::from_millis(500);
const MAX_RATIO: f64 = 12.0;

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let runs = match std::env::args().nth(1) {
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| format!("RUNS must be a whole number, not `{n}`"))?
            .max(MIN_RUNS),
        None => 9,
    };
    let dir = tempfile::tempdir()?;
    let sizes = [
        Size::new(dir.path(), 1_000)?,
        Size::new(dir.path(), 10_000)?,
    ];
    for size in &sizes {
        size.load()?;
    }
    // The sizes take turns, so that load from other processes falls on both alike. So no
    // run finds its own file's tree still in the CPU caches from the run before: like a
    // `validate` process, which starts cold.
    let mut times = [Vec::with_capacity(runs), Vec::with_capacity(runs)];
    for _ in 0..runs {
        for (size, times) in sizes.iter().zip(&mut times) {
            times.push(size.load()?);
        }
    }
    let mut medians = [Duration::ZERO; 2];
    for ((size, times), median) in sizes.iter().zip(&mut times).zip(&mut medians) {
        times.sort();
        *median = times[runs / 2];
        println!(
            "{:>6} customers: median {:>7.1} ms (min {:.1}, max {:.1}, {runs} runs after a warm-up)",
            size.count,
            ms(*median),
            ms(times[0]),
            ms(times[runs - 1])
        );
    }
    let ratio = medians[1].as_secs_f64() / medians[0].as_secs_f64();
    let fast = medians[1] < LIMIT_10K;
    let linear = ratio <= MAX_RATIO;
    println!(
        "10k under {} ms: {} | 10k / 1k = {ratio:.1} (target ≤ {MAX_RATIO}): {}",
        LIMIT_10K.as_millis(),
        verdict(fast),
        verdict(linear)
    );
    Ok(if fast && linear {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A generated file of `count` customers.
struct Size {
    count: usize,
    paths: [PathBuf; 1],
}

impl Size {
    fn new(dir: &Path, count: usize) -> Result<Size, Box<dyn std::error::Error>> {
        let file = dir.join(format!("customers-{count}.yaml"));
        std::fs::write(&file, generate(count))?;
        Ok(Size {
            count,
            paths: [file],
        })
    }

    /// The time `desired::load` takes on the file (dropping the result is not counted).
    fn load(&self) -> Result<Duration, Box<dyn std::error::Error>> {
        let start = Instant::now();
        let desired = voss_customers::desired::load(&self.paths)
            .map_err(|problems| format!("generated file invalid: {}", problems[0]))?;
        let elapsed = start.elapsed();
        if desired.customers.len() != self.count {
            let found = desired.customers.len();
            return Err(format!("loaded {found} customers, not {}", self.count).into());
        }
        Ok(elapsed)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "pass" } else { "FAIL" }
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
