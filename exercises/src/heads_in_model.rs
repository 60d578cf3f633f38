//! Exercise `heads_in_model`: Projection heads inside the multimodal model (notebook 02_architectures, Building our architectures).
//!
//! Plug projection heads of your own into the multimodal model and train it: `train_with_heads(data,
//! config)` builds the model with `TrainedModel::untrained_with` and a head builder, then trains it
//! with `Trainer::fit_model` for the config's steps. The check runs 12 steps of 32 pairs and looks for
//! the heads' parameters and a falling loss.
//!
//! Check it with `cargo test -p exercises heads_in_model`; a hint: `mmsearch exercises hint heads_in_model`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The tutorial's multimodal model with projection heads of your own on both encoders, trained
/// as `config` says: build the heads with `TrainedModel::untrained_with`, then train with
/// `Trainer::fit_model` (quietly: `.progress(ProgressMode::Quiet)`).
pub fn train_with_heads(_data: &TutorialData, _config: TrainConfig) -> Result<TrainedModel> {
    todo!("build the heads, plug them in, train")
}
