/// Hidden tests of `triplet_miners`: new lattices with a one-member class and a duplicate row at
/// margins 0.1, 0.3 and 0.8 (course/fixtures/hidden.json), and the unnormalized, one-label and
/// all-distinct batches of fixtures/losses.json.
pub fn check(semihard: impl triplet_miners::MinerFn, hard: impl triplet_miners::MinerFn) -> Checklist {
    let hidden = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/course/fixtures/hidden.json"));
    let public = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/losses.json"));
    let cases = triplet_miners::cases_from_json(hidden).and_then(|mut h| {
        let more = triplet_miners::cases_from_json(public)?;
        h.extend(more.into_iter().filter(|c| {
            c.margin == 0.5 && ["unnormalized24", "all_one_label", "all_distinct"].contains(&c.name.as_str())
        }));
        Ok(h)
    });
    match cases {
        Ok(cases) => triplet_miners::check_cases(&semihard, &hard, &cases, "hidden: ", 0.25),
        Err(e) => {
            let mut c = Checklist::new("triplet_miners");
            c.check("hidden: the reference cases load", 0.25, || Err(e));
            c
        }
    }
}
