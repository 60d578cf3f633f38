//! `Modality`: which of the two kinds of input an embedding came from.

/// A handwritten digit (an MNIST image) or a spoken one (an FSDD spectrogram).
///
/// # Example
/// ```
/// use multimodal_search::model::Modality;
/// assert_eq!(Modality::Image.name(), "image");
/// assert_eq!(Modality::Audio.other(), Modality::Image);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// A handwritten digit.
    Image,
    /// A spoken digit.
    Audio,
}

impl Modality {
    /// `image` or `audio`.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Image => "image",
            Modality::Audio => "audio",
        }
    }

    /// The other modality (what a cross-modal search returns).
    pub fn other(self) -> Modality {
        match self {
            Modality::Image => Modality::Audio,
            Modality::Audio => Modality::Image,
        }
    }
}
