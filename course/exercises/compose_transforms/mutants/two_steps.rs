// MUTANT: only two steps.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    use multimodal_search::data::transforms::{Compose, GaussianNoise, RandomRotation};
    Compose::new(vec![Box::new(RandomRotation::new(10.0, -0.42)), Box::new(GaussianNoise::new(0.05))])
}
