// MUTANT: trains the multimodal model as it is, without heads.
pub fn train_with_heads(data: &TutorialData, config: TrainConfig) -> Result<TrainedModel> {
    Trainer::new(config).progress(ProgressMode::Quiet).fit(data)
}
