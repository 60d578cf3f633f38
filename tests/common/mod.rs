//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The real data folder: `MMS_DATA`, else `../shared/data` beside the repo.
///
/// Panics (fails the test loudly) when it is missing: tests that need real data never skip.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("MMS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    assert!(
        dir.join("mnist").is_dir() && dir.join("fsdd/recordings").is_dir(),
        "real data not found at {}: set MMS_DATA to the folder holding mnist/ and fsdd/recordings/",
        dir.display()
    );
    dir
}

/// A fixture file committed under `fixtures/`, parsed as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {} unreadable: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture {} not JSON: {e}", path.display()))
}

/// Pearson correlation of two equal-length slices.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa.sqrt() * sbb.sqrt())
}

/// A JSON array of numbers as f32.
pub fn f32s(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

/// The largest absolute element-wise difference of two tensors of one shape.
pub fn max_abs_diff(
    a: &multimodal_search::candle_core::Tensor,
    b: &multimodal_search::candle_core::Tensor,
) -> f32 {
    (a - b)
        .and_then(|d| d.abs())
        .and_then(|d| d.max_all())
        .and_then(|d| d.to_scalar::<f32>())
        .expect("two tensors of one shape")
}

/// A small made-up `TutorialData` (no files): `train_images` digits and `train_audio`
/// spectrograms of smooth patterns with labels 0-3, and 8 validation items of each. For tests of
/// the plumbing (training, checkpoints, kernels), not of what is learned.
pub fn synthetic_data(
    train_images: usize,
    train_audio: usize,
) -> multimodal_search::data::TutorialData {
    use multimodal_search::candle_core::{Device, Tensor};
    use multimodal_search::data::{LabeledSet, TutorialData};
    let set = |n: usize, side: usize, seed: u64| {
        let v: Vec<f32> = (0..n * side * side)
            .map(|i| ((i as f64 * 0.37 + seed as f64).sin()) as f32)
            .collect();
        let x = Tensor::from_vec(v, (n, 1, side, side), &Device::Cpu).unwrap();
        let labels = (0..n as u32).map(|i| i % 4).collect();
        LabeledSet::new(x, labels, (0..n).map(|i| i.to_string()).collect()).unwrap()
    };
    TutorialData::from_sets(
        set(train_images, 28, 1),
        set(train_audio, 64, 2),
        set(8, 28, 3),
        set(8, 64, 4),
    )
    .unwrap()
}
