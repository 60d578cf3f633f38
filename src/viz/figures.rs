//! `Figures`: several figures shown together, side by side, as one notebook output (the
//! tutorial's `plt.subplot` rows: two waveforms, two spectrograms, one PCA plot per epoch).
//!
//! evcxr keeps one block per MIME type for each cell, so a cell that displays two charts one
//! after the other shows only the last; `Figures` joins them into one HTML block instead.

use std::path::Path;

use crate::fs::write_atomic;
use crate::viz::rich::{escape_html, html_page, print_block};
use crate::viz::{
    AudioPlayer, DigitGrid, HtmlTable, PngImage, SearchResults, SpectrogramImage, SvgChart,
};

/// A figure that can be embedded in an HTML page.
pub trait ToHtml {
    /// The figure as a self-contained HTML fragment (images and audio inlined).
    fn to_html(&self) -> String;
}

impl ToHtml for SvgChart {
    fn to_html(&self) -> String {
        self.as_str().to_string()
    }
}

impl ToHtml for PngImage {
    fn to_html(&self) -> String {
        self.to_html_img("figure")
    }
}

impl ToHtml for DigitGrid {
    fn to_html(&self) -> String {
        match self.render() {
            Ok(png) => png.to_html_img("handwritten digits"),
            Err(e) => format!(
                "<p>(digit grid not drawn: {})</p>",
                escape_html(&e.to_string())
            ),
        }
    }
}

impl ToHtml for SpectrogramImage {
    fn to_html(&self) -> String {
        match self.render(4) {
            Ok(png) => png.to_html_img("spectrogram"),
            Err(e) => format!(
                "<p>(spectrogram not drawn: {})</p>",
                escape_html(&e.to_string())
            ),
        }
    }
}

impl ToHtml for AudioPlayer {
    fn to_html(&self) -> String {
        AudioPlayer::to_html(self)
    }
}

impl ToHtml for HtmlTable {
    fn to_html(&self) -> String {
        HtmlTable::to_html(self)
    }
}

impl ToHtml for SearchResults {
    fn to_html(&self) -> String {
        SearchResults::to_html(self)
    }
}

/// Figures laid out in a wrapping row, each with an optional caption.
///
/// # Shapes
/// Not a tensor type: a list of HTML fragments.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::{AudioPlayer, Figures, SvgChart};
/// let mut figures = Figures::new();
/// figures.push("a chart", &SvgChart::new("<svg xmlns='http://www.w3.org/2000/svg'></svg>".into()));
/// figures.push("a tone", &AudioPlayer::from_samples(&[0, 900, -900, 0], 8000, "tone")?);
/// assert_eq!(figures.len(), 2);
/// assert!(figures.to_html().contains("<svg") && figures.to_html().contains("<audio"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    items: Vec<(String, String)>,
}

impl Figures {
    /// No figures yet.
    pub fn new() -> Self {
        Figures::default()
    }

    /// Adds a figure with a caption (empty: none).
    pub fn push(&mut self, caption: &str, figure: &dyn ToHtml) -> &mut Self {
        self.items.push((caption.to_string(), figure.to_html()));
        self
    }

    /// Number of figures.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no figures.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The figures as one HTML fragment.
    pub fn to_html(&self) -> String {
        let mut html = String::from(
            "<div style=\"display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start\">",
        );
        for (caption, body) in &self.items {
            html.push_str("<figure style=\"margin:0\">");
            if !caption.is_empty() {
                html.push_str(&format!(
                    "<figcaption style=\"font:13px sans-serif;margin-bottom:4px\">{}</figcaption>",
                    escape_html(caption)
                ));
            }
            html.push_str(body);
            html.push_str("</figure>");
        }
        html.push_str("</div>");
        html
    }

    /// Writes the figures to `path` as one HTML page.
    pub fn save(&self, path: impl AsRef<Path>) -> crate::Result<()> {
        write_atomic(
            path.as_ref(),
            html_page("figures", &self.to_html()).as_bytes(),
        )
    }

    /// Shows the figures in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        print_block("text/html", &self.to_html());
    }
}
