/// The semihard triplets of a batch: every `(a, p, n)` with `a != p` of one label and `n` of
/// another, whose margin `m = d(a, n) - d(a, p)` has `0 < m <= margin`. As pytorch-metric-learning,
/// `d` is the Euclidean distance between the embeddings scaled to unit length.
///
/// # Shapes
/// `embeddings`: `(N, D)`; `labels`: `N`; returns `[a, p, n]` rows, in any order.
pub fn semihard_triplets(embeddings: &Tensor, labels: &[u32], margin: f32) -> Result<Vec<[usize; 3]>> {
    // BEGIN SOLUTION
    triplets_where(embeddings, labels, |m| m > 0.0 && m <= margin)
    // END SOLUTION
}

/// The hard triplets: as [`semihard_triplets`], but keeping those with `m <= 0` (the negative is
/// at least as close to the anchor as the positive).
///
/// # Shapes
/// As [`semihard_triplets`].
pub fn hard_triplets(embeddings: &Tensor, labels: &[u32], _margin: f32) -> Result<Vec<[usize; 3]>> {
    // BEGIN SOLUTION
    triplets_where(embeddings, labels, |m| m <= 0.0)
    // END SOLUTION
}

// BEGIN SOLUTION
/// Every valid triplet whose margin `d(a, n) - d(a, p)` satisfies `keep`.
fn triplets_where(embeddings: &Tensor, labels: &[u32], keep: impl Fn(f32) -> bool) -> Result<Vec<[usize; 3]>> {
    let mut rows = embeddings.to_vec2::<f32>()?; // N rows of D
    for r in rows.iter_mut() {
        let norm = r.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        r.iter_mut().for_each(|x| *x /= norm); // unit length, as PML's LpDistance
    }
    let dist = |i: usize, j: usize| -> f32 {
        rows[i].iter().zip(&rows[j]).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
    };
    let n = labels.len();
    let mut out = Vec::new();
    for a in 0..n {
        for p in (0..n).filter(|&p| p != a && labels[p] == labels[a]) {
            for q in (0..n).filter(|&q| labels[q] != labels[a]) {
                if keep(dist(a, q) - dist(a, p)) {
                    out.push([a, p, q]);
                }
            }
        }
    }
    Ok(out)
}
// END SOLUTION
