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
