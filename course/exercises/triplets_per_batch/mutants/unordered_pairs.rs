// MUTANT: counts anchor and positive as an unordered pair, so (a, p, n) and (p, a, n) are one.
pub fn count_triplets(labels: &[u32]) -> usize {
    let count = |l: u32| labels.iter().filter(|&&x| x == l).count();
    labels.iter().map(|&l| (count(l) - 1) * (labels.len() - count(l))).sum::<usize>() / 2
}
