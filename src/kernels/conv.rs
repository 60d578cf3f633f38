//! The encoder's conv block (`conv 5x5 -> + bias -> ReLU -> 2x2 average pool`) fused into one
//! candle op for the CPU, with its own backward pass.
//!
//! Why our own: candle 0.11's CPU back-propagation of `conv2d` computes the input gradient with a
//! direct `conv_transpose2d` loop (even for the first layer, whose input needs no gradient) and the
//! kernel gradient as a convolution whose kernel is the whole batch. On this crate's encoders that
//! made the backward pass about 90 % of a training step. Here the block is one `CustomOp3`
//! ([`ConvBlockOp`]): the forward pass unfolds the input into patches ([`Im2Col`]) and multiplies
//! by the weights (candle's `matmul`, batched); back-propagation is two batched matrix products
//! plus a scatter-add ([`Col2Im`]), and the input's gradient is skipped when the input does not
//! track gradients (the first layer). `benches/conv_backward.rs` measures the difference against
//! the plain candle block in [`crate::model::conv_block`]; the tests below check values and
//! gradients against it.
//!
//! Parameter names and shapes are PyTorch's (`weight` `(out, in, k, k)`, `bias` `(out,)`): the
//! kernel takes candle-nn's `Conv2d` as it is.

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, Layout, Shape, Tensor};
use rayon::prelude::*;

/// Unfolds `(B, C, H, W)` f32 into patches `(B, C*k*k, L)` with `L = (H-k+1) * (W-k+1)` (stride
/// 1, no padding; PyTorch's `nn.Unfold` layout); a patch's rows run over channel, then kernel
/// row, then kernel column, the order of a PyTorch conv weight flattened to `(out, C*k*k)`.
///
/// # Shapes
/// `(B, C, H, W)` f32 -> `(B, C*k*k, (H-k+1)*(W-k+1))` f32.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Im2Col {
    /// Kernel size.
    pub(crate) k: usize,
}

/// The adjoint of [`Im2Col`]: adds patch gradients `(B, C*k*k, L)` back into an image gradient
/// `(B, C, H, W)` (the shape of the unfolded input is carried in the op).
///
/// # Shapes
/// `(B, C*k*k, (H-k+1)*(W-k+1))` f32 -> `(B, C, H, W)` f32.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col2Im {
    /// Kernel size.
    pub(crate) k: usize,
    /// Channels of the image.
    pub(crate) c: usize,
    /// Image height.
    pub(crate) h: usize,
    /// Image width.
    pub(crate) w: usize,
}

fn contiguous_f32<'a>(
    storage: &'a CpuStorage,
    layout: &Layout,
    op: &str,
) -> candle_core::Result<&'a [f32]> {
    let data = match storage {
        CpuStorage::F32(d) => d,
        other => {
            return Err(candle_core::Error::Msg(format!(
                "{op}: expected f32 input, found {:?}",
                other.dtype()
            )));
        }
    };
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => Err(candle_core::Error::Msg(format!(
            "{op}: expected a contiguous input, found strides {:?}",
            layout.stride()
        ))),
    }
}

impl CustomOp1 for Im2Col {
    fn name(&self) -> &'static str {
        "im2col"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous_f32(storage, layout, "im2col")?;
        let (b, c, h, w) = layout.shape().dims4()?;
        let k = self.k;
        if k == 0 || k > h || k > w {
            return Err(candle_core::Error::Msg(format!(
                "im2col: kernel {k} does not fit an image of {h}x{w}"
            )));
        }
        let (ho, wo) = (h - k + 1, w - k + 1);
        let (l, ckk) = (ho * wo, c * k * k);
        let mut out = vec![0f32; b * l * ckk];
        out.par_chunks_mut(l * ckk)
            .enumerate()
            .for_each(|(bi, dst)| {
                let img = &x[bi * c * h * w..(bi + 1) * c * h * w];
                for ci in 0..c {
                    for ky in 0..k {
                        for kx in 0..k {
                            let row = (ci * k + ky) * k + kx;
                            let dst = &mut dst[row * l..(row + 1) * l];
                            for oy in 0..ho {
                                let src = ci * h * w + (oy + ky) * w + kx;
                                dst[oy * wo..(oy + 1) * wo].copy_from_slice(&img[src..src + wo]);
                            }
                        }
                    }
                }
            });
        Ok((CpuStorage::F32(out), Shape::from((b, ckk, l))))
    }

    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let (_, c, h, w) = arg.dims4()?;
        let g = grad_res
            .contiguous()?
            .apply_op1_no_bwd(&Col2Im { k: self.k, c, h, w })?;
        Ok(Some(g))
    }
}

impl CustomOp1 for Col2Im {
    fn name(&self) -> &'static str {
        "col2im"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let g = contiguous_f32(storage, layout, "col2im")?;
        let (b, ckk, l) = layout.shape().dims3()?;
        let Col2Im { k, c, h, w } = *self;
        let (ho, wo) = ((h + 1).saturating_sub(k), (w + 1).saturating_sub(k));
        if ho * wo != l || c * k * k != ckk {
            return Err(candle_core::Error::Msg(format!(
                "col2im: patches ({l}, {ckk}) do not match a {c}x{h}x{w} image with kernel {k}"
            )));
        }
        let mut out = vec![0f32; b * c * h * w];
        out.par_chunks_mut(c * h * w)
            .enumerate()
            .for_each(|(bi, img)| {
                let src = &g[bi * l * ckk..(bi + 1) * l * ckk];
                for ci in 0..c {
                    for ky in 0..k {
                        for kx in 0..k {
                            let row = (ci * k + ky) * k + kx;
                            let src = &src[row * l..(row + 1) * l];
                            for oy in 0..ho {
                                let dst = ci * h * w + (oy + ky) * w + kx;
                                let d = &mut img[dst..dst + wo];
                                for (d, s) in d.iter_mut().zip(&src[oy * wo..(oy + 1) * wo]) {
                                    *d += *s;
                                }
                            }
                        }
                    }
                }
            });
        Ok((CpuStorage::F32(out), Shape::from((b, c, h, w))))
    }
}

/// Samples per chunk inside [`ConvBlockOp`]: keeps the unfolded patches of one chunk small
/// (64 spectrograms: 23 MB), so buffers are reused instead of fetched from the OS each step.
const CHUNK: usize = 64;

/// The encoder's whole conv block, `avg_pool2d(relu(conv2d(x, w) + b), 2)`, fused into one
/// candle `CustomOp3` for the CPU: one pass writes the pooled output, and back-propagation
/// recomputes the pre-activation per chunk instead of keeping it, then needs two batched matrix
/// products and a scatter-add. candle's generic path makes about ten full-size temporary tensors
/// for the ReLU and pooling gradients alone; this makes none.
///
/// The ReLU's gradient at exactly 0 is 0, as in PyTorch.
///
/// # Shapes
/// `x (B, C, H, W)`, `w (O, C, k, k)`, `b (O,)` f32 -> `(B, O, (H-k+1)/2, (W-k+1)/2)` f32.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConvBlockOp;

/// Pre-activations `(n, O, L)` of samples `x` (`(n, C, H, W)`, contiguous) plus the patches.
fn pre_activation(
    x: &Tensor,
    w2: &Tensor,
    bias: &Tensor,
    k: usize,
) -> candle_core::Result<(Tensor, Tensor)> {
    let (n, _, _, _) = x.dims4()?;
    let (o, ckk) = w2.dims2()?;
    let cols = x.apply_op1_no_bwd(&Im2Col { k })?;
    let y = w2.broadcast_as((n, o, ckk))?.matmul(&cols)?;
    let y = y.broadcast_add(&bias.reshape((1, o, 1))?)?;
    Ok((y, cols))
}

fn to_f32_vec(t: &Tensor) -> candle_core::Result<Vec<f32>> {
    t.flatten_all()?.to_vec1::<f32>()
}

impl candle_core::CustomOp3 for ConvBlockOp {
    fn name(&self) -> &'static str {
        "conv-relu-avgpool"
    }

    fn cpu_fwd(
        &self,
        xs: &CpuStorage,
        xl: &Layout,
        ws: &CpuStorage,
        wl: &Layout,
        bs: &CpuStorage,
        bl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let dev = candle_core::Device::Cpu;
        let (b, c, h, w) = xl.shape().dims4()?;
        let (o, wc, k, k2) = wl.shape().dims4()?;
        if wc != c || k != k2 || k > h || k > w || bl.shape().elem_count() != o {
            return Err(candle_core::Error::Msg(format!(
                "conv block: input {:?}, weight {:?}, bias {:?} do not fit together",
                xl.shape().dims(),
                wl.shape().dims(),
                bl.shape().dims()
            )));
        }
        let x = contiguous_f32(xs, xl, "conv block")?;
        let w2 = Tensor::from_slice(contiguous_f32(ws, wl, "conv block")?, (o, c * k * k), &dev)?;
        let bias = Tensor::from_slice(contiguous_f32(bs, bl, "conv block")?, o, &dev)?;
        let (ho, wo) = (h - k + 1, w - k + 1);
        let (hp, wp) = (ho / 2, wo / 2);
        let mut out = vec![0f32; b * o * hp * wp];
        let per = c * h * w;
        for start in (0..b).step_by(CHUNK) {
            let n = CHUNK.min(b - start);
            let xc = Tensor::from_slice(&x[start * per..(start + n) * per], (n, c, h, w), &dev)?;
            let (y, _) = pre_activation(&xc, &w2, &bias, k)?;
            let y = to_f32_vec(&y)?;
            let dst = &mut out[start * o * hp * wp..(start + n) * o * hp * wp];
            dst.par_chunks_mut(hp * wp)
                .enumerate()
                .for_each(|(plane, d)| {
                    let src = &y[plane * ho * wo..(plane + 1) * ho * wo];
                    for py in 0..hp {
                        for px in 0..wp {
                            let at = 2 * py * wo + 2 * px;
                            let s = src[at].max(0.0)
                                + src[at + 1].max(0.0)
                                + src[at + wo].max(0.0)
                                + src[at + wo + 1].max(0.0);
                            d[py * wp + px] = 0.25 * s;
                        }
                    }
                });
        }
        Ok((CpuStorage::F32(out), Shape::from((b, o, hp, wp))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (b, c, h, wd) = x.dims4()?;
        let (o, _, k, _) = w.dims4()?;
        let (ho, wo) = (h - k + 1, wd - k + 1);
        let (hp, wp) = (ho / 2, wo / 2);
        let l = ho * wo;
        // The first layer's input is data: no gradient to compute for it.
        let want_x = x.track_op();
        let dev = x.device().clone();
        let x = x.detach().contiguous()?;
        let w2 = w.detach().reshape((o, c * k * k))?.contiguous()?;
        let w2t = w2.t()?.contiguous()?;
        let bias = bias.detach();
        let grad = to_f32_vec(&grad.contiguous()?)?;
        let mut grad_w = Tensor::zeros((o, c * k * k), candle_core::DType::F32, &dev)?;
        let mut grad_b = vec![0f64; o];
        let mut grad_x = Vec::new();
        for start in (0..b).step_by(CHUNK) {
            let n = CHUNK.min(b - start);
            let xc = x.narrow(0, start, n)?;
            let (y, cols) = pre_activation(&xc, &w2, &bias, k)?;
            let y = to_f32_vec(&y)?;
            // Gradient at the pre-activation: pooled gradient / 4 where the ReLU was open.
            let g = &grad[start * o * hp * wp..(start + n) * o * hp * wp];
            let mut gy = vec![0f32; n * o * l];
            gy.par_chunks_mut(l).enumerate().for_each(|(plane, d)| {
                let yp = &y[plane * l..(plane + 1) * l];
                let gp = &g[plane * hp * wp..(plane + 1) * hp * wp];
                for yy in 0..2 * hp {
                    for xx in 0..2 * wp {
                        let at = yy * wo + xx;
                        if yp[at] > 0.0 {
                            d[at] = 0.25 * gp[(yy / 2) * wp + xx / 2];
                        }
                    }
                }
            });
            for (plane, chunk) in gy.chunks(l).enumerate() {
                grad_b[plane % o] += chunk.iter().map(|v| *v as f64).sum::<f64>();
            }
            let gy = Tensor::from_vec(gy, (n, o, l), &dev)?;
            grad_w = (grad_w + gy.matmul(&cols.transpose(1, 2)?)?.sum(0)?)?;
            if want_x {
                let ckk = c * k * k;
                let gc = w2t.broadcast_as((n, ckk, o))?.matmul(&gy)?;
                grad_x.push(gc.apply_op1_no_bwd(&Col2Im { k, c, h, w: wd })?);
            }
        }
        let grad_x = if want_x {
            Some(Tensor::cat(&grad_x, 0)?)
        } else {
            None
        };
        let grad_b: Vec<f32> = grad_b.into_iter().map(|v| v as f32).collect();
        Ok((
            grad_x,
            Some(grad_w.reshape((o, c, k, k))?),
            Some(Tensor::from_vec(grad_b, o, &dev)?),
        ))
    }
}

/// `avg_pool2d(relu(conv(x) + bias), 2)` through [`ConvBlockOp`], for a candle-nn layer.
pub(crate) fn conv_relu_pool(x: &Tensor, conv: &candle_nn::Conv2d) -> candle_core::Result<Tensor> {
    let bias = conv.bias().ok_or_else(|| {
        candle_core::Error::Msg("the fused conv block needs a conv with a bias".into())
    })?;
    x.contiguous()?.apply_op3(conv.weight(), bias, ConvBlockOp)
}

// Values and gradients against candle's own conv2d, relu and avg_pool2d.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::Kernels;
    use candle_core::{DType, Device, Var};
    use candle_nn::{VarBuilder, VarMap};

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
    fn encoder_block_fast_matches_reference_with_gradients() {
        // The switch itself: the encoder's block through the fused kernel and through candle's
        // conv2d + relu + avg_pool2d, on a candle-nn layer, values and input/weight gradients.
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
        let conv = candle_nn::conv2d(3, 4, 5, Default::default(), vb.pp("conv")).unwrap();
        let x = Var::from_tensor(&rand(&[2, 3, 12, 14], 7)).unwrap();
        let run = |k: Kernels| k.scope(|| crate::model::conv_block(&conv, x.as_tensor()).unwrap());
        let (ours, theirs) = (run(Kernels::Fast), run(Kernels::Reference));
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
        let w = varmap.data().lock().unwrap()["conv.weight"].clone();
        let d = max_rel_diff(a.get(&w).unwrap(), b.get(&w).unwrap());
        assert!(d < 1e-4, "weight gradient differs by {d}");
    }

    #[test]
    fn small_examples() {
        // Row 0 of the patches is the top-left pixel of each of the four 2x2 patches.
        let x = Tensor::arange(0f32, 9.0, &Device::Cpu)
            .unwrap()
            .reshape((1, 1, 3, 3))
            .unwrap();
        let cols = x.apply_op1(Im2Col { k: 2 }).unwrap();
        assert_eq!(cols.dims(), &[1, 4, 4]);
        assert_eq!(
            cols.get(0)
                .unwrap()
                .get(0)
                .unwrap()
                .to_vec1::<f32>()
                .unwrap(),
            vec![0.0, 1.0, 3.0, 4.0]
        );
        // The centre pixel sits in all four 2x2 patches.
        let g = Tensor::ones((1, 4, 4), DType::F32, &Device::Cpu).unwrap();
        let img = g
            .apply_op1(Col2Im {
                k: 2,
                c: 1,
                h: 3,
                w: 3,
            })
            .unwrap();
        assert_eq!(img.flatten_all().unwrap().to_vec1::<f32>().unwrap()[4], 4.0);
        // conv = 4 everywhere, minus 1, pooled.
        let x = Tensor::ones((1, 1, 5, 5), DType::F32, &Device::Cpu).unwrap();
        let w = Tensor::ones((1, 1, 2, 2), DType::F32, &Device::Cpu).unwrap();
        let b = Tensor::new(&[-1f32], &Device::Cpu).unwrap();
        let y = x.apply_op3(&w, &b, ConvBlockOp).unwrap();
        assert_eq!(y.dims(), &[1, 1, 2, 2]);
        assert_eq!(
            y.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            vec![3.0; 4]
        );
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
}
