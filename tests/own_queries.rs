//! Own-input search on the committed fixtures (`fixtures/queries`, made by
//! `scripts/fixtures/make_query_fixtures.sh`): preparation measured against FSDD's and MNIST's
//! conventions, every bad file refused by name, and retrieval over every fixture.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use multimodal_search::data::own_audio::{decode_audio, prepare_audio, resample};
use multimodal_search::data::own_image::{DIGIT_BOX, load_image, prepare_digit};
use multimodal_search::data::{DataDir, Mnist, MnistSplit};
use multimodal_search::error::Error;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries")
}

/// `manifest.tsv`'s rows as column name -> value.
fn manifest() -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(fixtures().join("manifest.tsv")).expect("manifest.tsv");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(String::from)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split('\t').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn the_manifest_lists_exactly_the_files_present() {
    let rows = manifest();
    let listed: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r["file"].clone()).collect();
    let mut present = std::collections::BTreeSet::new();
    for dir in ["audio", "images", "special"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            present.insert(format!(
                "{dir}/{}",
                e.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    assert_eq!(listed, present);
    let count = |kind: &str| rows.iter().filter(|r| r["kind"] == kind).count();
    assert_eq!((count("audio"), count("image")), (120, 530));
}

#[test]
fn a_second_at_44k_becomes_8000_samples_at_8k() {
    let tone = decode_audio(&fixtures().join("special/tone_44k_1s.wav")).unwrap();
    assert_eq!(
        (tone.sample_rate, tone.channels, tone.samples.len()),
        (44100, 1, 44100)
    );
    let at8k = resample(&tone.samples, tone.sample_rate, 8000).unwrap();
    assert_eq!(at8k.len(), 8000);
    // The 440 Hz tone keeps its frequency and level: count zero crossings, compare RMS.
    let crossings = at8k[100..7900]
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    assert!(
        (crossings as i64 - 429).abs() <= 2,
        "{crossings} upward crossings in 0.975 s"
    );
    let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
    assert!((rms(&at8k[100..7900]) / rms(&tone.samples) - 1.0).abs() < 0.01);
}

#[test]
fn every_audio_format_decodes_to_its_rate_and_channels() {
    for row in manifest().iter().filter(|r| r["kind"] == "audio") {
        let path = fixtures().join(&row["file"]);
        let d = decode_audio(&path).unwrap_or_else(|e| panic!("{e}"));
        let style = &row["style"];
        let rate: u32 = match style.split('-').find(|t| t.ends_with('k')).unwrap() {
            "8k" => 8000,
            "16k" => 16000,
            "22k" => 22050,
            "32k" => 32000,
            "11k" => 11025,
            "44k" => 44100,
            "48k" => 48000,
            other => panic!("{other}"),
        };
        let channels = if style.contains("stereo") { 2 } else { 1 };
        assert_eq!(
            (d.sample_rate, d.channels),
            (rate, channels),
            "{}",
            row["file"]
        );
        let seconds = d.samples.len() as f64 / rate as f64;
        assert!(
            (0.5..3.0).contains(&seconds),
            "{}: {seconds} s",
            row["file"]
        );
    }
}

#[test]
fn trimming_finds_the_known_silence() {
    let row = manifest()
        .into_iter()
        .find(|r| r["file"] == "special/known_silence.wav")
        .unwrap();
    // "speech samples 4000..E of N"
    let notes = &row["notes"];
    let range = notes.split_whitespace().nth(2).unwrap();
    let (start, end) = range.split_once("..").unwrap();
    let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
    let clip = prepare_audio(&fixtures().join("special/known_silence.wav")).unwrap();
    println!("speech {start}..{end}, kept {:?}", clip.kept);
    // One 10 ms frame of margin outside, the word's quiet edges (up to 40 ms) inside.
    assert!(
        clip.kept.start + 80 >= start && clip.kept.start <= start + 320,
        "{:?}",
        clip.kept
    );
    assert!(
        clip.kept.end <= end + 160 && clip.kept.end + 320 >= end,
        "{:?}",
        clip.kept
    );
    assert_eq!(clip.samples.len(), clip.kept.len());
}

fn mnist_center() -> (f64, f64) {
    let dir = DataDir::resolve(None, true)
        .ensure_mnist()
        .expect("MNIST: set MMS_DATA");
    let mnist = Mnist::load(&dir, MnistSplit::Test).expect("MNIST test set");
    let (mut r, mut c) = (0.0, 0.0);
    for i in 0..mnist.len() {
        let px = mnist.image(i);
        let (mut m, mut rr, mut cc) = (0.0f64, 0.0, 0.0);
        for (j, &v) in px.iter().enumerate() {
            let v = v as f64;
            (m, rr, cc) = (m + v, rr + v * (j / 28) as f64, cc + v * (j % 28) as f64);
        }
        (r, c) = (r + rr / m, c + cc / m);
    }
    (r / mnist.len() as f64, c / mnist.len() as f64)
}

#[test]
fn every_picture_is_laid_out_as_mnist() {
    let (mr, mc) = mnist_center();
    println!("MNIST test mean centre of mass: ({mr:.3}, {mc:.3})");
    let mut unreadable = Vec::new();
    for row in manifest().iter().filter(|r| r["kind"] == "image") {
        let d = match prepare_digit(&fixtures().join(&row["file"])) {
            Ok(d) => d,
            Err(e) => {
                unreadable.push(e.to_string());
                continue;
            }
        };
        let (r, c) = d.center_of_mass();
        assert!(
            (r as f64 - mr).abs() < 0.5 && (c as f64 - mc).abs() < 0.5,
            "{}: centre ({r}, {c})",
            row["file"]
        );
        let (h, w) = d.scaled_size;
        assert_eq!(h.max(w), DIGIT_BOX, "{}", row["file"]);
        let style = row["style"].as_str();
        let expect_inverted = matches!(
            style,
            "dark-on-light" | "thin-pen" | "photo" | "alpha" | "drawn"
        );
        assert_eq!(d.inverted, expect_inverted, "{}", row["file"]);
        if row["notes"].contains("exif-6") {
            assert_eq!(d.exif_orientation, 6, "{}", row["file"]);
            assert!(
                d.original_size.0 > d.original_size.1,
                "{}: upright is landscape",
                row["file"]
            );
        }
    }
    assert!(
        unreadable.is_empty(),
        "{} refused:\n{}",
        unreadable.len(),
        unreadable.join("\n")
    );
}

fn refused(path: &str) -> Error {
    let full = fixtures().join(path);
    let err = if path.ends_with(".png") || path.ends_with(".jpg") || path.ends_with(".heic") {
        prepare_digit(&full).map(|_| ()).unwrap_err()
    } else {
        prepare_audio(&full).map(|_| ()).unwrap_err()
    };
    let text = err.to_string();
    assert!(
        text.contains(full.to_str().unwrap()),
        "{path}: the message names the file: {text}"
    );
    println!("{path}: {text}");
    err
}

#[test]
fn bad_inputs_are_refused_by_name() {
    assert!(matches!(
        refused("special/empty.wav"),
        Error::BadMedia { .. }
    ));
    assert!(matches!(
        refused("special/silent.wav"),
        Error::EmptyQuery { .. }
    ));
    assert!(matches!(
        refused("special/truncated.wav"),
        Error::BadMedia { .. }
    ));
    assert!(matches!(
        refused("special/truncated.flac"),
        Error::BadMedia { .. } | Error::UnsupportedMedia { .. }
    ));
    assert!(matches!(
        refused("special/garbage.wav"),
        Error::UnsupportedMedia { .. } | Error::BadMedia { .. }
    ));
    let webm = refused("special/voice.webm").to_string();
    assert!(webm.contains("WebM") && webm.contains("ffmpeg"), "{webm}");
    assert!(refused("special/voice.opus").to_string().contains("Opus"));
    assert!(refused("special/photo.heic").to_string().contains("HEIC"));
    assert!(matches!(
        refused("special/blank.png"),
        Error::EmptyQuery { .. }
    ));
    assert!(matches!(
        refused("special/blank_paper.jpg"),
        Error::EmptyQuery { .. }
    ));
    assert!(matches!(
        refused("special/truncated.png"),
        Error::BadMedia { .. }
    ));
    assert!(matches!(
        refused("special/garbage.png"),
        Error::UnsupportedMedia { .. } | Error::BadMedia { .. }
    ));
    assert!(matches!(
        refused("special/garbage.jpg"),
        Error::UnsupportedMedia { .. } | Error::BadMedia { .. }
    ));
    let huge = refused("special/huge_20000.png").to_string();
    assert!(
        huge.contains("20000x20000") && huge.contains("8192"),
        "{huge}"
    );
    assert!(matches!(
        load_image(Path::new("no/such/file.png")),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        decode_audio(Path::new("no/such/file.wav")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn an_hour_of_audio_is_refused_from_its_header() {
    // A WAV header promising an hour at 8 kHz, 16-bit mono, with one second of data behind it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hour.wav");
    let data_len: u32 = 8000 * 2 * 3600;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&8000u32.to_le_bytes());
    bytes.extend_from_slice(&16000u32.to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    bytes.extend(std::iter::repeat_n(0u8, 16000));
    std::fs::write(&path, &bytes).unwrap();
    let err = decode_audio(&path).unwrap_err();
    assert!(matches!(err, Error::MediaTooLarge { .. }), "{err}");
    assert!(
        err.to_string().contains("3600.0 s") && err.to_string().contains("30 s"),
        "{err}"
    );
}

/// Share of queries whose top 5 hold their digit as the majority, per value of `key`.
fn breakdown(results: &[(BTreeMap<String, String>, bool)], key: &str) -> String {
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (row, ok) in results {
        let g = groups.entry(row[key].clone()).or_default();
        g.0 += *ok as usize;
        g.1 += 1;
    }
    groups
        .iter()
        .map(|(k, (ok, n))| format!("{k} {ok}/{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn retrieval_over_every_fixture() {
    use multimodal_search::data::TutorialData;
    use multimodal_search::model::Modality;
    use multimodal_search::search::{
        EmbeddingIndex, SearchMetric, majority_label, query_from_audio, query_from_image,
    };
    use multimodal_search::train::{TrainedModel, pretrained_dir};

    let dir = std::env::var_os("MMS_QUERY_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| pretrained_dir().join("own_queries"));
    let model = TrainedModel::load(&dir, &multimodal_search::candle_core::Device::Cpu).unwrap();
    let data = TutorialData::load(&DataDir::resolve(None, true)).expect("data: set MMS_DATA");
    let image_side = model.model.side(Modality::Image).unwrap();
    let audio_side = model.model.side(Modality::Audio).unwrap();
    let images = EmbeddingIndex::from_encoder(
        image_side.as_ref(),
        data.validation_images(),
        512,
        SearchMetric::Cosine,
    )
    .unwrap();
    let audio = EmbeddingIndex::from_encoder(
        audio_side.as_ref(),
        data.validation_audio(),
        512,
        SearchMetric::Cosine,
    )
    .unwrap();
    let mut results = Vec::new();
    let mut grid = multimodal_search::viz::DigitGrid::new(20);
    for row in manifest() {
        let path = fixtures().join(&row["file"]);
        let (hits, kind) = match row["kind"].as_str() {
            "audio" => (
                images
                    .search(
                        &query_from_audio(&path, audio_side.as_ref())
                            .unwrap()
                            .embedding,
                        5,
                    )
                    .unwrap(),
                "audio",
            ),
            "image" => {
                let q = query_from_image(&path, image_side.as_ref()).unwrap();
                grid.push(
                    &q.prepared.bytes(),
                    28,
                    28,
                    Some(row["digit"].parse().unwrap()),
                )
                .unwrap();
                (audio.search(&q.embedding, 5).unwrap(), "image")
            }
            _ => continue,
        };
        let ok = majority_label(&hits) == Some(row["digit"].parse().unwrap());
        let mut row = row.clone();
        row.insert("kind".into(), kind.into());
        results.push((row, ok));
    }
    if let Some(out) = std::env::var_os("MMS_QUERY_GRID") {
        grid.save(PathBuf::from(out)).unwrap();
    }
    let mut shares = Vec::new();
    for kind in ["audio", "image"] {
        let part: Vec<_> = results
            .iter()
            .filter(|(r, _)| r["kind"] == kind)
            .cloned()
            .collect();
        let ok = part.iter().filter(|(_, ok)| *ok).count();
        println!(
            "{kind}: {ok}/{} = {:.1}% retrieve their digit as the majority of the top 5",
            part.len(),
            100.0 * ok as f64 / part.len() as f64
        );
        for key in ["digit", "source", "size", "style"] {
            println!("  by {key}: {}", breakdown(&part, key));
        }
        shares.push(ok as f64 / part.len() as f64);
    }
    assert!(
        shares.iter().all(|&s| s >= 0.8),
        "{shares:?}: the bar is 80% for each kind"
    );
}
