//! Training on the real data: determinism, checkpoints (round trip, corrupt and mismatched files),
//! callbacks, and the committed pretrained models.

mod common;

use std::path::Path;

use multimodal_search::Error;
use multimodal_search::candle_core::Device;
use multimodal_search::data::DataDir;
use multimodal_search::data::{LabeledSet, TutorialData};
use multimodal_search::search::RetrievalReport;
use multimodal_search::train::{
    CheckpointEachEpoch, EarlyStopping, ModelKind, ProgressMode, TrainConfig, TrainedModel,
    Trainer, load_pretrained, pretrained_dir,
};
use multimodal_search::viz::EmbeddingPlots;
use sha2::{Digest, Sha256};

fn data() -> TutorialData {
    TutorialData::load(&DataDir::new(common::data_dir(), true)).expect("tutorial data")
}

fn small(kind: ModelKind, steps: usize, seed: u64) -> TrainConfig {
    TrainConfig {
        batch_size: 32,
        epochs: 1,
        max_steps: Some(steps),
        validate: false,
        seed,
        ..TrainConfig::tutorial(kind)
    }
}

/// SHA-256 over every weight's name and bytes, in name order.
fn weights_hash(t: &TrainedModel) -> String {
    let data = t.varmap.data().lock().unwrap();
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut h = Sha256::new();
    for n in names {
        h.update(n.as_bytes());
        for v in data[n]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
        {
            h.update(v.to_le_bytes());
        }
    }
    format!("{:x}", h.finalize())
}

#[test]
fn training_is_deterministic_bit_for_bit() {
    let data = data();
    let run = |seed| {
        Trainer::new(small(ModelKind::MultiModal, 6, seed))
            .progress(ProgressMode::Quiet)
            .fit(&data)
            .unwrap()
    };
    let (a, b) = (run(7), run(7));
    assert_eq!(a.history.steps(), 6);
    let bits = |t: &TrainedModel| {
        t.history
            .step_losses
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b), "same seed, different losses");
    assert_eq!(
        weights_hash(&a),
        weights_hash(&b),
        "same seed, different final weights"
    );
    // The check can fail: another seed trains differently.
    let c = run(8);
    assert_ne!(bits(&a), bits(&c));
    assert_ne!(weights_hash(&a), weights_hash(&c));
    // Training moved the weights away from their initialization.
    let fresh = TrainedModel::untrained(a.config.clone(), &Device::Cpu).unwrap();
    assert_ne!(weights_hash(&a), weights_hash(&fresh));
}

fn embed_first(t: &TrainedModel, data: &TutorialData, n: usize) -> Vec<u32> {
    let x = data.validation_images().items().narrow(0, 0, n).unwrap();
    let z = t.model.image_encoder().unwrap().forward(&x).unwrap().1;
    z.flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
        .iter()
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn checkpoint_round_trip_gives_identical_embeddings() {
    let data = data();
    let trained = Trainer::new(small(ModelKind::Image, 5, 3))
        .progress(ProgressMode::Quiet)
        .fit(&data)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    trained.save(dir.path()).unwrap();
    let back = TrainedModel::load(dir.path(), &Device::Cpu).unwrap();
    assert_eq!(back.config, trained.config);
    assert_eq!(back.history, trained.history);
    assert_eq!(
        embed_first(&back, &data, 64),
        embed_first(&trained, &data, 64)
    );
    assert_eq!(weights_hash(&back), weights_hash(&trained));
}

fn saved(kind: ModelKind, emb: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = TrainConfig {
        embedding_size: emb,
        ..TrainConfig::tutorial(kind)
    };
    TrainedModel::untrained(config, &Device::Cpu)
        .unwrap()
        .save(dir.path())
        .unwrap();
    dir
}

fn load_err(dir: &Path) -> String {
    let e = TrainedModel::load(dir, &Device::Cpu).unwrap_err();
    assert!(
        matches!(e, Error::Checkpoint { .. }),
        "not a checkpoint error: {e:?}"
    );
    e.to_string()
}

#[test]
fn corrupt_and_mismatched_checkpoints_give_clear_errors() {
    // Truncated weights.
    let d = saved(ModelKind::Image, 16);
    let w = d.path().join("model.safetensors");
    let bytes = std::fs::read(&w).unwrap();
    std::fs::write(&w, &bytes[..bytes.len() / 2]).unwrap();
    let e = load_err(d.path());
    assert!(
        e.contains("model.safetensors") && e.contains("not a readable safetensors"),
        "{e}"
    );

    // Garbage weights.
    std::fs::write(&w, b"definitely not safetensors").unwrap();
    assert!(load_err(d.path()).contains("not a readable safetensors"));

    // Missing and malformed config.
    let d = saved(ModelKind::Image, 16);
    std::fs::remove_file(d.path().join("config.json")).unwrap();
    let e = load_err(d.path());
    assert!(
        e.contains("config.json") && e.contains("cannot read the config"),
        "{e}"
    );
    std::fs::write(d.path().join("config.json"), "{\"model\": \"imag\"").unwrap();
    assert!(load_err(d.path()).contains("not a valid TrainConfig"));

    // Config says embedding 64, the weights are 16 wide: every mismatched shape is named.
    let d = saved(ModelKind::Image, 16);
    let mut c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("config.json")).unwrap()).unwrap();
    c["embedding_size"] = 64.into();
    std::fs::write(d.path().join("config.json"), c.to_string()).unwrap();
    let e = load_err(d.path());
    assert!(
        e.contains("encoding_layer.weight: expected shape [64, 512], found [16, 512]"),
        "{e}"
    );
    assert!(
        e.contains("unimodal_image model with embedding size 64"),
        "{e}"
    );

    // Image weights under an audio config: fc1 differs (256 vs 2704 inputs).
    let img = saved(ModelKind::Image, 16);
    let aud = saved(ModelKind::Audio, 16);
    std::fs::copy(
        img.path().join("model.safetensors"),
        aud.path().join("model.safetensors"),
    )
    .unwrap();
    let e = load_err(aud.path());
    assert!(
        e.contains("fc1.weight: expected shape [512, 2704], found [512, 256]"),
        "{e}"
    );

    // Unimodal weights under the multimodal config: names are missing and unexpected.
    let mm = saved(ModelKind::MultiModal, 16);
    std::fs::copy(
        img.path().join("model.safetensors"),
        mm.path().join("model.safetensors"),
    )
    .unwrap();
    let e = load_err(mm.path());
    assert!(
        e.contains("missing image_encoder.") && e.contains("unexpected conv1.bias"),
        "{e}"
    );
}

#[test]
fn early_stopping_ends_a_run_that_stops_improving() {
    let data = data();
    // A learning rate so small that the validation loss cannot improve by min_delta. One batch
    // of 256 covers the 256 validation images, so the loss does not depend on the shuffle.
    let config = TrainConfig {
        learning_rate: 1e-12,
        epochs: 6,
        batch_size: 256,
        max_steps: None,
        validate: true,
        ..small(ModelKind::Image, 1, 5)
    };
    let take = |set: &LabeledSet, n: usize| {
        let idx: Vec<usize> = (0..n).collect();
        let (x, y) = set.gather(&idx).unwrap();
        LabeledSet::new(x, y.to_vec1::<u32>().unwrap(), set.ids()[..n].to_vec()).unwrap()
    };
    let data_small = TutorialData::from_sets(
        take(data.train.images(), 320),
        take(data.train.audio(), 100),
        take(data.validation_images(), 256),
        take(data.validation_audio(), 100),
    )
    .unwrap();
    let mut stop = EarlyStopping::new(2);
    stop.min_delta = 1e-3;
    let ckpt_dir = tempfile::tempdir().unwrap();
    let mut each = CheckpointEachEpoch::new(ckpt_dir.path());
    let t = Trainer::new(config)
        .progress(ProgressMode::Quiet)
        .fit_with(&data_small, &mut [&mut stop, &mut each])
        .unwrap();
    assert_eq!(
        t.history.epochs.len(),
        3,
        "best at epoch 1, then two epochs without improvement"
    );
    assert!(t.history.stopped_early);
    assert!(stop.best().is_some());
    // One checkpoint per epoch that ran, each loadable, the last equal to the final model.
    for n in 1..=3 {
        let dir = ckpt_dir.path().join(format!("epoch_{n}"));
        let back = TrainedModel::load(&dir, &Device::Cpu).unwrap();
        assert_eq!(back.history.epochs.len(), n);
        if n == 3 {
            assert_eq!(weights_hash(&back), weights_hash(&t));
        }
    }
    assert!(!ckpt_dir.path().join("epoch_4").exists());
}

#[test]
fn plots_show_axes_legends_and_both_modalities() {
    let data = data();
    let mut plots = EmbeddingPlots::new(None);
    plots.max_points = 200;
    let t = Trainer::new(small(ModelKind::MultiModal, 3, 1))
        .progress(ProgressMode::Quiet)
        .fit_with(&data, &mut [&mut plots])
        .unwrap();
    assert_eq!(plots.charts.len(), 1);
    let svg = plots.charts[0].as_str();
    for text in [
        "principal component 1",
        "principal component 2",
        "digit 0",
        "digit 9",
        "image (circle)",
        "audio (triangle)",
        "after epoch 1",
    ] {
        assert!(svg.contains(text), "scatter lacks {text:?}");
    }
    // 200 images as circles and 200 recordings as triangles (polygons), plus legend markers.
    assert!(svg.matches("<circle").count() >= 200);
    assert!(svg.matches("<polygon").count() >= 200);
    let curves = t.history.loss_curves("multimodal").chart().unwrap();
    for text in [
        "optimizer step",
        "loss",
        "train loss (per step)",
        "train loss (epoch mean)",
    ] {
        assert!(curves.as_str().contains(text), "loss chart lacks {text:?}");
    }
}

#[test]
fn committed_pretrained_models_search_across_modalities() {
    let data = data();
    let models = load_pretrained(&pretrained_dir()).expect("checkpoints/ holds the three models");
    let report = |i: &TrainedModel, a: &TrainedModel| {
        RetrievalReport::for_models(&data, &i.model, &a.model, 5, true).unwrap()
    };
    let multi = report(&models.multimodal, &models.multimodal);
    let uni = report(&models.unimodal_image, &models.unimodal_audio);
    for d in ["image -> audio", "audio -> image"] {
        let m = multi.direction(d).unwrap().precision_at_k;
        let u = uni.direction(d).unwrap().precision_at_k;
        assert!(m >= 0.8, "pretrained multimodal {d} P@5 {m:.3} < 0.8");
        assert!(u <= 0.35, "pretrained unimodal pair {d} P@5 {u:.3} > 0.35");
    }
    assert_eq!(
        models.multimodal.config,
        TrainConfig::tutorial(ModelKind::MultiModal)
    );
}
