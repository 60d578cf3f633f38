//! `SvgChart`: one finished chart, shown inline by evcxr or saved to a file.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fs::write_atomic;

/// An SVG document drawn with plotters.
///
/// # Shapes
/// Not a tensor type: the SVG text of one figure.
///
/// # Example
/// ```
/// use multimodal_search::viz::SvgChart;
/// let chart = SvgChart::new("<svg xmlns='http://www.w3.org/2000/svg'></svg>".into());
/// assert!(chart.as_str().starts_with("<svg"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SvgChart {
    svg: String,
}

impl SvgChart {
    /// Wraps SVG text.
    pub fn new(svg: String) -> Self {
        SvgChart { svg }
    }

    /// The SVG text.
    pub fn as_str(&self) -> &str {
        &self.svg
    }

    /// Writes the SVG to `path` (temp file + rename, so a reader never sees half a file).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(path.as_ref(), self.svg.as_bytes())
    }

    /// Shows the chart in a Jupyter notebook running the evcxr kernel (called by evcxr when the
    /// chart is a cell's last value).
    pub fn evcxr_display(&self) {
        crate::viz::rich::print_block("image/svg+xml", &self.svg);
    }
}

/// Converts a plotters drawing error into ours, naming the chart.
pub(crate) fn draw_err<E: std::fmt::Debug>(chart: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Render {
        what: format!("the {chart} chart"),
        reason: format!("{e:?}"),
    }
}

/// Draws a chart's legend the same way in every figure (upper right, white box, black border).
pub(crate) fn draw_legend<'a, DB, CT>(
    chart: &mut plotters::chart::ChartContext<'a, DB, CT>,
    err: &impl Fn(plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>) -> Error,
) -> Result<()>
where
    DB: plotters::prelude::DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate,
{
    use plotters::prelude::*;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}
