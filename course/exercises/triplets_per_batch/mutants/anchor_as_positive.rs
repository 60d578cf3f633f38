// MUTANT: lets the anchor be its own positive (c positives instead of c - 1).
pub fn count_triplets(labels: &[u32]) -> usize {
    let count = |l: u32| labels.iter().filter(|&&x| x == l).count();
    labels.iter().map(|&l| count(l) * (labels.len() - count(l))).sum()
}
