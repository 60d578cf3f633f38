//! The spectrogram against matplotlib's own numbers (fixtures/spectrogram.json, made by
//! scripts/fixtures/make_spectrogram_fixtures.sh with the seed's rendering code path).

mod common;

use multimodal_search::data::{Resampling, SpectrogramConfig, Spectrogrammer, read_wav};

fn recordings() -> Vec<serde_json::Value> {
    common::fixture("spectrogram.json")["recordings"]
        .as_array()
        .expect("recordings array")
        .clone()
}

fn psd_db_worst(spec: &Spectrogrammer, samples: &[i16], fx: &serde_json::Value) -> f64 {
    let psd = spec.psd(samples);
    assert_eq!(psd.n_freqs as u64, fx["n_freqs"].as_u64().unwrap());
    assert_eq!(psd.n_frames as u64, fx["n_frames"].as_u64().unwrap());
    let pxx_max = fx["pxx_max"].as_f64().unwrap();
    let ours = psd.to_db();
    let mut worst: f64 = 0.0;
    for (f, row) in fx["psd_db"].as_array().unwrap().iter().enumerate() {
        for (t, v) in row.as_array().unwrap().iter().enumerate() {
            let p = psd.data[f * psd.n_frames + t];
            match v.as_f64() {
                Some(want) if p > 1e-12 * pxx_max => {
                    worst = worst.max((ours[f * psd.n_frames + t] - want).abs());
                }
                None => assert_eq!(p, 0.0, "matplotlib has Pxx = 0 at ({f}, {t}); ours is {p}"),
                _ => {}
            }
        }
    }
    worst
}

#[test]
fn psd_matches_mlab_specgram_within_1e3_db() {
    let data = common::data_dir().join("fsdd/recordings");
    let spec = Spectrogrammer::default();
    let mut worst_all: f64 = 0.0;
    for fx in recordings() {
        let name = fx["name"].as_str().unwrap();
        let samples = read_wav(&data.join(name)).unwrap();
        assert_eq!(
            samples.len() as u64,
            fx["n_samples"].as_u64().unwrap(),
            "{name}"
        );
        let worst = psd_db_worst(&spec, &samples, &fx);
        println!("{name}: worst |dB diff| {worst:.2e}");
        assert!(worst < 1e-3, "{name}: PSD differs from mlab by {worst} dB");
        worst_all = worst_all.max(worst);
    }
    println!("worst |dB diff| over all fixtures: {worst_all:.2e}");
}

fn image_scores(spec: &Spectrogrammer, samples: &[i16], fx: &serde_json::Value) -> (f64, f64) {
    let ours: Vec<f64> = spec
        .image(&spec.psd(samples))
        .iter()
        .map(|&v| v as f64)
        .collect();
    let theirs: Vec<f64> = fx["png"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() / 255.0)
        .collect();
    assert_eq!(ours.len(), theirs.len());
    let mad = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
        / ours.len() as f64;
    (common::correlation(&ours, &theirs), mad)
}

#[test]
fn image_matches_the_seeds_png() {
    let data = common::data_dir().join("fsdd/recordings");
    for kind in [Resampling::Hanning, Resampling::Bilinear] {
        let spec = Spectrogrammer::new(SpectrogramConfig {
            resampling: kind,
            ..Default::default()
        })
        .unwrap();
        let (mut worst_corr, mut worst_mad) = (1.0f64, 0.0f64);
        for fx in recordings() {
            let name = fx["name"].as_str().unwrap();
            let samples = read_wav(&data.join(name)).unwrap();
            let (corr, mad) = image_scores(&spec, &samples, &fx);
            println!("{kind:?} {name}: correlation {corr:.5}, mean |diff| {mad:.5}");
            worst_corr = worst_corr.min(corr);
            worst_mad = worst_mad.max(mad);
        }
        println!("{kind:?}: worst correlation {worst_corr:.5}, worst mean |diff| {worst_mad:.5}");
        if kind == Resampling::Hanning {
            assert!(worst_corr > 0.99, "worst correlation {worst_corr}");
            assert!(worst_mad < 0.015, "worst mean abs diff {worst_mad}");
        }
    }
}
