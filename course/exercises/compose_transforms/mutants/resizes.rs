// MUTANT: resizes to 32 x 32, which the encoder's 28 x 28 input does not take.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    use multimodal_search::data::transforms::{Compose, GaussianNoise, RandomRotation, Resize};
    Compose::new(vec![
        Box::new(RandomRotation::new(10.0, -0.42)),
        Box::new(GaussianNoise::new(0.05)),
        Box::new(Resize::new(32, 32)),
    ])
}
