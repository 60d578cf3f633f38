//! The kernel switch end to end: a few training steps of the multimodal model with the fast
//! kernels and with the plain candle reference (what a GPU runs) give the same losses, to float
//! rounding, and both change the weights the same way.

mod common;

use multimodal_search::candle_core::Device;
use multimodal_search::kernels::Kernels;
use multimodal_search::model::ModelKind;
use multimodal_search::train::{OptimizerChoice, ProgressMode, TrainConfig, TrainedModel, Trainer};

fn train(kernels: Kernels) -> TrainedModel {
    let config = TrainConfig {
        batch_size: 16,
        epochs: 1,
        max_steps: Some(3),
        embedding_size: 16,
        // Plain SGD: Adam's first steps move every weight by about the learning rate whatever the
        // gradient's size, so a rounding-level difference in a near-zero gradient would flip a
        // whole step and hide what this test compares.
        optimizer: OptimizerChoice::Sgd { momentum: 0.0 },
        learning_rate: 0.05,
        ..TrainConfig::tutorial(ModelKind::MultiModal)
    };
    kernels.scope(|| {
        Trainer::new(config)
            .progress(ProgressMode::Quiet)
            .fit(&common::synthetic_data(48, 24))
            .unwrap()
    })
}

#[test]
fn fast_and_reference_kernels_train_alike() {
    let (fast, reference) = (train(Kernels::Fast), train(Kernels::Reference));
    let (a, b) = (&fast.history.step_losses, &reference.history.step_losses);
    assert_eq!(a.len(), 3);
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-4 * x.abs().max(1.0),
            "step losses {a:?} vs {b:?}"
        );
    }
    let (va, vb) = (
        fast.history.epochs[0].validation_loss.unwrap(),
        reference.history.epochs[0].validation_loss.unwrap(),
    );
    assert!((va - vb).abs() <= 1e-4 * va.abs().max(1.0), "{va} vs {vb}");
    let w = |t: &TrainedModel| {
        t.varmap.data().lock().unwrap()["audio_encoder.conv1.weight"]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
    };
    let diff = w(&fast)
        .iter()
        .zip(w(&reference))
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max);
    // The check can fail: training must have moved the weights.
    let start = TrainedModel::untrained(fast.config.clone(), &Device::Cpu).unwrap();
    let moved = w(&start)
        .iter()
        .zip(w(&fast))
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max);
    // The two paths agree on the update at least a hundred times more closely than its size.
    assert!(moved > 1e-4, "training moved conv1 by only {moved}");
    assert!(
        diff * 100.0 < moved,
        "conv1 weights differ by {diff}; training moved them by {moved}"
    );
}
