//! Exercise `compose_transforms`: Compose three image transforms (notebook 01_representation_learning_and_data, Representation learning, and the data).
//!
//! Build the image training transforms: a `Compose` of at least three transforms from
//! `multimodal_search::data::transforms`, random (another seed, another image) but repeatable (one
//! seed, one image), keeping the 28 x 28 shape. The check also trains the image encoder for 150 steps
//! with them as its training transforms. The notebook shows one digit before and after.
//!
//! Check it with `cargo test -p exercises compose_transforms`; a hint: `mmsearch exercises hint compose_transforms`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The image training transforms: a `Compose` of at least three steps (from
/// `multimodal_search::data::transforms`: `RandomRotation`, `RandomTranslation`, `GaussianNoise`,
/// `RandomErasing`, ...), random, and keeping the shape.
pub fn my_image_transforms() -> multimodal_search::data::transforms::Compose {
    todo!("Compose::new(vec![Box::new(...), ...])")
}
