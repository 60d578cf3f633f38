//! Checkpoints: a trained model's weights (`model.safetensors`, names as in PyTorch's
//! `state_dict`), its `config.json` and its `history.json`, side by side in one folder — what
//! Lightning's `ModelCheckpoint` and `save_hyperparameters()` keep in the tutorial.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};

use crate::error::{Error, Result};
use crate::fs::{persist_readable, write_atomic};
use crate::model::{BuildHead, ModelKind, ParamStore, TutorialModel};
use crate::train::config::TrainConfig;
use crate::train::history::History;

/// File name of the weights inside a checkpoint folder.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// File name of the configuration inside a checkpoint folder.
pub const CONFIG_FILE: &str = "config.json";
/// File name of the training history inside a checkpoint folder.
pub const HISTORY_FILE: &str = "history.json";

/// A model with its config and history: what training returns and a checkpoint holds.
///
/// # Shapes
/// See [`TutorialModel`]; the weights are f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::Device;
/// use multimodal_search::train::{ModelKind, TrainConfig, TrainedModel};
/// let config = TrainConfig { embedding_size: 8, ..TrainConfig::tutorial(ModelKind::Image) };
/// let fresh = TrainedModel::untrained(config, &Device::Cpu)?;
/// let dir = tempfile::tempdir().unwrap();
/// fresh.save(dir.path())?;
/// let back = TrainedModel::load(dir.path(), &Device::Cpu)?;
/// assert_eq!(back.config, fresh.config);
/// # Ok(()) }
/// ```
pub struct TrainedModel {
    /// The run's hyperparameters.
    pub config: TrainConfig,
    /// The model, reading its weights from `varmap`.
    pub model: TutorialModel,
    /// The weights, as trainable variables named as PyTorch's `state_dict` names them.
    pub varmap: VarMap,
    /// What training logged (empty for an untrained model).
    pub history: History,
}

impl std::fmt::Debug for TrainedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainedModel")
            .field("config", &self.config)
            .field("model", &self.model)
            .field("variables", &self.varmap.all_vars().len())
            .field("steps", &self.history.steps())
            .finish()
    }
}

impl TrainedModel {
    /// A model initialized from `config.seed`, not trained (the "untrained weights" baseline);
    /// with `config.projection`, MLP heads follow the multimodal model's encoders.
    pub fn untrained(config: TrainConfig, device: &Device) -> Result<Self> {
        let store = ParamStore::seeded(config.seed);
        let model = build(&config, None, store.var_builder(device))?;
        Ok(Self::from_parts(config, model, store.varmap()))
    }

    /// The multimodal model of `config` with heads of your own after its encoders, initialized
    /// from `config.seed` (heads drawn after both encoders, so the encoders start as in
    /// [`TrainedModel::untrained`]).
    pub fn untrained_with(
        config: TrainConfig,
        device: &Device,
        build_head: &BuildHead<'_>,
    ) -> Result<Self> {
        if config.projection.is_some() {
            return Err(Error::InvalidConfig(
                "the config asks for MLP projection heads and heads of your own were given: \
                 set `projection: None` to train your own"
                    .into(),
            ));
        }
        let store = ParamStore::seeded(config.seed);
        let model = build(&config, Some(build_head), store.var_builder(device))?;
        Ok(Self::from_parts(config, model, store.varmap()))
    }

    fn from_parts(config: TrainConfig, model: TutorialModel, varmap: VarMap) -> Self {
        TrainedModel {
            config,
            model,
            varmap,
            history: History::default(),
        }
    }

    /// Writes `model.safetensors`, `config.json` and `history.json` into `dir` (created if
    /// needed), each through a temporary file and a rename.
    pub fn save(&self, dir: &Path) -> Result<()> {
        save_parts(dir, &self.config, &self.varmap, &self.history)
    }

    /// Reads a checkpoint folder onto `device`, checking that the weights hold exactly the
    /// parameters (names and shapes) of the model `config.json` describes.
    pub fn load(dir: &Path, device: &Device) -> Result<Self> {
        Self::load_parts(dir, device, None)
    }

    /// Reads a checkpoint of a multimodal model trained with heads of your own
    /// ([`TrainedModel::untrained_with`]): `build_head` makes them again, and their weights
    /// are checked like the encoders'.
    pub fn load_with(dir: &Path, device: &Device, build_head: &BuildHead<'_>) -> Result<Self> {
        Self::load_parts(dir, device, Some(build_head))
    }

    fn load_parts(dir: &Path, device: &Device, build_head: Option<&BuildHead<'_>>) -> Result<Self> {
        let config_path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| checkpoint_err(&config_path, format!("cannot read the config: {e}")))?;
        let config: TrainConfig = serde_json::from_str(&text)
            .map_err(|e| checkpoint_err(&config_path, format!("not a valid TrainConfig: {e}")))?;
        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes = std::fs::read(&weights_path)
            .map_err(|e| checkpoint_err(&weights_path, format!("cannot read the weights: {e}")))?;
        let tensors = candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| {
            checkpoint_err(
                &weights_path,
                format!(
                    "not a readable safetensors file ({} bytes): {e}",
                    bytes.len()
                ),
            )
        })?;
        // The layers ask for their parameters; the store hands out the checkpoint's tensors and
        // notes every one that is missing, mis-shaped or left over.
        let store = ParamStore::from_tensors(tensors);
        let misfit = |reason: String| {
            checkpoint_err(
                &weights_path,
                format!(
                    "the weights do not fit the {} model with embedding size {} that config.json describes: {reason}",
                    config.model.name(),
                    config.embedding_size
                ),
            )
        };
        let model = build(&config, build_head, store.var_builder(device))
            .map_err(|e| misfit(e.to_string()))?;
        store.check().map_err(|e| match e {
            Error::Parameters(reason) => misfit(reason),
            other => other,
        })?;
        let history_path = dir.join(HISTORY_FILE);
        let history = match std::fs::read_to_string(&history_path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| checkpoint_err(&history_path, format!("not a valid history: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => History::default(),
            Err(e) => return Err(Error::io(history_path, e)),
        };
        Ok(TrainedModel {
            config,
            model,
            varmap: store.varmap(),
            history,
        })
    }
}

/// The model `config` describes, with MLP heads from `config.projection` or the given ones.
fn build(
    config: &TrainConfig,
    build_head: Option<&BuildHead<'_>>,
    vb: VarBuilder,
) -> Result<TutorialModel> {
    match build_head {
        None => TutorialModel::new(config.model, config.embedding_size, config.projection, vb),
        Some(_) if config.model != ModelKind::MultiModal => Err(Error::InvalidConfig(format!(
            "projection heads need the multimodal model, not {}",
            config.model.name()
        ))),
        Some(f) => TutorialModel::with_heads(config.embedding_size, f, vb),
    }
}

/// Writes a checkpoint from its parts (what [`TrainedModel::save`] and the per-epoch callback use).
pub(crate) fn save_parts(
    dir: &Path,
    config: &TrainConfig,
    varmap: &VarMap,
    history: &History,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tensors: HashMap<String, Tensor> = lock(varmap)?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
        .collect();
    // candle writes the file itself: write it under a temporary name, then rename.
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    candle_core::safetensors::save(&tensors, tmp.path())
        .map_err(|e| checkpoint_err(dir, format!("writing the weights failed: {e}")))?;
    persist_readable(tmp, &dir.join(WEIGHTS_FILE))?;
    let config_json = serde_json::to_vec_pretty(config).map_err(|source| Error::Serialization {
        what: format!("the config of {}", dir.display()),
        source,
    })?;
    write_atomic(&dir.join(CONFIG_FILE), &config_json)?;
    let history_json =
        serde_json::to_vec_pretty(history).map_err(|source| Error::Serialization {
            what: format!("the history of {}", dir.display()),
            source,
        })?;
    write_atomic(&dir.join(HISTORY_FILE), &history_json)?;
    Ok(())
}

fn checkpoint_err(path: &Path, reason: String) -> Error {
    Error::Checkpoint {
        path: PathBuf::from(path),
        reason,
    }
}

fn lock(varmap: &VarMap) -> Result<std::sync::MutexGuard<'_, HashMap<String, Var>>> {
    varmap
        .data()
        .lock()
        .map_err(|_| Error::Poisoned("the weights' VarMap"))
}
