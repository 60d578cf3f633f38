//! Exercise `tsne` (notebook 05): a t-SNE map of the validation embeddings, and a measure of how
//! well it keeps neighbours.
//!
//! The participant writes `tsne_map(points, dim, seed)`: one 2-D point per row of `points`
//! (row-major, `dim` wide), from t-SNE seeded by `seed` (the notebook uses `bhtsne`, feature
//! `tsne`). The check measures the map with [`trustworthiness`]: 1 when every point's `k` nearest
//! neighbours on the map are also near it in the original space, lower when the map brings
//! strangers together (Venna and Kaski's measure, as scikit-learn's
//! `sklearn.manifold.trustworthiness`).

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::random_forest::{Table, clusters, embeddings};
use crate::exercise::{Checklist, Verdict};

/// The trustworthiness the validation map must reach (see [`REFERENCE`]).
pub const THRESHOLD: f64 = 0.973;
/// Seeds 0-4 of the reference solution (perplexity 30, 1,000 epochs, Barnes-Hut at 0.5) on the
/// multimodal model's embeddings of 2,000 validation images and the 300 validation recordings,
/// `k = 10`; `cargo bench --bench exercise_thresholds`.
pub const REFERENCE: &str = "0.993, sd 0.001 over seeds 0-4";
/// Neighbours counted by the checks' trustworthiness.
pub const K: usize = 10;

/// Squared Euclidean distances from row `i` to every row.
fn distances(values: &[f32], dim: usize, i: usize) -> Vec<f32> {
    let a = &values[i * dim..(i + 1) * dim];
    values
        .chunks(dim)
        .map(|b| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum())
        .collect()
}

/// How well `low` (the map, `low_dim` wide) keeps the `k` nearest neighbours of `high` (the
/// original rows, `high_dim` wide): `1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_i} (r(i, j) -
/// k)`, where `U_i` are `i`'s `k` nearest on the map that are not among its `k` nearest in the
/// original space, and `r(i, j)` is `j`'s rank among `i`'s neighbours there (1 = nearest).
///
/// # Shapes
/// `high`: `n * high_dim`; `low`: `n * low_dim`; `k < n / 2`.
///
/// # Example
/// ```
/// use multimodal_search::exercise::tsne::trustworthiness;
/// let line = [0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0];
/// assert_eq!(trustworthiness(&line, 1, &line, 1, 2)?, 1.0);
/// let shuffled = [13.0, 1.0, 12.0, 3.0, 10.0, 0.0, 2.0, 11.0];
/// assert!(trustworthiness(&line, 1, &shuffled, 1, 2)? < 0.7);
/// # Ok::<(), multimodal_search::Error>(())
/// ```
pub fn trustworthiness(
    high: &[f32],
    high_dim: usize,
    low: &[f32],
    low_dim: usize,
    k: usize,
) -> Result<f64> {
    let n = high.len() / high_dim.max(1);
    if high_dim == 0 || low_dim == 0 || low.len() != n * low_dim || 2 * k >= n || k == 0 {
        crate::bail!(
            "trustworthiness needs n rows in both spaces and 0 < k < n / 2: {} and {} values, widths {high_dim} and {low_dim}, k = {k}",
            high.len(),
            low.len()
        );
    }
    let mut penalty = 0.0f64;
    for i in 0..n {
        // Ranks in the original space: rank[j] = 1 for the nearest other row.
        let d = distances(high, high_dim, i);
        let mut order: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        order.sort_by(|&a, &b| d[a].total_cmp(&d[b]).then(a.cmp(&b)));
        let mut rank = vec![0usize; n];
        for (r, &j) in order.iter().enumerate() {
            rank[j] = r + 1;
        }
        let e = distances(low, low_dim, i);
        let mut near: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        near.sort_by(|&a, &b| e[a].total_cmp(&e[b]).then(a.cmp(&b)));
        penalty += near[..k]
            .iter()
            .filter(|&&j| rank[j] > k)
            .map(|&j| (rank[j] - k) as f64)
            .sum::<f64>();
    }
    let (n, k) = (n as f64, k as f64);
    Ok(1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty)
}

/// The share of rows whose nearest other row on the map has their label.
pub fn neighbour_agreement(map: &[f32], labels: &[u32]) -> f64 {
    let n = labels.len();
    if n < 2 || map.len() != 2 * n {
        return 0.0;
    }
    let same = (0..n)
        .filter(|&i| {
            let d = distances(map, 2, i);
            let j = (0..n)
                .filter(|&j| j != i)
                .min_by(|&a, &b| d[a].total_cmp(&d[b]));
            j.is_some_and(|j| labels[j] == labels[i])
        })
        .count();
    same as f64 / n as f64
}

/// The map of `table` by `tsne_map`, flattened (`2n` values), or why it is not one.
///
/// It runs on one thread: bhtsne sums its gradients in parallel, in an order that changes from
/// run to run, and t-SNE magnifies those last-bit differences (the same seed on two threads gave
/// maps 2.4 apart), so only a single-threaded run repeats exactly.
pub fn map_of(
    tsne_map: &(impl Fn(&[f32], usize, u64) -> Vec<[f32; 2]> + Sync),
    table: &Table,
    seed: u64,
) -> std::result::Result<Vec<f32>, Verdict> {
    let run = || tsne_map(&table.values, table.dim, seed);
    // The pool's thread is not the check's: catch a panic there quietly, and carry it on here
    // (`resume_unwind` skips the panic hook) for the check's row to report.
    let map = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool.install(|| crate::exercise::attempt(run)),
        Err(_) => Ok(run()),
    };
    let map = map.unwrap_or_else(|message| std::panic::resume_unwind(Box::new(message)));
    if map.len() != table.len() || map.iter().flatten().any(|v| !v.is_finite()) {
        return Err(Verdict::that(
            false,
            format!(
                "{} points{}",
                map.len(),
                if map.iter().flatten().all(|v| v.is_finite()) {
                    ""
                } else {
                    ", some not finite"
                }
            ),
            format!("{} finite 2-D points", table.len()),
        ));
    }
    Ok(map.into_iter().flatten().collect())
}

/// Three well separated clusters of 40 rows, `dim` wide (at least 5), from `seed`. Their centres
/// differ only from the third coordinate on, so a projection onto the first two merges them.
pub fn toy(seed: u64, dim: usize) -> Result<Table> {
    let centre = |c: usize| -> Vec<f32> {
        (0..dim)
            .map(|j| if j >= 2 && (j - 2) % 3 == c { 6.0 } else { 0.0 })
            .collect()
    };
    clusters(
        seed,
        40,
        &[(0, centre(0)), (1, centre(1)), (2, centre(2))],
        1.0,
    )
}

/// The embeddings the validation check maps: the multimodal model's 2,000 first validation
/// images followed by its 300 validation recordings (labels are the digits).
pub fn validation_embeddings(data: &TutorialData) -> Result<Table> {
    let e = embeddings(data)?;
    let mut t = e.image_validation.clone();
    t.values.extend(&e.audio_validation.values);
    t.labels.extend(&e.audio_validation.labels);
    Ok(t)
}

/// The visible checks: points per row, separated clusters kept apart, repeatability, and the
/// trustworthiness of the validation map against its measured threshold.
///
/// # Example
/// ```
/// use multimodal_search::exercise::tsne;
/// # fn main() -> multimodal_search::Result<()> {
/// let t = tsne::toy(1, 6)?;
/// // The first two coordinates are not a t-SNE map: the clusters' centres fall on one point there.
/// let first_two = |p: &[f32], dim: usize, _: u64| p.chunks(dim).map(|r| [r[0], r[1]]).collect();
/// let map = tsne::map_of(&first_two, &t, 0).unwrap();
/// assert!(tsne::trustworthiness(&t.values, 6, &map, 2, 10)? < 0.99);
/// # Ok(()) }
/// ```
pub fn check(
    data: &TutorialData,
    tsne_map: impl Fn(&[f32], usize, u64) -> Vec<[f32; 2]> + Sync,
) -> Checklist {
    let mut c = Checklist::new("tsne");
    c.check("one finite 2-D point per row", 1.0, || {
        let t = toy(1, 6)?;
        Ok(match map_of(&tsne_map, &t, 0) {
            Ok(_) => Verdict::that(
                true,
                format!("{} points", t.len()),
                format!("{} points", t.len()),
            ),
            Err(v) => v,
        })
    });
    c.check(
        "three separated clusters: each point's nearest neighbour on the map has its label",
        1.0,
        || {
            let t = toy(2, 6)?;
            Ok(match map_of(&tsne_map, &t, 0) {
                Ok(map) => Verdict::close(neighbour_agreement(&map, &t.labels), 1.0, 1e-12),
                Err(v) => v,
            })
        },
    );
    c.check("repeatable: one seed, one map", 1.0, || {
        let t = toy(3, 6)?;
        let (a, b) = (map_of(&tsne_map, &t, 5), map_of(&tsne_map, &t, 5));
        Ok(match (a, b) {
            (Ok(a), Ok(b)) => {
                let gap = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0f32, f32::max);
                Verdict::that(
                    gap <= 1e-3,
                    format!("largest difference {gap:.2e}"),
                    "the same map twice (within 1e-3)",
                )
            }
            (Err(v), _) | (_, Err(v)) => v,
        })
    });
    c.check(
        &format!(
            "validation embeddings (2,000 images + 300 recordings): trustworthiness (k = {K}) at least {THRESHOLD}"
        ),
        2.0,
        || {
            let t = validation_embeddings(data)?;
            Ok(match map_of(&tsne_map, &t, 0) {
                Ok(map) => {
                    let tw = trustworthiness(&t.values, t.dim, &map, 2, K)?;
                    Verdict::that(
                        tw >= THRESHOLD,
                        format!("{tw:.4}"),
                        format!("at least {THRESHOLD} (reference {REFERENCE})"),
                    )
                }
                Err(v) => v,
            })
        },
    );
    c
}
