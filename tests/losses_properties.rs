//! The fast triplet path equals the naive O(N^3) path, value and gradient, on random batches up
//! to N = 1024 (duplicated rows included); bad input gives errors, never panics or NaN.

use multimodal_search::candle_core::{Device, Tensor, Var};
use multimodal_search::loss::{
    MultiModalTripletEntropyLoss, TripletLoss, TripletMarginLoss, TripletMarginMiner, TripletType,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn batch(
    rng: &mut StdRng,
    n: usize,
    d: usize,
    classes: u32,
    duplicates: usize,
) -> (Tensor, Tensor) {
    let mut v: Vec<f32> = (0..n * d).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let mut labels: Vec<u32> = (0..n).map(|_| rng.random_range(0..classes)).collect();
    for _ in 0..duplicates {
        let (src, dst) = (rng.random_range(0..n), rng.random_range(0..n));
        let row: Vec<f32> = v[src * d..(src + 1) * d].to_vec();
        v[dst * d..(dst + 1) * d].copy_from_slice(&row);
        if rng.random_bool(0.5) {
            labels[dst] = labels[src];
        }
    }
    (
        Tensor::from_vec(v, (n, d), &Device::Cpu).unwrap(),
        Tensor::from_vec(labels, n, &Device::Cpu).unwrap(),
    )
}

fn value_and_grad(loss: Tensor, var: &Var) -> (f32, Vec<f32>) {
    let g = loss.backward().unwrap();
    let grad = g
        .get(var.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    (loss.to_scalar::<f32>().unwrap(), grad)
}

#[test]
fn fast_equals_naive_on_random_batches() {
    let mut rng = StdRng::seed_from_u64(7);
    let sizes = [
        (8, 4, 3, 1),
        (33, 8, 4, 4),
        (128, 16, 10, 10),
        (300, 32, 10, 20),
        (1024, 16, 64, 50),
    ];
    for (n, d, classes, dups) in sizes {
        for kind in [TripletType::Semihard, TripletType::All, TripletType::Hard] {
            let (e, l) = batch(&mut rng, n, d, classes, dups);
            let var = Var::from_tensor(&e).unwrap();
            let tl = TripletLoss {
                miner: TripletMarginMiner::new(0.5, kind),
                loss: TripletMarginLoss::new(0.5),
            };
            let (fv, fg) = value_and_grad(tl.forward(var.as_tensor(), &l).unwrap(), &var);
            let (nv, ng) = value_and_grad(tl.forward_naive(var.as_tensor(), &l).unwrap(), &var);
            assert!(
                fg.iter().all(|x| x.is_finite()),
                "N={n} {kind:?}: NaN in fast gradient"
            );
            assert!(
                (fv - nv).abs() <= 1e-5 * nv.abs().max(1.0),
                "N={n} {kind:?}: {fv} vs {nv}"
            );
            let worst = fg
                .iter()
                .zip(&ng)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst <= 1e-5, "N={n} {kind:?}: gradient differs by {worst}");
        }
    }
}

#[test]
fn no_active_triplet_gives_exactly_zero_and_zero_gradient() {
    let e = Var::new(&[[1.0f32, 0.0], [1.0, 0.0], [0.0, 1.0]], &Device::Cpu).unwrap();
    let l = Tensor::new(&[0u32, 0, 1], &Device::Cpu).unwrap();
    // d_ap = 0, d_an = sqrt 2 > margin: nothing semihard.
    let loss = TripletLoss::default().forward(e.as_tensor(), &l).unwrap();
    let (v, g) = value_and_grad(loss, &e);
    assert_eq!(v, 0.0);
    assert!(g.iter().all(|x| *x == 0.0));
}

#[test]
fn bad_input_is_a_clear_error() {
    let tl = TripletLoss::default();
    let empty = Tensor::zeros(
        (0, 4),
        multimodal_search::candle_core::DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    let no_labels =
        Tensor::zeros(0, multimodal_search::candle_core::DType::U32, &Device::Cpu).unwrap();
    let err = tl.forward(&empty, &no_labels).unwrap_err().to_string();
    assert!(err.contains("empty batch"), "{err}");

    let e = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu).unwrap();
    let err = tl
        .forward(&e, &Tensor::new(&[0u32, 1, 1], &Device::Cpu).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("2 embeddings but 3 labels"), "{err}");

    let nan = Tensor::new(&[[1.0f32, f32::NAN], [0.0, 1.0]], &Device::Cpu).unwrap();
    let err = tl
        .forward(&nan, &Tensor::new(&[0u32, 1], &Device::Cpu).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("NaN at row 0, column 1"), "{err}");

    // Both modalities are plain tensors now, so a missing one cannot be passed (the type says
    // so); embeddings whose widths differ are an error that names them, not a panic.
    let l = Tensor::new(&[0u32, 1], &Device::Cpu).unwrap();
    let narrow = Tensor::new(&[[1.0f32], [0.0]], &Device::Cpu).unwrap();
    let err = MultiModalTripletEntropyLoss::default()
        .forward((&e, &e, &l), (&narrow, &narrow, &l))
        .unwrap_err()
        .to_string();
    assert!(err.contains("audio embeddings"), "{err}");
}
