// MUTANT: stops after 10 epochs, while the map is still close to its tiny random start.
pub fn tsne_map(points: &[f32], dim: usize, seed: u64) -> Vec<[f32; 2]> {
    use multimodal_search::rand::{Rng, SeedableRng};
    let rows: Vec<&[f32]> = points.chunks(dim).collect();
    let mut rng = multimodal_search::rand::rngs::StdRng::seed_from_u64(seed);
    let start: Vec<f32> = (0..2 * rows.len()).map(|_| rng.random_range(-1e-4..1e-4)).collect();
    let euclidean = |a: &&[f32], b: &&[f32]| a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt();
    let map = multimodal_search::bhtsne::tSNE::<f32, &[f32], 2>::new(&rows)
        .perplexity(30.0)
        .epochs(10)
        .initial_embedding(start)
        .barnes_hut(0.5, euclidean)
        .embedding();
    map.chunks(2).map(|p| [p[0], p[1]]).collect()
}
