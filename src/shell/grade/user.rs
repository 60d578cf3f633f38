//! Running jobs as another, unprivileged user: the sandbox where bubblewrap cannot start, as
//! inside the Docker containers of Gradescope's workers (which usually forbid user namespaces).
//!
//! The grader runs as root and each job as the user named (`--run-as mms-student`): the kernel's
//! file permissions keep the job out of whatever that user may not read (the grader's folders are
//! made 0700 or 0711 for it), no internet sockets ([`NoInternet`], a seccomp filter) and a
//! network namespace of its own where the container allows one, `RLIMIT_NPROC` limits the user's
//! tasks (it applies: the user is not root), and when the job ends every process of the user is
//! killed and the job's folder given back to root. One job at a time: jobs of one user could
//! signal each other.

use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::shell::grade::seccomp::NoInternet;

/// The user a job runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunAs {
    /// The user's name.
    pub name: String,
    /// Its user id (never 0).
    pub uid: u32,
    /// Its primary group id.
    pub gid: u32,
    /// Whether a job can have a network namespace of its own here (then it has no network).
    pub own_network: bool,
}

impl RunAs {
    /// Looks `name` up in the user database; refuses root, a missing user, or a grader that is
    /// not root itself (only root may switch users).
    pub fn lookup(name: &str) -> Result<Self> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(Error::Sandbox(format!(
                "--run-as {name}: only root can run jobs as another user (Gradescope's \
                 run_autograder runs as root; elsewhere use the bubblewrap sandbox)"
            )));
        }
        let c_name = CString::new(name)
            .map_err(|_| Error::Sandbox(format!("--run-as {name:?}: not a user name")))?;
        // SAFETY: passwd and buf outlive the call; getpwnam_r writes only into them and sets
        // `found` to null or to `passwd`.
        let (uid, gid) = unsafe {
            let mut passwd: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 16 * 1024];
            let mut found: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwnam_r(
                c_name.as_ptr(),
                &mut passwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            );
            if rc != 0 || found.is_null() {
                return Err(Error::Sandbox(format!(
                    "--run-as {name}: no such user here (make one: `useradd --system \
                     --no-create-home {name}`)"
                )));
            }
            (passwd.pw_uid, passwd.pw_gid)
        };
        if uid == 0 {
            return Err(Error::Sandbox(format!(
                "--run-as {name}: that user is root; name an unprivileged one"
            )));
        }
        Ok(RunAs {
            name: name.to_string(),
            uid,
            gid,
            own_network: network_namespace_allowed(),
        })
    }

    /// The processes of this user now (zombies left out: they run nothing).
    pub fn processes(&self) -> Vec<libc::pid_t> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
            .filter(|pid| {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status"));
                status.is_ok_and(|s| {
                    let field = |key: &str| {
                        s.lines()
                            .find_map(|l| l.strip_prefix(key))
                            .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
                    };
                    field("Uid:").is_some_and(|u| u == self.uid.to_string())
                        && field("State:").is_some_and(|st| st != "Z" && st != "X")
                })
            })
            .collect()
    }

    /// Kills every process of this user (`kill -9 -1` run as the user signals exactly those),
    /// until none is left; an error if some survive a few seconds of it.
    pub fn kill_all(&self) -> Result<()> {
        for _ in 0..100 {
            if self.processes().is_empty() {
                return Ok(());
            }
            let mut cmd = Command::new("/bin/sh");
            cmd.args(["-c", "kill -9 -1"]).env_clear();
            self.switch(&mut cmd, false);
            let _ = cmd.status();
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(Error::Sandbox(format!(
            "processes of {} outlived being killed for 2 s: {:?}",
            self.name,
            self.processes()
        )))
    }

    /// Makes `cmd` start as this user, with no supplementary groups; when `isolate`, without
    /// the internet ([`NoInternet`]) and in a network namespace of its own where allowed here.
    pub(crate) fn switch(&self, cmd: &mut Command, isolate: bool) {
        let (uid, gid) = (self.uid, self.gid);
        let own_network = isolate && self.own_network;
        let filter = if isolate { NoInternet::new() } else { None };
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (unshare, setgroups, setgid, setuid, prctl).
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(move || {
                if own_network && libc::unshare(libc::CLONE_NEWNET) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                if let Some(f) = &filter {
                    f.install()?;
                }
                Ok(())
            });
        }
    }

    /// How jobs are kept off the network, in words for the grader's log.
    pub fn network(&self) -> &'static str {
        match (self.own_network, NoInternet::new().is_some()) {
            (true, true) => "no network (a network namespace of its own; internet sockets denied)",
            (false, true) => {
                "no internet (sockets denied by seccomp; this container allows no network \
                 namespace, so Unix sockets of the container stay reachable)"
            }
            (true, false) => "no network (a network namespace of its own)",
            (false, false) => {
                "the network NOT cut off (no network namespace here, no seccomp filter for \
                 this architecture)"
            }
        }
    }

    /// Gives the folder `dir` (and everything in it) to this user, for a job to write in. Links
    /// are changed themselves, never followed.
    pub(crate) fn give(&self, dir: &Path) -> Result<()> {
        chown_tree(dir, self.uid, self.gid, None)
    }

    /// After a job: kills what the job left, then gives `dir` back to root, every entry without
    /// group or other write permission, set-id bits or sticky bits (folders stay readable: a
    /// build's program is run by the next job). Refuses while a process of the user is alive
    /// (it could swap an entry for a link between the check and the change).
    pub(crate) fn take_back(&self, dir: &Path) -> Result<()> {
        self.kill_all()?;
        chown_tree(dir, 0, 0, Some(0o755))
    }
}

/// Whether this process may give a child a network namespace of its own (root with
/// `CAP_SYS_ADMIN`; Docker's default capabilities leave it out).
fn network_namespace_allowed() -> bool {
    let mut cmd = Command::new("/bin/sh");
    cmd.args(["-c", "exit 0"]).env_clear();
    // SAFETY: unshare is async-signal-safe; the closure touches nothing else.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNET) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.status().is_ok_and(|s| s.success())
}

/// Changes the owner of `dir` and everything under it to `uid:gid` without following a link;
/// with `mask`, each entry's permission bits become `mode & mask` (links keep theirs).
fn chown_tree(dir: &Path, uid: u32, gid: u32, mask: Option<u32>) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
    // A second name of a file made elsewhere (a hard link the job made, where the kernel
    // allows linking others' files) keeps its owner: the grader never hands it over.
    if !meta.is_dir() && meta.nlink() > 1 {
        return Ok(());
    }
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid)).map_err(|e| Error::io(dir, e))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    if let Some(mask) = mask {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.mode() & mask;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(dir, e))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            chown_tree(&entry.path(), uid, gid, mask)?;
        }
    }
    Ok(())
}
