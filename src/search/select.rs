//! Picking the best k of many scores without sorting them all.

use std::cmp::Ordering;

/// Best first: higher score first, then lower index (so ties are stable and deterministic).
pub(crate) fn better(a: (f32, usize), b: (f32, usize)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The `k` best `(score, index)` pairs of `scores`, best first (`k` is capped at the length).
///
/// A partial selection (`select_nth_unstable_by`, O(n)) and a sort of the `k` chosen: the probe
/// measured candle's full `arg_sort_last_dim` 7x slower than a matmul plus this selection.
pub(crate) fn top_k(scores: &[f32], k: usize, worst: bool) -> Vec<(f32, usize)> {
    let k = k.min(scores.len());
    if k == 0 {
        return Vec::new();
    }
    let mut pairs: Vec<(f32, usize)> = scores.iter().copied().zip(0..).collect();
    let cmp = |a: &(f32, usize), b: &(f32, usize)| {
        if worst {
            // Worst first: lower score first, ties by lower index.
            a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
        } else {
            better(*a, *b)
        }
    };
    if k < pairs.len() {
        pairs.select_nth_unstable_by(k - 1, cmp);
        pairs.truncate(k);
    }
    pairs.sort_unstable_by(cmp);
    pairs
}
