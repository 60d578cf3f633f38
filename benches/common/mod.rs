//! What the benchmarks share: running a Python reference script in its venv.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scripts/fixtures/<script>` with `args` in the venv `venv` (built on first use by
/// `scripts/fixtures/venv.sh`), with `env` set and `env_remove` unset, and parses the JSON line
/// it prints. `None`, with the reason on stderr, when anything fails.
pub fn reference_json(
    venv: &str,
    script: &str,
    args: &[String],
    env: &[(&str, String)],
    env_remove: &[&str],
) -> Option<serde_json::Value> {
    let built = Command::new(root().join("scripts/fixtures/venv.sh"))
        .arg(venv)
        .output()
        .ok()?;
    if !built.status.success() {
        eprintln!(
            "venv {venv} failed: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        return None;
    }
    let python = String::from_utf8_lossy(&built.stdout).trim().to_string();
    let mut cmd = Command::new(python);
    cmd.arg(root().join("scripts/fixtures").join(script))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in env_remove {
        cmd.env_remove(k);
    }
    let out = cmd.output().ok()?;
    if !out.status.success() {
        eprintln!("{script} failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}
