//! Exercise `pca` (notebook 04): principal component analysis written out, the tutorial's
//! exercise with scikit-learn's `PCA` (for its 3-D scatter plot).
//!
//! Centre the rows, take the covariance (`n - 1` in the denominator, as scikit-learn), and keep
//! its `k` eigenvectors of largest eigenvalue: the directions, unit length and orthogonal, and
//! their variances, largest first.

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};
use crate::viz::Pca;

/// What the participant's `principal_components` returns.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Components {
    /// The column means (`dim` values).
    pub mean: Vec<f64>,
    /// `k` unit directions of `dim` values each, by decreasing variance.
    pub directions: Vec<Vec<f64>>,
    /// The variance along each direction (`k` values, decreasing).
    pub variances: Vec<f64>,
}

/// `n` test rows of width `dim` from `seed`: Gaussian, stretched by `3, 2, 1.2, ...` and mixed, so
/// the components are neither the axes nor of equal variance.
pub fn rows(seed: u64, n: usize, dim: usize) -> Result<Vec<f32>> {
    let z = crate::exercise::inputs::randn(seed, n, dim)?.to_vec2::<f32>()?;
    let mix = crate::exercise::inputs::randn(seed + 1, dim, dim)?.to_vec2::<f32>()?;
    let mut out = Vec::with_capacity(n * dim);
    for row in &z {
        // (row * stretch) @ mix, then shifted by the column index (so the mean is not zero).
        let stretched: Vec<f32> = row
            .iter()
            .enumerate()
            .map(|(i, x)| x * 3.0 / (1.0 + 0.6 * i as f32))
            .collect();
        out.extend((0..dim).map(|j| {
            stretched
                .iter()
                .zip(&mix)
                .map(|(x, m)| x * m[j])
                .sum::<f32>()
                + j as f32
        }));
    }
    Ok(out)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Runs `pca` on `rows(seed, n, dim)` with `k` components and compares with the reference
/// decomposition; `what` picks the comparison.
pub fn verdict(
    pca: &impl Fn(&[f32], usize, usize) -> Result<Components>,
    (seed, n, dim, k): (u64, usize, usize, usize),
    what: &str,
) -> Result<Verdict> {
    let data = rows(seed, n, dim)?;
    let got = pca(&data, dim, k)?;
    let reference = Pca::fit(&data, dim, k)?;
    let shape_ok = got.directions.len() == k
        && got.directions.iter().all(|d| d.len() == dim)
        && got.variances.len() == k;
    if !shape_ok {
        return Ok(Verdict::that(
            false,
            format!(
                "{} directions of lengths {:?}, {} variances",
                got.directions.len(),
                got.directions.iter().map(Vec::len).collect::<Vec<_>>(),
                got.variances.len()
            ),
            format!("{k} directions of length {dim}, {k} variances"),
        ));
    }
    Ok(match what {
        "shape" => Verdict::that(
            true,
            format!("{k} directions of length {dim}"),
            "the shapes",
        ),
        "orthonormal" => {
            let worst = (0..k)
                .flat_map(|i| (0..k).map(move |j| (i, j)))
                .map(|(i, j)| {
                    let want = if i == j { 1.0 } else { 0.0 };
                    (dot(&got.directions[i], &got.directions[j]) - want).abs()
                })
                .fold(0.0, f64::max);
            Verdict::that(
                worst < 1e-6,
                format!("largest |<d_i, d_j> - [i = j]| = {worst:.2e}"),
                "below 1e-6",
            )
        }
        "descending" => Verdict::that(
            got.variances.windows(2).all(|w| w[0] >= w[1]),
            format!("{:.4?}", got.variances),
            "largest first",
        ),
        "variances" => {
            let want = reference.explained_variance();
            let worst = got
                .variances
                .iter()
                .zip(want)
                .map(|(a, b)| (a - b).abs() / b.abs().max(1e-12))
                .fold(0.0, f64::max);
            Verdict::that(
                worst < 1e-5,
                format!("{:.5?}", got.variances),
                format!("{want:.5?}"),
            )
        }
        "directions" => {
            let worst = got
                .directions
                .iter()
                .zip(reference.components())
                .map(|(a, b)| 1.0 - dot(a, b).abs())
                .fold(0.0, f64::max);
            Verdict::that(
                worst < 1e-5,
                format!("largest 1 - |<d, reference>| = {worst:.2e}"),
                "the reference's directions, up to sign (within 1e-5)",
            )
        }
        _ => {
            let n_rows = data.len() / dim;
            let want: Vec<f64> = (0..dim)
                .map(|j| {
                    data.iter()
                        .skip(j)
                        .step_by(dim)
                        .map(|v| *v as f64)
                        .sum::<f64>()
                        / n_rows as f64
                })
                .collect();
            let worst = got
                .mean
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            Verdict::that(
                got.mean.len() == dim && worst < 1e-6,
                format!("{} values, off by up to {worst:.2e}", got.mean.len()),
                format!("the {dim} column means"),
            )
        }
    })
}

/// The visible checks, on 200 rows of width 8 with 3 components (the tutorial's 3-D plot).
///
/// # Example
/// ```
/// use multimodal_search::exercise::pca;
/// let nothing = |_: &[f32], _: usize, _: usize| Ok(pca::Components::default());
/// assert!(!pca::check(nothing).passed());
/// ```
pub fn check(pca: impl Fn(&[f32], usize, usize) -> Result<Components>) -> Checklist {
    let mut c = Checklist::new("pca");
    let case = (41, 200, 8, 3);
    c.check("3 directions of length 8, 3 variances", 1.0, || {
        verdict(&pca, case, "shape")
    });
    c.check("the mean is the column mean", 1.0, || {
        verdict(&pca, case, "mean")
    });
    c.check("the directions are orthonormal", 1.0, || {
        verdict(&pca, case, "orthonormal")
    });
    c.check("the variances are largest first", 1.0, || {
        verdict(&pca, case, "descending")
    });
    c.check(
        "the variances equal the reference decomposition's",
        1.0,
        || verdict(&pca, case, "variances"),
    );
    c.check(
        "the directions equal the reference's, up to sign",
        1.0,
        || verdict(&pca, case, "directions"),
    );
    c
}
