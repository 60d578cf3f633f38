//! The core alone builds the default build's dependencies, not copies of them: every unit cargo
//! compiles for the core (`--no-default-features`, as CI's lean stages and a notebook's `:dep`
//! build it) is one the default build compiles too, with the same features, profile and
//! dependencies, apart from this crate's own targets. When a shell crate turns on a feature of a
//! shared crate, `Cargo.toml`'s "Feature unification" section must turn it on too; otherwise that
//! crate and everything above it (candle included) compiles twice.
//!
//! What cargo builds comes from its unit graph (`--unit-graph`, the one exact list; an unstable
//! flag, read here with `RUSTC_BOOTSTRAP=1` for this query only: nothing is compiled).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::process::Command;

use serde_json::Value;

/// One unit: its package, target, mode, features, platform and profile, and its dependencies'
/// identities, hashed; plus a readable name for messages.
struct Unit {
    identity: u64,
    deps: Vec<u64>,
    name: String,
    ours: bool,
}

fn unit_graph(args: &[&str]) -> Vec<Unit> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUSTC_BOOTSTRAP", "1")
        .args(args)
        .args([
            "--locked",
            "--offline",
            "-Z",
            "unstable-options",
            "--unit-graph",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{cargo}: {e}"));
    assert!(
        out.status.success(),
        "cargo {args:?} --unit-graph failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph: Value = serde_json::from_slice(&out.stdout).expect("the unit graph is JSON");
    let units = graph["units"].as_array().expect("the unit graph has units");
    let mut memo: HashMap<usize, u64> = HashMap::new();
    fn identity(i: usize, units: &[Value], memo: &mut HashMap<usize, u64>) -> u64 {
        if let Some(&h) = memo.get(&i) {
            return h;
        }
        let u = &units[i];
        let mut deps: Vec<u64> = u["dependencies"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|x| x["index"].as_u64())
                    .map(|j| identity(j as usize, units, memo))
                    .collect()
            })
            .unwrap_or_default();
        deps.sort_unstable();
        let mut h = DefaultHasher::new();
        for key in [
            "pkg_id", "target", "mode", "features", "platform", "profile",
        ] {
            u[key].to_string().hash(&mut h);
        }
        deps.hash(&mut h);
        let id = h.finish();
        memo.insert(i, id);
        id
    }
    (0..units.len())
        .map(|i| {
            let u = &units[i];
            let pkg = u["pkg_id"].as_str().unwrap_or("?");
            let deps = u["dependencies"]
                .as_array()
                .map(|d| {
                    d.iter()
                        .filter_map(|x| x["index"].as_u64())
                        .map(|j| identity(j as usize, units, &mut memo))
                        .collect()
                })
                .unwrap_or_default();
            Unit {
                identity: identity(i, units, &mut memo),
                deps,
                name: format!(
                    "{} {} ({}, features {})",
                    pkg.rsplit('/').next().unwrap_or(pkg),
                    u["target"]["name"],
                    u["mode"],
                    u["features"]
                ),
                ours: pkg.contains("multimodal-search") || pkg.contains("/exercises"),
            }
        })
        .collect()
}

/// The units of `lean` that `default` does not build, this crate's own aside: first those whose
/// own dependencies are all shared (where the difference starts), then how many follow from them.
fn rebuilt(default: &[&str], lean: &[&str]) -> Vec<String> {
    let known: HashSet<u64> = unit_graph(default).iter().map(|u| u.identity).collect();
    let lean = unit_graph(lean);
    assert!(lean.len() > 100, "only {} units for the core", lean.len());
    let extra: Vec<&Unit> = lean
        .iter()
        .filter(|u| !u.ours && !known.contains(&u.identity))
        .collect();
    let mut causes: Vec<String> = extra
        .iter()
        .filter(|u| u.deps.iter().all(|d| known.contains(d)))
        .map(|u| format!("differs first: {}", u.name))
        .collect();
    if !extra.is_empty() {
        causes.push(format!(
            "{} dependency units in all compile again because of these",
            extra.len()
        ));
    }
    causes
}

#[test]
fn the_lean_check_reuses_clippys_dependency_builds() {
    let extra = rebuilt(
        &["check", "--workspace", "--all-targets"],
        &["check", "--no-default-features", "--all-targets"],
    );
    assert!(
        extra.is_empty(),
        "without the default features these dependency units differ (features, profile or \
         dependencies); see Cargo.toml's \"Feature unification\":\n{}",
        extra.join("\n")
    );
}

#[test]
fn the_lean_doc_examples_reuse_the_test_commands_dependency_builds() {
    let extra = rebuilt(
        &["test", "--release"],
        &["test", "--release", "--no-default-features", "--doc"],
    );
    assert!(
        extra.is_empty(),
        "without the default features these dependency units differ (features, profile or \
         dependencies); see Cargo.toml's \"Feature unification\":\n{}",
        extra.join("\n")
    );
}
