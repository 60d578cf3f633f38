//! Our fused conv block and im2col convolution against candle's own `conv2d`, `relu` and
//! `avg_pool2d`: values and gradients (input, weight, bias).

use multimodal_search::candle_core::{DType, Device, Module, Tensor, Var};
use multimodal_search::candle_nn::{VarBuilder, VarMap};
use multimodal_search::model::conv::{Col2Im, Conv2d, ConvBlockOp, Im2Col};

fn rand(shape: &[usize], seed: u64) -> Tensor {
    // A fixed, seed-dependent pattern with both signs (no RNG needed).
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n)
        .map(|i| ((i as f64 * 0.731 + seed as f64 * 1.37).sin() * 1.5) as f32)
        .collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

fn max_rel_diff(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.dims(), b.dims());
    let a = a.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let b = b.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let scale = b.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
    a.iter()
        .zip(&b)
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max)
        / scale
}

/// candle's reference path: conv2d + bias, relu, avg_pool2d(2). The conv output is first cropped
/// to even sides: pooling drops an odd last row/column (as PyTorch does), and candle's pooling
/// backward (nearest upsampling to the odd size) would spread gradient into it.
fn reference_block(x: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    let y = x
        .conv2d(w, 0, 1, 1, 1)
        .unwrap()
        .broadcast_add(&b.reshape((1, (), 1, 1)).unwrap())
        .unwrap();
    let (_, _, h, w) = y.dims4().unwrap();
    y.narrow(2, 0, h / 2 * 2)
        .unwrap()
        .narrow(3, 0, w / 2 * 2)
        .unwrap()
        .relu()
        .unwrap()
        .avg_pool2d(2)
        .unwrap()
}

#[test]
fn fused_block_matches_candle_values_and_gradients() {
    // Odd conv output sizes (12x11 -> pooled 6x5) exercise the pooling's floor; 70 samples
    // cross the op's 64-sample chunk boundary.
    for (b, c, h, w, o, k) in [
        (3, 2, 16, 15, 4, 5),
        (70, 1, 12, 12, 6, 5),
        (5, 6, 9, 9, 3, 3),
    ] {
        let x = Var::from_tensor(&rand(&[b, c, h, w], 1)).unwrap();
        let wt = Var::from_tensor(&(rand(&[o, c, k, k], 2) * 0.3).unwrap()).unwrap();
        let bias = Var::from_tensor(&(rand(&[o], 3) * 0.2).unwrap()).unwrap();
        let ours = x
            .as_tensor()
            .apply_op3(wt.as_tensor(), bias.as_tensor(), ConvBlockOp)
            .unwrap();
        let theirs = reference_block(x.as_tensor(), wt.as_tensor(), bias.as_tensor());
        let d = max_rel_diff(&ours, &theirs);
        assert!(
            d < 1e-5,
            "values differ by {d} (relative) for {:?}",
            (b, c, h, w, o, k)
        );
        // A loss that weights every output differently.
        let weights = rand(ours.dims(), 4);
        let g_ours = (&ours * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        let g_theirs = (&theirs * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        for (name, v) in [("input", &x), ("weight", &wt), ("bias", &bias)] {
            let a = g_ours
                .get(v)
                .unwrap_or_else(|| panic!("no {name} gradient from ours"));
            let e = g_theirs.get(v).unwrap();
            let d = max_rel_diff(a, e);
            assert!(
                d < 1e-4,
                "{name} gradient differs by {d} (relative) for {:?}",
                (b, c, h, w, o, k)
            );
        }
    }
}

#[test]
fn fused_block_skips_the_gradient_of_plain_data() {
    let x = rand(&[2, 1, 12, 12], 5);
    let wt = Var::from_tensor(&rand(&[3, 1, 5, 5], 6)).unwrap();
    let bias = Var::zeros(3, DType::F32, &Device::Cpu).unwrap();
    let y = x
        .apply_op3(wt.as_tensor(), bias.as_tensor(), ConvBlockOp)
        .unwrap();
    let grads = y.sum_all().unwrap().backward().unwrap();
    assert!(grads.get(&x).is_none(), "plain input data got a gradient");
    assert!(grads.get(&wt).is_some());
}

#[test]
fn conv2d_layer_matches_candle_with_gradients() {
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let conv = Conv2d::new(3, 4, 5, vb.pp("conv")).unwrap();
    let x = Var::from_tensor(&rand(&[2, 3, 11, 13], 7)).unwrap();
    let ours = conv.forward(x.as_tensor()).unwrap();
    let bias = varmap.data().lock().unwrap()["conv.bias"]
        .as_tensor()
        .clone();
    let theirs = x
        .as_tensor()
        .conv2d(conv.weight(), 0, 1, 1, 1)
        .unwrap()
        .broadcast_add(&bias.reshape((1, 4, 1, 1)).unwrap())
        .unwrap();
    assert!(max_rel_diff(&ours, &theirs) < 1e-5);
    let gw = rand(ours.dims(), 8);
    let a = (&ours * &gw)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let b = (&theirs * &gw)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let d = max_rel_diff(a.get(&x).unwrap(), b.get(&x).unwrap());
    assert!(d < 1e-4, "input gradient differs by {d}");
}

#[test]
fn col2im_is_the_adjoint_of_im2col() {
    // <im2col(x), g> == <x, col2im(g)> for any x and g.
    let (b, c, h, w, k) = (2, 3, 7, 6, 3);
    let x = rand(&[b, c, h, w], 9);
    let cols = x.apply_op1(Im2Col { k }).unwrap();
    let g = rand(cols.dims(), 10);
    let back = g.apply_op1(Col2Im { k, c, h, w }).unwrap();
    let lhs = (&cols * &g)
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    let rhs = (&x * &back)
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(
        (lhs - rhs).abs() < 1e-3 * lhs.abs().max(1.0),
        "{lhs} vs {rhs}"
    );
}

#[test]
fn bad_shapes_are_errors_not_panics() {
    let x = rand(&[1, 2, 4, 4], 11);
    let w = rand(&[3, 1, 5, 5], 12);
    let b = rand(&[3], 13);
    let e = x.apply_op3(&w, &b, ConvBlockOp).unwrap_err().to_string();
    assert!(e.contains("do not fit"), "{e}");
    let e = x.apply_op1(Im2Col { k: 5 }).unwrap_err().to_string();
    assert!(e.contains("does not fit"), "{e}");
}
