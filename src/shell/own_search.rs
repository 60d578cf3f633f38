//! `mmsearch search` and `mmsearch index`: search with a participant's own recording or drawing,
//! over the validation sets or over their own indexed collection.
//!
//! A recording searches handwritten digits (MNIST's test images, or the pictures of an own
//! collection); a picture searches spoken digits (FSDD's validation recordings, or the
//! recordings of an own collection). `--out DIR` writes what a participant wants to look at: the
//! prepared query (`query.png`, or `query.wav` and `query_spectrogram.png`) and the hits
//! (`hits.png`, a grid of digits, for a recording; `hits.html`, players, for a picture).

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};

use crate::data::own_collection::{OwnCollection, UNLABELED};
use crate::data::{DataDir, FsddScan, LabeledSet, MnistSplit, Spectrogrammer};
use crate::error::{Error, Result};
use crate::fs::write_atomic;
use crate::model::Modality;
use crate::search::{
    AudioQuery, EmbeddingIndex, Hit, ImageQuery, SearchMetric, majority_label, query_from_audio,
    query_from_image,
};
use crate::train::TrainedModel;
use crate::viz::rich::{escape_html, html_page};
use crate::viz::{AudioPlayer, DigitGrid, SpectrogramImage};

/// The checkpoint own-input search uses unless told otherwise: `checkpoints/own_queries`.
pub fn own_queries_checkpoint() -> PathBuf {
    crate::train::pretrained_dir().join("own_queries")
}

/// What to search with, and where.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// A recording (searches pictures) ...
    pub audio: Option<PathBuf>,
    /// ... or a picture (searches recordings).
    pub image: Option<PathBuf>,
    /// How many hits.
    pub k: usize,
    /// The multimodal checkpoint folder.
    pub checkpoint: PathBuf,
    /// An index made by `mmsearch index` (default: the validation sets).
    pub index: Option<PathBuf>,
    /// Where to write the query and hits to look at.
    pub out: Option<PathBuf>,
}

/// The result of one search.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchOutcome {
    /// The query file.
    pub query: String,
    /// "audio" or "image".
    pub query_kind: &'static str,
    /// How the query was prepared, in words.
    pub prepared: String,
    /// What was searched.
    pub searched: String,
    /// The hits, closest first.
    pub hits: Vec<Hit>,
    /// The digit most of the hits carry, if more than half do.
    pub majority: Option<u32>,
    /// Files written under `--out`.
    pub written: Vec<String>,
}

fn load_model(dir: &Path) -> Result<TrainedModel> {
    let m = TrainedModel::load(dir, &Device::Cpu)?;
    m.model.side(Modality::Image)?;
    m.model.side(Modality::Audio)?;
    Ok(m)
}

/// Where hits come from: the validation sets (read from the data folder) or an own index.
enum Searched {
    Validation {
        images: LabeledSet,
        recordings: Vec<PathBuf>,
    },
    Own {
        dir: PathBuf,
    },
}

/// Searches with one own recording or picture.
pub fn own_search(options: &SearchOptions, data: &DataDir) -> Result<SearchOutcome> {
    let model = load_model(&options.checkpoint)?;
    let (index, searched, target_kind) = match (&options.audio, &options.image) {
        (Some(_), None) => ("images", Modality::Image, "pictures"),
        (None, Some(_)) => ("audio", Modality::Audio, "recordings"),
        _ => {
            return Err(Error::InvalidArgument(
                "give one query: --audio FILE or --image FILE".into(),
            ));
        }
    };
    // The index over the other modality.
    let (idx, source) = match &options.index {
        Some(dir) => {
            let idx = EmbeddingIndex::load(&dir.join(index), Some(SearchMetric::Cosine))
                .map_err(|e| Error::InvalidArgument(format!(
                    "{}: no {target_kind} indexed there ({e}); index a folder with `mmsearch index DIR`",
                    dir.join(index).display()
                )))?;
            (idx, Searched::Own { dir: dir.clone() })
        }
        None => {
            let side = model.model.side(searched)?;
            let cpu = Device::Cpu;
            match searched {
                Modality::Image => {
                    let mnist = data.mnist(MnistSplit::Test)?;
                    let images = LabeledSet::from_mnist(&mnist, MnistSplit::Test, &cpu)?;
                    let idx = EmbeddingIndex::from_encoder(
                        side.as_ref(),
                        &images,
                        512,
                        SearchMetric::Cosine,
                    )?;
                    (
                        idx,
                        Searched::Validation {
                            images,
                            recordings: vec![],
                        },
                    )
                }
                Modality::Audio => {
                    let scan: FsddScan = data.fsdd()?;
                    let audio = LabeledSet::from_recordings(
                        &scan.validation,
                        &Spectrogrammer::default(),
                        &cpu,
                    )?;
                    let idx = EmbeddingIndex::from_encoder(
                        side.as_ref(),
                        &audio,
                        512,
                        SearchMetric::Cosine,
                    )?;
                    let recordings = scan.validation.iter().map(|r| r.path.clone()).collect();
                    let images = LabeledSet::new(
                        Tensor::zeros((0, 1, 28, 28), candle_core::DType::F32, &cpu)?,
                        vec![],
                        vec![],
                    )?;
                    (idx, Searched::Validation { images, recordings })
                }
            }
        }
    };
    let searched_text = match (&source, searched) {
        (Searched::Own { dir }, _) => format!(
            "{} own {target_kind} indexed in {}",
            idx.len(),
            dir.display()
        ),
        (Searched::Validation { .. }, Modality::Image) => {
            format!("{} MNIST test images", idx.len())
        }
        (Searched::Validation { .. }, Modality::Audio) => {
            format!("{} FSDD validation recordings", idx.len())
        }
    };
    let mut written = Vec::new();
    let outcome = if let Some(path) = &options.audio {
        let side = model.model.side(Modality::Audio)?;
        let q = query_from_audio(path, side.as_ref())?;
        let hits = idx.search(&q.embedding, options.k)?;
        if let Some(out) = &options.out {
            written = write_audio_query(out, &q, &hits, &source)?;
        }
        let p = &q.prepared;
        SearchOutcome {
            query: path.display().to_string(),
            query_kind: "audio",
            prepared: format!(
                "{} Hz, {} channel(s), {:.2} s -> 8000 Hz mono; kept {:.2} s (samples {}..{} at 8 kHz)",
                p.original_rate,
                p.channels,
                p.resampled.len() as f64 / 8000.0,
                p.kept_seconds(),
                p.kept.start,
                p.kept.end
            ),
            searched: searched_text,
            majority: majority_label(&hits),
            hits,
            written,
        }
    } else {
        let path = options
            .image
            .as_ref()
            .expect("one of the two, checked above");
        let side = model.model.side(Modality::Image)?;
        let q = query_from_image(path, side.as_ref())?;
        let hits = idx.search(&q.embedding, options.k)?;
        if let Some(out) = &options.out {
            written = write_image_query(out, &q, &hits, &source)?;
        }
        let p = &q.prepared;
        SearchOutcome {
            query: path.display().to_string(),
            query_kind: "image",
            prepared: format!(
                "{}x{} px, EXIF orientation {}, {}, pen {:.3} -> {:.3} of the digit's longer side, scaled to {}x{} in 28x28",
                p.original_size.0,
                p.original_size.1,
                p.exif_orientation,
                if p.inverted {
                    "dark ink on light (inverted)"
                } else {
                    "light ink on dark"
                },
                p.stroke.0,
                p.stroke.1,
                p.scaled_size.1,
                p.scaled_size.0
            ),
            searched: searched_text,
            majority: majority_label(&hits),
            hits,
            written,
        }
    };
    Ok(outcome)
}

fn label_text(label: u32) -> String {
    if label == UNLABELED {
        "?".into()
    } else {
        label.to_string()
    }
}

fn write_audio_query(
    out: &Path,
    q: &AudioQuery,
    hits: &[Hit],
    source: &Searched,
) -> Result<Vec<String>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let p = &q.prepared;
    AudioPlayer::from_samples(&p.samples, 8000, "query")?.save(out.join("query.wav"))?;
    SpectrogramImage::from_normalized(&p.tensor(&Device::Cpu)?.squeeze(0)?)?
        .save(out.join("query_spectrogram.png"))?;
    let mut grid = DigitGrid::new(hits.len().clamp(1, 10));
    for hit in hits {
        let pixels: Vec<u8> = match source {
            Searched::Validation { images, .. } => {
                let x = images.item(hit.index)?; // (1, 28, 28), normalized
                let v = x.flatten_all()?.to_vec1::<f32>()?;
                v.iter()
                    .map(|p| {
                        ((p * crate::data::MNIST_STD + crate::data::MNIST_MEAN) * 255.0)
                            .round()
                            .clamp(0.0, 255.0) as u8
                    })
                    .collect()
            }
            Searched::Own { .. } => crate::data::prepare_digit(Path::new(&hit.id))?.bytes(),
        };
        grid.push(
            &pixels,
            28,
            28,
            (hit.label != UNLABELED).then_some(hit.label),
        )?;
    }
    grid.save(out.join("hits.png"))?;
    Ok(["query.wav", "query_spectrogram.png", "hits.png"]
        .iter()
        .map(|f| out.join(f).display().to_string())
        .collect())
}

fn write_image_query(
    out: &Path,
    q: &ImageQuery,
    hits: &[Hit],
    source: &Searched,
) -> Result<Vec<String>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut query = DigitGrid::new(1);
    query.push(&q.prepared.bytes(), 28, 28, None)?;
    query.save(out.join("query.png"))?;
    let mut html = format!(
        "<h3 style=\"font:bold 16px sans-serif\">{}</h3><p style=\"font:13px sans-serif\">What the model saw:</p>{}",
        escape_html(&q.prepared.path.display().to_string()),
        query.render()?.to_html_img("the prepared query")
    );
    let majority = majority_label(hits).map_or("none".to_string(), label_text);
    html.push_str(&format!("<p style=\"font:13px sans-serif\">{} closest recordings; the majority digit: {majority}</p>", hits.len()));
    for (rank, hit) in hits.iter().enumerate() {
        let caption = format!(
            "#{} digit {} ({}), similarity {:.3}",
            rank + 1,
            label_text(hit.label),
            hit.id,
            hit.score
        );
        let player = match source {
            Searched::Validation { recordings, .. } => {
                AudioPlayer::from_wav_file(&recordings[hit.index], &caption)?
            }
            Searched::Own { .. } => {
                let clip = crate::data::prepare_audio(Path::new(&hit.id))?;
                AudioPlayer::from_samples(&clip.samples, 8000, &caption)?
            }
        };
        html.push_str(&player.to_html());
    }
    let path = out.join("hits.html");
    write_atomic(&path, html_page("search results", &html).as_bytes())?;
    Ok([out.join("query.png"), path]
        .iter()
        .map(|p| p.display().to_string())
        .collect())
}

/// What `mmsearch index` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexOutcome {
    /// Pictures indexed.
    pub images: usize,
    /// Recordings indexed.
    pub audio: usize,
    /// Files refused, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Where the index is.
    pub index: String,
}

/// Prepares and embeds every recording and picture under `dir` with the checkpoint, and saves
/// `index/images` and `index/audio` (the kinds present) for `mmsearch search --index`.
pub fn own_index(dir: &Path, checkpoint: &Path, index: &Path) -> Result<IndexOutcome> {
    let model = load_model(checkpoint)?;
    let own = OwnCollection::scan(dir)?;
    let cpu = Device::Cpu;
    let mut counts = (0, 0);
    for (kind, modality, items) in [
        ("images", Modality::Image, own.all_images(&cpu)?),
        ("audio", Modality::Audio, own.all_audio(&cpu)?),
    ] {
        let target = index.join(kind);
        let Some((x, labels, ids)) = items else {
            // A stale index of a kind no longer present would be searched: remove it.
            let _ = std::fs::remove_dir_all(&target);
            continue;
        };
        let side = model.model.side(modality)?;
        let n = labels.len();
        let mut rows = Vec::new();
        for start in (0..n).step_by(256) {
            let len = 256.min(n - start);
            rows.push(side.embed(&x.narrow(0, start, len)?)?);
        }
        let emb = Tensor::cat(&rows, 0)?;
        EmbeddingIndex::from_matrix(&emb, labels, ids, SearchMetric::Cosine)?.save(&target)?;
        if modality == Modality::Image {
            counts.0 = n
        } else {
            counts.1 = n
        }
    }
    if counts == (0, 0) {
        return Err(Error::InvalidArgument(format!(
            "{}: no recording or picture could be indexed ({} refused)",
            dir.display(),
            own.skipped.len()
        )));
    }
    Ok(IndexOutcome {
        images: counts.0,
        audio: counts.1,
        skipped: own
            .skipped
            .iter()
            .map(|(p, w)| (p.display().to_string(), w.clone()))
            .collect(),
        index: index.display().to_string(),
    })
}
