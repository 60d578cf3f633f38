//! Where a model's parameters come from: PyTorch's default initialization drawn from a seeded
//! RNG, or the tensors of a checkpoint, checked against what the layers ask for.
//!
//! Both are a candle-nn [`SimpleBackend`] behind a [`VarBuilder`], so the layer constructors
//! (`candle_nn::linear(in, out, vb.pp("fc1"))`, ...) stay the only place where parameter names
//! and shapes are written. Every tensor handed out is also a trainable `Var` in the store's
//! [`VarMap`].
//!
//! `nn.Conv2d` and `nn.Linear` start with weights from kaiming-uniform with `a = sqrt(5)` and
//! biases uniform in `+-1/sqrt(fan_in)`; both come out as uniform in `+-1/sqrt(fan_in)`, with
//! `fan_in = in * k * k` for a conv and `in` for a linear layer. candle's CPU RNG cannot be
//! seeded, so the values are drawn from our own `StdRng`, one tensor at a time in the order the
//! layers ask for them (weight, then bias; layer by layer).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use candle_core::{DType, Device, Shape, Tensor, Var};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder, VarMap};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Error, Result};

/// A source of parameters for a [`VarBuilder`]: seeded PyTorch-style initialization, or a
/// checkpoint's tensors. Clones share the same store.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::Device;
/// use multimodal_search::model::ParamStore;
/// let store = ParamStore::seeded(42);
/// let fc = multimodal_search::candle_nn::linear(16, 4, store.var_builder(&Device::Cpu).pp("fc"))?;
/// // Uniform in +-1/sqrt(16), and registered as trainable variables.
/// assert!(fc.weight().abs()?.max_all()?.to_scalar::<f32>()? <= 0.25);
/// assert_eq!(store.varmap().all_vars().len(), 2);
/// store.check()?; // nothing missing, nothing unexpected
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ParamStore {
    inner: Arc<Inner>,
}

struct Inner {
    varmap: VarMap,
    source: Source,
    log: Mutex<Log>,
}

enum Source {
    Seeded(Box<Mutex<StdRng>>),
    Tensors(HashMap<String, Tensor>),
}

#[derive(Default)]
struct Log {
    /// Fan-in of each weight drawn, by layer prefix (a bias takes its weight's).
    fan_in: HashMap<String, usize>,
    requested: HashSet<String>,
    /// Name and shape of every parameter asked for, in order.
    order: Vec<(String, Vec<usize>)>,
    missing: Vec<String>,
    mismatched: Vec<String>,
}

impl std::fmt::Debug for ParamStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.inner.source {
            Source::Seeded(_) => "seeded".to_string(),
            Source::Tensors(t) => format!("{} tensors", t.len()),
        };
        f.debug_struct("ParamStore")
            .field("source", &source)
            .field("variables", &self.inner.varmap.all_vars().len())
            .finish()
    }
}

impl ParamStore {
    /// Fresh parameters, PyTorch's default initialization drawn from `StdRng::seed_from_u64(seed)`.
    pub fn seeded(seed: u64) -> Self {
        Self::with_source(Source::Seeded(Box::new(Mutex::new(StdRng::seed_from_u64(
            seed,
        )))))
    }

    /// The parameters of a checkpoint: each layer gets the tensor of its name. A missing or
    /// mis-shaped tensor is recorded (and replaced by zeros so the model can still be built);
    /// [`ParamStore::check`] reports them, with the tensors no layer asked for.
    pub fn from_tensors(tensors: HashMap<String, Tensor>) -> Self {
        Self::with_source(Source::Tensors(tensors))
    }

    fn with_source(source: Source) -> Self {
        ParamStore {
            inner: Arc::new(Inner {
                varmap: VarMap::new(),
                source,
                log: Mutex::new(Log::default()),
            }),
        }
    }

    /// A `VarBuilder` (f32, on `device`) that takes its tensors from this store.
    pub fn var_builder(&self, device: &Device) -> VarBuilder<'static> {
        VarBuilder::from_backend(Box::new(self.clone()), DType::F32, device.clone())
    }

    /// The trainable variables handed out so far, by full name (shares the store's map).
    pub fn varmap(&self) -> VarMap {
        self.inner.varmap.clone()
    }

    /// The name and shape of every parameter the layers asked for, in the order they asked (for
    /// the tutorial's models, the order of PyTorch's `state_dict`).
    ///
    /// # Example
    /// ```
    /// # fn main() -> multimodal_search::Result<()> {
    /// use multimodal_search::candle_core::Device;
    /// use multimodal_search::model::ParamStore;
    /// let store = ParamStore::seeded(0);
    /// multimodal_search::candle_nn::linear(3, 2, store.var_builder(&Device::Cpu).pp("fc"))?;
    /// assert_eq!(store.parameters()?, vec![("fc.weight".into(), vec![2, 3]), ("fc.bias".into(), vec![2])]);
    /// # Ok(()) }
    /// ```
    pub fn parameters(&self) -> Result<Vec<(String, Vec<usize>)>> {
        Ok(self.log()?.order.clone())
    }

    /// Every problem a checkpoint's tensors had against the layers built from them: missing,
    /// mis-shaped (or not f32) and unexpected tensors, up to five of each kind named. Seeded
    /// stores have none.
    pub fn check(&self) -> Result<()> {
        let log = self.log()?;
        let mut problems = log.mismatched.clone();
        if !log.missing.is_empty() {
            problems.push(format!("missing {}", list(&log.missing)));
        }
        if let Source::Tensors(tensors) = &self.inner.source {
            let mut unexpected: Vec<String> = tensors
                .keys()
                .filter(|k| !log.requested.contains(*k))
                .cloned()
                .collect();
            unexpected.sort();
            if !unexpected.is_empty() {
                problems.push(format!("unexpected {}", list(&unexpected)));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Parameters(problems.join("; ")))
        }
    }

    fn log(&self) -> Result<MutexGuard<'_, Log>> {
        self.inner
            .log
            .lock()
            .map_err(|_| Error::Poisoned("the parameter store's log"))
    }

    fn fetch(&self, shape: &Shape, name: &str, hint: &Init, dev: &Device) -> Result<Tensor> {
        let existing = self
            .inner
            .varmap
            .data()
            .lock()
            .map_err(|_| Error::Poisoned("the parameter store's VarMap"))?
            .get(name)
            .map(|v| v.as_tensor().clone());
        if let Some(t) = existing {
            if t.shape() != shape {
                return Err(Error::Shape {
                    what: format!("parameter {name}"),
                    expected: format!("{:?}", shape.dims()),
                    found: t.dims().to_vec(),
                });
            }
            return Ok(t);
        }
        let mut log = self.log()?;
        log.requested.insert(name.to_string());
        log.order.push((name.to_string(), shape.dims().to_vec()));
        let value = match &self.inner.source {
            Source::Seeded(rng) => {
                let fan_in = fan_in(&mut log, shape, name, hint)?;
                let bound = 1.0 / (fan_in as f32).sqrt();
                let mut rng = rng
                    .lock()
                    .map_err(|_| Error::Poisoned("the parameter store's RNG"))?;
                let values: Vec<f32> = (0..shape.elem_count())
                    .map(|_| rng.random_range(-bound..bound))
                    .collect();
                Tensor::from_vec(values, shape, dev)?
            }
            Source::Tensors(tensors) => match tensors.get(name) {
                None => {
                    log.missing.push(name.to_string());
                    Tensor::zeros(shape, DType::F32, dev)?
                }
                Some(t) if t.shape() != shape => {
                    log.mismatched.push(format!(
                        "{name}: expected shape {:?}, found {:?}",
                        shape.dims(),
                        t.dims()
                    ));
                    Tensor::zeros(shape, DType::F32, dev)?
                }
                Some(t) if t.dtype() != DType::F32 => {
                    log.mismatched
                        .push(format!("{name}: expected dtype f32, found {:?}", t.dtype()));
                    Tensor::zeros(shape, DType::F32, dev)?
                }
                Some(t) => t.to_device(dev)?,
            },
        };
        let var = Var::from_tensor(&value)?;
        let tensor = var.as_tensor().clone();
        self.inner
            .varmap
            .data()
            .lock()
            .map_err(|_| Error::Poisoned("the parameter store's VarMap"))?
            .insert(name.to_string(), var);
        Ok(tensor)
    }
}

/// The fan-in that sets a parameter's range: from the shape for a weight (`in * k * k`), from
/// the layer's weight for a bias (drawn just before it), else from candle-nn's bias hint.
fn fan_in(log: &mut Log, shape: &Shape, name: &str, hint: &Init) -> Result<usize> {
    let prefix = name.rsplit_once('.').map_or("", |(p, _)| p).to_string();
    let dims = shape.dims();
    let fan_in = if dims.len() >= 2 {
        let f = dims[1..].iter().product();
        log.fan_in.insert(prefix, f);
        f
    } else if let Some(f) = log.fan_in.get(&prefix) {
        *f
    } else if let Init::Uniform { up, .. } = hint {
        (1.0 / (up * up)).round() as usize
    } else {
        0
    };
    if fan_in == 0 {
        return Err(Error::Parameters(format!(
            "{name}: cannot tell its fan-in (shape {dims:?}, no weight drawn before it under {:?})",
            name.rsplit_once('.').map_or("", |(p, _)| p)
        )));
    }
    Ok(fan_in)
}

fn list(v: &[String]) -> String {
    let head: Vec<&str> = v.iter().take(5).map(|s| s.as_str()).collect();
    let more = if v.len() > 5 {
        format!(" and {} more", v.len() - 5)
    } else {
        String::new()
    };
    format!("{}{more}", head.join(", "))
}

impl SimpleBackend for ParamStore {
    fn get(
        &self,
        s: Shape,
        name: &str,
        h: Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        self.fetch(&s, name, &h, dev)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?
            .to_dtype(dtype)
    }

    fn get_unchecked(&self, name: &str, dtype: DType, dev: &Device) -> candle_core::Result<Tensor> {
        let existing = self
            .inner
            .varmap
            .data()
            .lock()
            .map_err(|_| {
                let e = Error::Poisoned("the parameter store's VarMap");
                candle_core::Error::Msg(e.to_string())
            })?
            .get(name)
            .cloned();
        if let Some(v) = existing {
            return v.as_tensor().to_dtype(dtype);
        }
        match &self.inner.source {
            Source::Tensors(t) if t.contains_key(name) => self
                .fetch(t[name].shape(), name, &Init::Const(0.0), dev)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?
                .to_dtype(dtype),
            _ => Err(candle_core::Error::CannotFindTensor {
                path: name.to_string(),
            }),
        }
    }

    fn contains_tensor(&self, name: &str) -> bool {
        let in_map = self
            .inner
            .varmap
            .data()
            .lock()
            .is_ok_and(|d| d.contains_key(name));
        in_map || matches!(&self.inner.source, Source::Tensors(t) if t.contains_key(name))
    }
}
