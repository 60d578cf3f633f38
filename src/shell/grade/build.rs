//! Building the grader's programs with `rustc` alone, against dependencies compiled once.
//!
//! The crate and its dependencies are compiled once per batch by cargo, outside any sandbox
//! ([`Deps::build`]). Each program is then one `rustc` call linking that crate's `rlib`: the
//! dependency folder is mounted read-only in the sandbox and the program is written into the
//! participant's own work folder, so no build of theirs can change what the next one links. No
//! cargo runs on a participant's files, so no `build.rs` of theirs runs at all.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::shell::grade::{Job, Limits, Outcome, Sandbox};

/// The compiled crate the grader's programs link, and the compiler that built it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deps {
    /// `libmultimodal_search-<hash>.rlib`.
    pub rlib: PathBuf,
    /// The folder of every dependency's `rlib` (`target/release/deps`).
    pub dir: PathBuf,
    /// The `rustc` of the toolchain that built them (a program must be built by the same one).
    pub rustc: PathBuf,
    /// That toolchain's folder (mounted read-only where a program is built).
    pub sysroot: PathBuf,
    /// The C compiler that links (`cc` on `PATH`, its links resolved: a sandbox has no
    /// `/etc/alternatives`).
    pub linker: PathBuf,
}

impl Deps {
    /// Builds (or finds up to date) this crate's library in release mode with its default
    /// features, by `cargo build --release --lib` in `manifest_dir`, and says where it is.
    pub fn build(manifest_dir: &Path) -> Result<Self> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(&cargo);
        // What cargo sets for a crate it runs (the grader inside `cargo test`, or `cargo run`)
        // is not the instructor's environment: ring's build script reruns when CARGO_PKG_NAME
        // changes, and with it this crate (55 s), so none of it reaches this build.
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            let set_by_cargo = [
                "CARGO_PKG_",
                "CARGO_BIN_",
                "CARGO_CRATE_",
                "CARGO_MANIFEST_",
            ]
            .iter()
            .any(|p| k.starts_with(p))
                || [
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "CARGO_RUSTC_CURRENT_DIR",
                ]
                .contains(&k.as_ref());
            if set_by_cargo {
                cmd.env_remove(&key);
            }
        }
        let out = cmd
            .current_dir(manifest_dir)
            .args([
                "build",
                "--release",
                "--lib",
                "--locked",
                "--message-format=json",
                "--quiet",
            ])
            .output()
            .map_err(|e| Error::io(PathBuf::from(&cargo), e))?;
        if !out.status.success() {
            return Err(Error::Sandbox(format!(
                "cargo build --release --lib in {} failed: {}",
                manifest_dir.display(),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        let mut rlib = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let is_ours = msg["reason"] == "compiler-artifact"
                && msg["target"]["name"] == "multimodal_search"
                && msg["target"]["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "lib"));
            if is_ours {
                // The hashed file in deps/ (the one cargo links), not the copy cargo lifts into
                // the profile folder, which the next build with other features overwrites.
                rlib = msg["filenames"].as_array().and_then(|f| {
                    f.iter()
                        .filter_map(|f| f.as_str())
                        .find(|f| f.ends_with(".rmeta"))
                        .map(|f| PathBuf::from(f).with_extension("rlib"))
                });
            }
        }
        let rlib = rlib.filter(|r| r.is_file()).ok_or_else(|| {
            Error::Sandbox("cargo build did not report multimodal_search's rlib".into())
        })?;
        let dir = rlib
            .parent()
            .ok_or_else(|| Error::Sandbox(format!("{} has no folder", rlib.display())))?
            .to_path_buf();
        // `MMS_GRADE_RUSTC`: the compiler of another copy of the same toolchain, one that the
        // user jobs run as may read (a test's hard-linked copy; root's home is closed to it).
        let rustc = std::env::var_os("MMS_GRADE_RUSTC")
            .or_else(|| std::env::var_os("RUSTC"))
            .unwrap_or_else(|| "rustc".into());
        let sysroot = Command::new(&rustc)
            .args(["--print", "sysroot"])
            .current_dir(manifest_dir)
            .output()
            .map_err(|e| Error::io(PathBuf::from(&rustc), e))?;
        let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
        let linker = super::sandbox::on_path("cc")
            .and_then(|p| p.canonicalize().ok())
            .ok_or_else(|| {
                Error::Sandbox(
                    "no C compiler `cc` on PATH to link with: install one (Debian and Ubuntu: \
                     `sudo apt install gcc`)"
                        .into(),
                )
            })?;
        Ok(Deps {
            rlib,
            dir,
            rustc: sysroot.join("bin/rustc"),
            sysroot,
            linker,
        })
    }
}

/// One compiler message of a build: where its main span is, and how rustc shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file of its primary span (relative to the source folder), if it has one.
    pub file: Option<String>,
    /// The line its primary span starts on.
    pub line: Option<usize>,
    /// rustc's own rendering (what a participant would see from cargo).
    pub rendered: String,
}

/// What building a program gave.
#[derive(Debug, Clone)]
pub struct Built {
    /// The program, when it built.
    pub program: Option<PathBuf>,
    /// The errors (warnings are left out).
    pub errors: Vec<Diagnostic>,
    /// How the compiler's job ended (limits, time).
    pub outcome: Outcome,
}

/// Compiles `src/main.rs` (and the modules beside it) under `work` into `work/<name>`, in
/// `sandbox`, linking `deps`; the source folder is the participant's, the dependencies and the
/// toolchain are read-only; `env` is all the compiler's environment (`env!` reads it).
pub fn build_program(
    sandbox: &Sandbox,
    deps: &Deps,
    work: &Path,
    name: &str,
    env: &[(String, String)],
    limits: Limits,
) -> Result<Built> {
    let program = work.join(name);
    let mut extern_arg = OsString::from("multimodal_search=");
    extern_arg.push(&deps.rlib);
    let mut linker_arg = OsString::from("-Clinker=");
    linker_arg.push(&deps.linker);
    let mut dep_arg = OsString::from("dependency=");
    dep_arg.push(&deps.dir);
    let args: Vec<OsString> = vec![
        "--edition".into(),
        "2024".into(),
        "--crate-type".into(),
        "bin".into(),
        "--crate-name".into(),
        name.into(),
        "-C".into(),
        "opt-level=1".into(),
        "-C".into(),
        "debuginfo=0".into(),
        linker_arg,
        "--error-format=json".into(),
        "--cap-lints".into(),
        "allow".into(),
        "-L".into(),
        dep_arg,
        "--extern".into(),
        extern_arg,
        "-o".into(),
        program.clone().into(),
        // Relative to the work folder (the job's working directory), so messages say
        // `src/<id>.rs` as cargo would.
        "src/main.rs".into(),
    ];
    let job = Job {
        program: deps.rustc.clone(),
        args,
        work: work.to_path_buf(),
        read_only: vec![deps.sysroot.clone(), deps.dir.clone()],
        env: env.to_vec(),
        limits,
    };
    let _ = std::fs::remove_file(&program);
    let outcome = sandbox.run(&job)?;
    let src = Path::new("src");
    let errors: Vec<Diagnostic> = String::from_utf8_lossy(&outcome.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["level"] == "error")
        .map(|m| {
            let primary = m["spans"]
                .as_array()
                .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true).cloned())
                .unwrap_or_default();
            Diagnostic {
                file: primary["file_name"].as_str().map(|f| {
                    Path::new(f)
                        .strip_prefix(src)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|_| f.to_string())
                }),
                line: primary["line_start"].as_u64().map(|l| l as usize),
                rendered: m["rendered"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect();
    let built = outcome.succeeded() && program.is_file();
    Ok(Built {
        program: built.then_some(program),
        errors,
        outcome,
    })
}
