//! Exercise `cosine_embedding_loss` (notebook 03): a pairwise margin loss on cosine similarity,
//! checked against PyTorch's `torch.nn.CosineEmbeddingLoss`.
//!
//! For a pair `(x1, x2)` with target `y`: `1 - cos(x1, x2)` when `y = 1`, and
//! `max(0, cos(x1, x2) - margin)` when `y = -1`; the loss is the mean over pairs. PyTorch's
//! cosine is `<x1, x2> / sqrt((|x1|^2 + eps)(|x2|^2 + eps))` with `eps = 1e-12`, so a zero vector
//! has cosine 0, never NaN.

use candle_core::{Device, Tensor};
use serde::Deserialize;

use crate::error::Result;
use crate::exercise::{Checklist, Verdict};

/// One reference case from PyTorch (`fixtures/exercises.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct CosineCase {
    /// What the inputs are (`random7`, `zero_vectors6`).
    pub name: String,
    /// The margin.
    pub margin: f32,
    /// First embeddings, `N` rows of 8.
    pub x1: Vec<Vec<f32>>,
    /// Second embeddings, `N` rows of 8.
    pub x2: Vec<Vec<f32>>,
    /// Targets, 1 or -1.
    pub y: Vec<i32>,
    /// PyTorch's mean loss.
    pub loss: f64,
    /// PyTorch's per-pair losses (`reduction="none"`).
    pub per_pair: Vec<f64>,
}

#[derive(Deserialize)]
struct File {
    cosine_embedding: Vec<CosineCase>,
}

/// The cases of a fixtures file's `cosine_embedding` list.
pub fn cases_from_json(text: &str) -> Result<Vec<CosineCase>> {
    serde_json::from_str::<File>(text)
        .map(|f| f.cosine_embedding)
        .map_err(|source| crate::error::Error::Serialization {
            what: "the cosine embedding loss cases".into(),
            source,
        })
}

/// Runs `loss` on `case` and compares with PyTorch's mean loss (to 1e-5).
pub fn case_verdict(
    loss: &impl Fn(&Tensor, &Tensor, &Tensor, f32) -> Result<Tensor>,
    case: &CosineCase,
) -> Result<Verdict> {
    let n = case.y.len();
    let d = case.x1.first().map_or(0, Vec::len);
    let flat = |rows: &[Vec<f32>]| rows.iter().flatten().copied().collect::<Vec<f32>>();
    let x1 = Tensor::from_vec(flat(&case.x1), (n, d), &Device::Cpu)?;
    let x2 = Tensor::from_vec(flat(&case.x2), (n, d), &Device::Cpu)?;
    let y: Vec<f32> = case.y.iter().map(|v| *v as f32).collect();
    let y = Tensor::from_vec(y, n, &Device::Cpu)?;
    let out = loss(&x1, &x2, &y, case.margin)?;
    if out.rank() != 0 {
        return Ok(Verdict::that(
            false,
            format!("a tensor of shape {:?}", out.dims()),
            "a scalar: the mean over the pairs",
        ));
    }
    let found = out.to_dtype(candle_core::DType::F64)?.to_scalar::<f64>()?;
    Ok(Verdict::close(found, case.loss, 1e-5))
}

fn row_name(case: &CosineCase) -> String {
    let pos = case.y.iter().filter(|v| **v == 1).count();
    format!(
        "{} pairs ({pos} with y = 1), margin {}{}: PyTorch's loss",
        case.y.len(),
        case.margin,
        if case.name.starts_with("zero") {
            ", zero vectors"
        } else {
            ""
        }
    )
}

/// Checks a list of cases, one row each (worth `points`).
pub fn check_cases(
    exercise: &str,
    loss: &impl Fn(&Tensor, &Tensor, &Tensor, f32) -> Result<Tensor>,
    cases: &[CosineCase],
    prefix: &str,
    points: f64,
) -> Checklist {
    let mut c = Checklist::new(exercise);
    for case in cases {
        c.check(&format!("{prefix}{}", row_name(case)), points, || {
            case_verdict(loss, case)
        });
    }
    c
}

/// The visible checks: PyTorch's `CosineEmbeddingLoss` on 4 and 7 pairs with both targets, at
/// margins 0, 0.2 and 0.5, and on pairs with zero vectors.
///
/// # Shapes
/// `loss(x1, x2, y, margin)`: `x1`, `x2` `(N, D)`, `y` `(N,)` of 1 and -1; returns a scalar.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::Tensor;
/// use multimodal_search::exercise::cosine_embedding_loss;
/// // Forgets the margin and the y = -1 case: fails.
/// let wrong = |a: &Tensor, b: &Tensor, _y: &Tensor, _m: f32| -> multimodal_search::Result<Tensor> {
///     Ok((a * b)?.sum_all()?)
/// };
/// assert!(!cosine_embedding_loss::check(wrong).passed());
/// # Ok(()) }
/// ```
pub fn check(loss: impl Fn(&Tensor, &Tensor, &Tensor, f32) -> Result<Tensor>) -> Checklist {
    // The file is committed beside the crate; a parse failure shows as an error row.
    match cases_from_json(include_str!("../../fixtures/exercises.json")) {
        Ok(cases) => check_cases("cosine_embedding_loss", &loss, &cases, "", 1.0),
        Err(e) => {
            let mut c = Checklist::new("cosine_embedding_loss");
            c.check("the reference cases load", 1.0, || Err(e));
            c
        }
    }
}
