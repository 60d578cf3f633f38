// MUTANT: leaves bhtsne its own start, which is not seeded: one seed, two maps.
pub fn tsne_map(points: &[f32], dim: usize, _seed: u64) -> Vec<[f32; 2]> {
    let rows: Vec<&[f32]> = points.chunks(dim).collect();
    let euclidean = |a: &&[f32], b: &&[f32]| a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt();
    let map = multimodal_search::bhtsne::tSNE::<f32, &[f32], 2>::new(&rows)
        .perplexity(30.0)
        .epochs(1000)
        .barnes_hut(0.5, euclidean)
        .embedding();
    map.chunks(2).map(|p| [p[0], p[1]]).collect()
}
