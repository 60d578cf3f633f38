//! NT-Xent (SimCLR's loss) and CLIP's symmetric contrastive loss, from the tutorial's theory.

use candle_core::{D, DType, Tensor};

use crate::error::Result;
use crate::loss::batch::{check_batch, check_finite};
use crate::loss::cross_entropy::cross_entropy;
use crate::ops::PairwiseDistance;

/// PML's `NTXentLoss` with cosine similarity: for every positive pair `(a, p)` (same label,
/// `a != p`), `-log(exp(s_ap / t) / (exp(s_ap / t) + sum_n exp(s_an / t)))` over the negatives `n`
/// of `a` (PML's convention: the denominator holds the positive and the negatives only), averaged
/// over positive pairs; no positive pair gives 0.
///
/// # Shapes
/// embeddings `(N, D)` f32, labels `(N,)` integer -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::NTXentLoss;
/// let e = Tensor::new(&[[1.0f32, 0.0], [1.0, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let labels = Tensor::new(&[0u32, 0, 1], &Device::Cpu)?;
/// let l = NTXentLoss::new(1.0).forward(&e, &labels)?.to_scalar::<f32>()?;
/// // s_ap = 1, s_an = 0: -log(e / (e + 1)).
/// assert!((l - (1.0f32 + (-1.0f32).exp()).ln()).abs() < 1e-6);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NTXentLoss {
    /// The temperature `t` (PML's default is 0.07).
    pub temperature: f32,
}

impl Default for NTXentLoss {
    fn default() -> Self {
        NTXentLoss { temperature: 0.07 }
    }
}

impl NTXentLoss {
    /// A loss at `temperature`.
    pub fn new(temperature: f32) -> Self {
        NTXentLoss { temperature }
    }

    /// The loss of one batch.
    pub fn forward(&self, embeddings: &Tensor, labels: &Tensor) -> Result<Tensor> {
        let labels = check_batch(embeddings, labels)?;
        if self.temperature.is_nan() || self.temperature <= 0.0 {
            crate::bail!("temperature must be > 0, got {}", self.temperature);
        }
        let n = labels.len();
        let dev = embeddings.device();
        let s =
            (PairwiseDistance::Cosine.matrix(embeddings, embeddings)? / self.temperature as f64)?;
        let (mut anchors, mut positives) = (Vec::new(), Vec::new());
        let mut neg_mask = vec![0u8; n * n];
        for a in 0..n {
            for j in 0..n {
                if labels[j] != labels[a] {
                    neg_mask[a * n + j] = 1;
                } else if j != a {
                    anchors.push(a as u32);
                    positives.push((a * n + j) as u32);
                }
            }
        }
        if anchors.is_empty() {
            return crate::loss::triplet::zero_loss(embeddings);
        }
        let k = anchors.len();
        let anchors = Tensor::from_vec(anchors, k, dev)?;
        let positives = Tensor::from_vec(positives, k, dev)?;
        let pos = s.flatten_all()?.index_select(&positives, 0)?.unsqueeze(1)?; // (k, 1)
        let rows = s.index_select(&anchors, 0)?; // (k, n)
        let mask = Tensor::from_vec(neg_mask, (n, n), dev)?.index_select(&anchors, 0)?;
        let neg_inf = Tensor::full(f32::NEG_INFINITY, (k, n), dev)?;
        let negs = mask.where_cond(&rows, &neg_inf)?;
        // The max is a constant for stability (PML detaches it).
        let max_val = pos.maximum(&negs.max_keepdim(D::Minus1)?)?.detach();
        let numerator = pos.broadcast_sub(&max_val)?.exp()?.squeeze(1)?;
        let denominator = (negs.broadcast_sub(&max_val)?.exp()?.sum(D::Minus1)? + &numerator)?;
        let ratio = (numerator / denominator)?.affine(1.0, f32::MIN_POSITIVE as f64)?;
        Ok(ratio.log()?.neg()?.mean_all()?)
    }
}

/// CLIP's symmetric contrastive loss: row `i` of `image` and of `audio` are a matched pair;
/// logits are cosine similarities over `temperature`; the loss is the mean of cross-entropy
/// image->audio and audio->image with the matching index as the class.
///
/// # Shapes
/// image `(B, D)`, audio `(B, D)` f32 -> scalar f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::loss::ClipLoss;
/// let x = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu)?;
/// let matched = ClipLoss::new(0.1).forward(&x, &x)?.to_scalar::<f32>()?;
/// let y = Tensor::new(&[[0.0f32, 1.0], [1.0, 0.0]], &Device::Cpu)?;
/// let swapped = ClipLoss::new(0.1).forward(&x, &y)?.to_scalar::<f32>()?;
/// assert!(matched < swapped);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClipLoss {
    /// The temperature (CLIP starts at 0.07).
    pub temperature: f32,
}

impl ClipLoss {
    /// A loss at `temperature`.
    pub fn new(temperature: f32) -> Self {
        ClipLoss { temperature }
    }

    /// The loss of one batch of matched pairs.
    pub fn forward(&self, image: &Tensor, audio: &Tensor) -> Result<Tensor> {
        if image.rank() != 2 || image.dims() != audio.dims() || image.dim(0)? == 0 {
            crate::bail!(
                "CLIP loss needs two non-empty (B, D) batches of one shape, got {:?} and {:?}",
                image.dims(),
                audio.dims()
            );
        }
        if self.temperature.is_nan() || self.temperature <= 0.0 {
            crate::bail!("temperature must be > 0, got {}", self.temperature);
        }
        check_finite(image, "image embeddings")?;
        check_finite(audio, "audio embeddings")?;
        let b = image.dim(0)?;
        let logits = (PairwiseDistance::Cosine.matrix(image, audio)? / self.temperature as f64)?;
        let targets = Tensor::arange(0u32, b as u32, image.device())?.to_dtype(DType::U32)?;
        let i2a = cross_entropy(&logits, &targets, None)?;
        let a2i = cross_entropy(&logits.t()?.contiguous()?, &targets, None)?;
        Ok(((i2a + a2i)? * 0.5)?)
    }
}
