//! Helpers shared by the benchmarks that run the release binary against a simulator.
//! (A folder without `main.rs`, so cargo does not take it for an example of its own.)

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// `target/release/voss-customers`, next to this example's own `target/release/examples/`.
pub fn release_binary() -> Result<PathBuf, Error> {
    let exe = std::env::current_exe()?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot find target/release from this example's path")?;
    let binary = release.join("voss-customers");
    if !binary.is_file() {
        return Err(format!(
            "{} is missing: run `cargo build --release` first",
            binary.display()
        )
        .into());
    }
    Ok(binary)
}

/// `GET /_sim/stats`: requests by route so far.
pub async fn stats(http: &reqwest::Client, url: &str) -> Result<BTreeMap<String, u64>, Error> {
    let body: serde_json::Value = http
        .get(format!("{url}/_sim/stats"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let routes = body["by_route"]
        .as_object()
        .ok_or("/_sim/stats has no by_route")?;
    Ok(routes
        .iter()
        .map(|(route, n)| (route.clone(), n.as_u64().unwrap_or(0)))
        .collect())
}

/// A `voss-customers sim --seed SEED --listen 127.0.0.1:0 --list-fields FIELDS --max-page
/// N` process, stopped when dropped; `url` is from its `listening on URL` line.
pub struct SimProcess {
    child: Child,
    pub url: String,
}

impl SimProcess {
    pub fn start(
        binary: &Path,
        seed: &Path,
        list_fields: &str,
        max_page: u64,
    ) -> Result<SimProcess, Error> {
        let mut child = Command::new(binary)
            .arg("sim")
            .arg("--seed")
            .arg(seed)
            .args(["--listen", "127.0.0.1:0", "--list-fields", list_fields])
            .args(["--max-page", &max_page.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no simulator stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("the simulator said `{}`", line.trim()))?
            .to_owned();
        Ok(SimProcess { child, url })
    }

    /// User + system CPU seconds the simulator has used so far (`/proc/PID/stat`), with
    /// `ticks` from [`clock_ticks`].
    pub fn cpu_seconds(&self, ticks: f64) -> Result<f64, Error> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The fields after the command name (which may hold spaces) in parentheses;
        // utime and stime are the line's 14th and 15th: the 12th and 13th after it.
        let rest = stat
            .rsplit_once(')')
            .map(|(_, r)| r)
            .ok_or("odd /proc stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = fields.get(11).ok_or("no utime")?.parse()?;
        let stime: f64 = fields.get(12).ok_or("no stime")?.parse()?;
        Ok((utime + stime) / ticks)
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 when it cannot be read).
pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}
