// MUTANT: translations of "2" meant as pixels, but the crate's (as torchvision's) are fractions of
// the image: shifts of up to twice its width leave nothing to learn from.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    use multimodal_search::data::transforms::{Compose, GaussianNoise, RandomRotation, RandomTranslation};
    let background = -0.1307 / 0.3081;
    Compose::new(vec![
        Box::new(RandomRotation::new(10.0, background)),
        Box::new(RandomTranslation::new(2.0, 2.0, background)),
        Box::new(GaussianNoise::new(0.05)),
    ])
}
