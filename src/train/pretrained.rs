//! The tutorial's three trained models, committed under `checkpoints/` so notebooks and search
//! examples work on a fresh clone without training first.

use std::path::{Path, PathBuf};

use candle_core::Device;

use crate::error::{Error, Result};
use crate::model::ModelKind;
use crate::train::checkpoint::TrainedModel;

/// The folder holding the committed checkpoints: `$MMS_CHECKPOINTS` when set, else this
/// crate's own `checkpoints/` (found through the crate's manifest folder, so it also works from
/// a notebook's or a test's working directory).
///
/// # Example
/// ```
/// assert!(multimodal_search::train::pretrained_dir().ends_with("checkpoints"));
/// ```
pub fn pretrained_dir() -> PathBuf {
    match std::env::var_os("MMS_CHECKPOINTS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("checkpoints"),
    }
}

/// The unimodal speech model, the unimodal image model and the multimodal model.
///
/// # Shapes
/// See [`TrainedModel`]: embeddings `(B, 128)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::train::{load_pretrained, pretrained_dir};
/// let models = load_pretrained(&pretrained_dir())?;
/// assert_eq!(models.multimodal.config.embedding_size, 128);
/// assert!(models.unimodal_image.model.image_encoder().is_some());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Pretrained {
    /// Trained alone on spectrograms (the tutorial's `unimodal_speech`).
    pub unimodal_audio: TrainedModel,
    /// Trained alone on digit images (`unimodal_image`).
    pub unimodal_image: TrainedModel,
    /// Both encoders trained together (`model_multimodal`).
    pub multimodal: TrainedModel,
}

/// Loads `dir/unimodal_audio`, `dir/unimodal_image` and `dir/multimodal` onto the CPU.
pub fn load_pretrained(dir: &Path) -> Result<Pretrained> {
    let load = |kind: ModelKind| -> Result<TrainedModel> {
        let folder = dir.join(kind.name());
        let m = TrainedModel::load(&folder, &Device::Cpu)?;
        // Swapped or copied folders: say so now, not when a search needs the missing encoder.
        if m.config.model != kind {
            return Err(Error::InvalidConfig(format!(
                "{} holds a {} model (says its config.json), expected {}: are the checkpoint folders swapped?",
                folder.display(),
                m.config.model.name(),
                kind.name()
            )));
        }
        Ok(m)
    };
    Ok(Pretrained {
        unimodal_audio: load(ModelKind::Audio)?,
        unimodal_image: load(ModelKind::Image)?,
        multimodal: load(ModelKind::MultiModal)?,
    })
}
