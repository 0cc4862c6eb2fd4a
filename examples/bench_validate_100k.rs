//! Benchmark (issue 14): `validate` of 100,000 customers in 10 files, whole process (the
//! release binary, as a CI job runs it), against 10,000 customers in 10 files for the
//! growth.
//!
//!     cargo build --release && cargo run --release --example bench_validate_100k [RUNS]
//!
//! Targets: 100k in under 0.5 s wall (median), 100k ≤ 12 × 10k. Each size runs once
//! untimed (page cache), then RUNS times (default 7, at least 5), the sizes taking turns.
//! The peak resident memory of each size's runs is read with `/usr/bin/time` when it is
//! there. Exit code 1 when a target is missed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[allow(dead_code)] // `stats` and `SimProcess` are for the benchmarks that use a simulator.
mod bench_support;

use bench_support::{Error, release_binary};

const FILES: usize = 10;
const MIN_RUNS: usize = 5;
const LIMIT_100K: Duration = Duration::from_millis(500);
const MAX_RATIO: f64 = 12.0;
const TIME: &str = "/usr/bin/time";

fn main() -> Result<ExitCode, Error> {
    let runs = match std::env::args().nth(1) {
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| format!("RUNS must be a whole number, not `{n}`"))?
            .max(MIN_RUNS),
        None => 7,
    };
    let binary = release_binary()?;
    let dir = tempfile::tempdir()?;
    let sizes = [10_000, 100_000].map(|count| Size {
        count,
        dir: dir.path().join(format!("c{count}")),
    });
    for size in &sizes {
        size.write()?;
        size.run(&binary, None)?;
    }
    let mut times = [Vec::new(), Vec::new()];
    let mut peaks = [0u64; 2];
    for run in 0..runs {
        for (i, size) in sizes.iter().enumerate() {
            let memory = dir.path().join(format!("memory-{i}-{run}.txt"));
            let memory = Path::new(TIME).exists().then_some(memory);
            times[i].push(size.run(&binary, memory.as_deref())?);
            if let Some(file) = memory {
                let kib: u64 = std::fs::read_to_string(file)?.trim().parse()?;
                peaks[i] = peaks[i].max(kib);
            }
        }
    }
    let mut medians = [Duration::ZERO; 2];
    for (i, size) in sizes.iter().enumerate() {
        times[i].sort();
        medians[i] = times[i][runs / 2];
        println!(
            "validate {:>7} customers in {FILES} files: median {:>7.1} ms (min {:.1}, max {:.1}, {runs} runs), peak RSS {}",
            size.count,
            ms(medians[i]),
            ms(times[i][0]),
            ms(times[i][runs - 1]),
            if peaks[i] > 0 {
                format!("{:.1} MiB", peaks[i] as f64 / 1024.0)
            } else {
                "n/a".to_owned()
            }
        );
    }
    let ratio = medians[1].as_secs_f64() / medians[0].as_secs_f64();
    let fast = medians[1] < LIMIT_100K;
    let linear = ratio <= MAX_RATIO;
    println!(
        "100k under {} ms: {} | 100k / 10k = {ratio:.1} (target ≤ {MAX_RATIO}): {}",
        LIMIT_100K.as_millis(),
        verdict(fast),
        verdict(linear)
    );
    Ok(if fast && linear {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `count` customers in `FILES` files under `dir`.
struct Size {
    count: usize,
    dir: PathBuf,
}

impl Size {
    fn write(&self) -> Result<(), Error> {
        std::fs::create_dir_all(&self.dir)?;
        let per_file = self.count / FILES;
        for f in 0..FILES {
            let mut out = String::from("customers:\n");
            for i in f * per_file..(f + 1) * per_file {
                let reseller = i % 500;
                let _ = write!(
                    out,
                    "  - name: Customer {i:06}\n    hierarchy: sys.hcs.P.R{reseller:03}\n    description: Generated customer {i}\n    external_customer_id: EXT-{i}\n    domain: c{i}.example.com\n    account_id: A-{i}\n    deal_ids: [D-{i}, E-{i}]\n    prime_collaboration: PC-East\n    shared_uc_apps: true\n    number_management: true\n"
                );
            }
            std::fs::write(self.dir.join(format!("f{f:02}.yaml")), out)?;
        }
        Ok(())
    }

    /// One `validate DIR` (exit 0 expected); its wall time.
    fn run(&self, binary: &Path, memory: Option<&Path>) -> Result<Duration, Error> {
        let mut command = match memory {
            Some(file) => {
                let mut c = Command::new(TIME);
                c.arg("-f").arg("%M").arg("-o").arg(file).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        command
            .arg("validate")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let output = command.output()?;
        let wall = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "validate failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(wall)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "pass" } else { "FAIL" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
