// MUTANT: predicts the most frequent training label for every row (no forest at all).
pub fn forest_predict(_train: &[f32], labels: &[u32], test: &[f32], dim: usize, _forest: multimodal_search::exercise::random_forest::Forest) -> Vec<u32> {
    let mut counts = std::collections::BTreeMap::new();
    for l in labels {
        *counts.entry(*l).or_insert(0usize) += 1;
    }
    let top = counts.into_iter().max_by_key(|(_, n)| *n).map_or(0, |(l, _)| l);
    vec![top; test.len() / dim.max(1)]
}
