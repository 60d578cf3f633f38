//! The readable training loop (`train::fit`) is the loop that made the committed speech model:
//! run on the tutorial's audio config with seed 42 and two threads, it reproduces every step
//! loss and both validation losses in `checkpoints/unimodal_audio/history.json` bit for bit.

mod common;

use multimodal_search::candle_core::Device;
use multimodal_search::data::{DataDir, TutorialData};
use multimodal_search::model::{ModelKind, TutorialModel};
use multimodal_search::train::{Control, History, Hooks, TrainConfig, fit, pretrained_dir};

/// Keeps the losses the loop reports.
#[derive(Default)]
struct Losses {
    steps: Vec<f32>,
    validation: Vec<f32>,
}

impl Hooks for Losses {
    fn on_step_end(&mut self, _step: usize, loss: f32, _n: usize) -> multimodal_search::Result<()> {
        self.steps.push(loss);
        Ok(())
    }

    fn on_epoch_end(
        &mut self,
        _epoch: usize,
        loss: Option<f32>,
    ) -> multimodal_search::Result<Control> {
        self.validation.extend(loss);
        Ok(Control::Continue)
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn the_readable_loop_reproduces_the_committed_speech_model() {
    // candle and our kernels split work by thread count, and float sums depend on the split:
    // the committed run used two threads. This is the only test in this binary, so nothing
    // else reads the variable while it is set.
    // SAFETY: this binary's only test; the harness's main thread just waits for it, and no
    // rayon pool (the only other reader of the variable) exists before the first tensor op below.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", "2") };
    let dir = pretrained_dir().join("unimodal_audio");
    let text = std::fs::read_to_string(dir.join("history.json")).unwrap();
    let committed: History = serde_json::from_str(&text).unwrap();
    let config: TrainConfig =
        serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    assert_eq!(config, TrainConfig::tutorial(ModelKind::Audio));

    let data = TutorialData::load(&DataDir::new(common::data_dir(), true)).unwrap();
    let (model, varmap) = TutorialModel::seeded(ModelKind::Audio, 128, 42, &Device::Cpu).unwrap();
    let mut losses = Losses::default();
    fit(&model, &varmap, &data, &config, &mut losses).unwrap();

    assert_eq!(losses.steps.len(), committed.step_losses.len());
    assert_eq!(
        bits(&losses.steps),
        bits(&committed.step_losses),
        "step losses"
    );
    let want: Vec<f32> = committed
        .epochs
        .iter()
        .filter_map(|e| e.validation_loss)
        .collect();
    assert_eq!(bits(&losses.validation), bits(&want), "validation losses");
}
