/// Hidden tests of `own_encoder`: a batch of one, and the short run with another seed.
pub fn check<M>(
    data: &TutorialData,
    new: impl Fn(VarBuilder) -> Result<M>,
    forward: impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
) -> Checklist {
    let mut c = Checklist::new("own_encoder");
    c.check("hidden: embeddings (1, 128) for one image", 1.0, || {
        let net = new(multimodal_search::model::ParamStore::seeded(2).var_builder(&Device::Cpu))?;
        let (e, _) = forward(&net, &Tensor::zeros((1, 1, 28, 28), DType::F32, &Device::Cpu)?)?;
        Ok(Verdict::equal(e.dims(), &[1, 128][..]))
    });
    c.check(&format!("hidden: the short run with seed 3 reaches {}", own_encoder::THRESHOLD), 1.0, || {
        let a = own_encoder::run_accuracy(data, &new, &forward, 3)?;
        Ok(Verdict::that(a >= own_encoder::THRESHOLD, format!("{a:.3}"), format!("at least {}", own_encoder::THRESHOLD)))
    });
    c
}
