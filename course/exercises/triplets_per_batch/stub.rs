/// The number of triplets `(anchor, positive, negative)` in a batch with `labels`: the positive
/// is another item with the anchor's label, the negative an item with another label;
/// `(a, p, n)` and `(p, a, n)` count as two.
pub fn count_triplets(_labels: &[u32]) -> usize {
    todo!("count, for each anchor, its positives times its negatives")
}
