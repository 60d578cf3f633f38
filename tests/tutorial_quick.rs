//! The main job's `--quick` path, end to end on the real data (seed 42): the run folder is
//! complete, the jointly trained model searches across modalities and the unimodal pair does not;
//! the same check fails for untrained weights.

mod common;

use multimodal_search::candle_core::Device;
use multimodal_search::data::DataDir;
use multimodal_search::data::TutorialData;
use multimodal_search::search::RetrievalReport;
use multimodal_search::shell::tutorial::{TutorialOptions, run_tutorial};
use multimodal_search::train::{ModelKind, ProgressMode, TrainConfig, TrainedModel};

/// The acceptance check: cross-modal P@5 >= 0.5 in both directions for the multimodal model, and
/// at least 0.3 above the unimodal pair.
fn check(multi: &RetrievalReport, uni: &RetrievalReport) -> Result<(), String> {
    for d in ["image -> audio", "audio -> image"] {
        let m = multi
            .direction(d)
            .ok_or("missing direction")?
            .precision_at_k;
        let u = uni.direction(d).ok_or("missing direction")?.precision_at_k;
        if m < 0.5 {
            return Err(format!("{d}: multimodal P@5 {m:.3} < 0.5"));
        }
        if m - u < 0.3 {
            return Err(format!(
                "{d}: multimodal P@5 {m:.3} is not 0.3 above unimodal {u:.3}"
            ));
        }
    }
    Ok(())
}

#[test]
fn quick_tutorial_learns_cross_modal_search() {
    let data = TutorialData::load(&DataDir::new(common::data_dir(), true)).unwrap();
    let runs = tempfile::tempdir().unwrap();
    let opts = TutorialOptions {
        quick: true,
        runs_dir: runs.path().to_path_buf(),
        progress: ProgressMode::EpochsOnly,
        ..Default::default()
    };
    let outcome = run_tutorial(&data, &opts).unwrap();
    let seed = &outcome.seeds[0];
    println!(
        "unimodal pair\n{}\nmultimodal\n{}",
        seed.unimodal.to_text(),
        seed.multimodal.to_text()
    );
    check(&seed.multimodal, &seed.unimodal).unwrap();

    // The run folder: report, metrics, latest link, and per model checkpoint + plots.
    let run = &outcome.run_dir;
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(
        report.contains("| multimodal | image -> audio |"),
        "{report}"
    );
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["seeds"][0]["seed"], 42);
    assert_eq!(
        std::fs::canonicalize(runs.path().join("latest")).unwrap(),
        std::fs::canonicalize(run).unwrap()
    );
    for kind in [ModelKind::Audio, ModelKind::Image, ModelKind::MultiModal] {
        let dir = run.join("seed_42").join(kind.name());
        for f in [
            "model.safetensors",
            "config.json",
            "history.json",
            "loss.svg",
        ] {
            assert!(dir.join(f).is_file(), "{} lacks {f}", dir.display());
        }
        let back = TrainedModel::load(&dir, &Device::Cpu).unwrap();
        assert_eq!(back.config, opts.configs(42)[kind as usize]);
    }

    // The same check on untrained weights must fail.
    let untrained =
        |kind| TrainedModel::untrained(TrainConfig::tutorial(kind), &Device::Cpu).unwrap();
    let (mm, img, aud) = (
        untrained(ModelKind::MultiModal),
        untrained(ModelKind::Image),
        untrained(ModelKind::Audio),
    );
    let score = |i: &TrainedModel, a: &TrainedModel| {
        RetrievalReport::for_models(&data, &i.model, &a.model, 5, true).unwrap()
    };
    let err = check(&score(&mm, &mm), &score(&img, &aud)).unwrap_err();
    println!("untrained weights fail as they should: {err}");
}
