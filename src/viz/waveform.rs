//! `Waveform`: a recording's raw samples over time, the tutorial's plot of a spoken 5 and 8.

use plotters::prelude::*;

use crate::error::Result;
use crate::viz::svg::{SvgChart, draw_err, draw_legend};
use crate::viz::ticks::tick_label;

/// Columns of the min/max envelope drawn (about one per pixel of the plot area).
const ENVELOPE_COLUMNS: usize = 700;

/// One recording to draw as amplitude (scaled to [-1, 1]) against time in seconds.
///
/// Long clips are drawn as their min/max envelope per column, which looks the same as every
/// sample at this width and keeps the SVG small.
///
/// # Shapes
/// `samples`: `n` i16 at `sample_rate` Hz.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::Waveform;
/// let tone: Vec<i16> = (0..4000).map(|i| ((i as f32 * 0.05).sin() * 9000.0) as i16).collect();
/// let chart = Waveform { title: "a tone".into(), samples: tone, sample_rate: 8000 }.chart()?;
/// assert!(chart.as_str().contains("time (s)") && chart.as_str().contains("amplitude"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Waveform {
    /// Chart title.
    pub title: String,
    /// The samples.
    pub samples: Vec<i16>,
    /// Samples per second.
    pub sample_rate: u32,
}

impl Waveform {
    /// Draws the waveform (800 x 300 SVG) with axis titles and a legend naming the clip length.
    pub fn chart(&self) -> Result<SvgChart> {
        if self.samples.is_empty() || self.sample_rate == 0 {
            crate::bail!("waveform {:?}: no samples or no sample rate", self.title);
        }
        let rate = self.sample_rate as f64;
        let seconds = self.samples.len() as f64 / rate;
        let scale = 1.0 / 32768.0;
        let per_col = self.samples.len().div_ceil(ENVELOPE_COLUMNS).max(1);
        let mut points = Vec::with_capacity(2 * ENVELOPE_COLUMNS);
        for (c, chunk) in self.samples.chunks(per_col).enumerate() {
            let t = (c * per_col) as f64 / rate;
            let lo = chunk.iter().copied().min().unwrap_or(0) as f64 * scale;
            let hi = chunk.iter().copied().max().unwrap_or(0) as f64 * scale;
            points.push((t, lo));
            points.push((t, hi));
        }
        let peak = points
            .iter()
            .map(|p| p.1.abs())
            .fold(0.0f64, f64::max)
            .max(1e-3)
            * 1.1;
        let mut svg = String::new();
        {
            let err = draw_err("waveform");
            let root = SVGBackend::with_string(&mut svg, (800, 300)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(&self.title, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(60)
                .build_cartesian_2d(0f64..seconds, -peak..peak)
                .map_err(&err)?;
            chart
                .configure_mesh()
                .x_desc("time (s)")
                .y_desc("amplitude")
                .x_label_formatter(&|v| tick_label(*v, seconds))
                .y_label_formatter(&|v| tick_label(*v, 2.0 * peak))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(&err)?;
            let blue = RGBColor(0x1f, 0x77, 0xb4);
            chart
                .draw_series(LineSeries::new(points, blue.stroke_width(1)))
                .map_err(&err)?
                .label(format!("{seconds:.2} s at {} Hz", self.sample_rate))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue));
            draw_legend(&mut chart, &err)?;
            root.present().map_err(&err)?;
        }
        Ok(SvgChart::new(svg))
    }
}
