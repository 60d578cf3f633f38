/// Hidden tests of `own_encoder`: a batch of one, and the short run with another seed.
pub fn check<M>(
    data: &TutorialData,
    new: impl Fn(VarBuilder) -> Result<M>,
    forward: impl Fn(&M, &Tensor) -> Result<(Tensor, Tensor)>,
) -> Checklist {
    check_driven(
        data,
        |seed, batch| own_encoder::output_dims(&new, &forward, seed, batch),
        |seed| own_encoder::parameter_shapes(&new, seed),
        |seed| own_encoder::run_predictions(data, &new, &forward, seed),
    )
}

/// [`check`] for an encoder seen through the grader's driver.
pub fn check_driven(
    data: &TutorialData,
    output_dims: impl Fn(u64, usize) -> Result<(Vec<usize>, Vec<usize>)>,
    _parameter_shapes: impl Fn(u64) -> Result<Vec<Vec<usize>>>,
    classes: impl Fn(u64) -> Result<Vec<u32>>,
) -> Checklist {
    let mut c = Checklist::new("own_encoder");
    c.check("hidden: embeddings (1, 128) for one image", 1.0, || {
        let (e, _) = output_dims(2, 1)?;
        Ok(Verdict::equal(e.as_slice(), &[1, 128][..]))
    });
    c.check(&format!("hidden: the short run with seed 3 reaches {}", own_encoder::THRESHOLD), 1.0, || {
        Ok(training::accuracy_verdict(
            &classes(3)?,
            data.validation_images().labels(),
            own_encoder::THRESHOLD,
            own_encoder::REFERENCE,
        ))
    });
    c
}
