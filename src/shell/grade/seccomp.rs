//! A seccomp filter that denies a job the internet: `socket(AF_INET | AF_INET6, ..)` fails with
//! `EACCES`, as does `io_uring_setup` (io_uring can open sockets without the `socket` call) and
//! every system call of another ABI (32-bit calls from a 64-bit process, x32). For jobs as another
//! user ([`super::RunAs`]) in a container that allows no network namespace of their own (Docker's
//! default capabilities), so the participant's code has no network there either. Installed in
//! the job between fork and exec, after the switch of user (`PR_SET_NO_NEW_PRIVS` first, which
//! any process may set; Docker's default seccomp profile allows both calls).
//!
//! The filter is classic BPF over `struct seccomp_data` (`nr` at offset 0, `arch` at 4,
//! `args[0]` at 16); x86_64 and aarch64 only, elsewhere [`NoInternet::new`] gives `None`.

/// The filter's program, built before the fork.
#[derive(Debug, Clone)]
pub struct NoInternet {
    program: Vec<libc::sock_filter>,
}

#[cfg(target_arch = "x86_64")]
const ARCH: Option<(u32, u32, u32)> = Some((0xc000_003e, 41, 425)); // AUDIT_ARCH_X86_64, socket, io_uring_setup
#[cfg(target_arch = "aarch64")]
const ARCH: Option<(u32, u32, u32)> = Some((0xc000_00b7, 198, 425)); // AUDIT_ARCH_AARCH64
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const ARCH: Option<(u32, u32, u32)> = None;

/// x86_64's x32 system calls have this bit set in `nr`, with the native `arch`.
const X32_BIT: u32 = 0x4000_0000;

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

impl NoInternet {
    /// The filter for this machine's architecture, if it has one.
    pub fn new() -> Option<Self> {
        let (arch, socket, io_uring) = ARCH?;
        let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
        let eq = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
        let ge = libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K;
        let ret = libc::BPF_RET | libc::BPF_K;
        let allow = libc::SECCOMP_RET_ALLOW;
        let deny = libc::SECCOMP_RET_ERRNO | (libc::EACCES as u32 & libc::SECCOMP_RET_DATA);
        let program = vec![
            stmt(load, 4),            // 0: arch
            jump(eq, arch, 1, 0),     // 1: native: on to 3
            stmt(ret, deny),          // 2: another ABI
            stmt(load, 0),            // 3: nr
            jump(ge, X32_BIT, 0, 1),  // 4: x32: deny
            stmt(ret, deny),          // 5
            jump(eq, io_uring, 0, 1), // 6
            stmt(ret, deny),          // 7
            jump(eq, socket, 1, 0),   // 8: socket: look at its domain
            stmt(ret, allow),         // 9: anything else
            stmt(load, 16),           // 10: args[0] (low half): the domain
            jump(eq, 2, 2, 0),        // 11: AF_INET
            jump(eq, 10, 1, 0),       // 12: AF_INET6
            stmt(ret, allow),         // 13: AF_UNIX, AF_NETLINK ...
            stmt(ret, deny),          // 14
        ];
        Some(NoInternet { program })
    }

    /// Installs the filter on the calling process (and all it starts). Only async-signal-safe
    /// calls: for a `pre_exec` closure.
    pub fn install(&self) -> std::io::Result<()> {
        let prog = libc::sock_fprog {
            len: self.program.len() as u16,
            filter: self.program.as_ptr() as *mut libc::sock_filter,
        };
        // SAFETY: prctl with PR_SET_NO_NEW_PRIVS takes plain integers; PR_SET_SECCOMP reads
        // `prog`, which points at `self.program`, alive for the call.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER as libc::c_ulong,
                &prog as *const libc::sock_fprog,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A child with the filter cannot open an internet socket, but can open a Unix one; the
    /// parent is untouched.
    #[test]
    fn internet_sockets_are_denied_and_unix_ones_are_not() {
        let Some(filter) = NoInternet::new() else {
            panic!("no seccomp filter for this architecture");
        };
        let mut cmd = std::process::Command::new("/bin/sh");
        // bash's /dev/tcp would need bash; python3 is on every CI machine here.
        cmd.args([
            "-c",
            "python3 -c 'import socket\n\
             socket.socket(socket.AF_UNIX)\n\
             try:\n    socket.socket(socket.AF_INET)\n    print(\"inet allowed\")\n\
             except PermissionError:\n    print(\"inet denied\")'",
        ]);
        // SAFETY: install calls prctl only.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(move || filter.install());
        }
        let out = cmd.output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "inet denied");
        assert!(std::net::TcpListener::bind("127.0.0.1:0").is_ok());
    }
}
