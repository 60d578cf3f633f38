/// Hidden tests of `compose_transforms`: a batch of 8 images, and a different image per seed.
pub fn check(make: impl Fn() -> multimodal_search::data::transforms::Compose) -> Checklist {
    use multimodal_search::data::transforms::Transform;
    use rand::SeedableRng;
    let mut c = Checklist::new("compose_transforms");
    c.check("hidden: keeps the shape of a batch (8, 1, 28, 28)", 1.0, || {
        let y = make().apply(&compose_transforms::images(8)?, &mut rand::rngs::StdRng::seed_from_u64(5))?;
        Ok(Verdict::equal(y.dims(), &[8, 1, 28, 28][..]))
    });
    c
}
