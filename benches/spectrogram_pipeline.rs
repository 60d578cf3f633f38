//! Benchmark: all 3,000 FSDD recordings, WAV file to normalized 64x64 tensor.
//!
//! Reference, timed in the same run: the tutorial's route in Python (read the WAV, draw the
//! spectrogram with matplotlib, save the PNG, reload it with PIL, apply the transforms), per-file
//! loop only, from `scripts/fixtures/reference_pipeline.py` in the venv that
//! `scripts/fixtures/venv.sh` builds. Ours runs at 1 thread and at all cores (explicit rayon pools);
//! the reference at 1 process and at as many worker processes as cores.
//!
//! Run: `cargo bench --bench spectrogram_pipeline` (MMS_DATA or ../shared/data must hold the data).
//! Set MMS_BENCH_SKIP_REFERENCE=1 to time ours alone.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use multimodal_search::candle_core::Device;
use multimodal_search::data::{FsddScan, LabeledSet, Recording, Spectrogrammer};

fn data_dir() -> PathBuf {
    std::env::var_os("MMS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// Best of `reps` runs of the whole pipeline inside a rayon pool of `threads`.
fn ours(recordings: &[Recording], threads: usize, reps: usize) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool");
    let spec = Spectrogrammer::default();
    (0..reps)
        .map(|_| {
            pool.install(|| {
                let t = Instant::now();
                let set = LabeledSet::from_recordings(recordings, &spec, &Device::Cpu)
                    .expect("spectrograms of the real data");
                assert_eq!(set.len(), recordings.len());
                t.elapsed().as_secs_f64()
            })
        })
        .fold(f64::INFINITY, f64::min)
}

/// Runs the Python reference; `None` (with the reason printed) when it cannot run.
fn reference(data: &Path, workers: usize) -> Option<f64> {
    let args = [
        "--data".to_string(),
        data.display().to_string(),
        "--workers".into(),
        workers.to_string(),
    ];
    common::reference_json("matplotlib", "reference_pipeline.py", &args, &[], &[])?["seconds"]
        .as_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a listing; there is nothing to list.
    }
    let data = data_dir();
    let scan = FsddScan::scan(&data.join("fsdd/recordings")).expect("FSDD recordings");
    let all: Vec<Recording> = scan.train.iter().chain(&scan.validation).cloned().collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "spectrogram pipeline: {} recordings, WAV -> normalized 64x64, {cores} cores",
        all.len()
    );
    let ours_1 = ours(&all, 1, 5);
    let ours_n = ours(&all, cores, 5);
    println!(
        "ours      1 thread : {:8.3} s  ({:7.1} us/file)",
        ours_1,
        ours_1 * 1e6 / all.len() as f64
    );
    println!(
        "ours {cores:2} threads    : {:8.3} s  ({:7.1} us/file)",
        ours_n,
        ours_n * 1e6 / all.len() as f64
    );
    if std::env::var("MMS_BENCH_SKIP_REFERENCE").is_ok_and(|v| v == "1") {
        return;
    }
    let ref_1 = reference(&data, 1);
    let ref_n = reference(&data, cores);
    for (label, r, o) in [
        ("1 thread / 1 process", ref_1, ours_1),
        ("all cores", ref_n, ours_n),
    ] {
        match r {
            Some(r) => println!(
                "python seed route {label:22}: {r:8.3} s  -> ours is {:.0}x faster (bar: 100x) {}",
                r / o,
                if r / o >= 100.0 { "PASS" } else { "BELOW BAR" }
            ),
            None => println!("python seed route {label}: unavailable (see above)"),
        }
    }
}
