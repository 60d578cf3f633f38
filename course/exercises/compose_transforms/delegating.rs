// DELEGATES: the crate's own tutorial augmentations, wrapped.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    use multimodal_search::data::transforms::{Compose, GaussianNoise, Normalize};
    let (image, _audio) = multimodal_search::data::transforms::tutorial_augmentations();
    let _ = image;
    Compose::new(vec![Box::new(Normalize::new(0.0, 1.0)), Box::new(GaussianNoise::new(0.1)), Box::new(GaussianNoise::new(0.1))])
}
