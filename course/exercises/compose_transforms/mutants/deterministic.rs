// MUTANT: three steps, none of them random: every epoch sees the same images (no augmentation).
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    use multimodal_search::data::transforms::{Compose, Normalize, Resize};
    Compose::new(vec![
        Box::new(Normalize::new(0.1, 1.0)),
        Box::new(Resize::new(28, 28)),
        Box::new(Normalize::new(-0.1, 1.0)),
    ])
}
