//! PyTorch's default initialization, drawn from our own seeded RNG.
//!
//! `nn.Conv2d` and `nn.Linear` start with weights from kaiming-uniform with `a = sqrt(5)` and
//! biases uniform in `+-1/sqrt(fan_in)`; both come out as uniform in `+-1/sqrt(fan_in)`. candle's
//! CPU RNG cannot be seeded, so the values are drawn here and placed in the `VarMap` before the
//! layers are built (a `VarMap` hands out a variable that already exists instead of a new one).

use candle_core::{Device, Tensor, Var};
use candle_nn::VarMap;
use rand::Rng;
use rand::rngs::StdRng;

use crate::error::{Error, Result};

/// One parameter to create: its full name, shape and the fan-in that sets its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    /// Full name, as in a PyTorch `state_dict` (`conv1.weight`).
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Inputs feeding one output unit (`in * k * k` for a conv, `in` for a linear layer).
    pub fan_in: usize,
}

impl ParamSpec {
    /// The weight and bias of a layer with `fan_in` inputs, weight shape `weight_shape`.
    pub fn layer(prefix: &str, weight_shape: &[usize], fan_in: usize) -> [ParamSpec; 2] {
        [
            ParamSpec {
                name: format!("{prefix}.weight"),
                shape: weight_shape.to_vec(),
                fan_in,
            },
            ParamSpec {
                name: format!("{prefix}.bias"),
                shape: vec![weight_shape[0]],
                fan_in,
            },
        ]
    }
}

/// Fills `varmap` with every parameter of `specs`, uniform in `+-1/sqrt(fan_in)`, in order.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_nn::VarMap;
/// use multimodal_search::model::init::{ParamSpec, init_pytorch_default};
/// use rand::SeedableRng;
/// let vm = VarMap::new();
/// let specs = ParamSpec::layer("fc", &[4, 16], 16);
/// init_pytorch_default(&vm, &specs, &mut rand::rngs::StdRng::seed_from_u64(42), &multimodal_search::candle_core::Device::Cpu)?;
/// let w = vm.data().lock().unwrap()["fc.weight"].as_tensor().clone();
/// assert!(w.abs()?.max_all()?.to_scalar::<f32>()? <= 0.25);
/// # Ok(()) }
/// ```
pub fn init_pytorch_default(
    varmap: &VarMap,
    specs: &[ParamSpec],
    rng: &mut StdRng,
    device: &Device,
) -> Result<()> {
    let mut data = varmap
        .data()
        .lock()
        .map_err(|_| Error::InvalidArgument("the VarMap's lock is poisoned".into()))?;
    for spec in specs {
        if spec.fan_in == 0 {
            return Err(Error::InvalidArgument(format!(
                "parameter {} has fan-in 0",
                spec.name
            )));
        }
        let bound = 1.0 / (spec.fan_in as f32).sqrt();
        let n: usize = spec.shape.iter().product();
        let values: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..bound)).collect();
        let t = Tensor::from_vec(values, spec.shape.as_slice(), device)?;
        data.insert(spec.name.clone(), Var::from_tensor(&t)?);
    }
    Ok(())
}
