/// The image training transforms: a `Compose` of at least three steps (from
/// `multimodal_search::data::transforms`: `RandomRotation`, `RandomTranslation`, `GaussianNoise`,
/// `RandomErasing`, ...), random, and keeping the shape.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    todo!("Compose::new(vec![Box::new(...), ...])")
}
