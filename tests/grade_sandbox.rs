//! The grader's sandbox against hostile jobs: no network to the host, nothing outside the bound
//! folders visible, the read-only folders unwritable, and a job that sleeps, floods its output,
//! spins the CPU or leaves a process behind is stopped within its limits. Needs bubblewrap
//! (`.ci/run` installs it): without it these tests fail, naming what to install.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use multimodal_search::shell::grade::{Job, Limits, Sandbox};

fn sandbox() -> Sandbox {
    Sandbox::detect().unwrap_or_else(|e| panic!("the sandbox tests need bubblewrap: {e}"))
}

/// A shell script as a job, with `work` as its writable folder.
fn sh(work: &Path, script: &str, limits: Limits) -> Job {
    Job {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), script.into()],
        work: work.to_path_buf(),
        read_only: Vec::new(),
        env: vec![("RAYON_NUM_THREADS".into(), "1".into())],
        limits,
    }
}

fn quick() -> Limits {
    Limits {
        cpu_seconds: 5,
        wall_seconds: 5,
        output_bytes: 4096,
        file_bytes: 1 << 20,
        ..Limits::default()
    }
}

#[test]
fn a_job_runs_in_its_work_folder_with_only_the_environment_given() {
    let sb = sandbox();
    assert!(sb.describe().contains("bubblewrap"), "{}", sb.describe());
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("in.txt"), "hello").unwrap();
    let job = sh(
        work.path(),
        "cat in.txt; echo; pwd; echo \"$HOME|$RAYON_NUM_THREADS|${CARGO_HOME:-unset}\"; echo out > out.txt",
        quick(),
    );
    // cargo sets CARGO_HOME for this process: it must not leak into the job.
    let out = sb.run(&job).unwrap();
    assert!(out.succeeded(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let w = work.path().display().to_string();
    assert_eq!(text, format!("hello\n{w}\n{w}|1|unset\n"), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("out.txt")).unwrap(),
        "out\n"
    );
}

#[test]
fn the_host_network_other_folders_and_read_only_folders_are_out_of_reach() {
    let sb = sandbox();
    let work = tempfile::tempdir().unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(
        secret.path().join("solution.rs"),
        "the instructor's solution",
    )
    .unwrap();
    let shared = tempfile::tempdir().unwrap();
    std::fs::write(shared.path().join("dep.rlib"), "prebuilt").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let script = format!(
        "if (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null; then echo CONNECTED; fi; \
         if cat {secret}/solution.rs 2>/dev/null; then echo READ-SECRET; fi; \
         if echo poisoned > {shared}/dep.rlib 2>/dev/null; then echo WROTE-SHARED; fi; \
         if echo x > /usr/evil 2>/dev/null; then echo WROTE-USR; fi; \
         if cat /etc/passwd >/dev/null 2>&1; then echo READ-ETC; fi; \
         cat {shared}/dep.rlib",
        secret = secret.path().display(),
        shared = shared.path().display(),
    );
    let mut job = sh(work.path(), &script, quick());
    // bash's /dev/tcp, since dash has none.
    job.program = "/bin/bash".into();
    job.read_only = vec![shared.path().to_path_buf()];
    let out = sb.run(&job).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "prebuilt", "{out:?}");
    assert!(
        listener.accept().is_err(),
        "a connection from the sandbox reached the host's listener"
    );
    assert_eq!(
        std::fs::read_to_string(shared.path().join("dep.rlib")).unwrap(),
        "prebuilt"
    );
}

#[test]
fn sleeping_flooding_spinning_and_background_jobs_are_stopped() {
    let sb = sandbox();
    let work = tempfile::tempdir().unwrap();
    let limits = Limits {
        wall_seconds: 2,
        ..quick()
    };

    let out = sb.run(&sh(work.path(), "sleep 1000", limits)).unwrap();
    assert!(out.timed_out && !out.succeeded(), "{out:?}");
    assert!(out.wall < Duration::from_secs(6), "took {:?}", out.wall);

    let out = sb.run(&sh(work.path(), "yes flood", limits)).unwrap();
    assert!(out.output_cut && !out.succeeded(), "{out:?}");
    assert_eq!(out.stdout.len(), 4096);

    let spin = Limits {
        cpu_seconds: 1,
        wall_seconds: 20,
        ..quick()
    };
    let out = sb
        .run(&sh(work.path(), "while :; do :; done", spin))
        .unwrap();
    assert!(!out.succeeded() && !out.timed_out, "{out:?}");
    assert!(matches!(out.signal, Some(9) | Some(24)), "ended by {out:?}");
    assert!(out.wall < Duration::from_secs(10), "took {:?}", out.wall);

    // A process left running after the job exits 0 must not survive it.
    let marker = format!("mms-sandbox-marker-{}", std::process::id());
    let script = format!("(exec -a {marker} sleep 300) & echo started");
    let mut job = sh(work.path(), &script, limits);
    // bash's `exec -a` names the process (dash has none).
    job.program = "/bin/bash".into();
    let out = sb.run(&job).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("started"),
        "{out:?}"
    );
    assert!(out.left_running && !out.succeeded(), "{out:?}");
    assert!(out.ending(&limits).contains("left a process running"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !process_named(&marker),
        "the background process outlived its job"
    );

    // Files over the size limit stop at it.
    let small = Limits {
        file_bytes: 1000,
        ..quick()
    };
    let out = sb
        .run(&sh(work.path(), "head -c 5000 /dev/zero > big.bin", small))
        .unwrap();
    assert!(!out.succeeded(), "{out:?}");
    let len = std::fs::metadata(work.path().join("big.bin"))
        .unwrap()
        .len();
    assert!(len <= 1000, "wrote {len} bytes");
}

#[test]
fn a_fork_bomb_and_a_memory_hog_are_stopped_without_starving_a_neighbour() {
    let sb = sandbox();
    println!("{}", sb.describe());
    let bomb_dir = tempfile::tempdir().unwrap();
    let hog_dir = tempfile::tempdir().unwrap();
    let neighbour_dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        wall_seconds: 4,
        tasks: 64,
        memory_bytes: 256 << 20,
        ..quick()
    };
    let marker = format!("mms-bomb-{}", std::process::id());
    // bash: a function that starts two copies of itself in the background, for ever.
    let bomb = format!("b() {{ b | b & }}; b; exec -a {marker} sleep 100");
    let (bomb, hog, neighbour) = std::thread::scope(|scope| {
        let bomb = scope.spawn(|| {
            let mut job = sh(bomb_dir.path(), &bomb, limits);
            job.program = "/bin/bash".into();
            sb.run(&job).unwrap()
        });
        // `tail` keeps every byte of a file without line ends.
        let hog = scope.spawn(|| {
            sb.run(&sh(hog_dir.path(), "tail /dev/zero", limits))
                .unwrap()
        });
        std::thread::sleep(Duration::from_millis(500));
        // Meanwhile, a neighbour starts 40 processes one after another.
        let neighbour = sb
            .run(&sh(
                neighbour_dir.path(),
                "i=0; while [ $i -lt 40 ]; do /bin/true || exit 1; i=$((i+1)); done; echo done",
                limits,
            ))
            .unwrap();
        (bomb.join().unwrap(), hog.join().unwrap(), neighbour)
    });
    assert!(
        neighbour.succeeded(),
        "the neighbour was starved: {neighbour:?}"
    );
    assert_eq!(String::from_utf8_lossy(&neighbour.stdout), "done\n");
    assert!(!bomb.succeeded(), "{bomb:?}");
    assert!(!hog.succeeded(), "{hog:?}");
    println!(
        "fork bomb: {}; memory hog: {}",
        bomb.ending(&limits),
        hog.ending(&limits)
    );
    if sb.describe().contains("cgroups limit memory and tasks") {
        assert!(bomb.task_limit_hit, "{bomb:?}");
        assert!(hog.out_of_memory, "{hog:?}");
        assert!(
            hog.ending(&limits).contains("256 MiB"),
            "{}",
            hog.ending(&limits)
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(!process_named(&marker), "the fork bomb outlived its job");
}

/// Whether any process on this machine has `name` in its command line.
fn process_named(name: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
        let mut s = String::new();
        std::fs::File::open(e.path().join("cmdline"))
            .and_then(|mut f| f.read_to_string(&mut s))
            .is_ok()
            && s.contains(name)
    })
}
