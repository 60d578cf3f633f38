/// The image training transforms: a `Compose` of at least three steps (from
/// `multimodal_search::data::transforms`: `RandomRotation`, `RandomTranslation`, `GaussianNoise`,
/// `RandomErasing`, ...), random, and keeping the shape.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    // BEGIN SOLUTION
    use multimodal_search::data::transforms::{Compose, GaussianNoise, RandomRotation, RandomTranslation};
    let background = -0.1307 / 0.3081; // a black pixel, normalized
    Compose::new(vec![
        Box::new(RandomRotation::new(10.0, background)),
        Box::new(RandomTranslation::new(0.1, 0.1, background)),
        Box::new(GaussianNoise::new(0.05)),
    ])
    // END SOLUTION
}
