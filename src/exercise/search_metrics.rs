//! Exercise `search_metrics` (notebook 06): search with other distance metrics, and measure how
//! much their rankings agree.
//!
//! The participant writes `ranking(query, database, dim, metric)`, every database row's index,
//! best match first (highest cosine or dot product, lowest Euclidean or Manhattan distance), and
//! `rank_agreement(a, b, k)`, the share of the top `k` of ranking `a` that is also in the top
//! `k` of `b`. On unit vectors, `|x - y|^2 = 2 - 2 cos(x, y)`: cosine and Euclidean agree
//! exactly, Manhattan does not.

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};
use crate::search::SearchMetric;

/// The query and database rows the checks use: `n` rows of width `dim` from `seed`, each scaled
/// to unit length when `unit` (else to lengths between 0.5 and 2).
pub fn rows(seed: u64, n: usize, dim: usize, unit: bool) -> Result<Vec<f32>> {
    let t = crate::exercise::inputs::randn(seed, n, dim)?;
    let mut v = t.flatten_all()?.to_vec1::<f32>()?;
    for (i, r) in v.chunks_mut(dim).enumerate() {
        let norm = r.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        let scale = if unit {
            1.0
        } else {
            0.5 + 1.5 * ((i * 7) % 10) as f32 / 9.0
        };
        r.iter_mut().for_each(|x| *x *= scale / norm);
    }
    Ok(v)
}

/// The reference score of `x` for `q` under `metric`, larger is better (distances negated).
pub fn score(q: &[f32], x: &[f32], metric: SearchMetric) -> f64 {
    let dot: f64 = q.iter().zip(x).map(|(a, b)| *a as f64 * *b as f64).sum();
    let norm = |v: &[f32]| v.iter().map(|a| (*a as f64).powi(2)).sum::<f64>().sqrt();
    match metric {
        SearchMetric::Dot => dot,
        SearchMetric::Cosine => dot / (norm(q) * norm(x)).max(1e-12),
        SearchMetric::Euclidean => -q
            .iter()
            .zip(x)
            .map(|(a, b)| (*a as f64 - *b as f64).powi(2))
            .sum::<f64>()
            .sqrt(),
        SearchMetric::Manhattan => -q
            .iter()
            .zip(x)
            .map(|(a, b)| (*a as f64 - *b as f64).abs())
            .sum::<f64>(),
    }
}

/// Checks `ranked` orders every row of `database` best first under `metric` for each query.
pub fn ranking_verdict(
    ranking: &impl Fn(&[f32], &[f32], usize, SearchMetric) -> Vec<usize>,
    queries: &[f32],
    database: &[f32],
    dim: usize,
    metric: SearchMetric,
) -> Result<Verdict> {
    let n = database.len() / dim;
    for (qi, q) in queries.chunks(dim).enumerate() {
        let r = ranking(q, database, dim, metric);
        let mut sorted = r.clone();
        sorted.sort_unstable();
        if sorted != (0..n).collect::<Vec<_>>() {
            return Ok(Verdict::that(
                false,
                format!("query {qi}: {} indices, not each of 0..{n} once", r.len()),
                format!("every one of the {n} rows once, best first"),
            ));
        }
        let s: Vec<f64> = r
            .iter()
            .map(|&i| score(q, &database[i * dim..(i + 1) * dim], metric))
            .collect();
        if let Some(w) = s
            .windows(2)
            .position(|w| w[1] > w[0] + 1e-5 * w[0].abs().max(1.0))
        {
            return Ok(Verdict::that(
                false,
                format!(
                    "query {qi}: row {} (score {:.5}) ranked before row {} (score {:.5})",
                    r[w],
                    s[w],
                    r[w + 1],
                    s[w + 1]
                ),
                format!("best first under {metric}"),
            ));
        }
    }
    Ok(Verdict::that(
        true,
        "every query ranked best first",
        format!("best first under {metric}"),
    ))
}

/// The mean `rank_agreement(ranking under a, ranking under b, k)` over `queries`.
pub fn mean_agreement(
    ranking: &impl Fn(&[f32], &[f32], usize, SearchMetric) -> Vec<usize>,
    agreement: &impl Fn(&[usize], &[usize], usize) -> f64,
    (queries, database, dim): (&[f32], &[f32], usize),
    a: SearchMetric,
    b: SearchMetric,
    k: usize,
) -> f64 {
    let q: Vec<f64> = queries
        .chunks(dim)
        .map(|q| {
            agreement(
                &ranking(q, database, dim, a),
                &ranking(q, database, dim, b),
                k,
            )
        })
        .collect();
    q.iter().sum::<f64>() / q.len().max(1) as f64
}

/// The visible checks: each metric's ranking on unit vectors, the agreement of cosine with
/// Euclidean (1.0) and with Manhattan (below 1), and `rank_agreement` on small cases.
///
/// # Example
/// ```
/// use multimodal_search::exercise::search_metrics;
/// use multimodal_search::search::SearchMetric;
/// let in_order = |_: &[f32], db: &[f32], dim: usize, _: SearchMetric| (0..db.len() / dim).collect();
/// let none = |_: &[usize], _: &[usize], _: usize| 0.0;
/// assert!(!search_metrics::check(in_order, none).passed());
/// ```
pub fn check(
    ranking: impl Fn(&[f32], &[f32], usize, SearchMetric) -> Vec<usize>,
    agreement: impl Fn(&[usize], &[usize], usize) -> f64,
) -> Checklist {
    let mut c = Checklist::new("search_metrics");
    let dim = 16;
    let data = rows(11, 60, dim, true).and_then(|db| Ok((rows(12, 10, dim, true)?, db)));
    let (queries, database) = match data {
        Ok(d) => d,
        Err(e) => {
            c.check("the test vectors", 1.0, || Err(e));
            return c;
        }
    };
    for metric in [
        SearchMetric::Cosine,
        SearchMetric::Euclidean,
        SearchMetric::Manhattan,
        SearchMetric::Dot,
    ] {
        c.check(
            &format!("{metric}: every row ranked, best first (unit vectors)"),
            1.0,
            || ranking_verdict(&ranking, &queries, &database, dim, metric),
        );
    }
    c.check(
        "rank_agreement: same top 3 in another order is 1.0",
        1.0,
        || {
            Ok(Verdict::close(
                agreement(&[0, 1, 2, 3], &[2, 0, 1, 4], 3),
                1.0,
                1e-12,
            ))
        },
    );
    c.check("rank_agreement: 1 of the top 4 shared is 0.25", 1.0, || {
        Ok(Verdict::close(
            agreement(&[0, 1, 2, 3, 4], &[3, 5, 6, 7, 0], 4),
            0.25,
            1e-12,
        ))
    });
    let set = (&queries[..], &database[..], dim);
    c.check(
        "cosine vs Euclidean on unit vectors: agreement 1.0 (top 10)",
        1.0,
        || {
            let a = mean_agreement(
                &ranking,
                &agreement,
                set,
                SearchMetric::Cosine,
                SearchMetric::Euclidean,
                10,
            );
            Ok(Verdict::close(a, 1.0, 1e-12))
        },
    );
    c.check(
        "cosine vs Manhattan: agreement below 1.0 (top 10)",
        1.0,
        || {
            let a = mean_agreement(
                &ranking,
                &agreement,
                set,
                SearchMetric::Cosine,
                SearchMetric::Manhattan,
                10,
            );
            Ok(Verdict::that(
                a < 1.0 && a > 0.3,
                format!("{a:.3}"),
                "between 0.3 and 1 (exclusive)",
            ))
        },
    );
    c
}
