// DELEGATES: the crate's digit grid undoes the normalization.
pub fn to_pixels(image: &Tensor) -> Result<Vec<u8>> {
    let grid = multimodal_search::viz::DigitGrid::from_normalized(image, &[], 1)?;
    let _ = grid;
    todo!("the grid keeps its pixels private; a delegating solution would read them from its PNG")
}
