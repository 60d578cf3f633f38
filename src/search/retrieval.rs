//! Retrieval metrics: how good a search is, in numbers instead of by eye.
//!
//! A hit is *relevant* when it shows the query's digit. Rankings are best first; equal scores
//! are ordered by row (lower first), so results are deterministic. For same-modality search the
//! query's own row is left out of its ranking.

use candle_core::Tensor;
use rayon::prelude::*;

use crate::data::TutorialData;
use crate::error::{Error, Result};
use crate::model::{Embed, Modality, TutorialModel};
use crate::search::index::EmbeddingIndex;
use crate::search::search_metric::SearchMetric;
use crate::search::select::better;

/// Relevance of each ranked row, best first, for one query's `scores`.
///
/// # Example
/// ```
/// use multimodal_search::search::retrieval::ranked_relevance;
/// // Scores 0.9 (digit 3), 0.5 (digit 1), 0.9 (digit 1): the tie goes to row 0.
/// assert_eq!(ranked_relevance(&[0.9, 0.5, 0.9], &[3, 1, 1], 1, None), vec![false, true, true]);
/// ```
pub fn ranked_relevance(
    scores: &[f32],
    labels: &[u32],
    query_label: u32,
    exclude: Option<usize>,
) -> Vec<bool> {
    let mut order: Vec<(f32, usize)> = scores
        .iter()
        .copied()
        .zip(0..)
        .filter(|&(_, i)| Some(i) != exclude)
        .collect();
    order.sort_unstable_by(|a, b| better(*a, *b));
    order
        .into_iter()
        .map(|(_, i)| labels[i] == query_label)
        .collect()
}

/// Relevant hits among the first `k`, divided by `k`.
///
/// # Example
/// ```
/// use multimodal_search::search::retrieval::precision_at_k;
/// assert_eq!(precision_at_k(&[true, false, true, true], 2), 0.5);
/// ```
pub fn precision_at_k(relevance: &[bool], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    relevance.iter().take(k).filter(|r| **r).count() as f64 / k as f64
}

/// Mean, over the relevant hits, of the precision at each one's rank (the full ranking); `None`
/// when nothing is relevant.
///
/// # Example
/// ```
/// use multimodal_search::search::retrieval::average_precision;
/// // Relevant at ranks 1 and 3: (1/1 + 2/3) / 2.
/// assert!((average_precision(&[true, false, true]).unwrap() - 5.0 / 6.0).abs() < 1e-12);
/// ```
pub fn average_precision(relevance: &[bool]) -> Option<f64> {
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, &r) in relevance.iter().enumerate() {
        if r {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    (hits > 0).then(|| sum / hits as f64)
}

/// Precision at `R`, the number of relevant rows; `None` when nothing is relevant.
///
/// # Example
/// ```
/// use multimodal_search::search::retrieval::r_precision;
/// assert_eq!(r_precision(&[true, false, true, false]), Some(0.5));
/// ```
pub fn r_precision(relevance: &[bool]) -> Option<f64> {
    let r = relevance.iter().filter(|x| **x).count();
    (r > 0).then(|| precision_at_k(relevance, r))
}

/// One search direction's averages over its queries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DirectionMetrics {
    /// `image -> audio`, `audio -> image`, `image -> image` or `audio -> audio`.
    pub direction: String,
    /// Number of queries.
    pub queries: usize,
    /// Precision at 1.
    pub precision_at_1: f64,
    /// Precision at `k` (the report's `k`).
    pub precision_at_k: f64,
    /// Mean average precision over the full ranking (queries with a relevant row).
    pub map: f64,
    /// Mean R-precision.
    pub r_precision: f64,
}

/// Scores `queries` (rows, with `query_labels`) against `index`.
///
/// With `same_set`, query `i` is row `i` of the index and is left out of its own ranking.
///
/// # Shapes
/// queries `(Q, D)` f32, `Q` labels.
pub fn evaluate_direction(
    direction: &str,
    queries: &Tensor,
    query_labels: &[u32],
    index: &EmbeddingIndex,
    k: usize,
    same_set: bool,
) -> Result<DirectionMetrics> {
    let q = queries.dims().first().copied().unwrap_or(0);
    if q == 0 || q != query_labels.len() {
        crate::bail!("{direction}: {q} queries and {} labels", query_labels.len());
    }
    if same_set && q != index.len() {
        crate::bail!(
            "{direction}: same-set evaluation needs the queries to be the index's {} rows, got {q}",
            index.len()
        );
    }
    let n = index.len();
    let mut per_query: Vec<(f64, f64, Option<f64>, Option<f64>)> = Vec::with_capacity(q);
    const BLOCK: usize = 512;
    let mut start = 0;
    while start < q {
        let len = BLOCK.min(q - start);
        let scores = index.scores(&queries.narrow(0, start, len)?)?;
        let block: Vec<_> = scores
            .par_chunks(n)
            .enumerate()
            .map(|(j, row)| {
                let i = start + j;
                let rel =
                    ranked_relevance(row, index.labels(), query_labels[i], same_set.then_some(i));
                (
                    precision_at_k(&rel, 1),
                    precision_at_k(&rel, k),
                    average_precision(&rel),
                    r_precision(&rel),
                )
            })
            .collect();
        per_query.extend(block);
        start += len;
    }
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    Ok(DirectionMetrics {
        direction: direction.to_string(),
        queries: q,
        precision_at_1: mean(per_query.iter().map(|x| x.0).collect()),
        precision_at_k: mean(per_query.iter().map(|x| x.1).collect()),
        map: mean(per_query.iter().filter_map(|x| x.2).collect()),
        r_precision: mean(per_query.iter().filter_map(|x| x.3).collect()),
    })
}

/// The four search directions of the tutorial, scored: the table the main job and the
/// notebooks print.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::search::{EmbeddingIndex, SearchMetric, RetrievalReport};
/// let e = Tensor::new(&[[1.0f32, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]], &Device::Cpu)?;
/// let ids = |p: &str| (0..4).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
/// let images = EmbeddingIndex::from_matrix(&e, vec![0, 0, 1, 1], ids("i"), SearchMetric::Cosine)?;
/// let audio = EmbeddingIndex::from_matrix(&e, vec![0, 0, 1, 1], ids("a"), SearchMetric::Cosine)?;
/// let report = RetrievalReport::evaluate(&images, &audio, 1)?;
/// assert_eq!(report.directions[0].precision_at_1, 1.0);
/// assert!(report.to_markdown().contains("| image -> audio |"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RetrievalReport {
    /// The `k` of precision at `k`.
    pub k: usize,
    /// image -> audio, audio -> image, image -> image, audio -> audio.
    pub directions: Vec<DirectionMetrics>,
}

impl RetrievalReport {
    /// Scores every direction between an index of image embeddings and one of audio embeddings
    /// (both built with the same metric).
    pub fn evaluate(images: &EmbeddingIndex, audio: &EmbeddingIndex, k: usize) -> Result<Self> {
        let mut report = Self::evaluate_cross_modal(images, audio, k)?;
        report.directions.push(evaluate_direction(
            "image -> image",
            images.matrix(),
            images.labels(),
            images,
            k,
            true,
        )?);
        report.directions.push(evaluate_direction(
            "audio -> audio",
            audio.matrix(),
            audio.labels(),
            audio,
            k,
            true,
        )?);
        Ok(report)
    }

    /// Scores only the two cross-modal directions (image -> audio, audio -> image): the search
    /// the tutorial is about, and much cheaper than image -> image over 10,000 images.
    pub fn evaluate_cross_modal(
        images: &EmbeddingIndex,
        audio: &EmbeddingIndex,
        k: usize,
    ) -> Result<Self> {
        let directions = vec![
            evaluate_direction(
                "image -> audio",
                images.matrix(),
                images.labels(),
                audio,
                k,
                false,
            )?,
            evaluate_direction(
                "audio -> image",
                audio.matrix(),
                audio.labels(),
                images,
                k,
                false,
            )?,
        ];
        Ok(RetrievalReport { k, directions })
    }

    /// Embeds `images` with `image_encoder` and `audio` with `audio_encoder` (cosine indexes,
    /// batches of 512) and scores them: all four directions, or the two cross-modal ones.
    ///
    /// This is how the tutorial's two comparisons are scored: the unimodal pair (two encoders
    /// trained apart) and the multimodal model's two encoders.
    pub fn from_encoders(
        image_encoder: &dyn Embed,
        audio_encoder: &dyn Embed,
        images: &crate::data::LabeledSet,
        audio: &crate::data::LabeledSet,
        k: usize,
        cross_modal_only: bool,
    ) -> Result<Self> {
        let metric = SearchMetric::Cosine;
        let images = EmbeddingIndex::from_encoder(image_encoder, images, 512, metric)?;
        let audio = EmbeddingIndex::from_encoder(audio_encoder, audio, 512, metric)?;
        if cross_modal_only {
            Self::evaluate_cross_modal(&images, &audio, k)
        } else {
            Self::evaluate(&images, &audio, k)
        }
    }

    /// Scores search over `data`'s validation sets with `image_model`'s image side and
    /// `audio_model`'s audio side (pass the multimodal model twice, or the unimodal image and
    /// speech models): all four directions, or only the two cross-modal ones.
    pub fn for_models(
        data: &TutorialData,
        image_model: &TutorialModel,
        audio_model: &TutorialModel,
        k: usize,
        cross_modal_only: bool,
    ) -> Result<Self> {
        Self::from_encoders(
            image_model.side(Modality::Image)?.as_ref(),
            audio_model.side(Modality::Audio)?.as_ref(),
            data.validation_images(),
            data.validation_audio(),
            k,
            cross_modal_only,
        )
    }

    /// The direction named `direction`, if present.
    pub fn direction(&self, direction: &str) -> Option<&DirectionMetrics> {
        self.directions.iter().find(|d| d.direction == direction)
    }

    /// JSON, for `metrics.json`.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|source| Error::Serialization {
            what: "the retrieval report".into(),
            source,
        })
    }
}
