//! Loss curves: what Lightning's logger shows for `train_loss` (per step and per epoch) and
//! `valid_loss` (per epoch) in the tutorial.

use plotters::prelude::*;

use crate::error::Result;
use crate::train::History;
use crate::viz::svg::{SvgChart, draw_err, draw_legend};
use crate::viz::ticks::tick_label;

/// The losses of one run, ready to draw.
///
/// # Shapes
/// Per-step losses (one f32 per optimizer step); per-epoch points as `(step, loss)`.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::LossCurves;
/// let curves = LossCurves {
///     title: "toy run".into(),
///     step_losses: vec![0.9, 0.7, 0.5, 0.4],
///     epoch_train: vec![(2.0, 0.8), (4.0, 0.45)],
///     epoch_validation: vec![(2.0, 0.6), (4.0, 0.5)],
/// };
/// let svg = curves.chart()?;
/// assert!(svg.as_str().contains("validation loss"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct LossCurves {
    /// Chart title.
    pub title: String,
    /// The training loss of every step (step 1 first).
    pub step_losses: Vec<f32>,
    /// Mean training loss per epoch, at the epoch's last step.
    pub epoch_train: Vec<(f64, f32)>,
    /// Validation loss per epoch, at the epoch's last step.
    pub epoch_validation: Vec<(f64, f32)>,
}

impl LossCurves {
    /// Draws the curves (800 x 480 SVG) with axis titles and a legend.
    pub fn chart(&self) -> Result<SvgChart> {
        if self.step_losses.is_empty() {
            crate::bail!("loss curves for {:?}: no steps to draw", self.title);
        }
        let all = self
            .step_losses
            .iter()
            .copied()
            .chain(self.epoch_train.iter().map(|p| p.1))
            .chain(self.epoch_validation.iter().map(|p| p.1))
            .filter(|v| v.is_finite());
        let (lo, hi) = all.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let pad = ((hi - lo) * 0.05).max(1e-3);
        let (y0, y1) = ((lo - pad).max(0.0) as f64, (hi + pad) as f64);
        let x1 = self.step_losses.len().max(2) as f64;
        let mut svg = String::new();
        {
            let err = draw_err("loss curves");
            let root = SVGBackend::with_string(&mut svg, (800, 480)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(&self.title, ("sans-serif", 22))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(60)
                .build_cartesian_2d(1f64..x1, y0..y1)
                .map_err(&err)?;
            chart
                .configure_mesh()
                .x_desc("optimizer step")
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_desc("loss")
                .y_label_formatter(&|v| tick_label(*v, y1 - y0))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(&err)?;
            let steps = self
                .step_losses
                .iter()
                .enumerate()
                .map(|(i, l)| ((i + 1) as f64, *l as f64));
            let blue = RGBColor(0x1f, 0x77, 0xb4);
            chart
                .draw_series(LineSeries::new(steps, blue.mix(0.6).stroke_width(1)))
                .map_err(&err)?
                .label("train loss (per step)")
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue));
            let orange = RGBColor(0xff, 0x7f, 0x0e);
            let green = RGBColor(0x2c, 0xa0, 0x2c);
            for (points, color, name) in [
                (&self.epoch_train, orange, "train loss (epoch mean)"),
                (&self.epoch_validation, green, "validation loss"),
            ] {
                if points.is_empty() {
                    continue;
                }
                let pts: Vec<(f64, f64)> = points.iter().map(|(x, y)| (*x, *y as f64)).collect();
                chart
                    .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                    .map_err(&err)?
                    .label(name)
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
                    });
                chart
                    .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                    .map_err(&err)?;
            }
            draw_legend(&mut chart, &err)?;
            root.present().map_err(&err)?;
        }
        Ok(SvgChart::new(svg))
    }
}

// Drawn here, on top of training: the history itself knows nothing of charts.
impl History {
    /// The run's losses as a chart-ready [`LossCurves`]: every step, each epoch's mean, and the
    /// validation loss, at the step where each epoch ends.
    ///
    /// # Example
    /// ```
    /// let curves = multimodal_search::train::History::default().loss_curves("nothing yet");
    /// assert!(curves.step_losses.is_empty());
    /// ```
    pub fn loss_curves(&self, title: &str) -> LossCurves {
        let mut at = 0usize;
        let mut epoch_train = Vec::new();
        let mut epoch_validation = Vec::new();
        for e in &self.epochs {
            at += e.steps;
            epoch_train.push((at as f64, e.train_loss));
            if let Some(v) = e.validation_loss {
                epoch_validation.push((at as f64, v));
            }
        }
        LossCurves {
            title: title.to_string(),
            step_losses: self.step_losses.clone(),
            epoch_train,
            epoch_validation,
        }
    }
}
