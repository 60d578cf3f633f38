//! Scale: 1,000,000 x 128 synthetic embeddings in Gaussian clusters (not uniform noise).
//! Exact brute-force search (queries per second, memory), then the HNSW index behind the same
//! trait: build time, and recall@10 against brute force, queries per second and speed-up at
//! several `ef_search` values. All cores for both.
//!
//! Run: `cargo bench --bench search_scale`. MMS_SCALE_N (default 1000000) and MMS_SCALE_CLUSTERS
//! (default 1000) change the collection.

use std::collections::HashSet;
use std::time::Instant;

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::search::{EmbeddingIndex, SearchMetric};
use multimodal_search::shell::{HnswConfig, HnswIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

const D: usize = 128;
const QUERIES: usize = 1000;
const K: usize = 10;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n = env_usize("MMS_SCALE_N", 1_000_000);
    let clusters = env_usize("MMS_SCALE_CLUSTERS", 1000);
    let mut rng = StdRng::seed_from_u64(11);
    let unit = Normal::new(0.0f32, 1.0).unwrap();
    let noise = Normal::new(0.0f32, 0.35).unwrap();
    let centers: Vec<f32> = (0..clusters * D).map(|_| unit.sample(&mut rng)).collect();
    let point = |rng: &mut StdRng| -> Vec<f32> {
        let c = rng.random_range(0..clusters);
        (0..D)
            .map(|j| centers[c * D + j] + noise.sample(rng))
            .collect()
    };
    let rss0 = rss_mib();
    let data: Vec<f32> = (0..n).flat_map(|_| point(&mut rng)).collect();
    let queries: Vec<f32> = (0..QUERIES).flat_map(|_| point(&mut rng)).collect();
    println!(
        "{n} x {D} f32 in {clusters} Gaussian clusters; {QUERIES} queries; k = {K}; {} cores",
        rayon::current_num_threads()
    );

    let m = Tensor::from_vec(data, (n, D), &Device::Cpu).unwrap();
    let t = Instant::now();
    let exact =
        EmbeddingIndex::from_matrix(&m, vec![0; n], vec![String::new(); n], SearchMetric::Cosine)
            .unwrap();
    let build_exact = t.elapsed().as_secs_f64();
    drop(m);
    let rss_exact = rss_mib();
    let q = Tensor::from_vec(queries.clone(), (QUERIES, D), &Device::Cpu).unwrap();
    let t = Instant::now();
    let truth: Vec<Vec<usize>> = exact
        .search_batch(&q, K)
        .unwrap()
        .into_iter()
        .map(|h| h.into_iter().map(|h| h.index).collect())
        .collect();
    let brute_secs = t.elapsed().as_secs_f64();
    let brute_qps = QUERIES as f64 / brute_secs;
    println!(
        "brute force: prepared in {build_exact:.2} s, {brute_qps:.1} queries/s, process memory {:.0} MiB (raw vectors alone: {:.0} MiB)",
        rss_exact - rss0,
        (n * D * 4) as f64 / (1 << 20) as f64
    );

    let config = HnswConfig::default();
    let rss1 = rss_mib();
    let t = Instant::now();
    let mut ann = HnswIndex::build(exact.matrix(), config).unwrap();
    let build_secs = t.elapsed().as_secs_f64();
    println!(
        "HNSW (M = {}, ef_construction = {}): built in {build_secs:.1} s, +{:.0} MiB",
        config.max_connections,
        config.ef_construction,
        rss_mib() - rss1
    );
    for ef in [16, 64, 256, 512, 1024, 2048] {
        ann.set_ef_search(ef);
        let t = Instant::now();
        let found = ann.nearest_batch(&queries, K).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let recall = found
            .iter()
            .zip(&truth)
            .map(|(f, t)| {
                let t: HashSet<_> = t.iter().collect();
                f.iter().filter(|i| t.contains(i)).count() as f64 / K as f64
            })
            .sum::<f64>()
            / QUERIES as f64;
        let qps = QUERIES as f64 / secs;
        println!(
            "  ef_search {ef:4}: recall@10 {recall:.4}, {qps:9.0} queries/s, {:.0}x brute force{}",
            qps / brute_qps,
            if recall >= 0.95 { "  (meets 0.95)" } else { "" }
        );
    }
}
