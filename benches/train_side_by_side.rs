//! The tutorial's three trainings, ours against the tutorial's PyTorch + Lightning pipeline, same seeds,
//! same thread count, alternating (ours seed s, PyTorch seed s, ours seed s+1, ...).
//!
//! `cargo bench --bench train_side_by_side [-- --seeds 42,43,44 --epochs 2]` (needs MMS_DATA and
//! Python; builds scripts/.venv-torch and scripts/.venv-matplotlib on first use). For each seed it
//! runs `mmsearch tutorial` and `scripts/bench/pytorch_tutorial.py`; PyTorch's validation
//! embeddings are scored by **our** metrics code. Prints samples/s per run and the ratio
//! ours/PyTorch, the share of a step spent in mining + loss, end-to-end wall time and peak memory
//! of both pipelines, and the 3-seed retrieval table of both. Writes target/side_by_side.json.
//!
//! Samples/s here = training pairs / (training + validation wall time of the fit), the same
//! definition on both sides (Lightning's `fit` includes its validation passes).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::search::{EmbeddingIndex, RetrievalReport, SearchMetric};
use serde_json::{Value, json};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Runs `cmd` under /usr/bin/time; returns (stdout, wall seconds, peak RSS in MiB).
fn timed(cmd: &mut Command, what: &str) -> (String, f64, f64) {
    let stats = tempfile::NamedTempFile::new().expect("temp file");
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(stats.path())
        .arg(program)
        .args(args);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    let out = wrapped.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = std::fs::read_to_string(stats.path()).expect("time output");
    let last = s.lines().last().unwrap_or("0 0").to_string();
    let mut it = last.split_whitespace();
    let wall: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let kb: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        wall,
        kb / 1024.0,
    )
}

fn venv(name: &str) -> String {
    let out = Command::new(common::root().join("scripts/fixtures/venv.sh"))
        .arg(name)
        .output()
        .expect("venv.sh");
    assert!(
        out.status.success(),
        "venv {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn read_index(prefix: &Path, dim: usize) -> EmbeddingIndex {
    let bytes = std::fs::read(prefix.with_extension("f32")).expect("embeddings");
    let labels: Vec<u32> = std::fs::read(prefix.with_extension("u8"))
        .expect("labels")
        .into_iter()
        .map(u32::from)
        .collect();
    let v: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n = labels.len();
    let m = Tensor::from_vec(v, (n, dim), &Device::Cpu).expect("matrix");
    let ids = (0..n).map(|i| i.to_string()).collect();
    EmbeddingIndex::from_matrix(&m, labels, ids, SearchMetric::Cosine).expect("index")
}

fn cross(r: &RetrievalReport) -> Value {
    let d = |name: &str| {
        let m = r.direction(name).expect("direction");
        json!({"p_at_5": m.precision_at_k, "map": m.map})
    };
    json!({"image -> audio": d("image -> audio"), "audio -> image": d("audio -> image")})
}

fn main() {
    let data = PathBuf::from(std::env::var("MMS_DATA").expect("set MMS_DATA to the data folder"));
    let seeds: Vec<u64> = arg("--seeds")
        .unwrap_or_else(|| "42,43,44".into())
        .split(',')
        .map(|s| s.trim().parse().expect("seed"))
        .collect();
    let epochs = arg("--epochs").unwrap_or_else(|| "2".into());
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "2".into());
    let work = tempfile::tempdir().expect("temp dir");
    let w = work.path();

    // PyTorch's data preparation, as the tutorial does it: MNIST raw files, spectrogram PNGs.
    let raw = w.join("MNIST/raw");
    std::fs::create_dir_all(&raw).unwrap();
    for f in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        let gz = std::fs::read(data.join("mnist").join(format!("{f}.gz"))).expect("mnist gz");
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out).unwrap();
        std::fs::write(raw.join(f), out).unwrap();
    }
    let mpl = venv("matplotlib");
    let torch = venv("torch");
    let spectrograms = w.join("spectrograms");
    let (render_out, render_wall, render_mem) = timed(
        Command::new(&mpl)
            .arg(common::root().join("scripts/bench/render_spectrograms.py"))
            .arg("--recordings")
            .arg(data.join("fsdd/recordings"))
            .arg("--out")
            .arg(&spectrograms)
            .arg("--workers")
            .arg(&threads),
        "render spectrograms",
    );
    println!("PyTorch data prep: spectrogram PNGs {}", render_out.trim());

    let ours_bin = env!("CARGO_BIN_EXE_mmsearch");
    let mut rows = Vec::new();
    for &seed in &seeds {
        // Ours: the whole main job for this seed.
        let runs = w.join(format!("runs_{seed}"));
        let (_, ours_wall, ours_mem) = timed(
            Command::new(ours_bin)
                .args([
                    "--progress",
                    "quiet",
                    "tutorial",
                    "--seeds",
                    &seed.to_string(),
                    "--epochs",
                    &epochs,
                    "--runs",
                ])
                .arg(&runs)
                .env("RAYON_NUM_THREADS", &threads)
                .env("MMS_DATA", &data)
                .env("MMS_OFFLINE", "1"),
            "mmsearch tutorial",
        );
        let metrics: Value = serde_json::from_slice(
            &std::fs::read(runs.join("latest/metrics.json")).expect("metrics.json"),
        )
        .expect("metrics json");
        let ours = &metrics["seeds"][0];
        // PyTorch: the tutorial's three trainings.
        let emb = w.join(format!("torch_{seed}"));
        let (torch_out, torch_wall, torch_mem) = timed(
            Command::new(&torch)
                .arg(common::root().join("scripts/bench/pytorch_tutorial.py"))
                .arg("--mnist")
                .arg(w)
                .arg("--spectrograms")
                .arg(&spectrograms)
                .args([
                    "--seed",
                    &seed.to_string(),
                    "--threads",
                    &threads,
                    "--workers",
                    &threads,
                    "--epochs",
                    &epochs,
                    "--out",
                ])
                .arg(&emb)
                .env("OMP_NUM_THREADS", &threads)
                .env("PYTHONWARNINGS", "ignore"),
            "pytorch_tutorial.py",
        );
        let torch_runs: Vec<Value> = torch_out
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let uni = RetrievalReport::evaluate_cross_modal(
            &read_index(&emb.join("image_image"), 128),
            &read_index(&emb.join("audio_audio"), 128),
            5,
        )
        .unwrap();
        let multi = RetrievalReport::evaluate_cross_modal(
            &read_index(&emb.join("multimodal_image"), 128),
            &read_index(&emb.join("multimodal_audio"), 128),
            5,
        )
        .unwrap();
        let mut speed = Vec::new();
        for (i, name) in ["audio", "image", "multimodal"].iter().enumerate() {
            let t = &ours["training"][i];
            let ours_secs =
                t["train_seconds"].as_f64().unwrap() + t["validation_seconds"].as_f64().unwrap();
            let ours_sps = t["steps"].as_f64().unwrap() * [512.0, 64.0, 256.0][i] / ours_secs;
            let p = torch_runs
                .iter()
                .find(|r| r["model"] == *name)
                .expect("torch run");
            let torch_sps = p["samples"].as_f64().unwrap() / p["fit_seconds"].as_f64().unwrap();
            let torch_share =
                p["mining_loss_seconds"].as_f64().unwrap() / p["fit_seconds"].as_f64().unwrap();
            println!(
                "seed {seed} {name:<10}: ours {ours_sps:7.0} pairs/s, PyTorch {torch_sps:6.0} pairs/s, ratio {:5.2}x; mining+loss share ours {:4.1}% / PyTorch {:4.1}%",
                ours_sps / torch_sps,
                t["loss_share"].as_f64().unwrap() * 100.0,
                torch_share * 100.0
            );
            speed.push(json!({"model": name, "ours_pairs_per_s": ours_sps, "torch_pairs_per_s": torch_sps,
                "ratio": ours_sps / torch_sps, "ours_loss_share": t["loss_share"], "torch_mining_loss_share": torch_share}));
        }
        println!(
            "seed {seed} end to end: ours {ours_wall:.1} s, {ours_mem:.0} MiB peak; PyTorch {:.1} s (+{render_wall:.1} s rendering PNGs), {torch_mem:.0} MiB peak (rendering {render_mem:.0} MiB); ratio {:.2}x",
            torch_wall,
            (torch_wall + render_wall) / ours_wall
        );
        rows.push(json!({
            "seed": seed,
            "speed": speed,
            "ours_wall_s": ours_wall, "ours_peak_mib": ours_mem,
            "torch_wall_s": torch_wall, "torch_render_s": render_wall, "torch_peak_mib": torch_mem,
            "ours_quality": {"unimodal": cross(&serde_json::from_value(ours["unimodal"].clone()).unwrap()),
                             "multimodal": cross(&serde_json::from_value(ours["multimodal"].clone()).unwrap())},
            "torch_quality": {"unimodal": cross(&uni), "multimodal": cross(&multi)},
        }));
    }
    println!(
        "\nretrieval over seeds {seeds:?} (mean [min, max]), both scored by our metrics code:"
    );
    for side in ["ours_quality", "torch_quality"] {
        for which in ["multimodal", "unimodal"] {
            for dir in ["image -> audio", "audio -> image"] {
                for metric in ["p_at_5", "map"] {
                    let v: Vec<f64> = rows
                        .iter()
                        .map(|r| r[side][which][dir][metric].as_f64().unwrap())
                        .collect();
                    let mean = v.iter().sum::<f64>() / v.len() as f64;
                    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    println!(
                        "{side:<13} {which:<10} {dir:<15} {metric:<6} {mean:.3} [{min:.3}, {max:.3}]"
                    );
                }
            }
        }
    }
    let out = common::root().join("target/side_by_side.json");
    std::fs::write(
        &out,
        serde_json::to_vec_pretty(&json!({"threads": threads, "epochs": epochs, "rows": rows}))
            .unwrap(),
    )
    .unwrap();
    println!("wrote {}", out.display());
}
