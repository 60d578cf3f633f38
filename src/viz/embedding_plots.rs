//! `EmbeddingPlots`: the tutorial's `validation_epoch_end`, a PCA scatter of the validation
//! embeddings after every epoch, as a training callback.

use std::path::PathBuf;

use crate::data::{LabeledSet, TutorialData};
use crate::error::Result;
use crate::model::{Modality, TutorialModel};
use crate::train::{Callback, Control, EpochEnd};
use crate::viz::{EmbeddingScatter, SvgChart};

/// The tutorial's per-epoch scatter: validation embeddings projected to 2-D with PCA, coloured
/// by digit (circles for images, triangles for audio), kept as charts and optionally saved as
/// `pca_epoch_{n}.svg`.
///
/// # Example
/// ```
/// let plots = multimodal_search::viz::EmbeddingPlots::new(None);
/// assert!(plots.charts.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct EmbeddingPlots {
    /// Where to save the SVGs (None: keep them in memory only).
    pub dir: Option<PathBuf>,
    /// Unique validation items per modality to plot (the first ones of each set).
    pub max_points: usize,
    /// One chart per epoch.
    pub charts: Vec<SvgChart>,
}

impl EmbeddingPlots {
    /// Plots of up to 1,000 items per modality (all 300 validation recordings).
    pub fn new(dir: Option<PathBuf>) -> Self {
        EmbeddingPlots {
            dir,
            max_points: 1000,
            charts: Vec::new(),
        }
    }
}

impl EmbeddingPlots {
    /// Embeds (up to `max_points` of) each validation set the model has a side for, fits a PCA to
    /// all of it and draws the scatter titled `title`; keeps the chart and returns a copy.
    pub fn draw(
        &mut self,
        model: &TutorialModel,
        data: &TutorialData,
        title: &str,
    ) -> Result<SvgChart> {
        let embed = |modality: Modality, set: &LabeledSet| -> Result<(Vec<f32>, Vec<u32>)> {
            let side = model.side(modality)?;
            let n = set.len().min(self.max_points);
            let idx: Vec<usize> = (0..n).collect();
            let mut rows = Vec::new();
            for chunk in idx.chunks(512) {
                let (x, _) = set.gather(chunk)?;
                let z = side.embed(&x.to_device(side.device())?)?; // (chunk, D)
                rows.extend(z.flatten_all()?.to_vec1::<f32>()?);
            }
            Ok((rows, set.labels()[..n].to_vec()))
        };
        let mut groups = Vec::new();
        if model.image_encoder().is_some() {
            let (rows, labels) = embed(Modality::Image, data.validation_images())?;
            groups.push((Modality::Image, rows, labels));
        }
        if model.audio_encoder().is_some() {
            let (rows, labels) = embed(Modality::Audio, data.validation_audio())?;
            groups.push((Modality::Audio, rows, labels));
        }
        let dim = groups
            .first()
            .map_or(0, |(_, rows, labels)| rows.len() / labels.len().max(1));
        let groups: Vec<(Modality, &[f32], &[u32])> = groups
            .iter()
            .map(|(m, r, l)| (*m, r.as_slice(), l.as_slice()))
            .collect();
        let chart = EmbeddingScatter::fit(title, &groups, dim)?.chart()?;
        self.charts.push(chart.clone());
        Ok(chart)
    }
}

impl Callback for EmbeddingPlots {
    fn on_epoch_end(&mut self, end: &EpochEnd) -> Result<Control> {
        let title = format!(
            "{} — validation embeddings after epoch {} (PCA)",
            end.config.model.name(),
            end.epoch + 1
        );
        let chart = self.draw(end.model, end.data, &title)?;
        if let Some(dir) = &self.dir {
            chart.save(dir.join(format!("pca_epoch_{}.svg", end.epoch + 1)))?;
        }
        Ok(Control::Continue)
    }
}
