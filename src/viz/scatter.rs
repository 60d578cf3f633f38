//! The tutorial's per-epoch scatter of validation embeddings, squashed to 2-D with PCA
//! (`plot_embeddings_unimodal` / `plot_embeddings_multimodal`).

use plotters::prelude::*;

use crate::error::Result;
use crate::model::Modality;
use crate::viz::palette::digit_color;
use crate::viz::pca::Pca;
use crate::viz::svg::{SvgChart, draw_err, draw_legend};
use crate::viz::ticks::tick_label;

/// Points of one or two modalities in the 2-D PCA plane, coloured by digit.
///
/// # Shapes
/// Built from `n x d` f32 embedding rows per modality with `n` u32 labels; holds `(x, y)` pairs.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::{EmbeddingScatter, Modality};
/// let rows: Vec<f32> = (0..20).flat_map(|i| [i as f32, (i % 10) as f32, 1.0]).collect();
/// let labels: Vec<u32> = (0..20).map(|i| i % 10).collect();
/// let scatter = EmbeddingScatter::fit("epoch 1", &[(Modality::Image, &rows[..], &labels[..])], 3)?;
/// assert_eq!(scatter.points().len(), 20);
/// assert!(scatter.chart()?.as_str().contains("principal component 1"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct EmbeddingScatter {
    title: String,
    points: Vec<(f32, f32, u32, Modality)>,
    explained: Vec<f64>,
    /// Axis names of a map drawn as given (no PCA): `None` for the PCA plane.
    axes: Option<[String; 2]>,
}

impl EmbeddingScatter {
    /// Fits one PCA to all the given rows together (so both modalities share the plane) and
    /// projects them.
    pub fn fit(title: &str, groups: &[(Modality, &[f32], &[u32])], d: usize) -> Result<Self> {
        let mut all = Vec::new();
        for (m, rows, labels) in groups {
            if rows.len() != labels.len() * d {
                crate::bail!(
                    "scatter {title:?}: {m:?} has {} values for {} labels of width {d}",
                    rows.len(),
                    labels.len()
                );
            }
            all.extend_from_slice(rows);
        }
        let pca = Pca::fit(&all, d, 2)?;
        let mut points = Vec::with_capacity(all.len() / d);
        for (m, rows, labels) in groups {
            let xy = pca.transform(rows)?;
            points.extend(
                xy.chunks_exact(2)
                    .zip(labels.iter())
                    .map(|(p, l)| (p[0], p[1], *l, *m)),
            );
        }
        Ok(EmbeddingScatter {
            title: title.to_string(),
            points,
            explained: pca.explained_variance_ratio(),
            axes: None,
        })
    }

    /// Points already in 2-D (a t-SNE map, say), drawn as they are with the axes named `axes`.
    ///
    /// # Example
    /// ```
    /// # fn main() -> multimodal_search::Result<()> {
    /// use multimodal_search::viz::{EmbeddingScatter, Modality};
    /// let map = vec![(0.0, 1.0, 3, Modality::Image), (2.0, -1.0, 5, Modality::Audio)];
    /// let chart = EmbeddingScatter::from_map("t-SNE", map, ["t-SNE 1", "t-SNE 2"]).chart()?;
    /// assert!(chart.as_str().contains("t-SNE 2"));
    /// # Ok(()) }
    /// ```
    pub fn from_map(title: &str, points: Vec<(f32, f32, u32, Modality)>, axes: [&str; 2]) -> Self {
        EmbeddingScatter {
            title: title.to_string(),
            points,
            explained: Vec::new(),
            axes: Some(axes.map(str::to_string)),
        }
    }

    /// The projected points: `(x, y, digit, modality)`.
    pub fn points(&self) -> &[(f32, f32, u32, Modality)] {
        &self.points
    }

    /// Draws the scatter (720 x 600 SVG): colour = digit, circle = image, triangle = audio, with
    /// a legend of digits and modalities; the axes say their explained variance (PCA) or carry
    /// the names given to [`EmbeddingScatter::from_map`].
    pub fn chart(&self) -> Result<SvgChart> {
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for (x, y, _, _) in &self.points {
            (x0, x1, y0, y1) = (x0.min(*x), x1.max(*x), y0.min(*y), y1.max(*y));
        }
        let pad = |a: f32, b: f32| ((b - a) * 0.05).max(1e-3);
        let (px, py) = (pad(x0, x1), pad(y0, y1));
        // Room on the right for the legend (about a fifth of the plot's width), so no point hides
        // behind it.
        let x_range = (x0 - px) as f64..(x1 + px + (x1 - x0) * 0.4) as f64;
        let y_range = (y0 - py) as f64..(y1 + py) as f64;
        let (x_range_span, y_range_span) =
            (x_range.end - x_range.start, y_range.end - y_range.start);
        let mut svg = String::new();
        {
            let err = draw_err("embedding scatter");
            let root = SVGBackend::with_string(&mut svg, (720, 600)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(&self.title, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(56)
                .build_cartesian_2d(x_range, y_range)
                .map_err(&err)?;
            let (x_span, y_span) = (x_range_span, y_range_span);
            let pct = |i: usize| self.explained.get(i).copied().unwrap_or(0.0) * 100.0;
            let [x_desc, y_desc] = self.axes.clone().unwrap_or_else(|| {
                [1, 2].map(|c| format!("principal component {c} ({:.0}% of variance)", pct(c - 1)))
            });
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&|v| tick_label(*v, x_span))
                .y_label_formatter(&|v| tick_label(*v, y_span))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(&err)?;
            let has = |m: Modality| self.points.iter().any(|p| p.3 == m);
            for digit in 0..10u32 {
                let color = digit_color(digit);
                let mine = self.points.iter().filter(|p| p.2 == digit);
                let circles = mine
                    .clone()
                    .filter(|p| p.3 == Modality::Image)
                    .map(|p| Circle::new((p.0 as f64, p.1 as f64), 3, color.mix(0.7).filled()));
                chart
                    .draw_series(circles)
                    .map_err(&err)?
                    .label(format!("digit {digit}"))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                    });
                let triangles = mine
                    .filter(|p| p.3 == Modality::Audio)
                    .map(|p| TriangleMarker::new((p.0 as f64, p.1 as f64), 6, color.filled()));
                chart.draw_series(triangles).map_err(&err)?;
            }
            if has(Modality::Image) && has(Modality::Audio) {
                chart
                    .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                    .map_err(&err)?
                    .label("image (circle)")
                    .legend(|(x, y)| Circle::new((x + 5, y), 4, BLACK.filled()));
                chart
                    .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                    .map_err(&err)?
                    .label("audio (triangle)")
                    .legend(|(x, y)| TriangleMarker::new((x + 5, y), 6, BLACK.filled()));
            }
            draw_legend(&mut chart, &err)?;
            root.present().map_err(&err)?;
        }
        Ok(SvgChart::new(svg))
    }
}
