/// Hidden tests of `cosine_embedding_loss`: PyTorch's loss on one pair, 16 pairs, and the other
/// margins of the visible inputs (course/fixtures/hidden.json).
pub fn check(loss: impl Fn(&Tensor, &Tensor, &Tensor, f32) -> Result<Tensor>) -> Checklist {
    let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/course/fixtures/hidden.json"));
    match cosine_embedding_loss::cases_from_json(text) {
        Ok(cases) => cosine_embedding_loss::check_cases("cosine_embedding_loss", &loss, &cases, "hidden: ", 0.5),
        Err(e) => {
            let mut c = Checklist::new("cosine_embedding_loss");
            c.check("hidden: the reference cases load", 0.5, || Err(e));
            c
        }
    }
}
