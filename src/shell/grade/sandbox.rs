//! The sandbox a participant's build and run go through: bubblewrap (`bwrap`, Debian's
//! `bubblewrap` package) with every namespace new (no network: a new network namespace has only
//! its own loopback; a new PID namespace, so every process the job starts dies with it), the
//! system folders and the given folders read-only, one writable work folder, an empty
//! environment but for what the job sets, and limits: CPU seconds (`RLIMIT_CPU`), a wall clock
//! (the job is killed past it), the bytes of output kept, the size of any file written
//! (`RLIMIT_FSIZE`), no core dumps, and memory and tasks (processes and threads) per job in its
//! own cgroup ([`Cgroups`]) where this user may make one. Without cgroups, memory falls back to
//! `RLIMIT_AS` for programs that allow it (not rustc) and tasks to `RLIMIT_NPROC` (per user, so
//! shared by jobs running at once; root ignores it). A job that leaves a process running when
//! its program ends is reported ([`Outcome::left_running`]) and the process killed.
//!
//! Linux only, as bubblewrap is. Where `bwrap` is missing or cannot start (no user namespaces),
//! [`Sandbox::detect`] says so and what to install; grading without a sandbox is a separate,
//! explicit choice ([`Sandbox::unsandboxed`]).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::shell::grade::cgroup::{Cgroups, GroupEvents};
use crate::shell::grade::user::RunAs;

/// What one job may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds (all threads together), enforced by the kernel.
    pub cpu_seconds: u64,
    /// Wall-clock seconds before the job is killed (a sleeping job uses no CPU).
    pub wall_seconds: u64,
    /// Bytes kept of stdout and of stderr each; the job is killed when it writes more.
    pub output_bytes: usize,
    /// Largest file the job may write, in bytes.
    pub file_bytes: u64,
    /// Memory of the whole job, in bytes (its cgroup's limit).
    pub memory_bytes: u64,
    /// Tasks (processes and threads) the job may have at once.
    pub tasks: u64,
    /// Without a memory cgroup, cap each process's address space at `memory_bytes` instead
    /// (right for a participant's program; wrong for rustc, whose reservations exceed it).
    pub cap_address_space: bool,
}

impl Default for Limits {
    /// 60 CPU seconds, a wall clock three times that, 1 MiB of each output, 256 MiB files,
    /// 4 GiB of memory, 256 tasks, the address space capped where no cgroup limits memory.
    fn default() -> Self {
        Self {
            cpu_seconds: 60,
            wall_seconds: 180,
            output_bytes: 1 << 20,
            file_bytes: 256 << 20,
            memory_bytes: 4 << 30,
            tasks: 256,
            cap_address_space: true,
        }
    }
}

/// One program to run: what it sees and what it may use.
#[derive(Debug, Clone)]
pub struct Job {
    /// The program (a path inside the sandbox, e.g. `/usr/bin/cargo` or one under `read_only`).
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// The one writable folder, also the working directory and `HOME`.
    pub work: PathBuf,
    /// Further folders the job may read (a toolchain, a pre-built dependency folder), mounted
    /// read-only at the same paths.
    pub read_only: Vec<PathBuf>,
    /// The environment, besides `HOME` (the work folder) and `PATH` (set here if not given).
    pub env: Vec<(String, String)>,
    /// Its limits.
    pub limits: Limits,
}

/// What a job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Its exit code, when it exited.
    pub code: Option<i32>,
    /// The signal that ended it, when one did (9 after a wall-clock or output kill, 24 `SIGXCPU`
    /// or 9 past its CPU seconds).
    pub signal: Option<i32>,
    /// Its standard output, at most the limit.
    pub stdout: Vec<u8>,
    /// Its standard error, at most the limit.
    pub stderr: Vec<u8>,
    /// It wrote more output than the limit and was killed for it.
    pub output_cut: bool,
    /// It ran past the wall clock and was killed for it.
    pub timed_out: bool,
    /// Its memory reached the limit and the kernel killed a process of it.
    pub out_of_memory: bool,
    /// It tried to have more tasks (processes and threads) than the limit.
    pub task_limit_hit: bool,
    /// A process it started was still running when its program ended (then killed).
    pub left_running: bool,
    /// Wall-clock time it took.
    pub wall: Duration,
}

impl Outcome {
    /// It exited with code 0, within its limits, leaving nothing running.
    pub fn succeeded(&self) -> bool {
        self.code == Some(0) && self.stayed_within_limits()
    }

    /// It reached none of its limits and left nothing running (whatever its exit code).
    pub fn stayed_within_limits(&self) -> bool {
        !(self.output_cut
            || self.timed_out
            || self.out_of_memory
            || self.task_limit_hit
            || self.left_running
            || self.signal.is_some())
    }

    /// Why the job ended, in words for feedback, given the `limits` it ran under: "ran past
    /// its 60 s", "used its 20 CPU seconds", "printed more than 1048576 bytes", "exited with
    /// code 0", "was killed by signal 11".
    pub fn ending(&self, limits: &Limits) -> String {
        if self.timed_out {
            format!("ran past its {} s and was stopped", limits.wall_seconds)
        } else if self.out_of_memory {
            format!(
                "used more than its {} MiB of memory and was stopped",
                limits.memory_bytes >> 20
            )
        } else if self.task_limit_hit {
            format!(
                "tried to run more than {} processes and threads at once",
                limits.tasks
            )
        } else if self.left_running {
            "left a process running after it ended (it was killed)".into()
        } else if self.output_cut {
            format!(
                "printed more than {} bytes and was stopped",
                limits.output_bytes
            )
        } else if matches!(self.signal, Some(9 | 24))
            && self.wall.as_secs_f64() >= limits.cpu_seconds as f64 * 0.9
        {
            format!(
                "used its {} CPU seconds and was stopped",
                limits.cpu_seconds
            )
        } else if let Some(sig) = self.signal {
            format!("was killed by signal {sig}")
        } else {
            format!("exited with code {}", self.code.unwrap_or(-1))
        }
    }
}

/// How jobs are isolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sandbox {
    /// bubblewrap at this path, probed to work.
    Bubblewrap {
        /// The `bwrap` program.
        program: PathBuf,
        /// What `bwrap --version` said.
        version: String,
        /// The cgroups that limit each job's memory and tasks, where this user may make them.
        cgroups: Option<Cgroups>,
    },
    /// Each job as another, unprivileged user ([`RunAs`]), where bubblewrap cannot start (a
    /// Docker container such as Gradescope's): file permissions, a network namespace of its
    /// own where allowed, the limits, every process of the user killed when the job ends.
    User {
        /// The user.
        run_as: RunAs,
        /// The cgroups that limit each job's memory and tasks, where they can be made.
        cgroups: Option<Cgroups>,
    },
    /// No isolation at all: only when the instructor asked for it.
    None,
}

impl Sandbox {
    /// Finds `bwrap` on `PATH` and checks that it can start a job with every namespace new;
    /// the error names what is missing and how to install it.
    pub fn detect() -> Result<Self> {
        let Some(program) = on_path("bwrap") else {
            return Err(Error::Sandbox(
                "bubblewrap (`bwrap`) is not on PATH: install it (Debian and Ubuntu: `sudo apt \
                 install bubblewrap`; Fedora: `sudo dnf install bubblewrap`), or grade without a \
                 sandbox with --no-sandbox (only for submissions you trust)"
                    .into(),
            ));
        };
        let version = Command::new(&program)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let probe = Command::new(&program)
            .args(["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/"])
            .args(["--proc", "/proc", "--dev", "/dev", "true"])
            .output()
            .map_err(|e| Error::io(&program, e))?;
        if !probe.status.success() {
            return Err(Error::Sandbox(format!(
                "{} cannot start a sandbox here ({}): user namespaces may be off \
                 (`sysctl kernel.unprivileged_userns_clone=1`), or this is a container that \
                 forbids them; grade on a Linux machine or VM that allows them",
                program.display(),
                String::from_utf8_lossy(&probe.stderr).trim()
            )));
        }
        Ok(Sandbox::Bubblewrap {
            program,
            version,
            cgroups: Cgroups::detect(),
        })
    }

    /// Jobs as the user `name` (`--run-as`): only root may, and only one job at a time (see
    /// [`RunAs`]).
    pub fn as_user(name: &str) -> Result<Self> {
        Ok(Sandbox::User {
            run_as: RunAs::lookup(name)?,
            cgroups: Cgroups::detect(),
        })
    }

    /// Whether each job's tasks (processes and threads) are limited on their own, so that one
    /// job's fork bomb cannot starve another running beside it (a pids cgroup per job). Never
    /// for jobs as another user: they could signal each other.
    pub fn limits_tasks_per_job(&self) -> bool {
        match self {
            Sandbox::Bubblewrap { cgroups, .. } => {
                cgroups.as_ref().is_some_and(|c| c.limits_tasks())
            }
            Sandbox::User { .. } | Sandbox::None => false,
        }
    }

    /// The user jobs run as, for a sandbox that switches users.
    pub fn run_as(&self) -> Option<&RunAs> {
        match self {
            Sandbox::User { run_as, .. } => Some(run_as),
            _ => None,
        }
    }

    fn cgroups(&self) -> Option<&Cgroups> {
        match self {
            Sandbox::Bubblewrap { cgroups, .. } | Sandbox::User { cgroups, .. } => cgroups.as_ref(),
            Sandbox::None => None,
        }
    }

    /// No sandbox: the job runs as this user, with the limits but without isolation.
    pub fn unsandboxed() -> Self {
        Sandbox::None
    }

    /// One line for the grader's log: which sandbox it uses.
    pub fn describe(&self) -> String {
        match self {
            Sandbox::Bubblewrap {
                program,
                version,
                cgroups,
            } => {
                let limits = match cgroups {
                    Some(c) => format!("per-job cgroups limit {}", c.describe()),
                    None if is_root() => "no cgroups: memory capped per process by RLIMIT_AS, \
                                          tasks not limited (root ignores RLIMIT_NPROC)"
                        .into(),
                    None => "no cgroups: memory capped per process by RLIMIT_AS, tasks by \
                             RLIMIT_NPROC (shared by this user's jobs)"
                        .into(),
                };
                format!("sandbox: {version} ({}); {limits}", program.display())
            }
            Sandbox::User { run_as, cgroups } => {
                let network = run_as.network();
                let limits = match cgroups {
                    Some(c) => format!("per-job cgroups limit {}", c.describe()),
                    None => "no cgroups: memory capped per process by RLIMIT_AS, tasks by \
                             RLIMIT_NPROC"
                        .into(),
                };
                format!(
                    "sandbox: jobs run as user {} (uid {}), one at a time; {network}; {limits}",
                    run_as.name, run_as.uid
                )
            }
            Sandbox::None => "sandbox: none (--no-sandbox): submissions run unisolated".into(),
        }
    }

    /// Runs `job` to its end or its limits, and returns what it did.
    ///
    /// ```
    /// use multimodal_search::shell::grade::{Job, Limits, Sandbox};
    /// let work = tempfile::tempdir()?;
    /// let job = Job {
    ///     program: "/bin/sh".into(),
    ///     args: vec!["-c".into(), "echo hi; sleep 100".into()],
    ///     work: work.path().to_path_buf(),
    ///     read_only: vec![],
    ///     env: vec![],
    ///     limits: Limits { wall_seconds: 1, ..Limits::default() },
    /// };
    /// let out = Sandbox::detect()?.run(&job)?;
    /// assert_eq!(out.stdout, b"hi\n");
    /// assert!(out.timed_out && !out.succeeded());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&self, job: &Job) -> Result<Outcome> {
        let path = job
            .env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
        let home = job.work.to_string_lossy().into_owned();
        let mut env: Vec<(String, String)> = vec![("HOME".into(), home), ("PATH".into(), path)];
        env.extend(job.env.iter().filter(|(k, _)| k != "PATH").cloned());
        let mut cmd = match self {
            Sandbox::Bubblewrap { program, .. } => {
                let mut cmd = Command::new(program);
                cmd.args(bwrap_args(job, &env)).env_clear();
                cmd
            }
            Sandbox::User { run_as, .. } => {
                // The job's folder is the user's while it runs (given back after).
                run_as.give(&job.work)?;
                let mut cmd = Command::new(&job.program);
                cmd.args(&job.args).current_dir(&job.work).env_clear();
                cmd.envs(env.iter().map(|(k, v)| (k, v)));
                cmd.env("TMPDIR", &job.work);
                cmd
            }
            Sandbox::None => {
                let mut cmd = Command::new(&job.program);
                cmd.args(&job.args).current_dir(&job.work).env_clear();
                cmd.envs(env.iter().map(|(k, v)| (k, v)));
                cmd
            }
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let limits = job.limits;
        let cgroups = self.cgroups();
        let groups = match cgroups {
            Some(c) => Some(
                c.make(limits.memory_bytes, limits.tasks)
                    .map_err(|e| Error::Sandbox(format!("cannot make the job's cgroup: {e}")))?,
            ),
            None => None,
        };
        let address_space = (limits.cap_address_space
            && !cgroups.is_some_and(|c| c.limits_memory()))
        .then_some(limits.memory_bytes);
        // RLIMIT_NPROC counts every task of the user: allow this job `tasks` more than now
        // (the job's user's, where it runs as another one; root's would be ignored).
        let nproc = match self {
            Sandbox::User { run_as, .. } => Some(user_tasks(run_as.uid) + limits.tasks),
            _ if !cgroups.is_some_and(|c| c.limits_tasks()) && !is_root() => {
                // SAFETY: getuid has no preconditions.
                Some(user_tasks(unsafe { libc::getuid() }) + limits.tasks)
            }
            _ => None,
        };
        let join = groups.as_ref().map(|g| g.joiner());
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (open/write/close of paths made before the fork,
        // setrlimit, setpgid) on values computed before the fork.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(move || {
                if let Some(g) = &join {
                    g.join_from_child()?;
                }
                set_limit(libc::RLIMIT_CPU, limits.cpu_seconds)?;
                set_limit(libc::RLIMIT_FSIZE, limits.file_bytes)?;
                set_limit(libc::RLIMIT_CORE, 0)?;
                if let Some(bytes) = address_space {
                    set_limit(libc::RLIMIT_AS, bytes)?;
                }
                if let Some(n) = nproc {
                    set_limit(libc::RLIMIT_NPROC, n)?;
                }
                // Its own process group, so a kill reaches everything it started.
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        // Last before exec (pre_exec closures run in order): the switch to the job's user.
        if let Sandbox::User { run_as, .. } = self {
            run_as.switch(&mut cmd, true);
        }
        let started = Instant::now();
        let spawned = cmd.spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                if let Some(g) = groups {
                    g.finish();
                }
                if let Sandbox::User { run_as, .. } = self {
                    run_as.take_back(&job.work)?;
                }
                return Err(Error::io(&job.program, e));
            }
        };
        let pid = child.id() as libc::pid_t;
        let cap = limits.output_bytes;
        let out = child.stdout.take().map(|s| capped_reader(s, cap));
        let err = child.stderr.take().map(|s| capped_reader(s, cap));
        let wall = Duration::from_secs(limits.wall_seconds);
        let mut timed_out = false;
        let mut output_cut = false;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| Error::io(&job.program, e))? {
                break status;
            }
            let over = [&out, &err]
                .iter()
                .any(|r| r.as_ref().is_some_and(|(_, flag, _)| flag.load(ORDER)));
            if over || started.elapsed() > wall {
                output_cut |= over;
                timed_out |= !over;
                kill_group(pid);
                break child.wait().map_err(|e| Error::io(&job.program, e))?;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // Whatever the job left goes too: bubblewrap's PID namespace ended with it, and its
        // cgroups are emptied; without a sandbox, its process group (a moment's risk: the
        // group's number is free again once the job is reaped).
        if matches!(self, Sandbox::None) {
            kill_group(pid);
        }
        // As another user: anything of that user still running was left by this job (one job
        // at a time); it is killed, and the job's folder given back.
        let mut left_by_user = false;
        if let Sandbox::User { run_as, .. } = self {
            left_by_user = !run_as.processes().is_empty();
            kill_group(pid);
            run_as.take_back(&job.work)?;
        }
        let events = groups.map(|g| g.finish()).unwrap_or_default();
        let (stdout, cut_out) = collect(out);
        let (stderr, cut_err) = collect(err);
        use std::os::unix::process::ExitStatusExt;
        let (mut code, mut signal) = (status.code(), status.signal());
        // bubblewrap exits with 128 + n when the job died of signal n, as a shell reports it.
        if let (Sandbox::Bubblewrap { .. }, Some(c @ 129..=192)) = (self, code) {
            (code, signal) = (None, Some(c - 128));
        }
        let left_running = left_by_user
            || matches!(self, Sandbox::Bubblewrap { .. }) && code == Some(LEFT_RUNNING);
        let GroupEvents {
            out_of_memory,
            task_limit_hit,
        } = events;
        Ok(Outcome {
            code,
            signal,
            stdout,
            stderr,
            output_cut: output_cut || cut_out || cut_err,
            timed_out,
            out_of_memory,
            task_limit_hit,
            left_running,
            wall: started.elapsed(),
        })
    }
}

/// The exit code of the sandbox's shell when the program left processes running.
const LEFT_RUNNING: i32 = 97;

/// Runs the program, then counts the PID namespace's processes: bubblewrap's init and this shell
/// are 2; more means the program left one running (the namespace's end then kills it).
const WATCH: &str = "\"$0\" \"$@\"; s=$?; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; \
                     if [ \"$n\" -gt 2 ]; then exit 97; fi; exit $s";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Tasks (processes and threads) of user `uid` now, as RLIMIT_NPROC counts them.
fn user_tasks(uid: u32) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .map(|e| {
            std::fs::read_dir(e.path().join("task"))
                .map(|t| t.count() as u64)
                .unwrap_or(1)
        })
        .sum()
}

/// The first file `name` in the folders of `PATH`.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

const ORDER: std::sync::atomic::Ordering = std::sync::atomic::Ordering::SeqCst;

/// A thread reading one pipe into a shared buffer, keeping at most `cap` bytes; a flag set when
/// more came; a channel that says when the pipe closed.
type CappedReader = (
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    std::sync::mpsc::Receiver<()>,
);

fn capped_reader(mut pipe: impl Read + Send + 'static, cap: usize) -> CappedReader {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (done, closed) = std::sync::mpsc::channel();
    let (set, into) = (flag.clone(), kept.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let Ok(mut kept) = into.lock() else { break };
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room {
                        // Keep draining, so the job does not block on a full pipe before the
                        // kill arrives.
                        set.store(true, ORDER);
                    }
                }
            }
        }
        let _ = done.send(());
    });
    (kept, flag, closed)
}

/// What a reader kept, waiting at most a moment for its pipe to close: a process that escaped
/// the job's group (possible only without a sandbox) may hold it open forever.
fn collect(reader: Option<CappedReader>) -> (Vec<u8>, bool) {
    let Some((kept, flag, closed)) = reader else {
        return (Vec::new(), false);
    };
    let _ = closed.recv_timeout(Duration::from_secs(2));
    let bytes = kept.lock().map(|k| k.clone()).unwrap_or_default();
    (bytes, flag.load(ORDER))
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct we pass and nothing else.
    if unsafe { libc::setrlimit(resource, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn kill_group(pid: libc::pid_t) {
    // SAFETY: kill with a negative pid signals the job's own process group, made in pre_exec;
    // an error (the group is gone) is what we want.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// bubblewrap's arguments for `job`: new namespaces, the system read-only, the job's folders,
/// only the environment given.
fn bwrap_args(job: &Job, env: &[(String, String)]) -> Vec<OsString> {
    let mut a: Vec<OsString> = Vec::new();
    let mut push = |items: &[&std::ffi::OsStr]| a.extend(items.iter().map(|s| s.to_os_string()));
    push(&[
        "--unshare-all".as_ref(),
        "--die-with-parent".as_ref(),
        "--new-session".as_ref(),
        "--proc".as_ref(),
        "/proc".as_ref(),
        "--dev".as_ref(),
        "/dev".as_ref(),
        "--tmpfs".as_ref(),
        "/tmp".as_ref(),
        "--ro-bind".as_ref(),
        "/usr".as_ref(),
        "/usr".as_ref(),
    ]);
    // Merged-/usr systems have /bin, /lib ... as links into /usr; others have real folders.
    for top in ["/bin", "/sbin", "/lib", "/lib64", "/lib32"] {
        let p = Path::new(top);
        match std::fs::read_link(p) {
            Ok(target) => push(&["--symlink".as_ref(), target.as_os_str(), p.as_os_str()]),
            Err(_) if p.is_dir() => push(&["--ro-bind".as_ref(), p.as_os_str(), p.as_os_str()]),
            Err(_) => {}
        }
    }
    // The dynamic linker's cache; nothing else of /etc (no passwords, no host names).
    push(&[
        "--ro-bind-try".as_ref(),
        "/etc/ld.so.cache".as_ref(),
        "/etc/ld.so.cache".as_ref(),
    ]);
    for dir in &job.read_only {
        push(&["--ro-bind".as_ref(), dir.as_os_str(), dir.as_os_str()]);
    }
    push(&[
        "--bind".as_ref(),
        job.work.as_os_str(),
        job.work.as_os_str(),
        "--chdir".as_ref(),
        job.work.as_os_str(),
        "--clearenv".as_ref(),
    ]);
    for (k, v) in env {
        push(&["--setenv".as_ref(), k.as_ref(), v.as_ref()]);
    }
    push(&[
        "--".as_ref(),
        "/bin/sh".as_ref(),
        "-c".as_ref(),
        WATCH.as_ref(),
        job.program.as_os_str(),
    ]);
    a.extend(job.args.iter().cloned());
    a
}
