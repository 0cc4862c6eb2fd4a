//! Benchmark (issues 4 and 10): `plan` over 10,000 live customers, timed as a user runs it,
//! against a simulator whose lists carry every field (`full`) and one whose lists carry
//! only `name` and `hierarchy_path` (`summary`, the simulator's default: the client then
//! reads the instances whose declared fields a list lacks, `--read-concurrency 16`).
//!
//! Generates in a temp dir a seed with a provider, 50 resellers (each with a domain), an
//! admin and 200 live customers per reseller, and a desired-state directory (one file per
//! reseller, `prune: true` scope each) declaring the same 10,000 customers with 100
//! descriptions changed. For each list mode, starts the simulator in-process on
//! 127.0.0.1:0 (pages of at most 200, as seen on a real server), then runs the release
//! binary `voss-customers plan DIR --format json` 5 times (under `/usr/bin/time` when
//! present, for the peak memory) and reports the median wall time, the requests per run by
//! route (from `GET /_sim/stats`) and the peak resident memory.
//!
//! The binary must be built first; it is found next to this example (target/release):
//!
//!     cargo build --release && cargo run --release --example bench_plan
//!
//! Targets: full lists: median < 1 s and at most 60 requests (one 200-customer page per
//! reseller); summary lists: median < 3 s (requests counted); both: peak memory < 150 MiB.
//! Exits 1 when a target is missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use voss_customers::sim::{self, ListFields, Options, SimConfig};

const RESELLERS: usize = 50;
const PER_RESELLER: usize = 200;
const CHANGED_EVERY: usize = 100;
const RUNS: usize = 5;
const READ_CONCURRENCY: &str = "16";
const TIME: &str = "/usr/bin/time";
const EMAIL: &str = "bench@p.example";
const PASSWORD: &str = "bench-secret";

mod bench_support;

use bench_support::{Error, release_binary, stats};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = release_binary()?;
    let dir = tempfile::tempdir()?;
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, seed_text())?;
    let desired = dir.path().join("customers");
    write_desired(&desired)?;
    let mut all_ok = true;
    for (mode, label) in [(ListFields::Full, "full"), (ListFields::Summary, "summary")] {
        let runs = measure(&binary, &seed, &desired, dir.path(), mode).await?;
        all_ok &= report(&runs, label);
    }
    if !all_ok {
        std::process::exit(1);
    }
    Ok(())
}

/// `RUNS` timed plans against a simulator whose lists carry `mode`.
async fn measure(
    binary: &Path,
    seed: &Path,
    desired: &Path,
    dir: &Path,
    mode: ListFields,
) -> Result<Vec<Run>, Error> {
    let expected_updates = RESELLERS * PER_RESELLER / CHANGED_EVERY;
    let running = sim::start(
        SimConfig {
            seed: seed.to_owned(),
            options: Options {
                list_fields: mode,
                ..Options::default()
            },
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let url = running.url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let measure_memory = Path::new(TIME).exists();

    let mut runs = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let before = stats(&http, &url).await?;
        let memory_file = dir.join(format!("memory-{run}.txt"));
        let (binary, desired, plan_url, memory) = (
            binary.to_owned(),
            desired.to_owned(),
            url.clone(),
            measure_memory.then(|| memory_file.clone()),
        );
        let (wall, output) = tokio::task::spawn_blocking(move || {
            run_plan(&binary, &desired, &plan_url, memory.as_deref())
        })
        .await??;
        let after = stats(&http, &url).await?;
        let updates = count_updates(&output)?;
        if updates != expected_updates {
            return Err(format!("plan has {updates} updates, expected {expected_updates}").into());
        }
        let peak_kib = if measure_memory {
            Some(
                std::fs::read_to_string(&memory_file)?
                    .trim()
                    .parse::<u64>()?,
            )
        } else {
            None
        };
        runs.push(Run {
            wall,
            requests: difference(&before, &after),
            peak_kib,
            updates,
        });
    }
    running.shutdown().await;
    Ok(runs)
}

/// One timed `plan` run.
struct Run {
    wall: Duration,
    requests: BTreeMap<String, u64>,
    peak_kib: Option<u64>,
    updates: usize,
}

/// Runs `plan DIR --format json` against the simulator; returns the wall time and stdout.
fn run_plan(
    binary: &Path,
    desired: &Path,
    url: &str,
    memory_file: Option<&Path>,
) -> Result<(Duration, Vec<u8>), Error> {
    let mut command = match memory_file {
        Some(file) => {
            let mut c = Command::new(TIME);
            c.arg("-f").arg("%M").arg("-o").arg(file).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .arg("plan")
        .arg(desired)
        .args(["--format", "json", "--read-concurrency", READ_CONCURRENCY])
        .env("VOSS_URL", url)
        .env("VOSS_USERNAME", EMAIL)
        .env("VOSS_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let started = Instant::now();
    let output = command.output()?;
    let wall = started.elapsed();
    // `plan` without --detailed-exitcode exits 0; 2 would also mean "changes pending".
    match output.status.code() {
        Some(0 | 2) => Ok((wall, output.stdout)),
        _ => Err(format!("plan failed: {}", output.status).into()),
    }
}

/// The number of `update` changes in a plan JSON document (none blocked, no other
/// action), checked against its summary.
fn count_updates(json: &[u8]) -> Result<usize, Error> {
    let plan: serde_json::Value = serde_json::from_slice(json)?;
    let changes = plan["changes"]
        .as_array()
        .ok_or("plan JSON has no `changes` array")?;
    let updates = changes.iter().filter(|c| c["action"] == "update").count();
    if changes.len() != updates {
        return Err(format!(
            "plan has {} changes, of which {updates} are updates",
            changes.len()
        )
        .into());
    }
    if changes
        .iter()
        .any(|c| c["blocked"].as_array().is_some_and(|b| !b.is_empty()))
    {
        return Err("plan has blocked changes".into());
    }
    if plan["summary"]["update"].as_u64() != Some(updates as u64) {
        return Err("plan summary disagrees with its changes".into());
    }
    Ok(updates)
}

fn difference(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(route, n)| {
            (
                route.clone(),
                n.saturating_sub(before.get(route).copied().unwrap_or(0)),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Prints one list mode's figures; true when every target is met.
fn report(runs: &[Run], mode: &str) -> bool {
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    walls.sort();
    let median = walls[walls.len() / 2];
    let first = &runs[0].requests;
    let requests: u64 = first.values().sum();
    let same_requests = runs.iter().all(|r| r.requests == *first);
    let peak = runs.iter().filter_map(|r| r.peak_kib).max();
    let customers = RESELLERS * PER_RESELLER;
    let (wall_target, request_budget) = match mode {
        "full" => (Duration::from_secs(1), Some(60)),
        _ => (Duration::from_secs(3), None),
    };
    let mut ok = true;
    let mut row = |measure: &str, value: String, target: String, met: bool| {
        ok &= met;
        row(measure, value, target, met);
    };

    println!(
        "\nplan, {mode} lists: {customers} live customers under {RESELLERS} resellers, {} updates (checked), {RUNS} runs",
        runs[0].updates
    );
    println!("{:<34} {:>14} {:>14}  ok", "measure", "value", "target");
    row(
        "wall time, median",
        format!("{:.0} ms", ms(median)),
        format!("< {} ms", wall_target.as_millis()),
        median < wall_target,
    );
    println!(
        "{:<34} {:>14}",
        "wall time, min / max",
        format!("{:.0} / {:.0} ms", ms(walls[0]), ms(walls[walls.len() - 1]))
    );
    match request_budget {
        Some(budget) => row(
            "requests per run",
            requests.to_string(),
            format!("<= {budget}"),
            requests <= budget,
        ),
        None => println!("{:<34} {:>14}", "requests per run", requests),
    }
    match peak {
        Some(kib) => row(
            "peak memory (max RSS)",
            format!("{:.1} MiB", kib as f64 / 1024.0),
            "< 150 MiB".into(),
            kib < 150 * 1024,
        ),
        None => println!("{:<34} {:>14} {:>14}", "peak memory", "n/a", "< 150 MiB"),
    }
    println!("requests by route (run 1; all runs equal: {same_requests}):");
    for (route, n) in first {
        println!("  {route:<40} {n:>6}");
    }
    ok
}

fn row(measure: &str, value: String, target: String, ok: bool) {
    let mark = if ok { "yes" } else { "NO" };
    println!("{measure:<34} {value:>14} {target:>14}  {mark}");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn reseller(r: usize) -> String {
    format!("sys.hcs.P.R{r:02}")
}

fn seed_text() -> String {
    let mut out =
        String::from("hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n");
    for r in 0..RESELLERS {
        let _ = writeln!(
            out,
            "  - {{path: {}, type: reseller, domain: r{r:02}.example}}",
            reseller(r)
        );
    }
    let _ = writeln!(
        out,
        "admins:\n  - {{email: {EMAIL}, password: {PASSWORD}, hierarchy: sys.hcs.P}}\ncustomers:"
    );
    for r in 0..RESELLERS {
        for i in 0..PER_RESELLER {
            let _ = writeln!(
                out,
                "  - {{hierarchy: {}, name: Customer {r:02}-{i:03}, description: live customer {r}-{i}, account_id: A-{r}-{i}}}",
                reseller(r)
            );
        }
    }
    out
}

/// One file per reseller: its scope (pruned) and its 200 customers, every 100th changed.
fn write_desired(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    for r in 0..RESELLERS {
        let mut out = format!(
            "scopes:\n  - hierarchy: {}\n    prune: true\ncustomers:\n",
            reseller(r)
        );
        for i in 0..PER_RESELLER {
            let changed = (r * PER_RESELLER + i) % CHANGED_EVERY == 0;
            let description = if changed {
                format!("changed customer {r}-{i}")
            } else {
                format!("live customer {r}-{i}")
            };
            let _ = write!(
                out,
                "  - name: Customer {r:02}-{i:03}\n    hierarchy: {}\n    description: {description}\n    account_id: A-{r}-{i}\n",
                reseller(r)
            );
        }
        std::fs::write(dir.join(format!("r{r:02}.yaml")), out)?;
    }
    Ok(())
}
