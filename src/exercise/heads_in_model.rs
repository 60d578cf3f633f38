//! Exercise `heads_in_model` (notebook 02): plug projection heads into the multimodal model and
//! train it a few steps, through `TrainedModel::untrained_with` and `Trainer::fit_model`.

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::{Checklist, Verdict};
use crate::model::ModelKind;
use crate::train::{TrainConfig, TrainedModel};

/// The run the check asks for: the tutorial's multimodal config, 12 steps of 32 pairs, no
/// validation, no built-in heads (yours go in), seed `seed`.
pub fn config(seed: u64) -> TrainConfig {
    TrainConfig {
        max_steps: Some(12),
        batch_size: 32,
        validate: false,
        projection: None,
        seed,
        ..TrainConfig::tutorial(ModelKind::MultiModal)
    }
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len().max(1) as f32
}

/// Judges the model a run returned; `what` picks the row (`heads`, `steps` or `loss`).
pub fn judge(trained: &TrainedModel, what: &str) -> Verdict {
    let (names, losses) = summary(trained);
    judge_summary(&names, &losses, what)
}

/// What the checks look at in a trained model: its parameters' names (sorted) and its step
/// losses, as the grader's driver answers from its sandbox.
pub fn summary(trained: &TrainedModel) -> (Vec<String>, Vec<f32>) {
    let mut names: Vec<String> = trained
        .varmap
        .data()
        .lock()
        .map_or_else(|_| Vec::new(), |vars| vars.keys().cloned().collect());
    names.sort();
    (names, trained.history.step_losses.clone())
}

/// [`summary`] of the model `train` gives for the check's config with `seed`.
pub fn run_summary(
    data: &TutorialData,
    train: &impl Fn(&TutorialData, TrainConfig) -> Result<TrainedModel>,
    seed: u64,
) -> Result<(Vec<String>, Vec<f32>)> {
    Ok(summary(&train(data, config(seed))?))
}

/// [`judge`] on a model seen through its [`summary`]: its parameters' names and step losses.
pub fn judge_summary(names: &[String], losses: &[f32], what: &str) -> Verdict {
    match what {
        "heads" => {
            let count = |side: &str| names.iter().filter(|n| n.starts_with(side)).count();
            let (image, audio) = (count("image_projection."), count("audio_projection."));
            Verdict::that(
                image > 0 && audio > 0,
                format!(
                    "{image} parameters under image_projection, {audio} under audio_projection"
                ),
                "parameters under both image_projection. and audio_projection.",
            )
        }
        "steps" => Verdict::equal(&losses.len(), &12),
        _ => {
            let (first, last) = (
                mean(&losses[..losses.len().min(5)]),
                mean(&losses[losses.len().saturating_sub(5)..]),
            );
            Verdict::that(
                losses.len() >= 10 && last < first,
                format!(
                    "first 5 steps {first:.3}, last 5 {last:.3} ({} steps)",
                    losses.len()
                ),
                "the last 5 steps' mean loss below the first 5's",
            )
        }
    }
}

/// Runs `summary(seed)` once (the [`run_summary`] of a model trained on [`config`]`(seed)`) and
/// judges it, one row per aspect (a panic or an error in the run shows in every row).
pub fn check_run(
    exercise: &str,
    summary: &impl Fn(u64) -> Result<(Vec<String>, Vec<f32>)>,
    seed: u64,
    rows: &[(&str, &str, f64)],
) -> Checklist {
    let run = crate::exercise::attempt(|| summary(seed));
    let mut c = Checklist::new(exercise);
    for (name, what, points) in rows {
        c.check(name, *points, || match &run {
            Ok(Ok((names, losses))) => Ok(judge_summary(names, losses, what)),
            Ok(Err(e)) => Err(crate::error::Error::InvalidArgument(e.to_string())),
            // Re-raised inside the row, so the row says "not solved yet" or the message.
            Err(message) => panic!("{message}"),
        });
    }
    c
}

/// The visible checks: the returned model has heads on both sides, was trained the config's 12
/// steps, and its loss went down.
pub fn check(
    data: &TutorialData,
    train: impl Fn(&TutorialData, TrainConfig) -> Result<TrainedModel>,
) -> Checklist {
    check_driven(|seed| run_summary(data, &train, seed))
}

/// [`check`] for a run seen only through its [`run_summary`]: how the grader checks heads
/// trained in its sandbox.
///
/// # Example
/// ```
/// use multimodal_search::exercise::heads_in_model;
/// // A model without heads, whose loss rose.
/// let c = heads_in_model::check_driven(|_| Ok((vec!["image_encoder.fc.weight".into()], vec![1.0; 12])));
/// assert!(!c.passed());
/// ```
pub fn check_driven(summary: impl Fn(u64) -> Result<(Vec<String>, Vec<f32>)>) -> Checklist {
    let rows = [
        ("the model has a projection head on each side", "heads", 1.0),
        ("it was trained the config's 12 steps", "steps", 1.0),
        ("its training loss went down", "loss", 1.0),
    ];
    check_run("heads_in_model", &summary, 42, &rows)
}
