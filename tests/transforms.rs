//! Each transform does what its doc says, on hand-made tensors.

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::data::{
    Compose, FrequencyMasking, GaussianNoise, Normalize, RandomErasing, RandomRotation,
    RandomTranslation, Resize, TimeMasking, TimeShift, Transform,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn rng() -> StdRng {
    StdRng::seed_from_u64(42)
}

fn plane(h: usize, w: usize, f: impl Fn(usize, usize) -> f32) -> Tensor {
    let v: Vec<f32> = (0..h * w).map(|i| f(i / w, i % w)).collect();
    Tensor::from_vec(v, (1, h, w), &Device::Cpu).unwrap()
}

fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

#[test]
fn normalize_and_its_presets() {
    let x = plane(1, 2, |_, c| c as f32);
    let y = Normalize::new(0.5, 0.25).apply(&x, &mut rng()).unwrap();
    assert_eq!(values(&y), vec![-2.0, 2.0]);
    assert_eq!(Normalize::mnist(), Normalize::new(0.1307, 0.3081));
    assert_eq!(Normalize::spectrogram(), Normalize::new(0.4729, 0.1477));
    let err = Normalize::new(0.0, 0.0)
        .apply(&x, &mut rng())
        .unwrap_err()
        .to_string();
    assert!(err.contains("std > 0"), "{err}");
}

#[test]
fn resize_bilinear_keeps_constants_and_ramps() {
    let c = Resize::new(64, 64)
        .apply(&plane(28, 28, |_, _| 0.7), &mut rng())
        .unwrap();
    assert_eq!(c.dims(), &[1, 64, 64]);
    assert!(values(&c).iter().all(|v| (v - 0.7).abs() < 1e-6));
    // Doubling a ramp 0,1,2,3 with centres aligned gives 0,0.25,0.75,1.25,...,3.
    let r = Resize::new(1, 8)
        .apply(&plane(1, 4, |_, c| c as f32), &mut rng())
        .unwrap();
    assert_eq!(
        values(&r),
        vec![0.0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0]
    );
    let batch = Tensor::zeros(
        (5, 1, 28, 28),
        multimodal_search::candle_core::DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    assert_eq!(
        Resize::new(14, 7).apply(&batch, &mut rng()).unwrap().dims(),
        &[5, 1, 14, 7]
    );
    assert!(Resize::new(0, 7).apply(&batch, &mut rng()).is_err());
    assert!(
        Resize::new(2, 2)
            .apply(
                &Tensor::zeros(3, multimodal_search::candle_core::DType::F32, &Device::Cpu)
                    .unwrap(),
                &mut rng()
            )
            .is_err()
    );
}

#[test]
fn rotation_by_zero_is_identity_and_rotation_moves_mass_around_the_centre() {
    let x = plane(9, 9, |r, c| if r == 4 && c == 8 { 1.0 } else { 0.0 });
    let same = RandomRotation::new(0.0, 0.0).apply(&x, &mut rng()).unwrap();
    assert_eq!(values(&same), values(&x));
    let turned = RandomRotation::new(90.0, 0.0)
        .apply(&x, &mut rng())
        .unwrap();
    let v = values(&turned);
    assert!(v[4 * 9 + 8] < 1.0, "the dot moved");
    // The centre pixel stays fixed under any rotation.
    let centre = plane(9, 9, |r, c| if r == 4 && c == 4 { 1.0 } else { 0.0 });
    let v = values(
        &RandomRotation::new(45.0, 0.0)
            .apply(&centre, &mut rng())
            .unwrap(),
    );
    assert!((v[4 * 9 + 4] - 1.0).abs() < 1e-5);
}

#[test]
fn translation_shifts_whole_pixels_and_fills() {
    let x = plane(5, 5, |r, c| (r * 5 + c) as f32);
    let y = RandomTranslation::new(0.4, 0.4, -1.0)
        .apply(&x, &mut rng())
        .unwrap();
    let v = values(&y);
    let src = values(&x);
    // Find the shift: every kept pixel equals the source shifted by one (dy, dx).
    let found = (-2i32..=2)
        .flat_map(|dy| (-2i32..=2).map(move |dx| (dy, dx)))
        .find(|&(dy, dx)| {
            (0..5i32).all(|r| {
                (0..5i32).all(|c| {
                    let (sr, sc) = (r - dy, c - dx);
                    let want = if (0..5).contains(&sr) && (0..5).contains(&sc) {
                        src[(sr * 5 + sc) as usize]
                    } else {
                        -1.0
                    };
                    v[(r * 5 + c) as usize] == want
                })
            })
        });
    assert!(
        found.is_some(),
        "output is a whole-pixel shift with fill: {v:?}"
    );
}

#[test]
fn gaussian_noise_has_the_requested_spread_and_is_seeded() {
    let x = plane(100, 100, |_, _| 0.0);
    let a = values(&GaussianNoise::new(0.5).apply(&x, &mut rng()).unwrap());
    let b = values(&GaussianNoise::new(0.5).apply(&x, &mut rng()).unwrap());
    assert_eq!(a, b);
    let n = a.len() as f32;
    let mean = a.iter().sum::<f32>() / n;
    let std = (a.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n).sqrt();
    assert!(
        mean.abs() < 0.02 && (std - 0.5).abs() < 0.02,
        "mean {mean} std {std}"
    );
}

#[test]
fn random_erasing_writes_one_rectangle_within_its_area_range() {
    let x = plane(28, 28, |_, _| 1.0);
    let t = RandomErasing {
        p: 1.0,
        value: 0.0,
        ..Default::default()
    };
    let mut r = rng();
    for _ in 0..20 {
        let v = values(&t.apply(&x, &mut r).unwrap());
        let erased: Vec<(usize, usize)> = (0..784)
            .filter(|&i| v[i] == 0.0)
            .map(|i| (i / 28, i % 28))
            .collect();
        assert!(!erased.is_empty());
        let (r0, r1) = (
            erased.iter().map(|p| p.0).min().unwrap(),
            erased.iter().map(|p| p.0).max().unwrap(),
        );
        let (c0, c1) = (
            erased.iter().map(|p| p.1).min().unwrap(),
            erased.iter().map(|p| p.1).max().unwrap(),
        );
        assert_eq!(
            erased.len(),
            (r1 - r0 + 1) * (c1 - c0 + 1),
            "one solid rectangle"
        );
        let frac = erased.len() as f32 / 784.0;
        assert!((0.01..=0.36).contains(&frac), "area fraction {frac}");
    }
    let never = RandomErasing {
        p: 0.0,
        ..Default::default()
    };
    assert_eq!(values(&never.apply(&x, &mut rng()).unwrap()), values(&x));
    let bad = RandomErasing {
        scale: (0.5, 0.1),
        ..Default::default()
    };
    assert!(bad.apply(&x, &mut rng()).is_err());
}

#[test]
fn masks_blank_whole_columns_or_rows() {
    let x = plane(64, 64, |_, _| 1.0);
    let mut r = rng();
    for _ in 0..10 {
        let v = values(&TimeMasking::new(10, 0.0).apply(&x, &mut r).unwrap());
        let cols: Vec<usize> = (0..64).filter(|&c| v[c] == 0.0).collect();
        assert!(cols.len() <= 10);
        assert!((0..64).all(|row| (0..64).all(|c| (v[row * 64 + c] == 0.0) == cols.contains(&c))));
        assert!(cols.windows(2).all(|w| w[1] == w[0] + 1), "contiguous");
        let v = values(&FrequencyMasking::new(10, 0.0).apply(&x, &mut r).unwrap());
        let rows: Vec<usize> = (0..64).filter(|&row| v[row * 64] == 0.0).collect();
        assert!(rows.len() <= 10);
        assert!(
            (0..64).all(|row| (0..64).all(|c| (v[row * 64 + c] == 0.0) == rows.contains(&row)))
        );
    }
}

#[test]
fn time_shift_rolls_columns() {
    let x = plane(2, 8, |_, c| c as f32);
    let v = values(&TimeShift::new(3).apply(&x, &mut rng()).unwrap());
    let k = (8 + v[0] as usize) % 8; // value at column 0 came from column -k
    let shift = (8 - k) % 8;
    for c in 0..8 {
        assert_eq!(v[c], ((c + 8 - shift) % 8) as f32);
        assert_eq!(v[8 + c], v[c]);
    }
    assert!(shift <= 3 || shift >= 5, "shift within +-3, got {shift}");
}

#[test]
fn compose_runs_in_order_and_batches_draw_per_image() {
    let t = Compose::new(vec![
        Box::new(Resize::new(4, 4)),
        Box::new(Normalize::new(1.0, 2.0)),
    ]);
    let y = t.apply(&plane(2, 2, |_, _| 3.0), &mut rng()).unwrap();
    assert_eq!(y.dims(), &[1, 4, 4]);
    assert!(values(&y).iter().all(|&v| v == 1.0));
    let batch = Tensor::ones(
        (8, 1, 16, 16),
        multimodal_search::candle_core::DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    let masked = TimeMasking::new(8, 0.0).apply(&batch, &mut rng()).unwrap();
    let per_image: Vec<f32> = (0..8)
        .map(|i| {
            masked
                .get(i)
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar()
                .unwrap()
        })
        .collect();
    let distinct: std::collections::HashSet<u32> = per_image.iter().map(|v| *v as u32).collect();
    assert!(
        distinct.len() > 1,
        "each image draws its own mask: {per_image:?}"
    );
}
