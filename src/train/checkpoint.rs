//! Checkpoints: a trained model's weights (`model.safetensors`, names as in PyTorch's
//! `state_dict`), its `config.json` and its `history.json`, side by side in one folder — what
//! Lightning's `ModelCheckpoint` and `save_hyperparameters()` keep in the tutorial.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;

use crate::error::{Error, Result};
use crate::train::config::TrainConfig;
use crate::train::history::History;
use crate::train::model::TutorialModel;
use crate::viz::svg::{persist_readable, write_atomic};

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
    /// The weights.
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
    /// A model initialized from `config.seed`, not trained (the "untrained weights" baseline).
    pub fn untrained(config: TrainConfig, device: &Device) -> Result<Self> {
        let (model, varmap) =
            TutorialModel::seeded(config.model, config.embedding_size, config.seed, device)?;
        Ok(TrainedModel {
            config,
            model,
            varmap,
            history: History::default(),
        })
    }

    /// Writes `model.safetensors`, `config.json` and `history.json` into `dir` (created if
    /// needed), each through a temporary file and a rename.
    pub fn save(&self, dir: &Path) -> Result<()> {
        save_parts(dir, &self.config, &self.varmap, &self.history)
    }

    /// Reads a checkpoint folder onto `device`, checking that the weights hold exactly the
    /// parameters (names and shapes) of the model `config.json` describes.
    pub fn load(dir: &Path, device: &Device) -> Result<Self> {
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
        check_params(&weights_path, &config, &tensors)?;
        let varmap = VarMap::new();
        {
            let mut data = lock(&varmap, dir)?;
            for (name, t) in tensors {
                data.insert(name, Var::from_tensor(&t)?);
            }
        }
        let model =
            TutorialModel::from_varmap(config.model, config.embedding_size, &varmap, device)?;
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
            varmap,
            history,
        })
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
    let tensors: HashMap<String, Tensor> = lock(varmap, dir)?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
        .collect();
    // candle writes the file itself: write it under a temporary name, then rename.
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    candle_core::safetensors::save(&tensors, tmp.path())
        .map_err(|e| checkpoint_err(dir, format!("writing the weights failed: {e}")))?;
    persist_readable(tmp, &dir.join(WEIGHTS_FILE))?;
    let config_json = serde_json::to_vec_pretty(config)
        .map_err(|e| checkpoint_err(dir, format!("serializing the config failed: {e}")))?;
    write_atomic(&dir.join(CONFIG_FILE), &config_json)?;
    let history_json = serde_json::to_vec_pretty(history)
        .map_err(|e| checkpoint_err(dir, format!("serializing the history failed: {e}")))?;
    write_atomic(&dir.join(HISTORY_FILE), &history_json)?;
    Ok(())
}

/// Compares the weights with the parameters `config` needs: every missing, unexpected or
/// mis-shaped tensor is named in the error (up to five of each).
fn check_params(
    path: &Path,
    config: &TrainConfig,
    tensors: &HashMap<String, Tensor>,
) -> Result<()> {
    let specs = TutorialModel::param_specs(config.model, config.embedding_size);
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for s in &specs {
        match tensors.get(&s.name) {
            None => missing.push(s.name.clone()),
            Some(t) if t.dims() != s.shape.as_slice() => problems.push(format!(
                "{}: expected shape {:?}, found {:?}",
                s.name,
                s.shape,
                t.dims()
            )),
            Some(t) if t.dtype() != DType::F32 => problems.push(format!(
                "{}: expected dtype f32, found {:?}",
                s.name,
                t.dtype()
            )),
            Some(_) => {}
        }
    }
    let mut unexpected: Vec<&String> = tensors
        .keys()
        .filter(|k| !specs.iter().any(|s| &s.name == *k))
        .collect();
    unexpected.sort();
    let list = |v: &[String]| {
        let head: Vec<&str> = v.iter().take(5).map(|s| s.as_str()).collect();
        let more = if v.len() > 5 {
            format!(" and {} more", v.len() - 5)
        } else {
            String::new()
        };
        format!("{}{more}", head.join(", "))
    };
    if !missing.is_empty() {
        problems.push(format!("missing {}", list(&missing)));
    }
    if !unexpected.is_empty() {
        let u: Vec<String> = unexpected.into_iter().cloned().collect();
        problems.push(format!("unexpected {}", list(&u)));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(checkpoint_err(
        path,
        format!(
            "the weights do not fit the {} model with embedding size {} that config.json describes: {}",
            config.model.name(),
            config.embedding_size,
            problems.join("; ")
        ),
    ))
}

fn checkpoint_err(path: &Path, reason: String) -> Error {
    Error::Checkpoint {
        path: PathBuf::from(path),
        reason,
    }
}

fn lock<'a>(
    varmap: &'a VarMap,
    dir: &Path,
) -> Result<std::sync::MutexGuard<'a, HashMap<String, Var>>> {
    varmap.data().lock().map_err(|_| {
        checkpoint_err(
            dir,
            "the weights' lock is poisoned (a thread panicked while holding it)".into(),
        )
    })
}
