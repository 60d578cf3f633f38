// The grader's driver for `compose_transforms`, compiled at the end of the participant's module:
// it applies their transforms in the sandbox, and trains with them, answering with images and
// with the classes the trained encoder gives the validation images (whose labels the sandbox
// does not hold).

/// How many steps the participant's `Compose` has.
pub fn transform_steps() -> Result<usize> {
    Ok(my_image_transforms().len())
}

/// One `Compose` applied to `x` with seed `first`, then with seed `second`.
pub fn transformed_twice(x: &Tensor, first: u64, second: u64) -> Result<(Tensor, Tensor)> {
    ::multimodal_search::exercise::compose_transforms::applied_twice(&my_image_transforms, x, first, second)
}

/// The classes the image encoder gives the first 2,000 validation images after 150 steps with
/// the participant's transforms on its training batches, seeded with `seed`.
pub fn augmented_short_run_classes(seed: u64) -> Result<Vec<u32>> {
    let data = ::multimodal_search::exercise::training::shared_data()?;
    ::multimodal_search::exercise::compose_transforms::run_predictions(data, &my_image_transforms(), seed)
}
