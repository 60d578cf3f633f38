//! `Conv2d`: the encoder's 5x5 convolutions (`nn.Conv2d(in, out, 5)` in the tutorial), written as
//! im2col + one matrix product so that training on the CPU is fast.
//!
//! Why our own: candle 0.11's CPU back-propagation of `conv2d` computes the input gradient with a
//! direct `conv_transpose2d` loop (even for the first layer, whose input needs no gradient) and the
//! kernel gradient as a convolution whose kernel is the whole batch. On this crate's encoders that
//! made the backward pass about 90 % of a training step. Here the convolution is one candle
//! `CustomOp2` ([`Conv2dOp`]): the forward pass unfolds the input into patches ([`Im2Col`]) and
//! multiplies by the weights (candle's `matmul`, batched); back-propagation is two batched matrix
//! products plus a scatter-add ([`Col2Im`]), and the input's gradient is skipped when the input
//! does not track gradients (the first layer), with no zero-filled accumulators in between. `benches/conv_backward.rs`
//! measures the difference; `tests/conv.rs` checks values and gradients against candle's `conv2d`.
//! On a GPU device the layer falls back to candle's own `conv2d`.
//!
//! Parameter names and shapes are PyTorch's (`weight` `(out, in, k, k)`, `bias` `(out,)`), so
//! checkpoints do not change.

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, Layout, Module, Shape, Tensor};
use candle_nn::VarBuilder;
use rayon::prelude::*;

use crate::error::Result;

/// Unfolds `(B, C, H, W)` f32 into patches `(B, C*k*k, L)` with `L = (H-k+1) * (W-k+1)` (stride
/// 1, no padding; PyTorch's `nn.Unfold` layout); a patch's rows run over channel, then kernel
/// row, then kernel column, the order of a PyTorch conv weight flattened to `(out, C*k*k)`.
///
/// # Shapes
/// `(B, C, H, W)` f32 -> `(B, C*k*k, (H-k+1)*(W-k+1))` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::model::conv::Im2Col;
/// let x = Tensor::arange(0f32, 9.0, &Device::Cpu)?.reshape((1, 1, 3, 3))?;
/// let cols = x.apply_op1(Im2Col { k: 2 })?;
/// assert_eq!(cols.dims(), &[1, 4, 4]);
/// // Row 0 is the top-left pixel of each of the four 2x2 patches.
/// assert_eq!(cols.get(0)?.get(0)?.to_vec1::<f32>()?, vec![0.0, 1.0, 3.0, 4.0]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Im2Col {
    /// Kernel size.
    pub k: usize,
}

/// The adjoint of [`Im2Col`]: adds patch gradients `(B, C*k*k, L)` back into an image gradient
/// `(B, C, H, W)` (the shape of the unfolded input is carried in the op).
///
/// # Shapes
/// `(B, C*k*k, (H-k+1)*(W-k+1))` f32 -> `(B, C, H, W)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::model::conv::Col2Im;
/// let g = Tensor::ones((1, 4, 4), multimodal_search::candle_core::DType::F32, &Device::Cpu)?;
/// let img = g.apply_op1(Col2Im { k: 2, c: 1, h: 3, w: 3 })?;
/// // The centre pixel sits in all four 2x2 patches.
/// assert_eq!(img.flatten_all()?.to_vec1::<f32>()?[4], 4.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Col2Im {
    /// Kernel size.
    pub k: usize,
    /// Channels of the image.
    pub c: usize,
    /// Image height.
    pub h: usize,
    /// Image width.
    pub w: usize,
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

/// A stride-1, unpadded square convolution with bias: PyTorch's `nn.Conv2d(in, out, k)`.
///
/// # Shapes
/// `(B, in, H, W)` f32 -> `(B, out, H-k+1, W-k+1)` f32; weight `(out, in, k, k)`, bias `(out,)`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Module, Tensor};
/// use multimodal_search::candle_nn::{VarBuilder, VarMap};
/// use multimodal_search::model::conv::Conv2d;
/// let vm = VarMap::new();
/// let conv = Conv2d::new(1, 6, 5, VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu).pp("conv1"))?;
/// let y = conv.forward(&Tensor::zeros((2, 1, 28, 28), DType::F32, &Device::Cpu)?)?;
/// assert_eq!(y.dims(), &[2, 6, 24, 24]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Conv2d {
    weight: Tensor,
    bias: Tensor,
}

impl Conv2d {
    /// Reads or creates `weight` and `bias` under `vb` (candle's default init when missing).
    pub fn new(in_channels: usize, out_channels: usize, k: usize, vb: VarBuilder) -> Result<Self> {
        // Same parameters, names and initialization as candle_nn::conv2d.
        let c = candle_nn::conv2d(in_channels, out_channels, k, Default::default(), vb)?;
        let bias = c.bias().cloned().ok_or_else(|| {
            crate::Error::InvalidArgument("conv2d was built without a bias".into())
        })?;
        Ok(Conv2d {
            weight: c.weight().clone(),
            bias,
        })
    }

    /// `avg_pool2d(relu(conv(x)), 2)`, the encoder's conv block: fused into [`ConvBlockOp`] on
    /// the CPU, candle's own ops elsewhere.
    pub fn forward_block(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if x.device().is_cpu() {
            x.contiguous()?
                .apply_op3(&self.weight, &self.bias, ConvBlockOp)
        } else {
            self.forward(x)?.relu()?.avg_pool2d(2)
        }
    }

    /// The weight `(out, in, k, k)`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }
}

/// The convolution `x (B, C, H, W) * w (O, C, k, k) -> (B, O, H-k+1, W-k+1)` as one candle
/// `CustomOp2` with its own backward pass (no bias; [`Conv2d`] adds it).
///
/// # Shapes
/// `(B, C, H, W)` f32 and `(O, C, k, k)` f32 -> `(B, O, H-k+1, W-k+1)` f32.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::model::conv::Conv2dOp;
/// let x = Tensor::ones((1, 1, 3, 3), multimodal_search::candle_core::DType::F32, &Device::Cpu)?;
/// let w = Tensor::ones((2, 1, 2, 2), multimodal_search::candle_core::DType::F32, &Device::Cpu)?;
/// let y = x.apply_op2(&w, Conv2dOp)?;
/// assert_eq!(y.dims(), &[1, 2, 2, 2]);
/// assert_eq!(y.flatten_all()?.to_vec1::<f32>()?, vec![4.0; 8]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Conv2dOp;

fn tensor_err(e: candle_core::Error) -> candle_core::Error {
    candle_core::Error::Msg(format!("conv2d (im2col): {e}"))
}

impl candle_core::CustomOp2 for Conv2dOp {
    fn name(&self) -> &'static str {
        "conv2d-im2col"
    }

    fn cpu_fwd(
        &self,
        xs: &CpuStorage,
        xl: &Layout,
        ws: &CpuStorage,
        wl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (b, c, h, w) = xl.shape().dims4()?;
        let (o, wc, k, k2) = wl.shape().dims4()?;
        if wc != c || k != k2 {
            return Err(candle_core::Error::Msg(format!(
                "conv2d: input has {c} channels but the weight is {:?}",
                wl.shape().dims()
            )));
        }
        let (cols, shape) = Im2Col { k }.cpu_fwd(xs, xl)?;
        let CpuStorage::F32(cols) = cols else {
            return Err(candle_core::Error::Msg(
                "im2col returned a non-f32 storage".into(),
            ));
        };
        let (ho, wo) = (h - k + 1, w - k + 1);
        let dev = candle_core::Device::Cpu;
        let cols = Tensor::from_vec(cols, shape, &dev)?;
        let weight = Tensor::from_slice(contiguous_f32(ws, wl, "conv2d")?, (o, c * k * k), &dev)?;
        let y = weight
            .broadcast_as((b, o, c * k * k))?
            .matmul(&cols)
            .map_err(tensor_err)?;
        let y = y.flatten_all()?.to_vec1::<f32>()?;
        Ok((CpuStorage::F32(y), Shape::from((b, o, ho, wo))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (b, c, h, wd) = x.dims4()?;
        let (o, _, k, _) = w.dims4()?;
        let l = (h - k + 1) * (wd - k + 1);
        let g = grad.contiguous()?.reshape((b, o, l))?;
        let cols = x.contiguous()?.apply_op1_no_bwd(&Im2Col { k })?;
        // dL/dw = sum_b g_b (O, L) x cols_b^T (L, C*k*k)
        let grad_w = g
            .matmul(&cols.transpose(1, 2)?)?
            .sum(0)?
            .reshape((o, c, k, k))?;
        let grad_x = if x.track_op() {
            // dL/dcols_b = w^T (C*k*k, O) x g_b (O, L), then scattered back onto the image.
            let wt = w.reshape((o, c * k * k))?.t()?.contiguous()?;
            let gc = wt.broadcast_as((b, c * k * k, o))?.matmul(&g)?;
            Some(gc.apply_op1_no_bwd(&Col2Im { k, c, h, w: wd })?)
        } else {
            None
        };
        Ok((grad_x, Some(grad_w)))
    }
}

impl Module for Conv2d {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let out = self.weight.dim(0)?;
        let y = if x.device().is_cpu() {
            x.contiguous()?.apply_op2(&self.weight, Conv2dOp)?
        } else {
            x.conv2d(&self.weight, 0, 1, 1, 1)?
        };
        y.broadcast_add(&self.bias.reshape((1, out, 1, 1))?)
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
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{DType, Device, Tensor};
/// use multimodal_search::model::conv::ConvBlockOp;
/// let x = Tensor::ones((1, 1, 5, 5), DType::F32, &Device::Cpu)?;
/// let w = Tensor::ones((1, 1, 2, 2), DType::F32, &Device::Cpu)?;
/// let b = Tensor::new(&[-1f32], &Device::Cpu)?;
/// let y = x.apply_op3(&w, &b, ConvBlockOp)?; // conv = 4 everywhere, minus 1, pooled
/// assert_eq!(y.dims(), &[1, 1, 2, 2]);
/// assert_eq!(y.flatten_all()?.to_vec1::<f32>()?, vec![3.0; 4]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ConvBlockOp;

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
