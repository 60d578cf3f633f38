//! Benchmark: the tutorial's TripletLoss (semihard mining + loss, forward and backward) at
//! N = 128, 512, 1024 embeddings of D = 128, against the naive O(N^3) path and against
//! pytorch-metric-learning on CPU PyTorch with the same thread count, timed in the same run.
//!
//! Run: `cargo bench --bench triplet_loss`. The PML reference runs in the venv that
//! `scripts/fixtures/venv.sh torch` builds (PyTorch 2.5.1, PML 2.9.0); set
//! MMS_BENCH_SKIP_REFERENCE=1 to time ours alone. Threads: RAYON_NUM_THREADS (default 1) is used
//! for candle and for PyTorch alike.

mod common;

use std::time::Instant;

use multimodal_search::candle_core::{Device, Tensor, Var};
use multimodal_search::loss::TripletLoss;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn batch(n: usize, d: usize) -> (Var, Tensor) {
    let mut rng = StdRng::seed_from_u64(0);
    let v: Vec<f32> = (0..n * d).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let l: Vec<u32> = (0..n).map(|_| rng.random_range(0..10)).collect();
    (
        Var::from_tensor(&Tensor::from_vec(v, (n, d), &Device::Cpu).unwrap()).unwrap(),
        Tensor::from_vec(l, n, &Device::Cpu).unwrap(),
    )
}

fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn pml(n: usize, threads: usize) -> Option<f64> {
    let args = [
        "--n",
        &n.to_string(),
        "--threads",
        &threads.to_string(),
        "--reps",
        "3",
    ]
    .map(String::from);
    common::reference_json("torch", "pml_bench.py", &args, &[], &[])?["seconds"].as_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let threads: usize = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let skip_ref = std::env::var("MMS_BENCH_SKIP_REFERENCE").is_ok_and(|v| v == "1");
    println!("TripletLoss forward+backward, D = 128, 10 classes, {threads} thread(s)");
    println!(
        "{:>6} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "N", "fast (ms)", "naive (ms)", "PML (ms)", "vs naive", "vs PML"
    );
    let loss = TripletLoss::default();
    for n in [128usize, 512, 1024] {
        let (e, l) = batch(n, 128);
        let fast = best_of(5, || {
            let v = loss.forward(e.as_tensor(), &l).unwrap();
            v.backward().unwrap();
        });
        let naive = best_of(if n >= 1024 { 1 } else { 3 }, || {
            let v = loss.forward_naive(e.as_tensor(), &l).unwrap();
            v.backward().unwrap();
        });
        let reference = if skip_ref { None } else { pml(n, threads) };
        let ratio = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{:.1}x", r / fast));
        println!(
            "{n:>6} {:>12.2} {:>12.2} {:>12} {:>10} {:>10}",
            fast * 1e3,
            naive * 1e3,
            reference.map_or("-".to_string(), |r| format!("{:.2}", r * 1e3)),
            ratio(Some(naive)),
            ratio(reference)
        );
    }
    println!("bar: at least 20x faster than PML and than naive at N = 512");
}
