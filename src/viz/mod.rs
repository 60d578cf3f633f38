//! Plots for the tutorial's figures: loss curves and the PCA scatter of embeddings, as SVG that a
//! notebook shows inline ([`SvgChart::evcxr_display`]) or a run folder keeps.

pub mod loss_curves;
pub mod palette;
pub mod pca;
pub mod scatter;
pub mod svg;

pub use loss_curves::LossCurves;
pub use palette::digit_color;
pub use pca::Pca;
pub use plotters;
pub use scatter::{EmbeddingScatter, Modality};
pub use svg::SvgChart;
