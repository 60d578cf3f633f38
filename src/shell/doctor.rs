//! `mmsearch doctor`: checks that a participant's machine can run the notebooks (toolchain,
//! evcxr kernel, warm build folder, data, pretrained checkpoints) and says what to fix.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::data::{DataDir, MnistSplit};
use crate::train::load_pretrained;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Ready.
    Ok,
    /// Works, but slower or less convenient than it could be.
    Warn,
    /// The notebooks will not run until this is fixed.
    Fail,
}

/// One line of the doctor's report.
///
/// # Example
/// ```
/// use multimodal_search::shell::doctor::{Check, Status};
/// let c = Check::fail("data", "no MNIST files", "set MMS_DATA");
/// assert_eq!(c.status, Status::Fail);
/// assert!(c.to_string().contains("fix: set MMS_DATA"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// Its outcome.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do about it (empty when nothing is needed).
    pub fix: String,
}

impl Check {
    /// A passed check.
    pub fn ok(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Status::Ok, detail, "")
    }

    /// A warning with its remedy.
    pub fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Status::Warn, detail, fix)
    }

    /// A failure with its remedy.
    pub fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, detail, fix)
    }

    fn new(name: &str, status: Status, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Check {
            name: name.to_string(),
            status,
            detail: detail.into(),
            fix: fix.into(),
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = match self.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        write!(f, "{mark} {:<12} {}", self.name, self.detail)?;
        if !self.fix.is_empty() {
            write!(f, "\n     {:<12} fix: {}", "", self.fix)?;
        }
        Ok(())
    }
}

/// Runs a program and returns its first line of output, or why it could not run.
fn first_line(program: &str, args: &[&str]) -> std::result::Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} exited with {}: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().next().unwrap_or("").trim().to_string())
}

/// The Rust toolchain: `rustc` must be at least 1.85 (edition 2024).
pub fn check_toolchain() -> Check {
    match first_line("rustc", &["--version"]) {
        Err(e) => Check::fail(
            "toolchain",
            e,
            "install Rust with rustup: https://rustup.rs",
        ),
        Ok(v) => {
            let minor = v
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.split('.').nth(1))
                .and_then(|m| m.parse::<u32>().ok());
            match minor {
                Some(m) if m >= 85 => Check::ok("toolchain", v),
                _ => Check::fail(
                    "toolchain",
                    format!("{v}: this crate needs Rust 1.85 or later"),
                    "rustup update stable",
                ),
            }
        }
    }
}

/// Finds an executable on `PATH` or in `~/.cargo/bin`.
fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = dirs::home_dir() {
        dirs.push(home.join(".cargo").join("bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// What the kernel checks learn from Jupyter's `rust` kernelspec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelSpecInfo {
    /// The kernel's command.
    pub command: PathBuf,
    /// The warm build folder our wrapper copies (absent for a plain evcxr kernel).
    pub template: Option<PathBuf>,
}

/// Prints what `jupyter kernelspec list --json` prints, without needing `jupyter` on PATH.
const KERNELSPECS_PY: &str = "import json; from jupyter_client.kernelspec import KernelSpecManager as K; \
     print(json.dumps({'kernelspecs': K().get_all_specs()}))";

/// Reads the `rust` kernel out of `jupyter kernelspec list --json` output.
///
/// # Example
/// ```
/// use multimodal_search::shell::doctor::parse_kernelspecs;
/// let json = r#"{"kernelspecs": {"rust": {"resource_dir": "/k", "spec": {"argv": ["/k/kernel.sh", "{connection_file}"],
///   "metadata": {"multimodal-search": {"template": "/cache/t"}}}}}}"#;
/// let info = parse_kernelspecs(json).unwrap();
/// assert_eq!(info.command.to_str(), Some("/k/kernel.sh"));
/// assert_eq!(info.template.unwrap().to_str(), Some("/cache/t"));
/// assert!(parse_kernelspecs(r#"{"kernelspecs": {}}"#).is_err());
/// ```
pub fn parse_kernelspecs(json: &str) -> std::result::Result<KernelSpecInfo, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("unreadable kernelspec list: {e}"))?;
    let spec = v
        .pointer("/kernelspecs/rust/spec")
        .ok_or("no kernel named 'rust' is registered")?;
    let command = spec
        .pointer("/argv/0")
        .and_then(|a| a.as_str())
        .ok_or("the 'rust' kernelspec has no command (argv)")?;
    let template = spec
        .pointer("/metadata/multimodal-search/template")
        .and_then(|t| t.as_str())
        .map(PathBuf::from);
    Ok(KernelSpecInfo {
        command: PathBuf::from(command),
        template,
    })
}

/// evcxr_jupyter, Jupyter, the `rust` kernel and its warm build folder (for `repo`).
pub fn check_kernel(repo: &Path) -> Vec<Check> {
    let setup = "scripts/setup-notebooks.sh";
    let mut checks = Vec::new();
    match find_program("evcxr_jupyter") {
        Some(p) => checks.push(Check::ok("evcxr", p.display().to_string())),
        None => checks.push(Check::fail(
            "evcxr",
            "evcxr_jupyter not found on PATH or in ~/.cargo/bin",
            format!("run {setup} (it runs `cargo install --locked evcxr_jupyter`)"),
        )),
    }
    let listing = first_line("jupyter", &["--version"])
        .and_then(|_| {
            let out = Command::new("jupyter")
                .args(["kernelspec", "list", "--json"])
                .output()
                .map_err(|e| format!("cannot run jupyter: {e}"))?;
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .map(|l| (l, true))
        .or_else(|_| {
            // A `pip install --user` puts `jupyter` in a folder that is often not on PATH
            // (~/.local/bin): ask Python's jupyter_client for the same listing.
            let out = Command::new("python3")
                .args(["-c", KERNELSPECS_PY])
                .output()
                .map_err(|e| format!("cannot run python3: {e}"))?;
            if out.status.success() {
                Ok((String::from_utf8_lossy(&out.stdout).into_owned(), false))
            } else {
                Err("Jupyter is not installed (no `jupyter` command, no jupyter_client for python3)"
                    .to_string())
            }
        });
    let listing = match listing {
        Ok((l, true)) => {
            checks.push(Check::ok("jupyter", "jupyter found"));
            l
        }
        Ok((l, false)) => {
            checks.push(Check::warn(
                "jupyter",
                "Jupyter is installed for python3, but the `jupyter` command is not on PATH",
                "add Python's user scripts folder to PATH (on Linux ~/.local/bin), or start \
                 Jupyter with `python3 -m notebook`",
            ));
            l
        }
        Err(e) => {
            checks.push(Check::fail(
                "jupyter",
                e,
                format!("run {setup} (it installs Jupyter with pip)"),
            ));
            return checks;
        }
    };
    let info = match parse_kernelspecs(&listing) {
        Ok(i) => i,
        Err(e) => {
            checks.push(Check::fail("kernel", e, format!("run {setup}")));
            return checks;
        }
    };
    if !info.command.is_file() {
        checks.push(Check::fail(
            "kernel",
            format!(
                "the 'rust' kernel's command {} is missing",
                info.command.display()
            ),
            format!("run {setup}"),
        ));
        return checks;
    }
    let Some(template) = info.template else {
        checks.push(Check::warn(
            "kernel",
            format!(
                "'rust' is a plain evcxr kernel ({}): every notebook builds candle from scratch (minutes)",
                info.command.display()
            ),
            format!("run {setup} to register the wrapper with a warm build folder"),
        ));
        return checks;
    };
    checks.push(Check::ok(
        "kernel",
        format!("'rust' -> {}", info.command.display()),
    ));
    let build = template.join("build");
    let cargo_toml = std::fs::read_to_string(build.join("Cargo.toml")).unwrap_or_default();
    let repo = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    let wanted = format!("path = \"{}\"", repo.display());
    if !build.join("target").is_dir() || !template.join(".cargo/config.toml").is_file() {
        checks.push(Check::warn(
            "warm build",
            format!(
                "{} is not warmed yet: the first cell will take minutes",
                template.display()
            ),
            format!("run {setup}"),
        ));
    } else if !cargo_toml.contains(&wanted) {
        checks.push(Check::warn(
            "warm build",
            format!(
                "{} was warmed for another checkout (not {}): each notebook rebuilds this crate",
                template.display(),
                repo.display()
            ),
            format!("run {setup} from this checkout"),
        ));
    } else {
        checks.push(Check::ok(
            "warm build",
            format!("{} (warmed for this checkout)", template.display()),
        ));
    }
    checks
}

/// MNIST (both splits) and the 3,000 FSDD recordings in `data` (read only, never downloaded).
pub fn check_data(data: &DataDir) -> Vec<Check> {
    let fix = format!(
        "point MMS_DATA at a folder holding mnist/ and fsdd/recordings/ (looked in {}), or run `mmsearch download`",
        data.root().display()
    );
    let offline = DataDir::new(data.root(), true);
    let mut checks = Vec::new();
    let mnist: std::result::Result<Vec<String>, String> = [MnistSplit::Train, MnistSplit::Test]
        .into_iter()
        .map(|s| {
            offline
                .mnist(s)
                .map(|m| format!("{} {}", m.len(), s.name()))
                .map_err(|e| e.to_string())
        })
        .collect();
    checks.push(match mnist {
        Ok(parts) => Check::ok("mnist", format!("{} images", parts.join(" + "))),
        Err(e) => Check::fail("mnist", e, fix.clone()),
    });
    checks.push(match offline.fsdd() {
        Ok(scan) => {
            let n = scan.train.len() + scan.validation.len();
            let detail = format!(
                "{n} recordings ({} train, {} validation) in {}",
                scan.train.len(),
                scan.validation.len(),
                offline.fsdd_dir().display()
            );
            if n == 3000 && scan.skipped.is_empty() {
                Check::ok("fsdd", detail)
            } else {
                Check::warn(
                    "fsdd",
                    format!("{detail}; expected 3000, {} skipped", scan.skipped.len()),
                    "re-download with `mmsearch download` into an empty folder",
                )
            }
        }
        Err(e) => Check::fail("fsdd", e.to_string(), fix),
    });
    checks
}

/// The committed pretrained checkpoints in `dir` load and match their configs.
pub fn check_checkpoints(dir: &Path) -> Check {
    match load_pretrained(dir) {
        Ok(_) => Check::ok(
            "checkpoints",
            format!("three pretrained models in {}", dir.display()),
        ),
        Err(e) => Check::fail(
            "checkpoints",
            e.to_string(),
            "restore checkpoints/ from git (`git checkout -- checkpoints`), or set MMS_CHECKPOINTS",
        ),
    }
}

/// Every check, in the order a participant would fix them.
pub fn run_all(repo: &Path, data: &DataDir, checkpoints: &Path) -> Vec<Check> {
    let mut checks = vec![check_toolchain()];
    checks.extend(check_kernel(repo));
    checks.extend(check_data(data));
    checks.push(check_checkpoints(checkpoints));
    checks
}
