//! The encoder's two conv blocks on a batch of spectrograms, forward + backward, through
//! `model::conv_block` under each side of the kernel switch: `Kernels::Reference` (candle's
//! `conv2d`, `relu`, `avg_pool2d`, with candle's backward) against `Kernels::Fast` (the fused
//! conv block). Both run in this process on the same data; the gradients are cross-checked
//! before timing.
//!
//! `RAYON_NUM_THREADS=2 cargo bench --bench conv_backward`

use std::time::Instant;

use multimodal_search::candle_core::{Device, Tensor, Var};
use multimodal_search::candle_nn::Conv2d;
use multimodal_search::kernels::Kernels;
use multimodal_search::model::conv_block;

fn pattern(shape: &[usize], seed: f64) -> Tensor {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n)
        .map(|i| ((i as f64 * 0.7311 + seed).sin() * 0.5) as f32)
        .collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

fn main() {
    let batch = 256;
    let x = pattern(&[batch, 1, 64, 64], 0.1);
    let w1 = Var::from_tensor(&(pattern(&[6, 1, 5, 5], 0.2) * 0.4).unwrap()).unwrap();
    let b1 = Var::from_tensor(&pattern(&[6], 0.3)).unwrap();
    let w2 = Var::from_tensor(&(pattern(&[16, 6, 5, 5], 0.4) * 0.2).unwrap()).unwrap();
    let b2 = Var::from_tensor(&pattern(&[16], 0.5)).unwrap();
    let layer = |w: &Var, b: &Var| {
        Conv2d::new(
            w.as_tensor().clone(),
            Some(b.as_tensor().clone()),
            Default::default(),
        )
    };
    let (conv1, conv2) = (layer(&w1, &b1), layer(&w2, &b2));
    // 64 -> 60 -> 30 -> 26 -> 13: even sides, so candle's pooling backward is exact here.
    let blocks = |kernels: Kernels| {
        kernels.scope(|| {
            let h = conv_block(&conv1, &x).unwrap();
            let h = conv_block(&conv2, &h).unwrap();
            h.sqr().unwrap().sum_all().unwrap().backward().unwrap()
        })
    };
    let ours = || blocks(Kernels::Fast);
    let theirs = || blocks(Kernels::Reference);
    let (a, b) = (ours(), theirs());
    let diff = (a.get(&w1).unwrap() - b.get(&w1).unwrap())
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap();
    let scale = b.get(&w1).unwrap().abs().unwrap().max_all().unwrap();
    println!(
        "conv1 weight gradient: max |ours - candle| = {:.2e} (scale {:.2e})",
        diff.to_scalar::<f32>().unwrap(),
        scale.to_scalar::<f32>().unwrap()
    );
    let time = |f: &dyn Fn() -> multimodal_search::candle_core::backprop::GradStore| {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t0 = Instant::now();
            let _ = f();
            best = best.min(t0.elapsed().as_secs_f64());
        }
        best
    };
    let (t_ours, t_candle) = (time(&ours), time(&theirs));
    println!(
        "two conv blocks, batch {batch} of 64x64, forward + backward, {} threads (best of 5): ours {:.1} ms, candle {:.1} ms, {:.1}x",
        multimodal_search::candle_core::utils::get_num_threads(),
        t_ours * 1e3,
        t_candle * 1e3,
        t_candle / t_ours
    );
}
