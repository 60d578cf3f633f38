//! The tutorial's figures, each a type with `save(path)` for terminals and an inherent
//! `evcxr_display` that shows it inline in a Jupyter notebook (evcxr kernel): SVG charts drawn
//! with plotters (loss curves, PCA scatter, waveforms), PNG images (digit grids, spectrograms),
//! HTML tables, audio players and search results; [`Figures`] shows several in one cell. It sits
//! on top of the core: the per-epoch PCA callback ([`EmbeddingPlots`]), the loss chart of a
//! training history and the retrieval report's table are drawn here.

pub mod audio;
pub mod digit_grid;
pub mod embedding_plots;
pub mod figures;
mod font;
pub mod html_table;
#[cfg(feature = "plotly")]
pub mod interactive;
pub mod loss_curves;
pub mod palette;
pub mod pca;
pub mod png;
pub mod retrieval_table;
pub mod rich;
pub mod scatter;
pub mod scatter3d;
pub mod search_results;
pub mod spectrogram_image;
pub mod svg;
mod ticks;
pub mod waveform;

pub use crate::model::Modality;
pub use audio::AudioPlayer;
pub use digit_grid::DigitGrid;
pub use embedding_plots::EmbeddingPlots;
pub use figures::{Figures, ToHtml};
pub use html_table::HtmlTable;
#[cfg(feature = "plotly")]
pub use interactive::InteractiveScatter3d;
pub use loss_curves::LossCurves;
pub use palette::digit_color;
pub use pca::Pca;
pub use plotters;
pub use png::PngImage;
pub use rich::{base64_encode, escape_html};
pub use scatter::EmbeddingScatter;
pub use scatter3d::Scatter3d;
pub use search_results::SearchResults;
pub use spectrogram_image::SpectrogramImage;
pub use svg::SvgChart;
pub use waveform::Waveform;
