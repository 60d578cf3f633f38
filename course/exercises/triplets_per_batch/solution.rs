/// The number of triplets `(anchor, positive, negative)` in a batch with `labels`: the positive
/// is another item with the anchor's label, the negative an item with another label;
/// `(a, p, n)` and `(p, a, n)` count as two.
pub fn count_triplets(labels: &[u32]) -> usize {
    // BEGIN SOLUTION
    // An anchor whose label appears `c` times has `c - 1` positives and `B - c` negatives.
    let count = |l: u32| labels.iter().filter(|&&x| x == l).count();
    labels.iter().map(|&l| (count(l) - 1) * (labels.len() - count(l))).sum()
    // END SOLUTION
}
