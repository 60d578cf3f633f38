//! A 3-D scatter of points coloured by digit, drawn as a static SVG from a fixed viewpoint: the
//! tutorial's plotly 3-D PCA exercise, in a form that reads on a code host and in an untrusted
//! notebook (no script runs).

use plotters::prelude::*;

use crate::error::Result;
use crate::viz::palette::digit_color;
use crate::viz::svg::{SvgChart, draw_err};
use crate::viz::ticks::tick_label;

/// Points in three dimensions, each with its digit.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::Scatter3d;
/// let v = |i: i32, m: i32| ((i % m) - m / 2) as f32 / 10.0; // around 0: no "-0.0" tick
/// let points: Vec<([f32; 3], u32)> = (0..30).map(|i| ([v(i, 31), v(i, 7), v(i, 3)], (i % 10) as u32)).collect();
/// let chart = Scatter3d::new("three components", &points, ["PC 1", "PC 2", "PC 3"]).chart()?;
/// assert!(chart.as_str().contains("PC 3") && chart.as_str().contains("digit 9"));
/// assert!(!chart.as_str().lines().any(|l| l.trim() == "-0.0"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Scatter3d {
    title: String,
    points: Vec<([f32; 3], u32)>,
    axes: [String; 3],
}

impl Scatter3d {
    /// A scatter of `points` (coordinates and digit) with axis names `axes`.
    pub fn new(title: &str, points: &[([f32; 3], u32)], axes: [&str; 3]) -> Self {
        Scatter3d {
            title: title.to_string(),
            points: points.to_vec(),
            axes: axes.map(str::to_string),
        }
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The points: coordinates and digit.
    pub fn points(&self) -> &[([f32; 3], u32)] {
        &self.points
    }

    /// The names of the three axes.
    pub fn axes(&self) -> &[String; 3] {
        &self.axes
    }

    /// The chart, seen from a fixed angle (yaw 0.7, pitch 0.3 radians).
    pub fn chart(&self) -> Result<SvgChart> {
        let range = |k: usize| {
            let (lo, hi) = self
                .points
                .iter()
                .fold((f32::MAX, f32::MIN), |(lo, hi), (p, _)| {
                    (lo.min(p[k]), hi.max(p[k]))
                });
            let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
            let pad = ((hi - lo) * 0.05).max(1e-3);
            (lo - pad) as f64..(hi + pad) as f64
        };
        let mut svg = String::new();
        {
            let err = draw_err("3-D scatter");
            let root = SVGBackend::with_string(&mut svg, (720, 600)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(&self.title, ("sans-serif", 20))
                .margin(16)
                .build_cartesian_3d(range(0), range(1), range(2))
                .map_err(&err)?;
            chart.with_projection(|mut p| {
                p.yaw = 0.7;
                p.pitch = 0.3;
                p.scale = 0.8;
                p.into_matrix()
            });
            let span = |r: &std::ops::Range<f64>| r.end - r.start;
            let (sx, sy, sz) = (span(&range(0)), span(&range(1)), span(&range(2)));
            chart
                .configure_axes()
                .light_grid_style(BLACK.mix(0.08))
                .max_light_lines(3)
                .x_formatter(&|v| tick_label(*v, sx))
                .y_formatter(&|v| tick_label(*v, sy))
                .z_formatter(&|v| tick_label(*v, sz))
                .draw()
                .map_err(&err)?;
            for digit in 0..10u32 {
                let color = digit_color(digit);
                let mine = self.points.iter().filter(|(_, d)| *d == digit);
                chart
                    .draw_series(mine.map(|(p, _)| {
                        Circle::new(
                            (p[0] as f64, p[1] as f64, p[2] as f64),
                            3,
                            color.mix(0.75).filled(),
                        )
                    }))
                    .map_err(&err)?
                    .label(format!("digit {digit}"))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                    });
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .draw()
                .map_err(&err)?;
            // The axis names, under the chart (plotters' 3-D axes carry no titles).
            let names = format!(
                "x: {}   y: {}   z: {}",
                self.axes[0], self.axes[1], self.axes[2]
            );
            root.draw(&Text::new(names, (16, 580), ("sans-serif", 15)))
                .map_err(&err)?;
            root.present().map_err(&err)?;
        }
        Ok(SvgChart::new(svg))
    }

    /// Shows the chart in a notebook.
    pub fn evcxr_display(&self) {
        match self.chart() {
            Ok(c) => c.evcxr_display(),
            Err(e) => println!("the 3-D scatter could not be drawn: {e}"),
        }
    }
}
