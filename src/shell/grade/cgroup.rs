//! Control groups for the sandbox's jobs: each job gets its own cgroup with a memory limit
//! (`memory.max`, or cgroup v1's `memory.limit_in_bytes` and `memory.memsw.limit_in_bytes`) and a
//! limit on its tasks (`pids.max`), so a job that allocates or forks without bound is stopped
//! without touching its neighbours; afterwards every process still in it is killed and the group
//! removed. Found under the grader's own cgroups (from `/proc/self/cgroup` and
//! `/proc/self/mountinfo`), cgroup v2 or v1, where this user may create groups there (root, or a
//! delegated subtree such as `systemd-run --user --scope -p Delegate=yes`).

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where this process may make child cgroups, per controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cgroups {
    /// The folder for the memory controller's groups, and whether it is cgroup v2.
    memory: Option<(PathBuf, bool)>,
    /// The folder for the pids controller's groups, and whether it is cgroup v2.
    pids: Option<(PathBuf, bool)>,
}

/// One job's groups: made before it starts, emptied and removed when it ends.
#[derive(Debug)]
pub struct JobGroups {
    dirs: Vec<(PathBuf, bool)>,
    /// `<dir>/cgroup.procs` of each, for the job to join between fork and exec.
    procs: Vec<CString>,
}

/// What a job's groups saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupEvents {
    /// The memory limit was reached and the kernel killed a process for it.
    pub out_of_memory: bool,
    /// A fork or thread was refused at the task limit.
    pub task_limit_hit: bool,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Cgroups {
    /// The controllers this process can limit jobs with; `None` where it can use neither.
    pub fn detect() -> Option<Self> {
        let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        let found = Cgroups {
            memory: usable(&own, &mounts, "memory", "memory.limit_in_bytes"),
            pids: usable(&own, &mounts, "pids", "pids.max"),
        };
        for (base, v2) in [&found.memory, &found.pids].into_iter().flatten() {
            remove_stale(base, *v2);
        }
        (found.memory.is_some() || found.pids.is_some()).then_some(found)
    }

    /// Which limits these groups give, for the grader's log: `memory and tasks (cgroup v1)`.
    pub fn describe(&self) -> String {
        let version = |v2: bool| if v2 { "cgroup v2" } else { "cgroup v1" };
        match (&self.memory, &self.pids) {
            (Some((_, m)), Some((_, p))) if m == p => format!("memory and tasks ({})", version(*m)),
            (Some((_, m)), Some((_, p))) => {
                format!("memory ({}) and tasks ({})", version(*m), version(*p))
            }
            (Some((_, m)), None) => format!("memory ({}); tasks not limited", version(*m)),
            (None, Some((_, p))) => format!("tasks ({}); memory not limited", version(*p)),
            (None, None) => "none".into(),
        }
    }

    /// Whether the task count is limited per job.
    pub fn limits_tasks(&self) -> bool {
        self.pids.is_some()
    }

    /// Whether memory is limited per job.
    pub fn limits_memory(&self) -> bool {
        self.memory.is_some()
    }

    /// Makes one job's groups with these limits.
    pub fn make(&self, memory_bytes: u64, tasks: u64) -> std::io::Result<JobGroups> {
        let name = format!(
            "mmsearch-grade-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let mut groups = JobGroups {
            dirs: Vec::new(),
            procs: Vec::new(),
        };
        let mut add = |base: &Path, v2: bool| -> std::io::Result<PathBuf> {
            let dir = base.join(&name);
            if !groups.dirs.iter().any(|(d, _)| d == &dir) {
                std::fs::create_dir(&dir)?;
                groups.dirs.push((dir.clone(), v2));
                let procs = dir.join("cgroup.procs");
                groups.procs.push(
                    CString::new(procs.as_os_str().as_encoded_bytes())
                        .map_err(|e| std::io::Error::other(e.to_string()))?,
                );
            }
            Ok(dir)
        };
        if let Some((base, v2)) = &self.memory {
            let dir = add(base, *v2)?;
            if *v2 {
                std::fs::write(dir.join("memory.max"), memory_bytes.to_string())?;
                // Swap would let a job past its memory: none (the file is absent without swap).
                let _ = std::fs::write(dir.join("memory.swap.max"), "0");
            } else {
                std::fs::write(dir.join("memory.limit_in_bytes"), memory_bytes.to_string())?;
                let memsw = dir.join("memory.memsw.limit_in_bytes");
                if memsw.exists() {
                    std::fs::write(memsw, memory_bytes.to_string())?;
                }
            }
        }
        if let Some((base, v2)) = &self.pids {
            let dir = add(base, *v2)?;
            std::fs::write(dir.join("pids.max"), tasks.to_string())?;
        }
        Ok(groups)
    }
}

/// What a job's child needs to join its groups: their `cgroup.procs` paths, made before the fork.
#[derive(Debug, Clone)]
pub struct Joiner {
    procs: Vec<CString>,
}

impl Joiner {
    /// Moves the calling process into every group. Called between fork and exec: only
    /// `open`, `write` and `close` on paths made before the fork.
    pub fn join_from_child(&self) -> std::io::Result<()> {
        for path in &self.procs {
            // SAFETY: `path` is a NUL-terminated string that outlives the call; open, write and
            // close are async-signal-safe; "0" moves the writing process.
            unsafe {
                let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let n = libc::write(fd, b"0".as_ptr().cast(), 1);
                libc::close(fd);
                if n != 1 {
                    return Err(std::io::Error::last_os_error());
                }
            }
        }
        Ok(())
    }
}

impl JobGroups {
    /// What the job's child calls to join the groups.
    pub fn joiner(&self) -> Joiner {
        Joiner {
            procs: self.procs.clone(),
        }
    }

    /// Kills every process left in the groups, removes them, and says what they saw.
    pub fn finish(self) -> GroupEvents {
        let mut events = GroupEvents::default();
        for (dir, v2) in &self.dirs {
            let count = |file: &str, key: &str| -> u64 {
                std::fs::read_to_string(dir.join(file))
                    .ok()
                    .and_then(|t| {
                        t.lines()
                            .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
                    })
                    .unwrap_or(0)
            };
            if dir.join("pids.max").exists() {
                events.task_limit_hit |= count("pids.events", "max ") > 0;
            }
            let oom = if *v2 {
                count("memory.events", "oom_kill ")
            } else {
                count("memory.oom_control", "oom_kill ")
            };
            events.out_of_memory |= oom > 0;
        }
        for (dir, v2) in &self.dirs {
            empty(dir, *v2);
            let _ = std::fs::remove_dir(dir);
        }
        events
    }
}

/// Empties and removes the groups a grader left when it was killed (its process is gone).
fn remove_stale(base: &Path, v2: bool) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("mmsearch-grade-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() {
            continue;
        }
        empty(&entry.path(), v2);
        let _ = std::fs::remove_dir(entry.path());
    }
}

/// Kills what is in the group until it is empty (or a few seconds pass).
fn empty(dir: &Path, v2: bool) {
    if v2 {
        let _ = std::fs::write(dir.join("cgroup.kill"), "1");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let pids: Vec<i32> = std::fs::read_to_string(dir.join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        if pids.is_empty() || Instant::now() > deadline {
            return;
        }
        for pid in pids {
            // SAFETY: kill only sends a signal; the pid was read from the job's own group.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The folder under this process's own `controller` cgroup where it can make groups with that
/// controller (a v2 group needs it in the parent's `cgroup.subtree_control`); `v1_file` is the
/// file a v1 group of that controller has.
fn usable(own: &str, mounts: &str, controller: &str, v1_file: &str) -> Option<(PathBuf, bool)> {
    let probe = |base: PathBuf, v2: bool| -> Option<(PathBuf, bool)> {
        let name = format!(
            "mmsearch-probe-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let dir = base.join(name);
        std::fs::create_dir(&dir).ok()?;
        let file = if v2 {
            format!("{controller}.max")
        } else {
            v1_file.to_string()
        };
        let ok = dir.join(file).exists();
        let _ = std::fs::remove_dir(&dir);
        ok.then_some((base, v2))
    };
    // cgroup v1: a hierarchy mounted with this controller, and our path in it.
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(ctrls), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if id != "0" && ctrls.split(',').any(|c| c == controller) {
            let (root, point) = mount_point(mounts, |fstype, superopts| {
                fstype == "cgroup" && superopts.split(',').any(|o| o == controller)
            })?;
            return probe(under(&root, &point, path), false);
        }
    }
    // cgroup v2: the unified hierarchy, under our own group where it hands the controller to
    // its children (a delegated subtree); else, as root, under the hierarchy's top, which may
    // hand it down while holding processes (a group in between may not).
    let path = own.lines().find_map(|l| l.strip_prefix("0::"))?;
    let (root, point) = mount_point(mounts, |fstype, _| fstype == "cgroup2")?;
    let mine = under(&root, &point, path);
    if delegates(&mine, controller) {
        return probe(mine, true);
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 && root == "/" && delegates(&point, controller) {
        return probe(point, true);
    }
    None
}

/// Whether the v2 group `dir` hands `controller` to its children, enabling it if it can (the
/// kernel refuses where the group holds processes, but for the hierarchy's top).
fn delegates(dir: &Path, controller: &str) -> bool {
    let has = |file: &str| {
        std::fs::read_to_string(dir.join(file))
            .is_ok_and(|t| t.split_whitespace().any(|c| c == controller))
    };
    has("cgroup.subtree_control")
        || (has("cgroup.controllers")
            && std::fs::write(dir.join("cgroup.subtree_control"), format!("+{controller}")).is_ok())
}

/// The first mount whose file system type and super options match: the cgroup path its root
/// is (a container's mount may start below the hierarchy's root) and its mount point.
fn mount_point(mounts: &str, matches: impl Fn(&str, &str) -> bool) -> Option<(String, PathBuf)> {
    mounts.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        let mut r = right.split_whitespace();
        let (fstype, _source, superopts) = (r.next()?, r.next()?, r.next().unwrap_or(""));
        if !matches(fstype, superopts) {
            return None;
        }
        let mut l = left.split_whitespace();
        let root = l.nth(3)?.replace("\\040", " ");
        let point = l.next()?.replace("\\040", " ");
        Some((root, PathBuf::from(point)))
    })
}

/// Where the cgroup at `path` (as `/proc/self/cgroup` names it) is under a mount of `root` at
/// `point`.
fn under(root: &str, point: &Path, path: &str) -> PathBuf {
    let rest = path
        .strip_prefix(root.trim_end_matches('/'))
        .unwrap_or(path)
        .trim_start_matches('/');
    point.join(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw
36 30 0:32 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
40 30 0:36 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
";

    #[test]
    fn mount_points_are_read_from_mountinfo() {
        let memory = mount_point(MOUNTS, |t, o| {
            t == "cgroup" && o.split(',').any(|c| c == "memory")
        });
        assert_eq!(
            memory,
            Some(("/".to_string(), PathBuf::from("/sys/fs/cgroup/memory")))
        );
        let v2 = mount_point(MOUNTS, |t, _| t == "cgroup2");
        assert_eq!(
            v2,
            Some(("/".to_string(), PathBuf::from("/sys/fs/cgroup/unified")))
        );
        assert_eq!(mount_point(MOUNTS, |t, _| t == "none"), None);
        // A container's mount starts at its own group: our path is below it.
        let point = Path::new("/sys/fs/cgroup/pids");
        assert_eq!(
            under("/docker/abc", point, "/docker/abc/job"),
            PathBuf::from("/sys/fs/cgroup/pids/job")
        );
        assert_eq!(under("/", point, "/"), PathBuf::from("/sys/fs/cgroup/pids"));
    }
}
