// DELEGATES: the config's built-in MLP heads instead of heads of your own.
pub fn train_with_heads(data: &TutorialData, config: TrainConfig) -> Result<TrainedModel> {
    let config = TrainConfig { projection: Some(multimodal_search::model::MlpProjectionConfig::default()), ..config };
    Trainer::new(config).progress(ProgressMode::Quiet).fit(data)
}
