//! Benchmark: exact cosine top-10 of 300 queries over 10,000 x 128 embeddings, ours against
//! numpy (one matrix product + `argpartition`) measured in the same run, at 1 thread and at all
//! cores (numpy's BLAS threads pinned to match through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS /
//! MKL_NUM_THREADS; ours through an explicit rayon pool and RAYON_NUM_THREADS for candle).
//!
//! Run: `cargo bench --bench search_topk` (the numpy venv is built by
//! `scripts/fixtures/venv.sh matplotlib` on first use; MMS_BENCH_SKIP_REFERENCE=1 skips it).

mod common;

use std::process::Command;
use std::time::Instant;

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::search::{EmbeddingIndex, SearchMetric};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const N: usize = 10_000;
const D: usize = 128;
const Q: usize = 300;
const K: usize = 10;

fn numpy(matrix: &[f32], queries: &[f32], threads: usize) -> Option<(f64, Vec<usize>)> {
    let dir = tempfile::tempdir().ok()?;
    let write = |name: &str, v: &[f32]| {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(dir.path().join(name), bytes)
            .map(|_| dir.path().join(name).display().to_string())
    };
    let (m, q) = (write("m.f32", matrix).ok()?, write("q.f32", queries).ok()?);
    let args = [
        "--matrix".into(),
        m,
        "--queries".into(),
        q,
        "--dim".into(),
        D.to_string(),
        "--k".into(),
        K.to_string(),
    ];
    let t = threads.to_string();
    let env = [
        ("OPENBLAS_NUM_THREADS", t.clone()),
        ("OMP_NUM_THREADS", t.clone()),
        ("MKL_NUM_THREADS", t),
    ];
    // Older OpenBLAS needs these on some processors; they slow a current numpy, so the reference
    // runs without them (see the env skill's note).
    let v = common::reference_json(
        "matplotlib",
        "numpy_topk.py",
        &args,
        &env,
        &["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"],
    )?;
    eprintln!("numpy threadpools: {}", v["threadpools"]);
    let first = v["first_top"]
        .as_array()?
        .iter()
        .filter_map(|x| x.as_u64())
        .map(|x| x as usize)
        .collect();
    Some((v["seconds"].as_f64()?, first))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut rng = StdRng::seed_from_u64(3);
    let matrix: Vec<f32> = (0..N * D).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let queries: Vec<f32> = (0..Q * D).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let m = Tensor::from_vec(matrix.clone(), (N, D), &Device::Cpu).unwrap();
    let q = Tensor::from_vec(queries.clone(), (Q, D), &Device::Cpu).unwrap();
    let index = EmbeddingIndex::from_matrix(
        &m,
        vec![0; N],
        (0..N).map(|i| i.to_string()).collect(),
        SearchMetric::Cosine,
    )
    .unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // candle's matmul sizes its thread pool from RAYON_NUM_THREADS once per process, so each
    // thread count runs in a child process of this same binary.
    let Some(threads) = std::env::var("MMS_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        println!("exact cosine top-{K}: {Q} queries over {N} x {D}");
        for t in [1, cores] {
            let status = Command::new(std::env::current_exe().unwrap())
                .env("MMS_BENCH_THREADS", t.to_string())
                .env("RAYON_NUM_THREADS", t.to_string())
                .status()
                .unwrap();
            assert!(status.success());
        }
        return;
    };
    let skip = std::env::var("MMS_BENCH_SKIP_REFERENCE").is_ok_and(|v| v == "1");
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let ours = pool.install(|| {
            let mut best = f64::INFINITY;
            let mut first = Vec::new();
            for _ in 0..6 {
                let t = Instant::now();
                let hits = index.search_batch(&q, K).unwrap();
                best = best.min(t.elapsed().as_secs_f64());
                first = hits[0].iter().map(|h| h.index).collect::<Vec<_>>();
            }
            (best, first)
        });
        let reference = if skip {
            None
        } else {
            numpy(&matrix, &queries, threads)
        };
        match reference {
            Some((secs, first)) => {
                assert_eq!(first, ours.1, "numpy and ours disagree on query 0");
                println!(
                    "{threads} thread(s): ours {:.2} ms, numpy {:.2} ms -> ours is {:.2}x numpy's speed (bar: >= 1)",
                    ours.0 * 1e3,
                    secs * 1e3,
                    secs / ours.0
                );
            }
            None => println!(
                "{threads} thread(s): ours {:.2} ms (numpy skipped)",
                ours.0 * 1e3
            ),
        }
    }
}
