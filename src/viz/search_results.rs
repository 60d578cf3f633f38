//! `SearchResults`: one cross-modal query with its 5 closest and 5 farthest results, the
//! tutorial's search cells (the query drawn or played, then the results).

use std::path::Path;

use candle_core::Tensor;

use crate::data::LabeledSet;
use crate::error::Result;
use crate::fs::write_atomic;
use crate::search::Hit;
use crate::viz::audio::AudioPlayer;
use crate::viz::digit_grid::DigitGrid;
use crate::viz::rich::{escape_html, html_page, print_block};

/// A query and its results as one HTML figure: spoken results as players, handwritten results
/// as a labelled digit grid, each list with how many results share the query's digit.
///
/// # Shapes
/// Query image `(1, 28, 28)` f32, normalized as the models see it; hits from an
/// [`EmbeddingIndex`](crate::search::EmbeddingIndex) (closest first, farthest first).
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::candle_core::{Device, Tensor};
/// use multimodal_search::data::LabeledSet;
/// use multimodal_search::search::Hit;
/// use multimodal_search::viz::SearchResults;
/// let images = LabeledSet::new(Tensor::zeros((2, 1, 28, 28), multimodal_search::candle_core::DType::F32, &Device::Cpu)?,
///     vec![3, 4], vec!["a".into(), "b".into()])?;
/// let hit = |i: usize, label: u32| Hit { index: i, id: String::new(), label, score: 0.5, distance: 0.5 };
/// let dir = tempfile::tempdir().unwrap();
/// let wav = dir.path().join("3_test_0.wav");
/// multimodal_search::viz::AudioPlayer::from_samples(&[0, 5, -5], 8000, "")?.save(&wav)?;
/// let view = SearchResults::audio_to_image("query", &wav, 3, &[hit(0, 3)], &[hit(1, 4)], &images)?;
/// assert_eq!(view.closest_matches(), (1, 1));
/// assert!(view.to_html().contains("<audio controls"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    title: String,
    html: String,
    closest_matches: (usize, usize),
}

/// How many hits carry `label`, as `(matching, total)`.
fn matching(hits: &[Hit], label: u32) -> (usize, usize) {
    (hits.iter().filter(|h| h.label == label).count(), hits.len())
}

fn section(name: &str, hits: &[Hit], label: u32) -> String {
    let (m, n) = matching(hits, label);
    let labels: Vec<String> = hits.iter().map(|h| h.label.to_string()).collect();
    format!(
        "<p style=\"font:13px sans-serif;margin:8px 0 2px\"><b>{}</b>: digits [{}], {m} of {n} match the query's digit</p>",
        escape_html(name),
        labels.join(", ")
    )
}

impl SearchResults {
    /// A handwritten query against spoken results; `recordings_dir` holds the hits' WAV files
    /// (hit ids are file names).
    pub fn image_to_audio(
        title: &str,
        query_image: &Tensor,
        query_label: u32,
        closest: &[Hit],
        farthest: &[Hit],
        recordings_dir: &Path,
    ) -> Result<Self> {
        let query = DigitGrid::from_normalized(query_image, &[query_label], 1)?.render()?;
        let mut html = format!(
            "<div><h4 style=\"font:bold 15px sans-serif\">{}</h4><p style=\"font:13px sans-serif\">query: a handwritten {query_label}</p>{}",
            escape_html(title),
            query.to_html_img(&format!("handwritten {query_label}"))
        );
        for (name, hits) in [("5 closest", closest), ("5 farthest", farthest)] {
            html.push_str(&section(name, hits, query_label));
            for (rank, hit) in hits.iter().enumerate() {
                let caption = format!(
                    "#{} digit {} ({}), similarity {:.3}",
                    rank + 1,
                    hit.label,
                    hit.id,
                    hit.score
                );
                let player = AudioPlayer::from_wav_file(&recordings_dir.join(&hit.id), &caption)?;
                html.push_str(&player.to_html());
            }
        }
        html.push_str("</div>");
        Ok(SearchResults {
            title: title.to_string(),
            html,
            closest_matches: matching(closest, query_label),
        })
    }

    /// A spoken query (its WAV file) against handwritten results drawn from `images` (the set
    /// the image index was built from, in the same order).
    pub fn audio_to_image(
        title: &str,
        query_wav: &Path,
        query_label: u32,
        closest: &[Hit],
        farthest: &[Hit],
        images: &LabeledSet,
    ) -> Result<Self> {
        let name = query_wav
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let player = AudioPlayer::from_wav_file(
            query_wav,
            &format!("query: a spoken {query_label} ({name})"),
        )?;
        let mut html = format!(
            "<div><h4 style=\"font:bold 15px sans-serif\">{}</h4>{}",
            escape_html(title),
            player.to_html()
        );
        for (name, hits) in [("5 closest", closest), ("5 farthest", farthest)] {
            html.push_str(&section(name, hits, query_label));
            let indices: Vec<usize> = hits.iter().map(|h| h.index).collect();
            let (tiles, labels) = images.gather(&indices)?;
            let labels: Vec<u32> = labels.to_vec1::<u32>()?;
            let grid = DigitGrid::from_normalized(&tiles, &labels, hits.len().max(1))?.render()?;
            html.push_str(&grid.to_html_img(&format!("{name} handwritten digits")));
        }
        html.push_str("</div>");
        Ok(SearchResults {
            title: title.to_string(),
            html,
            closest_matches: matching(closest, query_label),
        })
    }

    /// `(closest results with the query's digit, closest results shown)`.
    pub fn closest_matches(&self) -> (usize, usize) {
        self.closest_matches
    }

    /// The figure as an HTML fragment.
    pub fn to_html(&self) -> String {
        self.html.clone()
    }

    /// Writes the figure to `path` as a standalone HTML page.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(path.as_ref(), html_page(&self.title, &self.html).as_bytes())
    }

    /// Shows the figure in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        print_block("text/html", &self.html);
    }
}
