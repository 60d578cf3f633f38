// MUTANT: overrides the config's step count with a single step.
pub fn train_with_heads(data: &TutorialData, config: TrainConfig) -> Result<TrainedModel> {
    struct Head {
        linear1: candle_nn::Linear,
        linear2: candle_nn::Linear,
    }
    impl Module for Head {
        fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
            self.linear2.forward(&self.linear1.forward(x)?.relu()?)
        }
    }
    let build = |input: usize, vb: VarBuilder| -> Result<Box<dyn Projection>> {
        Ok(Box::new(Head {
            linear1: candle_nn::linear(input, input, vb.pp("linear1"))?,
            linear2: candle_nn::linear(input, 128, vb.pp("linear2"))?,
        }))
    };
    let config = TrainConfig { max_steps: Some(1), ..config };
    let start = TrainedModel::untrained_with(config.clone(), &Device::Cpu, &build)?;
    Trainer::new(config).progress(ProgressMode::Quiet).fit_model(start, data, &mut [])
}
