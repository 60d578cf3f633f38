//! The spectrogram against matplotlib's own numbers (fixtures/spectrogram.json, made by
//! scripts/fixtures/make_spectrogram_fixtures.sh with the tutorial's rendering code path).

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

/// The 200-sample formula signal the fixture script also uses.
fn synthetic_200() -> Vec<i16> {
    (0..200)
        .map(|k| {
            let t = k as f64 / 8000.0;
            let v = 3000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()
                + 1000.0 * (2.0 * std::f64::consts::PI * 1700.0 * t).sin();
            v.round_ties_even() as i16
        })
        .collect()
}

#[test]
fn fewer_than_nfft_samples_are_zero_padded_like_mlab() {
    let fx = &common::fixture("spectrogram.json")["synthetic"][0];
    assert_eq!(fx["name"], "synthetic_200");
    let spec = Spectrogrammer::default();
    let samples = synthetic_200();
    let worst = psd_db_worst(&spec, &samples, fx);
    assert!(
        worst < 1e-3,
        "200-sample PSD differs from mlab by {worst} dB"
    );
    let (corr, mad) = image_scores(&spec, &samples, fx);
    println!(
        "200 samples: worst dB {worst:.2e}, image correlation {corr:.5}, mean |diff| {mad:.5}"
    );
    assert!(corr > 0.99 && mad < 0.015, "correlation {corr}, mad {mad}");
    let normalized = spec.compute(&samples).unwrap();
    assert!(normalized.iter().all(|v| v.is_finite()));
}

#[test]
fn silence_is_a_white_image_as_matplotlib_draws_it() {
    let fx = &common::fixture("spectrogram.json")["synthetic"][1];
    assert_eq!(fx["name"], "silent_4000");
    // matplotlib's PNG of 4000 zero samples holds only 255 (white).
    assert_eq!(fx["png_unique_values"], serde_json::json!([255]));
    let spec = Spectrogrammer::default();
    let silent = vec![0i16; 4000];
    let psd = spec.psd(&silent);
    assert!(psd.data.iter().all(|&p| p == 0.0));
    assert!(psd.to_db().iter().all(|&d| d == f64::NEG_INFINITY));
    let image = spec.image(&psd);
    assert!(image.iter().all(|&v| v == 1.0), "silence must draw white");
    let normalized = spec.compute(&silent).unwrap();
    let want = (1.0 - multimodal_search::data::FSDD_MEAN) / multimodal_search::data::FSDD_STD;
    assert!(normalized.iter().all(|&v| (v - want).abs() < 1e-6));
}

#[test]
fn a_zero_power_bin_draws_as_the_quietest_finite_bin() {
    let spec = Spectrogrammer::default();
    // An all-zero frame at the start draws white (the quietest colour) in the first column.
    let zeros = {
        let mut s = vec![0i16; 1000];
        s.extend((0..2000).map(|i| ((i as f32 * 0.7).sin() * 5000.0) as i16));
        s
    };
    let psd = spec.psd(&zeros);
    assert!(
        psd.data[0] == 0.0,
        "frame 0 of leading zeros has zero power"
    );
    let image = spec.image(&psd);
    assert!(image.iter().all(|v| v.is_finite()));
    assert!(
        (image[32 * 64] - 1.0).abs() < 1e-6,
        "the silent first column is white"
    );
}

#[test]
fn an_empty_signal_is_an_error() {
    let err = Spectrogrammer::default().compute(&[]).unwrap_err();
    assert!(err.to_string().contains("empty signal"), "{err}");
}
