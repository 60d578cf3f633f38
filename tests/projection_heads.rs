//! Projection heads through the whole pipeline: the crate's MLP head and a head type defined
//! here, trained by `Trainer`, saved, loaded (`load` and `load_with`) and embedding bit for bit
//! as before.

mod common;

use multimodal_search::candle_core::{DType, Device, Module, Tensor};
use multimodal_search::candle_nn::{Linear, VarBuilder};
use multimodal_search::data::TutorialData;
use multimodal_search::model::{MlpProjectionConfig, ModelKind, Projection, TutorialModel};
use multimodal_search::train::{ProgressMode, TrainConfig, TrainedModel, Trainer};

fn config() -> TrainConfig {
    TrainConfig {
        batch_size: 8,
        epochs: 1,
        max_steps: Some(3),
        embedding_size: 16,
        validate: false,
        ..TrainConfig::tutorial(ModelKind::MultiModal)
    }
}

/// A head of the test's own: `tanh(W x + b)`, its one layer under `proj`.
struct TanhHead(Linear);

impl Module for TanhHead {
    fn forward(&self, x: &Tensor) -> multimodal_search::candle_core::Result<Tensor> {
        self.0.forward(x)?.tanh()
    }
}

fn tanh_head(input: usize, vb: VarBuilder) -> multimodal_search::Result<Box<dyn Projection>> {
    Ok(Box::new(TanhHead(multimodal_search::candle_nn::linear(
        input,
        8,
        vb.pp("proj"),
    )?)))
}

fn head_weights(t: &TrainedModel) -> Vec<(String, Vec<f32>)> {
    let data = t.varmap.data().lock().unwrap();
    let mut v: Vec<(String, Vec<f32>)> = data
        .iter()
        .filter(|(k, _)| k.contains("_projection."))
        .map(|(k, var)| {
            let values = var
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            (k.clone(), values)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn embeddings(model: &TutorialModel, data: &TutorialData) -> (Vec<u32>, Vec<u32>) {
    let TutorialModel::MultiModal(m) = model else {
        panic!("expected the multimodal model, got {:?}", model.kind());
    };
    let (images, _) = data.validation_images().gather(&[0, 1, 2]).unwrap();
    let (audio, _) = data.validation_audio().gather(&[0, 1, 2]).unwrap();
    let bits = |t: Tensor| {
        t.flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    };
    (
        bits(m.embed_images(&images).unwrap().1),
        bits(m.embed_audio(&audio).unwrap().1),
    )
}

#[test]
fn mlp_heads_train_save_and_load_bit_for_bit() {
    let data = common::synthetic_data(32, 16);
    let config = TrainConfig {
        projection: Some(MlpProjectionConfig {
            hidden_size: 12,
            output_size: 6,
        }),
        ..config()
    };
    let start = TrainedModel::untrained(config.clone(), &Device::Cpu).unwrap();
    let before = head_weights(&start);
    assert_eq!(
        before.len(),
        8,
        "two heads of two layers, weight and bias each"
    );
    let trained = Trainer::new(config)
        .progress(ProgressMode::Quiet)
        .fit_model(start, &data, &mut [])
        .unwrap();
    assert_eq!(trained.history.steps(), 3);
    let after = head_weights(&trained);
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_ne!(a, b, "{name} did not change under training");
    }
    let (image, audio) = embeddings(&trained.model, &data);
    assert_eq!(image.len(), 3 * 6, "the heads map into a 6-wide space");
    let dir = tempfile::tempdir().unwrap();
    trained.save(dir.path()).unwrap();
    let back = TrainedModel::load(dir.path(), &Device::Cpu).unwrap();
    assert_eq!(back.config, trained.config);
    assert_eq!(head_weights(&back), after);
    assert_eq!(embeddings(&back.model, &data), (image, audio));
}

#[test]
fn heads_of_your_own_train_save_and_load_with_bit_for_bit() {
    let data = common::synthetic_data(32, 16);
    let start = TrainedModel::untrained_with(config(), &Device::Cpu, &tanh_head).unwrap();
    let before = head_weights(&start);
    let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "audio_projection.proj.bias",
            "audio_projection.proj.weight",
            "image_projection.proj.bias",
            "image_projection.proj.weight"
        ]
    );
    // The heads are drawn after both encoders: the encoders start as without heads.
    let plain = TrainedModel::untrained(config(), &Device::Cpu).unwrap();
    let w = |t: &TrainedModel| {
        t.varmap.data().lock().unwrap()["audio_encoder.fc1.weight"]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
    };
    assert_eq!(w(&start), w(&plain));
    let trained = Trainer::new(config())
        .progress(ProgressMode::Quiet)
        .fit_model(start, &data, &mut [])
        .unwrap();
    for ((name, a), (_, b)) in before.iter().zip(&head_weights(&trained)) {
        assert_ne!(a, b, "{name} did not change under training");
    }
    let emb = embeddings(&trained.model, &data);
    let dir = tempfile::tempdir().unwrap();
    trained.save(dir.path()).unwrap();
    let back = TrainedModel::load_with(dir.path(), &Device::Cpu, &tanh_head).unwrap();
    assert_eq!(embeddings(&back.model, &data), emb);
    // Without the head builder the head weights are unexpected, and the error says which.
    let err = TrainedModel::load(dir.path(), &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unexpected audio_projection.proj.bias"),
        "{err}"
    );
    // A head of the wrong width is named with both shapes.
    let wide = |input: usize, vb: VarBuilder| -> multimodal_search::Result<Box<dyn Projection>> {
        Ok(Box::new(TanhHead(multimodal_search::candle_nn::linear(
            input,
            9,
            vb.pp("proj"),
        )?)))
    };
    let err = TrainedModel::load_with(dir.path(), &Device::Cpu, &wide)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("image_projection.proj.weight: expected shape [9, 16], found [8, 16]"),
        "{err}"
    );
}

#[test]
fn heads_are_refused_for_unimodal_models() {
    let config = TrainConfig {
        projection: Some(MlpProjectionConfig::default()),
        ..TrainConfig::tutorial(ModelKind::Audio)
    };
    let err = TrainedModel::untrained(config, &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(err.contains("multimodal"), "{err}");
    let zeros = Tensor::zeros((1, 16), DType::F32, &Device::Cpu).unwrap();
    assert_eq!(
        tanh_head(16, VarBuilder::zeros(DType::F32, &Device::Cpu))
            .unwrap()
            .forward(&zeros)
            .unwrap()
            .dims(),
        &[1, 8]
    );
}
