//! Helpers shared by the benchmarks that run the release binary against a simulator.
//! (A folder without `main.rs`, so cargo does not take it for an example of its own.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
