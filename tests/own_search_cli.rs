//! `mmsearch search` and `mmsearch index` as a participant runs them, on the committed fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/queries")
}

fn mmsearch(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mmsearch"))
        .args(args)
        .output()
        .expect("run mmsearch");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_recording_finds_handwritten_digits_and_a_picture_spoken_ones() {
    let out = tempfile::tempdir().unwrap();
    let clip = fixtures().join("audio/4_en-us_120wpm_wav-11k-s32-stereo.wav");
    let (ok, stdout, stderr) = mmsearch(&[
        "search",
        "--audio",
        clip.to_str().unwrap(),
        "--json",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let r = json(&stdout);
    assert_eq!(r["majority"], 4, "{stdout}");
    assert_eq!(r["hits"].as_array().unwrap().len(), 5);
    assert!(
        r["searched"]
            .as_str()
            .unwrap()
            .contains("10000 MNIST test images")
    );
    for f in ["query.wav", "query_spectrogram.png", "hits.png"] {
        assert!(out.path().join(f).metadata().unwrap().len() > 100, "{f}");
    }
    let picture = fixtures().join("images/6_dkg-handwriting_photo.jpg");
    let (ok, stdout, stderr) = mmsearch(&[
        "search",
        "--image",
        picture.to_str().unwrap(),
        "--k",
        "7",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("300 FSDD validation recordings") && stdout.contains("#7 "),
        "{stdout}"
    );
    let html = std::fs::read_to_string(out.path().join("hits.html")).unwrap();
    assert_eq!(html.matches("<audio controls").count(), 7);
}

#[test]
fn an_own_collection_is_indexed_and_searched() {
    let coll = tempfile::tempdir().unwrap();
    for f in [
        "images/3_breip_photo.jpg",
        "images/7_humor-sans_alpha.png",
        "images/4_rufscript_thin-pen.png",
        "audio/4_en-us_120wpm_wav-11k-s32-stereo.wav",
        "audio/7_en-gb_f3_190wpm_ogg-vorbis-48k-stereo.ogg",
        "audio/3_en-029_f2_120wpm_wav-32k-f32.wav",
        "special/voice.webm",
    ] {
        let src = fixtures().join(f);
        std::fs::copy(&src, coll.path().join(src.file_name().unwrap())).unwrap();
    }
    std::fs::copy(
        fixtures().join("images/9_breip_alpha.png"),
        coll.path().join("unnamed.png"),
    )
    .unwrap();
    let (ok, stdout, stderr) = mmsearch(&["index", coll.path().to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let r = json(&stdout);
    assert_eq!(
        (r["images"].as_u64(), r["audio"].as_u64()),
        (Some(4), Some(3)),
        "{stdout}"
    );
    assert_eq!(r["skipped"].as_array().unwrap().len(), 1);
    assert!(r["skipped"][0][1].as_str().unwrap().contains("WebM"));
    let index = coll.path().join(".mmsearch-index");
    let query = fixtures().join("audio/7_en-us_190wpm_wav-32k-f32.wav");
    let (ok, stdout, stderr) = mmsearch(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "--audio",
        query.to_str().unwrap(),
        "--k",
        "1",
        "--json",
    ]);
    assert!(ok, "{stderr}");
    let r = json(&stdout);
    assert!(
        r["hits"][0]["id"]
            .as_str()
            .unwrap()
            .ends_with("7_humor-sans_alpha.png"),
        "{stdout}"
    );
    let picture = fixtures().join("images/3_comic-neue_photo.jpg");
    let (ok, stdout, _) = mmsearch(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "--image",
        picture.to_str().unwrap(),
        "--k",
        "1",
        "--json",
    ]);
    assert!(ok);
    assert!(
        json(&stdout)["hits"][0]["id"]
            .as_str()
            .unwrap()
            .ends_with("3_en-029_f2_120wpm_wav-32k-f32.wav"),
        "{stdout}"
    );
}

#[test]
fn bad_queries_fail_with_the_file_named() {
    for (flag, file, expect) in [
        ("--audio", "special/voice.webm", "WebM"),
        ("--audio", "special/silent.wav", "silent"),
        ("--image", "special/photo.heic", "HEIC"),
        ("--image", "special/huge_20000.png", "8192"),
        ("--image", "special/blank.png", "no ink"),
        ("--audio", "special/does-not-exist.wav", "No such file"),
    ] {
        let path = fixtures().join(file);
        let (ok, _, stderr) = mmsearch(&["search", flag, path.to_str().unwrap()]);
        assert!(!ok, "{file}");
        assert!(
            stderr.contains(path.to_str().unwrap()) && stderr.contains(expect),
            "{file}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (ok, _, stderr) = mmsearch(&["search"]);
    assert!(!ok && stderr.contains("--audio"), "{stderr}");
}
