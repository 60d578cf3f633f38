/// Hidden tests of `heads_in_model`: the same run with another seed.
pub fn check(data: &TutorialData, train: impl Fn(&TutorialData, TrainConfig) -> Result<TrainedModel>) -> Checklist {
    check_driven(|seed| heads_in_model::run_summary(data, &train, seed))
}

/// [`check`] for a run seen through the grader's driver.
pub fn check_driven(summary: impl Fn(u64) -> Result<(Vec<String>, Vec<f32>)>) -> Checklist {
    let rows = [
        ("hidden: seed 7, a head on each side", "heads", 1.0),
        ("hidden: seed 7, the loss went down", "loss", 1.0),
    ];
    heads_in_model::check_run("heads_in_model", &summary, 7, &rows)
}
