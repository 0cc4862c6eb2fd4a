//! Benchmark (issues 4, 10 and 14): `plan` timed as a user runs it, the simulator in
//! another process (`voss-customers sim`), at 10,000 and 100,000 live customers.
//!
//! For each size, generates in a temp dir a seed with a provider, resellers (each with a
//! domain), an admin and 200 live customers per reseller, and a git repository whose
//! desired-state directory (10 files, each a tenth of the resellers with a `prune: true`
//! scope each) declares the same customers: committed as live, then 1 % of the
//! descriptions changed in the working tree. Then, each against its own simulator
//! process serving pages of at most `--max-page` (default 2000, as later releases
//! announce):
//!
//! - **full**: lists carry every field; `plan DIR --format json`.
//! - **changed-since**: lists carry only `name` and `hierarchy_path` (summary);
//!   `plan DIR --format json --changed-since HEAD`: instances read only for the changed
//!   customers (checked: the customer GETs beyond the full run's lists are the changed
//!   customers, and the plan names every other one as not read).
//! - **summary** (10,000 only, as before): summary lists without the flag
//!   (`--read-concurrency 16`): every declared customer's instance is read.
//!
//! Each mode runs RUNS times (default 5) under `/usr/bin/time` (peak RSS, client CPU);
//! the simulator's CPU is read from `/proc/PID/stat` around each run. Reported: median
//! wall time, requests per run by route (`GET /_sim/stats`), peak RSS, client and
//! simulator CPU, and the growth from 10k to 100k.
//!
//!     cargo build --release && cargo run --release --example bench_plan [-- --runs N] [--sizes 10000,100000] [--max-page N] [--keep]
//!
//! `--keep` leaves each size's temp dir (seed.yaml, repo/) in place and prints its path,
//! to profile a plan by hand against `voss-customers sim --seed DIR/seed.yaml`.
//!
//! Targets at 100,000: full < 3 s, ≤ 60 requests, peak RSS < 400 MB, simulator CPU under
//! a quarter of the client's; changed-since < 3 s with instance reads = changed customers;
//! growth 10k → 100k ≤ 12× for both. At 10,000: full < 1 s, ≤ 60 requests. Exits 1 when
//! a target is missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod bench_support;

use bench_support::{Error, SimProcess, clock_ticks, release_binary, stats};

const PER_RESELLER: usize = 200;
const CHANGED_EVERY: usize = 100;
const FILES: usize = 10;
const READ_CONCURRENCY: &str = "16";
const TIME: &str = "/usr/bin/time";
const EMAIL: &str = "bench@p.example";
const PASSWORD: &str = "bench-secret";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Full,
    ChangedSince,
    Summary,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Full => "full lists",
            Mode::ChangedSince => "summary lists, --changed-since HEAD",
            Mode::Summary => "summary lists, every instance read",
        }
    }
}

struct Config {
    runs: usize,
    sizes: Vec<usize>,
    max_page: u64,
    keep: bool,
}

fn config() -> Result<Config, Error> {
    let mut config = Config {
        runs: 5,
        sizes: vec![10_000, 100_000],
        max_page: 2000,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--keep" {
            config.keep = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--runs" => config.runs = value.parse::<usize>()?.max(1),
            "--max-page" => config.max_page = value.parse::<u64>()?.max(1),
            "--sizes" => {
                config.sizes = value
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = config()?;
    let binary = release_binary()?;
    let ticks = clock_ticks();
    let mut all_ok = true;
    let mut medians: BTreeMap<(usize, &str), Duration> = BTreeMap::new();
    for &customers in &config.sizes {
        let mut bench = Bench::new(customers)?;
        if config.keep {
            bench.dir.disable_cleanup(true);
            println!("kept {}", bench.dir.path().display());
        }
        let mut modes = vec![Mode::Full, Mode::ChangedSince];
        if customers <= 10_000 {
            modes.push(Mode::Summary);
        }
        let mut full_list_gets = None;
        for mode in modes {
            let runs = bench.measure(&binary, mode, &config, ticks).await?;
            let customer_gets = runs[0]
                .requests
                .get("GET relation/HcsCustomerREL")
                .copied()
                .unwrap_or(0);
            if mode == Mode::Full {
                full_list_gets = Some(customer_gets);
            }
            let instance_reads = match mode {
                Mode::Full => 0,
                _ => customer_gets.saturating_sub(full_list_gets.unwrap_or(0)),
            };
            all_ok &= report(&bench, &runs, mode, instance_reads);
            medians.insert((customers, mode.label()), median(&runs));
        }
    }
    if config.sizes.contains(&10_000) && config.sizes.contains(&100_000) {
        println!("\ngrowth 10,000 → 100,000 customers (median wall time):");
        for mode in [Mode::Full, Mode::ChangedSince] {
            let small = medians[&(10_000, mode.label())];
            let large = medians[&(100_000, mode.label())];
            let ratio = large.as_secs_f64() / small.as_secs_f64();
            let ok = ratio <= 12.0;
            all_ok &= ok;
            println!(
                "  {:<40} {:>7.0} ms → {:>7.0} ms: {ratio:>5.1} × (target ≤ 12)  {}",
                mode.label(),
                ms(small),
                ms(large),
                mark(ok)
            );
        }
    }
    if !all_ok {
        std::process::exit(1);
    }
    Ok(())
}

/// One size's generated files: seed and a git repository of desired state.
struct Bench {
    customers: usize,
    resellers: usize,
    dir: tempfile::TempDir,
}

impl Bench {
    fn new(customers: usize) -> Result<Bench, Error> {
        let resellers = customers / PER_RESELLER;
        if resellers == 0 || !resellers.is_multiple_of(FILES) {
            return Err(format!(
                "{customers} customers: need a multiple of {} (200 per reseller, {FILES} files)",
                PER_RESELLER * FILES
            )
            .into());
        }
        let bench = Bench {
            customers,
            resellers,
            dir: tempfile::tempdir()?,
        };
        std::fs::write(bench.seed(), bench.seed_text())?;
        let repo = bench.repo();
        std::fs::create_dir_all(repo.join("customers"))?;
        git(&repo, &["init", "-q"])?;
        git(&repo, &["config", "user.name", "Bench"])?;
        git(&repo, &["config", "user.email", "bench@example.com"])?;
        git(&repo, &["config", "commit.gpgsign", "false"])?;
        bench.write_desired(false)?;
        git(&repo, &["add", "-A"])?;
        git(&repo, &["commit", "-q", "-m", "live"])?;
        bench.write_desired(true)?;
        Ok(bench)
    }

    fn seed(&self) -> PathBuf {
        self.dir.path().join("seed.yaml")
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn changed(&self) -> usize {
        self.customers / CHANGED_EVERY
    }

    fn seed_text(&self) -> String {
        let mut out =
            String::from("hierarchy:\n  - {path: sys.hcs.P, type: provider, domain: p.example}\n");
        for r in 0..self.resellers {
            let _ = writeln!(
                out,
                "  - {{path: {}, type: reseller, domain: r{r:03}.example}}",
                reseller(r)
            );
        }
        let _ = writeln!(
            out,
            "admins:\n  - {{email: {EMAIL}, password: {PASSWORD}, hierarchy: sys.hcs.P}}\ncustomers:"
        );
        for r in 0..self.resellers {
            for i in 0..PER_RESELLER {
                let _ = writeln!(
                    out,
                    "  - {{hierarchy: {}, name: Customer {r:03}-{i:03}, description: live customer {r}-{i}, account_id: A-{r}-{i}}}",
                    reseller(r)
                );
            }
        }
        out
    }

    /// `FILES` files, each a tenth of the resellers (scope pruned) and their customers;
    /// with `changed`, every 100th description differs from the live one.
    fn write_desired(&self, changed: bool) -> Result<(), Error> {
        let per_file = self.resellers / FILES;
        for f in 0..FILES {
            let mut out = String::from("scopes:\n");
            for r in f * per_file..(f + 1) * per_file {
                let _ = writeln!(out, "  - hierarchy: {}\n    prune: true", reseller(r));
            }
            out.push_str("customers:\n");
            for r in f * per_file..(f + 1) * per_file {
                for i in 0..PER_RESELLER {
                    let differs = changed && (r * PER_RESELLER + i).is_multiple_of(CHANGED_EVERY);
                    let description = if differs {
                        format!("changed customer {r}-{i}")
                    } else {
                        format!("live customer {r}-{i}")
                    };
                    let _ = write!(
                        out,
                        "  - name: Customer {r:03}-{i:03}\n    hierarchy: {}\n    description: {description}\n    account_id: A-{r}-{i}\n",
                        reseller(r)
                    );
                }
            }
            std::fs::write(self.repo().join(format!("customers/f{f:02}.yaml")), out)?;
        }
        Ok(())
    }

    /// `config.runs` timed plans in `mode`, against a simulator process of their own.
    async fn measure(
        &self,
        binary: &Path,
        mode: Mode,
        config: &Config,
        ticks: f64,
    ) -> Result<Vec<Run>, Error> {
        let list_fields = if mode == Mode::Full {
            "full"
        } else {
            "summary"
        };
        let sim = SimProcess::start(binary, &self.seed(), list_fields, config.max_page)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut runs = Vec::with_capacity(config.runs);
        for run in 0..config.runs {
            let before = stats(&http, &sim.url).await?;
            let sim_cpu_before = sim.cpu_seconds(ticks)?;
            let memory_file = self.dir.path().join(format!("time-{run}.txt"));
            let (binary, repo, url, memory) = (
                binary.to_owned(),
                self.repo(),
                sim.url.clone(),
                memory_file.clone(),
            );
            let (wall, output) =
                tokio::task::spawn_blocking(move || run_plan(&binary, &repo, &url, mode, &memory))
                    .await??;
            let sim_cpu = sim.cpu_seconds(ticks)? - sim_cpu_before;
            let after = stats(&http, &sim.url).await?;
            let (updates, not_read) = check_plan(&output, mode)?;
            if updates != self.changed() {
                return Err(
                    format!("plan has {updates} updates, expected {}", self.changed()).into(),
                );
            }
            let (peak_kib, client_cpu) = match std::fs::read_to_string(&memory_file) {
                Ok(text) => parse_time(&text)?,
                Err(_) => (0, 0.0),
            };
            runs.push(Run {
                wall,
                requests: difference(&before, &after),
                peak_kib,
                client_cpu,
                sim_cpu,
                updates,
                not_read,
            });
        }
        drop(sim);
        Ok(runs)
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<(), Error> {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("git {args:?} failed").into());
    }
    Ok(())
}

/// One timed `plan` run.
struct Run {
    wall: Duration,
    requests: BTreeMap<String, u64>,
    peak_kib: u64,
    client_cpu: f64,
    sim_cpu: f64,
    updates: usize,
    not_read: usize,
}

/// Runs `plan customers --format json` in the repository under `/usr/bin/time` (peak
/// RSS, CPU into `memory_file`) when present; the wall time and stdout.
fn run_plan(
    binary: &Path,
    repo: &Path,
    url: &str,
    mode: Mode,
    memory_file: &Path,
) -> Result<(Duration, Vec<u8>), Error> {
    let mut command = if Path::new(TIME).exists() {
        let mut c = Command::new(TIME);
        c.args(["-f", "%M %U %S", "-o"])
            .arg(memory_file)
            .arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command
        .current_dir(repo)
        .args(["plan", "customers", "--format", "json"])
        .args(["--read-concurrency", READ_CONCURRENCY]);
    if mode == Mode::ChangedSince {
        command.args(["--changed-since", "HEAD"]);
    }
    command
        .env("VOSS_URL", url)
        .env("VOSS_USERNAME", EMAIL)
        .env("VOSS_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let started = Instant::now();
    let output = command.output()?;
    let wall = started.elapsed();
    match output.status.code() {
        Some(0 | 2) => Ok((wall, output.stdout)),
        _ => Err(format!("plan failed: {}", output.status).into()),
    }
}

/// `%M %U %S`: peak KiB, user and system seconds.
fn parse_time(text: &str) -> Result<(u64, f64), Error> {
    let line = text.lines().last().ok_or("empty /usr/bin/time output")?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 3 {
        return Err(format!("odd /usr/bin/time output `{line}`").into());
    }
    Ok((
        fields[0].parse()?,
        fields[1].parse::<f64>()? + fields[2].parse::<f64>()?,
    ))
}

/// The number of `update` changes in a plan JSON document (nothing else, none blocked,
/// the summary agreeing), and how many customers a partial plan says it did not read.
fn check_plan(json: &[u8], mode: Mode) -> Result<(usize, usize), Error> {
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
    let not_read = plan["partial"]["not_read"].as_array().map_or(0, Vec::len);
    if (mode == Mode::ChangedSince) != (not_read > 0) {
        return Err(format!("{mode:?}: the plan names {not_read} customers not read").into());
    }
    Ok((updates, not_read))
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

fn median(runs: &[Run]) -> Duration {
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    walls.sort();
    walls[walls.len() / 2]
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Prints one mode's figures; true when every target is met.
fn report(bench: &Bench, runs: &[Run], mode: Mode, instance_reads: u64) -> bool {
    let large = bench.customers >= 100_000;
    let median = median(runs);
    let walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    let (min, max) = (
        walls.iter().min().copied().unwrap_or_default(),
        walls.iter().max().copied().unwrap_or_default(),
    );
    let first = &runs[0].requests;
    let requests: u64 = first.values().sum();
    let same_requests = runs.iter().all(|r| r.requests == *first);
    let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
    let client_cpu = median_f64(runs.iter().map(|r| r.client_cpu).collect());
    let sim_cpu = median_f64(runs.iter().map(|r| r.sim_cpu).collect());
    let mut ok = true;
    let mut row = |measure: &str, value: String, target: String, met: Option<bool>| {
        ok &= met.unwrap_or(true);
        let mark = met.map_or("", mark);
        println!("{measure:<36} {value:>16} {target:>14}  {mark}");
    };
    println!(
        "\nplan, {}: {} live customers under {} resellers in {FILES} files, {} updates (checked), {} runs",
        mode.label(),
        bench.customers,
        bench.resellers,
        runs[0].updates,
        runs.len()
    );
    println!("{:<36} {:>16} {:>14}  ok", "measure", "value", "target");
    let wall_target = match (mode, large) {
        (Mode::Full, false) => Some(Duration::from_secs(1)),
        (Mode::Summary, _) => None,
        _ => Some(Duration::from_secs(3)),
    };
    row(
        "wall time, median",
        format!("{:.0} ms", ms(median)),
        wall_target.map_or(String::new(), |t| format!("< {} ms", t.as_millis())),
        wall_target.map(|t| median < t),
    );
    row(
        "wall time, min / max",
        format!("{:.0} / {:.0} ms", ms(min), ms(max)),
        String::new(),
        None,
    );
    let budget = (mode == Mode::Full).then_some(60);
    row(
        "requests per run",
        requests.to_string(),
        budget.map_or(String::new(), |b| format!("<= {b}")),
        budget.map(|b| requests <= b),
    );
    if mode != Mode::Full {
        let expected = match mode {
            Mode::ChangedSince => bench.changed() as u64,
            _ => bench.customers as u64,
        };
        row(
            "instance reads (beyond full's lists)",
            instance_reads.to_string(),
            format!("= {expected}"),
            Some(instance_reads == expected),
        );
    }
    if mode == Mode::ChangedSince {
        let expected = bench.customers - bench.changed();
        row(
            "customers named not read",
            runs[0].not_read.to_string(),
            format!("= {expected}"),
            Some(runs[0].not_read == expected),
        );
    }
    // The targets are in MB (10⁶ bytes); `peak` is in KiB, as `/usr/bin/time`
    // reports it.
    let rss_target_mb: u64 = if large { 400 } else { 150 };
    row(
        "peak RSS (client)",
        if peak > 0 {
            format!(
                "{:.1} MiB = {:.0} MB",
                peak as f64 / 1024.0,
                peak as f64 * 1024.0 / 1e6
            )
        } else {
            "n/a".to_owned()
        },
        format!("< {rss_target_mb} MB"),
        (peak > 0).then_some(peak * 1024 < rss_target_mb * 1_000_000),
    );
    row(
        "client CPU (user+sys), median",
        format!("{:.2} s", client_cpu),
        String::new(),
        None,
    );
    let quarter = large && mode == Mode::Full && client_cpu > 0.0;
    row(
        "simulator CPU, median",
        format!("{:.2} s", sim_cpu),
        if quarter {
            "< client / 4".to_owned()
        } else {
            String::new()
        },
        quarter.then_some(sim_cpu < client_cpu / 4.0),
    );
    println!("requests by route (run 1; all runs equal: {same_requests}):");
    for (route, n) in first {
        println!("  {route:<40} {n:>6}");
    }
    ok
}

fn mark(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn reseller(r: usize) -> String {
    format!("sys.hcs.P.R{r:03}")
}
