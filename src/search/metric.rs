//! How a query is compared with the stored embeddings.

use crate::error::{Error, Result};

/// The comparison used by an [`EmbeddingIndex`](crate::search::EmbeddingIndex).
///
/// Every hit carries a *score* (a similarity: higher is better) and a *distance* (lower is
/// better): cosine gives `score = cos`, `distance = 1 - cos`; Euclidean and Manhattan give
/// `distance = |q - x|` and `score = -distance`; dot product gives `score = q . x`,
/// `distance = -score`.
///
/// # Example
/// ```
/// use multimodal_search::search::Metric;
/// assert_eq!(Metric::default(), Metric::Cosine);
/// assert_eq!("euclidean".parse::<Metric>().unwrap(), Metric::Euclidean);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Cosine similarity (the tutorial's `F.cosine_similarity`).
    #[default]
    Cosine,
    /// Euclidean (L2) distance.
    Euclidean,
    /// Dot product.
    Dot,
    /// Manhattan (L1) distance.
    Manhattan,
}

impl Metric {
    /// The lower-case name (`cosine`, `euclidean`, `dot`, `manhattan`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cosine => "cosine",
            Metric::Euclidean => "euclidean",
            Metric::Dot => "dot",
            Metric::Manhattan => "manhattan",
        }
    }

    /// The distance that goes with a score.
    pub fn distance_of(self, score: f32) -> f32 {
        match self {
            Metric::Cosine => 1.0 - score,
            Metric::Euclidean | Metric::Manhattan | Metric::Dot => -score,
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Metric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cosine" => Ok(Metric::Cosine),
            "euclidean" | "l2" => Ok(Metric::Euclidean),
            "dot" => Ok(Metric::Dot),
            "manhattan" | "l1" => Ok(Metric::Manhattan),
            other => Err(Error::InvalidArgument(format!(
                "unknown metric {other:?}: expected cosine, euclidean, dot or manhattan"
            ))),
        }
    }
}
