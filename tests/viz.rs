//! The notebook figures on real data: digit grids, audio players, spectrogram images, waveform
//! charts, tables and search results.

mod common;

use multimodal_search::candle_core::Device;
use multimodal_search::data::{
    DataDir, FSDD_SAMPLE_RATE, LabeledSet, MnistSplit, Spectrogrammer, read_wav,
};
use multimodal_search::search::Hit;
use multimodal_search::viz::{
    AudioPlayer, DigitGrid, HtmlTable, SearchResults, SpectrogramImage, Waveform, escape_html,
};

fn data() -> DataDir {
    DataDir::new(common::data_dir(), true)
}

fn decode_png(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("a valid PNG")
        .to_rgb8()
}

fn data_uris<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.split(prefix)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("closing quote")])
        .collect()
}

fn b64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("valid base64")
}

#[test]
fn digit_grid_draws_the_real_pixels_and_labels() {
    let data = data();
    let mnist = data.mnist(MnistSplit::Train).expect("MNIST");
    let grid = DigitGrid::from_mnist(&mnist, &[0, 1, 2, 3, 4], 3).expect("grid");
    let png = grid.render().expect("render");
    assert_eq!((png.width(), png.height()), (6 + 3 * 90, 6 + 2 * 110));
    let img = decode_png(png.as_bytes());
    assert_eq!(img.dimensions(), (png.width(), png.height()));
    // Tile 4 sits in row 1, column 1; its image starts below a 20 px label strip, 3 px per pixel.
    let (x0, y0) = (6 + 90, 6 + 110 + 20);
    for (py, px) in [(14, 14), (5, 20), (27, 0)] {
        let want = mnist.image(4)[py * 28 + px];
        let got = img.get_pixel(x0 + px as u32 * 3 + 1, y0 + py as u32 * 3 + 1);
        assert_eq!(got.0, [want, want, want], "pixel ({py}, {px}) of image 4");
    }
    // The label strip above tile 0 has black font pixels (the digit 5), the margin has none.
    let dark: Vec<(u32, u32)> = (6..96)
        .flat_map(|x| (6..26).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0 == [0, 0, 0])
        .collect();
    assert!(
        dark.len() > 10,
        "label strip has {} black pixels",
        dark.len()
    );
    // Big enough to read at 1x: the glyph is 10 px wide and 14 px high.
    let span = |f: fn(&(u32, u32)) -> u32| {
        dark.iter().map(f).max().unwrap() - dark.iter().map(f).min().unwrap() + 1
    };
    assert_eq!((span(|p| p.0), span(|p| p.1)), (10, 14));
    assert_eq!(img.get_pixel(1, 1).0, [255, 255, 255]);
    assert!(DigitGrid::from_mnist(&mnist, &[10_000], 3).is_err());
}

#[test]
fn digit_grid_from_normalized_tensors_undoes_the_normalization() {
    let data = data();
    let mnist = data.mnist(MnistSplit::Test).expect("MNIST");
    let set = LabeledSet::from_mnist(&mnist, MnistSplit::Test, &Device::Cpu).expect("set");
    let (items, labels) = set.gather(&[7, 8]).expect("gather");
    let labels = labels.to_vec1::<u32>().expect("labels");
    let from_tensor = DigitGrid::from_normalized(&items, &labels, 2)
        .expect("grid")
        .render()
        .expect("png");
    let from_bytes = DigitGrid::from_mnist(&mnist, &[7, 8], 2)
        .expect("grid")
        .render()
        .expect("png");
    let (a, b) = (
        decode_png(from_tensor.as_bytes()),
        decode_png(from_bytes.as_bytes()),
    );
    let max_diff = a
        .pixels()
        .zip(b.pixels())
        .map(|(p, q)| (p.0[0] as i32 - q.0[0] as i32).abs())
        .max()
        .unwrap_or(0);
    assert!(max_diff <= 1, "normalized round trip differs by {max_diff}");
    assert!(DigitGrid::from_normalized(&items, &[1, 2, 3], 2).is_err());
}

#[test]
fn audio_player_inlines_the_recording_as_a_wav() {
    let dir = data().fsdd_dir();
    let path = dir.join("5_george_5.wav");
    let samples = read_wav(&path).expect("recording");
    let player = AudioPlayer::from_wav_file(&path, "a spoken <5>").expect("player");
    let html = player.to_html();
    assert!(html.contains("<audio controls") && html.contains("a spoken &lt;5&gt;"));
    let uris = data_uris(&html, "src=\"data:audio/wav;base64,");
    assert_eq!(uris.len(), 1);
    let wav = b64_decode(uris[0]);
    assert_eq!(wav, player.wav_bytes());
    let mut reader = hound::WavReader::new(std::io::Cursor::new(wav)).expect("a WAV");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, FSDD_SAMPLE_RATE, 16)
    );
    let decoded: Vec<i16> = reader
        .samples::<i16>()
        .map(|s| s.expect("sample"))
        .collect();
    assert_eq!(decoded, samples);
    // save: a .wav path gets the WAV, a .html path a page with the player.
    let tmp = tempfile::tempdir().expect("tempdir");
    player.save(tmp.path().join("five.wav")).expect("save wav");
    assert_eq!(
        read_wav(&tmp.path().join("five.wav")).expect("read back"),
        samples
    );
    player
        .save(tmp.path().join("five.html"))
        .expect("save html");
    let page = std::fs::read_to_string(tmp.path().join("five.html")).expect("page");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<audio controls"));
    assert!(AudioPlayer::from_samples(&[], 8000, "empty").is_err());
}

#[test]
fn spectrogram_image_shows_loud_bins_bright() {
    let rec = data().fsdd_dir().join("8_george_8.wav");
    let spec = Spectrogrammer::default();
    let image = spec
        .image(&spec.psd(&read_wav(&rec).expect("recording")))
        .to_vec();
    let png = SpectrogramImage::new(&image, 64)
        .expect("image")
        .render(4)
        .expect("png");
    assert_eq!((png.width(), png.height()), (256, 256));
    let img = decode_png(png.as_bytes());
    // gray_r: the smallest value is the loudest bin, drawn as viridis' yellow end.
    let (loud, _) =
        image.iter().enumerate().fold(
            (0, f32::MAX),
            |(bi, bv), (i, &v)| if v < bv { (i, v) } else { (bi, bv) },
        );
    let p = img
        .get_pixel((loud % 64) as u32 * 4 + 2, (loud / 64) as u32 * 4 + 2)
        .0;
    assert!(
        p[0] > 200 && p[1] > 200 && p[2] < 80,
        "loudest bin drawn as {p:?}"
    );
    assert!(SpectrogramImage::new(&image[1..], 64).is_err());
}

#[test]
fn waveform_chart_has_axes_and_legend() {
    let rec = data().fsdd_dir().join("5_george_5.wav");
    let samples = read_wav(&rec).expect("recording");
    let seconds = samples.len() as f64 / 8000.0;
    let chart = Waveform {
        title: "spoken 5".into(),
        samples,
        sample_rate: 8000,
    }
    .chart()
    .expect("chart");
    let svg = chart.as_str();
    for text in [
        "spoken 5",
        "time (s)",
        "amplitude",
        &format!("{seconds:.2} s at 8000 Hz"),
    ] {
        assert!(svg.contains(text), "missing {text:?}");
    }
    assert!(
        svg.len() < 200_000,
        "envelope keeps the SVG small: {} bytes",
        svg.len()
    );
    assert_no_negative_zero(svg);
}

/// The texts of an SVG's elements, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split('>')
        .filter_map(|p| p.split('<').next())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// No tick label reads "-0", "-0.0", "-0.00" ...
fn assert_no_negative_zero(svg: &str) {
    for t in svg_texts(svg) {
        assert!(
            !(t.starts_with("-0") && t[1..].bytes().all(|b| b == b'0' || b == b'.')),
            "tick label {t:?}"
        );
    }
}

#[test]
fn scatter_ticks_around_zero_have_no_negative_zero() {
    use multimodal_search::model::Modality;
    use multimodal_search::viz::scatter::EmbeddingScatter;
    // Points symmetric around 0 on both axes: plotters' default labels print "-0.0" there.
    let emb: Vec<f32> = (0..40)
        .flat_map(|i| {
            let a = i as f32 * 0.157;
            [a.cos(), a.sin(), 0.3 * (2.0 * a).cos()]
        })
        .collect();
    let labels: Vec<u32> = (0..40).map(|i| i % 10).collect();
    let chart = EmbeddingScatter::fit("ring", &[(Modality::Image, &emb, &labels)], 3)
        .unwrap()
        .chart()
        .unwrap();
    assert_no_negative_zero(chart.as_str());
    let texts = svg_texts(chart.as_str());
    assert!(
        texts.iter().any(|t| t == "0.0"),
        "a tick at zero: {texts:?}"
    );
}

#[test]
fn html_table_escapes_and_checks_rows() {
    let mut t = HtmlTable::new("a <caption>", &["x", "y"]);
    t.row(&["1 & 2", "<b>"]).expect("row");
    assert!(t.row(&["only one"]).is_err());
    let html = t.to_html();
    assert!(html.contains("<td>1 &amp; 2</td><td>&lt;b&gt;</td>"));
    assert!(html.contains("a &lt;caption&gt;"));
    assert_eq!(t.rows().len(), 1);
    assert_eq!(escape_html("'"), "&#39;");
}

#[test]
fn search_results_show_the_hits_of_both_directions() {
    let data = data();
    let mnist = data.mnist(MnistSplit::Test).expect("MNIST");
    let images = LabeledSet::from_mnist(&mnist, MnistSplit::Test, &Device::Cpu).expect("set");
    let recordings = data.fsdd_dir();
    let hit = |index: usize, id: &str, label: u32| Hit {
        index,
        id: id.to_string(),
        label,
        score: 0.5,
        distance: 0.5,
    };
    let closest = [
        hit(0, "7_george_0.wav", 7),
        hit(1, "7_lucas_1.wav", 7),
        hit(2, "2_theo_0.wav", 2),
    ];
    let farthest = [hit(3, "0_theo_1.wav", 0)];
    let query = images.item(0).expect("image 0");
    let view = SearchResults::image_to_audio("q", &query, 7, &closest, &farthest, &recordings)
        .expect("view");
    assert_eq!(view.closest_matches(), (2, 3));
    let html = view.to_html();
    assert_eq!(data_uris(&html, "src=\"data:audio/wav;base64,").len(), 4);
    assert_eq!(data_uris(&html, "src=\"data:image/png;base64,").len(), 1);
    assert!(html.contains("2 of 3 match"));
    // A hit naming a missing file is an error naming it, not a panic.
    let missing = [hit(0, "9_nobody_0.wav", 9)];
    let err =
        SearchResults::image_to_audio("q", &query, 7, &missing, &[], &recordings).unwrap_err();
    assert!(err.to_string().contains("9_nobody_0.wav"), "{err}");

    let view = SearchResults::audio_to_image(
        "q",
        &recordings.join("7_george_0.wav"),
        7,
        &[hit(0, "", 7), hit(17, "", 7)],
        &[hit(3, "", 0)],
        &images,
    )
    .expect("view");
    let html = view.to_html();
    let pngs: Vec<(u32, u32)> = data_uris(&html, "src=\"data:image/png;base64,")
        .iter()
        .map(|b| decode_png(&b64_decode(b)).dimensions())
        .collect();
    assert_eq!(pngs, vec![(6 + 2 * 90, 6 + 110), (6 + 90, 6 + 110)]);
}
