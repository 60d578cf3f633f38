//! Writing the experiment's report: `report.md`, `metrics.json`, and the run folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fs::write_atomic;
use crate::shell::tutorial::experiment::TutorialOutcome;

/// What the tutorial's own PyTorch code reaches on the same data after its 2 epochs:
/// `(which, direction, precision@5, mAP)`, the mean over seeds 42, 43 and 44 of the PyTorch
/// pipeline in `scripts/bench/pytorch_tutorial.py`, its validation embeddings scored by this
/// crate's metrics (`cargo bench --bench train_side_by_side -- --seeds 42,43,44`; the README's
/// retrieval table gives the spread).
pub const PYTORCH_REFERENCE: [(&str, &str, f64, f64); 4] = [
    ("multimodal", "image -> audio", 0.831, 0.802),
    ("multimodal", "audio -> image", 0.800, 0.770),
    ("unimodal", "image -> audio", 0.144, 0.201),
    ("unimodal", "audio -> image", 0.118, 0.201),
];

impl TutorialOutcome {
    /// The report's Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        md.push_str("# multimodal-search: tutorial run\n\n");
        md.push_str(&format!(
            "Seeds {:?}{}; {:.1} s of training and evaluation. Search: validation sets (10,000 MNIST test images, \
             300 FSDD validation recordings), cosine similarity, a result is relevant when it shows the same digit.\n\n",
            self.seeds.iter().map(|s| s.seed).collect::<Vec<_>>(),
            if self.quick { " (quick smoke run: bounded steps, not the tutorial's numbers)" } else { "" },
            self.wall_seconds
        ));
        let k = self.seeds.first().map(|s| s.multimodal.k).unwrap_or(5);
        md.push_str(&format!(
            "## Cross-modal search over the seeds\n\n| model | direction | P@{k} mean | min | max | mAP mean | min | max | PyTorch P@5 / mAP (seeds 42-44, mean) |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        ));
        for which in ["multimodal", "unimodal"] {
            for direction in ["image -> audio", "audio -> image"] {
                let (Some(p), Some(m)) = (
                    self.spread(which, direction, "p@k"),
                    self.spread(which, direction, "map"),
                ) else {
                    continue;
                };
                let reference = PYTORCH_REFERENCE
                    .iter()
                    .find(|r| r.0 == which && r.1 == direction)
                    .map(|r| format!("{:.3} / {:.3}", r.2, r.3))
                    .unwrap_or_default();
                md.push_str(&format!(
                    "| {which} | {direction} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {reference} |\n",
                    p.mean, p.min, p.max, m.mean, m.min, m.max
                ));
            }
        }
        for s in &self.seeds {
            md.push_str(&format!(
                "\n## Seed {}\n\n### Unimodal pair (trained apart)\n\n",
                s.seed
            ));
            md.push_str(&s.unimodal.to_markdown());
            md.push_str("\n\n### Multimodal model (trained together)\n\n");
            md.push_str(&s.multimodal.to_markdown());
            md.push_str(
                "\n\n### Training\n\n| model | steps | train s | validation s | pairs/s | mining+loss share | last train loss | last validation loss |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
            );
            for t in &s.training {
                md.push_str(&format!(
                    "| {} | {} | {:.1} | {:.1} | {:.0} | {:.0}% | {:.4} | {} |\n",
                    t.model.name(),
                    t.steps,
                    t.train_seconds,
                    t.validation_seconds,
                    t.samples_per_second,
                    t.loss_share * 100.0,
                    t.final_train_loss,
                    t.final_validation_loss
                        .map(|v| format!("{v:.4}"))
                        .unwrap_or_else(|| "-".into())
                ));
            }
            md.push_str(&format!(
                "\nPlots: `seed_{0}/<model>/loss.svg` and `seed_{0}/<model>/pca_epoch_<n>.svg`.\n",
                s.seed
            ));
        }
        md
    }
}

/// Writes `report.md` and `metrics.json` into the outcome's run folder.
pub(crate) fn write_report(outcome: &TutorialOutcome) -> Result<()> {
    let dir = &outcome.run_dir;
    write_atomic(&dir.join("report.md"), outcome.to_markdown().as_bytes())?;
    let json = serde_json::to_vec_pretty(outcome).map_err(|source| Error::Serialization {
        what: "metrics.json".into(),
        source,
    })?;
    write_atomic(&dir.join("metrics.json"), &json)
}

/// `runs/<UTC timestamp>` (with `-2`, `-3`, ... when two runs start in the same second).
pub(crate) fn new_run_dir(parent: &Path) -> Result<PathBuf> {
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(':', "-");
    let mut dir = parent.join(&stamp);
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("{stamp}-{n}"));
        n += 1;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Points `runs/latest` at the new run (a symlink on Unix; elsewhere a text file naming it).
/// Failing to do so never fails the run: the run folder itself is complete.
pub(crate) fn point_latest(parent: &Path, run_dir: &Path) {
    let latest = parent.join("latest");
    let name = run_dir.file_name().map(PathBuf::from).unwrap_or_default();
    let _ = std::fs::remove_file(&latest);
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(&name, &latest).is_ok();
    #[cfg(not(unix))]
    let made = false;
    if !made {
        let _ = std::fs::write(&latest, name.to_string_lossy().as_bytes());
    }
}
