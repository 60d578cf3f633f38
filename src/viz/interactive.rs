//! The 3-D scatter as an interactive plotly.js chart (feature `plotly`), as the tutorial's
//! `plotly.express.scatter_3d`: drag to turn it, scroll to zoom, click a digit in the legend to
//! hide it.
//!
//! The figure is built with the `plotly` crate and drawn by plotly.js, which the output loads from
//! cdn.plot.ly: it shows in a trusted notebook with network access (JupyterLab, Notebook 7 or the
//! classic Notebook), and nowhere else (a code host, an untrusted notebook, offline). Show the
//! static [`Scatter3d`] beside it for those.

use plotly::common::{Marker, Mode, Title};
use plotly::layout::{Axis, Layout, LayoutScene};
use plotly::{Plot, Scatter3D};

use crate::viz::palette::digit_color;
use crate::viz::scatter3d::Scatter3d;

/// The plotly.js release the chart loads.
pub const PLOTLY_JS: &str = "https://cdn.plot.ly/plotly-3.0.1.min.js";

/// An interactive 3-D scatter: one plotly trace per digit, coloured as the static charts.
///
/// # Example
/// ```
/// use multimodal_search::viz::Scatter3d;
/// let points = [([0.0, 1.0, 2.0], 3), ([1.0, 0.0, -1.0], 5)];
/// let chart = Scatter3d::new("demo", &points, ["x", "y", "z"]).interactive();
/// assert_eq!(chart.plot().data().len(), 2);
/// assert!(chart.to_html().contains("Plotly.newPlot"));
/// let tricky = Scatter3d::new("a </script> title", &points, ["x", "y", "z"]).interactive();
/// assert_eq!(tricky.to_html().matches("</script>").count(), 1);
/// ```
#[derive(Clone)]
pub struct InteractiveScatter3d {
    plot: Plot,
    id: String,
}

impl Scatter3d {
    /// The same points as an interactive plotly.js chart.
    pub fn interactive(&self) -> InteractiveScatter3d {
        let mut plot = Plot::new();
        for digit in 0..10 {
            let mine: Vec<&[f32; 3]> = self
                .points()
                .iter()
                .filter(|(_, d)| *d == digit)
                .map(|(p, _)| p)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let axis = |i: usize| mine.iter().map(|p| p[i]).collect::<Vec<f32>>();
            let c = digit_color(digit);
            let trace = Scatter3D::new(axis(0), axis(1), axis(2))
                .name(format!("digit {digit}"))
                .mode(Mode::Markers)
                .marker(
                    Marker::new()
                        .size(3)
                        .color(format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)),
                );
            plot.add_trace(trace);
        }
        let [x, y, z] = self.axes().clone();
        let axis = |name: String| Axis::new().title(Title::with_text(name));
        plot.set_layout(
            Layout::new()
                .title(Title::with_text(self.title()))
                .width(720)
                .height(600)
                .scene(
                    LayoutScene::new()
                        .x_axis(axis(x))
                        .y_axis(axis(y))
                        .z_axis(axis(z)),
                ),
        );
        // An id from the content and a per-process count: the same in every run of a notebook
        // (no churn in its saved outputs), and two charts of one page never share a div.
        static CHARTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = CHARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let json = plot.to_json();
        let id = format!("mms-plotly-{:016x}-{n}", fnv1a(json.as_bytes()));
        InteractiveScatter3d { plot, id }
    }
}

impl std::fmt::Debug for InteractiveScatter3d {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // plotly's `Plot` has no `Debug`: show the id and the number of traces.
        f.debug_struct("InteractiveScatter3d")
            .field("id", &self.id)
            .field("traces", &self.plot.data().len())
            .finish()
    }
}

/// FNV-1a, a stable hash for the chart's id (std's hasher is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl InteractiveScatter3d {
    /// The plotly figure (add traces, change the layout).
    pub fn plot(&self) -> &Plot {
        &self.plot
    }

    /// A `<div>` and the script that draws the chart into it, loading plotly.js once per page:
    /// through require.js where the classic Notebook has it (plotly.js then defines a module
    /// instead of `window.Plotly`), with a `<script>` tag elsewhere. Until it draws, the div says
    /// why it may be empty.
    pub fn to_html(&self) -> String {
        let id = &self.id;
        // `</` would end the script early if a title held `</script>`; `<\/` is the same string
        // to JavaScript.
        let figure = self.plot.to_json().replace("</", "<\\/");
        format!(
            r#"<div id="{id}" style="width:720px;height:600px;font-family:sans-serif;color:#666">(interactive chart: it needs a trusted notebook and access to cdn.plot.ly; the static picture shows the same points)</div>
<script type="text/javascript">
(function () {{
  var figure = {figure};
  function draw(Plotly) {{
    var div = document.getElementById("{id}");
    div.textContent = "";
    Plotly.newPlot(div, figure.data, figure.layout);
  }}
  if (window.Plotly) {{ draw(window.Plotly); return; }}
  if (typeof window.requirejs === "function") {{
    window.requirejs(["{js}"], function (Plotly) {{ window.Plotly = Plotly; draw(Plotly); }});
    return;
  }}
  var s = document.createElement("script");
  s.src = "{js}";
  s.onload = function () {{ draw(window.Plotly); }};
  document.head.appendChild(s);
}})();
</script>"#,
            js = PLOTLY_JS
        )
    }

    /// Shows the chart in an evcxr notebook.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT",
            self.to_html()
        );
    }
}
