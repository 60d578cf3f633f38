// MUTANT: takes every other item as a negative, the anchor's own label included.
pub fn count_triplets(labels: &[u32]) -> usize {
    let count = |l: u32| labels.iter().filter(|&&x| x == l).count();
    labels.iter().map(|&l| (count(l) - 1) * (labels.len() - 2)).sum()
}
