//! Exercise `triplet_miners` (notebook 03): your own semihard and hard triplet miners, compared
//! as sets of triplets with pytorch-metric-learning's `TripletMarginMiner`.
//!
//! A triplet `(a, p, n)` has `a != p` of one label and `n` of another; with Euclidean distances
//! `d`, its margin is `m = d(a, n) - d(a, p)`. Semihard keeps `0 < m <= margin`; hard keeps
//! `m <= 0`.

use std::collections::BTreeSet;

use candle_core::{Device, Tensor};
use serde::Deserialize;

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};

/// One reference case from pytorch-metric-learning.
#[derive(Debug, Clone, Deserialize)]
pub struct MinerCase {
    /// What the embeddings are (`ties`, `one_member_class`, `lattice24`).
    pub name: String,
    /// Row-major `(N, D)` embeddings.
    pub embeddings: Vec<Vec<f32>>,
    /// One label per row.
    pub labels: Vec<u32>,
    /// The miner's margin.
    pub margin: f32,
    /// `semihard` or `hard`.
    pub kind: String,
    /// PML's triplets.
    pub triplets: Vec<[usize; 3]>,
}

#[derive(Deserialize)]
struct File {
    #[serde(alias = "miner_cases")]
    miners: Vec<MinerCase>,
}

/// The semihard and hard cases of a fixtures file (`miner_cases` or `miners`).
pub fn cases_from_json(text: &str) -> Result<Vec<MinerCase>> {
    let f: File =
        serde_json::from_str(text).map_err(|source| crate::error::Error::Serialization {
            what: "the miner cases".into(),
            source,
        })?;
    Ok(f.miners
        .into_iter()
        .filter(|c| c.kind == "semihard" || c.kind == "hard")
        .collect())
}

/// A miner as the exercise writes it: `(embeddings (N, D), labels, margin) -> triplets`.
pub trait MinerFn: Fn(&Tensor, &[u32], f32) -> Result<Vec<[usize; 3]>> {}
impl<F: Fn(&Tensor, &[u32], f32) -> Result<Vec<[usize; 3]>>> MinerFn for F {}

fn few(v: &[[usize; 3]]) -> String {
    let shown: Vec<String> = v.iter().take(3).map(|t| format!("{t:?}")).collect();
    format!(
        "{}{}",
        shown.join(" "),
        if v.len() > 3 { " ..." } else { "" }
    )
}

/// Runs `mine` on `case` and compares the triplets with PML's, as sets.
pub fn case_verdict(mine: &impl MinerFn, case: &MinerCase) -> Result<Verdict> {
    let n = case.embeddings.len();
    let d = case.embeddings.first().map_or(0, Vec::len);
    let flat: Vec<f32> = case.embeddings.iter().flatten().copied().collect();
    let e = Tensor::from_vec(flat, (n, d), &Device::Cpu)?;
    let found: Vec<[usize; 3]> = mine(&e, &case.labels, case.margin)?;
    let got: BTreeSet<[usize; 3]> = found.iter().copied().collect();
    let want: BTreeSet<[usize; 3]> = case.triplets.iter().copied().collect();
    let missing: Vec<[usize; 3]> = want.difference(&got).copied().collect();
    let extra: Vec<[usize; 3]> = got.difference(&want).copied().collect();
    let dupes = found.len() - got.len();
    let passed = missing.is_empty() && extra.is_empty() && dupes == 0;
    let found_text = if passed {
        format!("{} triplets", got.len())
    } else {
        format!(
            "{} triplets: {} missing ({}), {} extra ({}){}",
            found.len(),
            missing.len(),
            few(&missing),
            extra.len(),
            few(&extra),
            if dupes > 0 {
                format!(", {dupes} repeated")
            } else {
                String::new()
            }
        )
    };
    Ok(Verdict::that(
        passed,
        found_text,
        format!("PML's {} triplets, each once", want.len()),
    ))
}

/// One row per case, each worth `points`: `semihard` cases go to `semihard`, `hard` to `hard`.
pub fn check_cases(
    semihard: &impl MinerFn,
    hard: &impl MinerFn,
    cases: &[MinerCase],
    prefix: &str,
    points: f64,
) -> Checklist {
    let mut c = Checklist::new("triplet_miners");
    for case in cases {
        let name = format!(
            "{prefix}{} on {} ({} rows), margin {}",
            case.kind,
            case.name,
            case.labels.len(),
            case.margin
        );
        if case.kind == "hard" {
            c.check(&name, points, || case_verdict(hard, case));
        } else {
            c.check(&name, points, || case_verdict(semihard, case));
        }
    }
    c
}

/// The visible cases: PML's triplets on exact ties, a one-member class and a 24-row lattice.
const VISIBLE: [(&str, f32); 3] = [("ties", 1.0), ("one_member_class", 0.5), ("lattice24", 0.2)];

/// The visible checks: both miners on ties (duplicate rows, `m = 0` exactly), a class with one
/// member, and a lattice of 24 rows, against pytorch-metric-learning.
///
/// # Shapes
/// Each miner takes `(N, D)` embeddings, `N` labels and a margin, and returns `[a, p, n]` rows.
///
/// # Example
/// ```
/// use multimodal_search::exercise::triplet_miners;
/// let none = |_: &multimodal_search::candle_core::Tensor, _: &[u32], _: f32| Ok(vec![]);
/// assert!(!triplet_miners::check(none, none).passed());
/// ```
pub fn check(semihard: impl MinerFn, hard: impl MinerFn) -> Checklist {
    // fixtures/losses.json is committed beside the crate.
    match cases_from_json(include_str!("../../fixtures/losses.json")) {
        Ok(cases) => {
            let visible: Vec<MinerCase> = cases
                .into_iter()
                .filter(|c| VISIBLE.contains(&(c.name.as_str(), c.margin)))
                .collect();
            check_cases(&semihard, &hard, &visible, "", 1.0)
        }
        Err(e) => {
            let mut c = Checklist::new("triplet_miners");
            c.check("the reference cases load", 1.0, || Err(e));
            c
        }
    }
}
