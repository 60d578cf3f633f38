//! FSDD: the real recordings (split sizes, order, known samples) and every malformed-input error.

mod common;

use std::path::Path;

use multimodal_search::data::{FsddScan, FsddSplit, Recording, parse_recording_name, read_wav};

#[test]
fn real_recordings_split_2700_train_300_validation() {
    let scan = FsddScan::scan(&common::data_dir().join("fsdd/recordings")).unwrap();
    assert_eq!(scan.train.len(), 2700);
    assert_eq!(scan.validation.len(), 300);
    assert!(scan.skipped.is_empty(), "{:?}", scan.skipped);
    assert!(scan.validation.iter().all(|r| r.index <= 4));
    assert!(scan.train.iter().all(|r| (5..=49).contains(&r.index)));
    // Sorted by file name, as the validation list must be.
    let names: Vec<&str> = scan.validation.iter().map(|r| r.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(
        names[..3],
        ["0_george_0.wav", "0_george_1.wav", "0_george_2.wav"]
    );
    let mut per_digit = [0; 10];
    for r in &scan.validation {
        per_digit[r.digit as usize] += 1;
    }
    assert_eq!(per_digit, [30; 10]);
    let mut speakers: Vec<&str> = scan.train.iter().map(|r| r.speaker.as_str()).collect();
    speakers.sort();
    speakers.dedup();
    assert_eq!(
        speakers,
        ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    );
    assert_eq!(scan.split(FsddSplit::Validation).len(), 300);
}

#[test]
fn known_samples_of_real_recordings() {
    let dir = common::data_dir().join("fsdd/recordings");
    let s = read_wav(&dir.join("0_george_0.wav")).unwrap();
    assert_eq!(s.len(), 2384);
    assert_eq!(&s[..5], &[-1489, -962, -606, 163, 1033]);
    assert_eq!(s.iter().map(|&v| v as i64).sum::<i64>(), 4297);
    let s = read_wav(&dir.join("5_george_5.wav")).unwrap();
    assert_eq!((s.len(), &s[100..103]), (3197, &[510i16, 836, 1084][..]));
}

#[test]
fn names_parse_or_say_which_part_is_wrong() {
    assert_eq!(
        parse_recording_name("7_jackson_32.wav").unwrap(),
        (7, "jackson".into(), 32)
    );
    for (name, part) in [
        ("7_jackson_32.mp3", "extension"),
        ("7_jackson.wav", "three parts"),
        ("7_jack_son_1.wav", "three parts"),
        ("x_jackson_3.wav", "digit part"),
        ("10_jackson_3.wav", "digit part"),
        ("7__3.wav", "speaker part"),
        ("7_jackson_-3.wav", "index part"),
        ("7_jackson_three.wav", "index part"),
    ] {
        let err = parse_recording_name(name).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains(part), "{name}: {err}");
    }
}

fn write_wav(path: &Path, channels: u16, rate: u32, bits: u16, n: usize) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..n * channels as usize {
        if bits == 8 {
            w.write_sample((i % 100) as i8).unwrap();
        } else {
            w.write_sample((i * 37 % 2000) as i16 - 1000).unwrap();
        }
    }
    w.finalize().unwrap();
}

#[test]
fn a_good_wav_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("3_test_1.wav");
    write_wav(&p, 1, 8000, 16, 500);
    let s = read_wav(&p).unwrap();
    assert_eq!(s.len(), 500);
    assert_eq!(s[1], 37 - 1000);
}

#[test]
fn wrong_formats_are_errors_naming_file_and_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, ch, rate, bits, found) in [
        ("stereo.wav", 2, 8000, 16, "2 channel(s)"),
        ("fast.wav", 1, 44100, 16, "44100 Hz"),
        ("eight.wav", 1, 8000, 8, "8-bit"),
    ] {
        let p = dir.path().join(name);
        write_wav(&p, ch, rate, bits, 100);
        let err = read_wav(&p).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
        assert!(
            err.contains("expected mono 16-bit PCM at 8000 Hz") && err.contains(found),
            "{err}"
        );
    }
}

#[test]
fn zero_length_wav_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("1_empty_0.wav");
    write_wav(&p, 1, 8000, 16, 0);
    let err = read_wav(&p).unwrap_err().to_string();
    assert!(
        err.contains("1_empty_0.wav") && err.contains("no samples"),
        "{err}"
    );
}

#[test]
fn corrupt_and_truncated_wavs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("2_garbage_0.wav");
    std::fs::write(&garbage, b"this is not a RIFF file at all").unwrap();
    let err = read_wav(&garbage).unwrap_err().to_string();
    assert!(
        err.contains("2_garbage_0.wav") && err.contains("corrupt WAV"),
        "{err}"
    );

    let good = dir.path().join("good.wav");
    write_wav(&good, 1, 8000, 16, 1000);
    let mut bytes = std::fs::read(&good).unwrap();
    bytes.truncate(bytes.len() - 500);
    let cut = dir.path().join("2_cut_0.wav");
    std::fs::write(&cut, bytes).unwrap();
    let err = read_wav(&cut).unwrap_err().to_string();
    assert!(
        err.contains("2_cut_0.wav") && err.contains("shorter than its header"),
        "{err}"
    );

    let empty = dir.path().join("2_nothing_0.wav");
    std::fs::write(&empty, b"").unwrap();
    let err = read_wav(&empty).unwrap_err().to_string();
    assert!(err.contains("2_nothing_0.wav"), "{err}");
}

#[test]
fn scanner_reports_what_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    write_wav(&dir.path().join("4_ann_3.wav"), 1, 8000, 16, 300);
    write_wav(&dir.path().join("4_ann_7.wav"), 1, 8000, 16, 300);
    std::fs::write(dir.path().join("README.txt"), "notes").unwrap();
    std::fs::write(dir.path().join("4-ann-8.wav"), "x").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let scan = FsddScan::scan(dir.path()).unwrap();
    assert_eq!((scan.train.len(), scan.validation.len()), (1, 1));
    let skipped: Vec<String> = scan
        .skipped
        .iter()
        .map(|s| format!("{} {}", s.path.display(), s.reason))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("README.txt") && s.contains("extension"))
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("4-ann-8.wav") && s.contains("three parts"))
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("sub") && s.contains("not a regular file"))
    );
}

#[test]
fn an_empty_or_missing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = FsddScan::scan(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("FSDD recordings") && err.contains("MMS_DATA"),
        "{err}"
    );
    let err = FsddScan::scan(&dir.path().join("nope"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope") && err.contains("MMS_DATA"), "{err}");
}

#[test]
fn recording_split_follows_the_index() {
    let r = Recording::from_path(Path::new("x/9_theo_4.wav")).unwrap();
    assert_eq!(r.split(), FsddSplit::Validation);
    let r = Recording::from_path(Path::new("x/9_theo_5.wav")).unwrap();
    assert_eq!(r.split(), FsddSplit::Train);
}

#[test]
fn one_run_names_every_broken_recording_and_says_what_to_do() {
    use multimodal_search::candle_core::Device;
    use multimodal_search::data::{LabeledSet, Spectrogrammer};
    let dir = tempfile::tempdir().unwrap();
    for name in ["1_ann_5.wav", "2_ann_6.wav"] {
        write_wav(&dir.path().join(name), 1, 8000, 16, 4000);
    }
    std::fs::write(dir.path().join("3_ann_7.wav"), b"RIFF not really").unwrap();
    let mut bytes = std::fs::read(dir.path().join("1_ann_5.wav")).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(dir.path().join("4_ann_8.wav"), bytes).unwrap();
    let scan = FsddScan::scan(dir.path()).unwrap();
    assert_eq!(scan.train.len(), 4);
    let err = LabeledSet::from_recordings(&scan.train, &Spectrogrammer::default(), &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("2 of 4 recordings could not be read"),
        "{err}"
    );
    assert!(
        err.contains("3_ann_7.wav") && err.contains("4_ann_8.wav") && !err.contains("1_ann_5"),
        "{err}"
    );
    assert!(
        err.contains("Delete each file named") && err.contains("mmsearch download"),
        "{err}"
    );
    // Deleting them, as the message says, lets the rest load.
    std::fs::remove_file(dir.path().join("3_ann_7.wav")).unwrap();
    std::fs::remove_file(dir.path().join("4_ann_8.wav")).unwrap();
    let scan = FsddScan::scan(dir.path()).unwrap();
    let set =
        LabeledSet::from_recordings(&scan.train, &Spectrogrammer::default(), &Device::Cpu).unwrap();
    assert_eq!(set.len(), 2);
}
