// DELEGATES: candle's AdamW does the update.
pub struct Adam {
    opt: multimodal_search::candle_nn::AdamW,
    var: multimodal_search::candle_core::Var,
}

impl Adam {
    pub fn new(len: usize, lr: f64, beta1: f64, beta2: f64, eps: f64) -> Self {
        use multimodal_search::candle_nn::Optimizer;
        let var = multimodal_search::candle_core::Var::zeros(len, DType::F32, &Device::Cpu).unwrap();
        let params = multimodal_search::candle_nn::ParamsAdamW { lr, beta1, beta2, eps, weight_decay: 0.0 };
        Adam { opt: multimodal_search::candle_nn::AdamW::new(vec![var.clone()], params).unwrap(), var }
    }

    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        use multimodal_search::candle_nn::Optimizer;
        let p = Tensor::new(&*params, &Device::Cpu).unwrap();
        let g = Tensor::new(grads, &Device::Cpu).unwrap();
        self.var.set(&p).unwrap();
        let loss = (self.var.as_tensor() * &g).unwrap().sum_all().unwrap();
        self.opt.backward_step(&loss).unwrap();
        params.copy_from_slice(&self.var.as_tensor().to_vec1::<f32>().unwrap());
    }
}
