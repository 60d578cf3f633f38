//! Principal component analysis, as the tutorial's plotting helpers use scikit-learn's `PCA` to
//! squash embeddings to two (or, in the exercise, three) dimensions.
//!
//! The covariance matrix (D x D) is decomposed with nalgebra's symmetric eigensolver; D is the
//! embedding width (128), so this is cheap whatever the number of points.

use nalgebra::{DMatrix, SymmetricEigen};

use crate::error::Result;

/// A fitted PCA: the mean and the top `k` principal directions of a set of rows.
///
/// # Shapes
/// Fits `n x d` f32 rows (n >= 2); [`Pca::transform`] maps `m x d` rows to `m x k` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::Pca;
/// // Points on the line y = 2x (plus a small wobble in z): one component explains nearly all.
/// let rows: Vec<f32> = (0..10).flat_map(|i| { let x = i as f32; [x, 2.0 * x, (i % 2) as f32 * 0.01] }).collect();
/// let pca = Pca::fit(&rows, 3, 2)?;
/// assert!(pca.explained_variance_ratio()[0] > 0.999);
/// let projected = pca.transform(&rows)?;
/// assert_eq!(projected.len(), 10 * 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Pca {
    mean: Vec<f64>,
    /// `k` unit directions, each of length `d`, by decreasing variance.
    components: Vec<Vec<f64>>,
    explained: Vec<f64>,
    total_variance: f64,
    dim: usize,
}

impl Pca {
    /// Fits `k` components to `rows` (row-major, `d` columns).
    ///
    /// Each component's sign is fixed so that its largest-magnitude entry is positive, so the
    /// same data always gives the same picture.
    pub fn fit(rows: &[f32], d: usize, k: usize) -> Result<Self> {
        if d == 0 || !rows.len().is_multiple_of(d) {
            crate::bail!("PCA: {} values do not form rows of width {d}", rows.len());
        }
        let n = rows.len() / d;
        if n < 2 || k == 0 || k > d {
            crate::bail!(
                "PCA needs at least 2 rows and 1 <= k <= d; got {n} rows, d = {d}, k = {k}"
            );
        }
        if let Some(i) = rows.iter().position(|v| !v.is_finite()) {
            crate::bail!("PCA: row {} column {} is not finite", i / d, i % d);
        }
        let mut mean = vec![0f64; d];
        for r in rows.chunks_exact(d) {
            for (m, v) in mean.iter_mut().zip(r) {
                *m += *v as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let centered = DMatrix::from_fn(n, d, |i, j| rows[i * d + j] as f64 - mean[j]);
        let cov = (centered.transpose() * &centered) / (n as f64 - 1.0);
        let total_variance = cov.trace();
        let eig = SymmetricEigen::new(cov);
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let mut components = Vec::with_capacity(k);
        let mut explained = Vec::with_capacity(k);
        for &c in order.iter().take(k) {
            let mut v: Vec<f64> = eig.eigenvectors.column(c).iter().copied().collect();
            let big = v
                .iter()
                .copied()
                .fold(0f64, |a, x| if x.abs() > a.abs() { x } else { a });
            if big < 0.0 {
                v.iter_mut().for_each(|x| *x = -*x);
            }
            components.push(v);
            explained.push(eig.eigenvalues[c].max(0.0));
        }
        Ok(Pca {
            mean,
            components,
            explained,
            total_variance,
            dim: d,
        })
    }

    /// Projects `rows` (row-major, `d` columns) onto the components: `k` values per row.
    pub fn transform(&self, rows: &[f32]) -> Result<Vec<f32>> {
        let d = self.dim;
        if !rows.len().is_multiple_of(d) {
            crate::bail!(
                "PCA transform: {} values do not form rows of width {d}",
                rows.len()
            );
        }
        let mut out = Vec::with_capacity(rows.len() / d * self.components.len());
        for r in rows.chunks_exact(d) {
            for c in &self.components {
                let s: f64 = r
                    .iter()
                    .zip(&self.mean)
                    .zip(c)
                    .map(|((x, m), w)| (*x as f64 - m) * w)
                    .sum();
                out.push(s as f32);
            }
        }
        Ok(out)
    }

    /// The share of the total variance each component explains.
    pub fn explained_variance_ratio(&self) -> Vec<f64> {
        self.explained
            .iter()
            .map(|e| {
                if self.total_variance > 0.0 {
                    e / self.total_variance
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// The `k` unit directions (each `d` long), by decreasing variance.
    pub fn components(&self) -> &[Vec<f64>] {
        &self.components
    }

    /// The variance along each component (the covariance's eigenvalues, `n - 1` in the
    /// denominator as scikit-learn's `explained_variance_`).
    pub fn explained_variance(&self) -> &[f64] {
        &self.explained
    }

    /// Number of components.
    pub fn k(&self) -> usize {
        self.components.len()
    }
}
