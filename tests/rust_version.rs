//! `rust-version` in Cargo.toml is a promise to users: a toolchain that old builds the tool
//! with the committed Cargo.lock (`cargo install --locked`, `cargo build --locked`). It is
//! true only when no locked dependency needs a newer one, so this test compares it with the
//! `rust_version` that `cargo metadata --locked` reports for every locked package.

use std::process::Command;

use serde_json::Value;

/// `"1.90"` or `"1.89.0"` as (major, minor, patch); a missing patch is 0.
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|part| {
        part.parse::<u64>()
            .unwrap_or_else(|_| panic!("bad version {text:?}"))
    });
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major, minor, patch)
}

#[test]
fn rust_version_is_at_least_what_every_locked_dependency_needs() {
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let output = Command::new(cargo)
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "voss-customers")
        .unwrap();
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml must declare rust-version");
    let neediest = packages
        .iter()
        .filter(|p| p["name"] != "voss-customers")
        .filter_map(|p| {
            let needed = p["rust_version"].as_str()?;
            Some((
                version(needed),
                format!("{} {} needs {needed}", p["name"], p["version"]),
            ))
        })
        .max()
        .expect("some locked dependency declares a rust-version");
    assert!(
        version(declared) >= neediest.0,
        "Cargo.toml says rust-version = {declared:?}, but {}: raise it",
        neediest.1
    );
    // The README's install line states the same toolchain.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust toolchain ({declared} or newer)")),
        "README.md must name rust-version {declared} in its install section"
    );
}
