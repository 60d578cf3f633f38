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
/// use multimodal_search::search::SearchMetric;
/// assert_eq!(SearchMetric::default(), SearchMetric::Cosine);
/// assert_eq!("euclidean".parse::<SearchMetric>().unwrap(), SearchMetric::Euclidean);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum SearchMetric {
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

impl SearchMetric {
    /// The lower-case name (`cosine`, `euclidean`, `dot`, `manhattan`).
    pub fn name(self) -> &'static str {
        match self {
            SearchMetric::Cosine => "cosine",
            SearchMetric::Euclidean => "euclidean",
            SearchMetric::Dot => "dot",
            SearchMetric::Manhattan => "manhattan",
        }
    }

    /// The distance that goes with a score.
    pub fn distance_of(self, score: f32) -> f32 {
        match self {
            SearchMetric::Cosine => 1.0 - score,
            SearchMetric::Euclidean | SearchMetric::Manhattan | SearchMetric::Dot => -score,
        }
    }
}

impl std::fmt::Display for SearchMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for SearchMetric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cosine" => Ok(SearchMetric::Cosine),
            "euclidean" | "l2" => Ok(SearchMetric::Euclidean),
            "dot" => Ok(SearchMetric::Dot),
            "manhattan" | "l1" => Ok(SearchMetric::Manhattan),
            _ => Err(Error::UnknownChoice {
                what: "metric",
                found: s.to_string(),
                expected: "cosine, euclidean, dot or manhattan",
            }),
        }
    }
}
