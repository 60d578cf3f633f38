//! Approximate search (the `ann` feature): HNSW against the exact index, behind one trait.

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::search::{EmbeddingIndex, SearchMetric};

#[test]
fn hnsw_recalls_the_exact_neighbours_behind_the_same_trait() {
    use multimodal_search::search::NearestNeighbors;
    use multimodal_search::shell::{HnswConfig, HnswIndex};
    use rand::{Rng, SeedableRng};
    let (n, d, clusters) = (3000, 32, 20);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let centers: Vec<f32> = (0..clusters * d)
        .map(|_| rng.random_range(-1.0f32..1.0))
        .collect();
    let data: Vec<f32> = (0..n)
        .flat_map(|_| {
            let c = rng.random_range(0..clusters);
            (0..d)
                .map(|j| centers[c * d + j] + rng.random_range(-0.3f32..0.3))
                .collect::<Vec<_>>()
        })
        .collect();
    let m = Tensor::from_vec(data.clone(), (n, d), &Device::Cpu).unwrap();
    let exact =
        EmbeddingIndex::from_matrix(&m, vec![0; n], vec![String::new(); n], SearchMetric::Cosine)
            .unwrap();
    let ann = HnswIndex::build(&m, HnswConfig::default()).unwrap();
    let indexes: [&dyn NearestNeighbors; 2] = [&exact, &ann];
    assert!(indexes.iter().all(|i| i.rows() == n));
    let mut recall = 0.0;
    for qi in (0..n).step_by(30) {
        let query = &data[qi * d..(qi + 1) * d];
        let truth: Vec<usize> = exact
            .nearest(query, 10)
            .unwrap()
            .into_iter()
            .map(|x| x.0)
            .collect();
        let found = ann.nearest(query, 10).unwrap();
        assert_eq!(found.len(), 10);
        recall += found.iter().filter(|(i, _)| truth.contains(i)).count() as f64 / 10.0;
        assert_eq!(truth[0], qi, "a stored row is its own nearest neighbour");
    }
    let recall = recall / 100.0;
    assert!(recall >= 0.95, "recall@10 {recall}");
    let err = ann.nearest(&[1.0, 2.0], 3).unwrap_err().to_string();
    assert!(
        err.contains("query dimension 2 does not match the index dimension 32"),
        "{err}"
    );
}
