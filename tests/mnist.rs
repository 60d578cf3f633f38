//! MNIST: the real files (counts, labels, known pixels) and every malformed-input error.

mod common;

use std::io::Write;
use std::path::Path;

use multimodal_search::candle_core::Device;
use multimodal_search::data::{Mnist, MnistSplit};

#[test]
fn real_train_split_has_10000_images_with_known_counts_and_pixels() {
    let m = Mnist::load(&common::data_dir().join("mnist"), MnistSplit::Train).unwrap();
    assert_eq!(
        m.len(),
        10_000,
        "count comes from the header, not MNIST's 60,000"
    );
    assert_eq!(m.dims(), (28, 28));
    assert_eq!(
        m.label_counts(),
        [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    );
    assert_eq!(&m.labels()[..10], &[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert_eq!(m.image(0)[14 * 28 + 14], 240);
    assert_eq!(m.image(0)[5 * 28 + 12], 3);
    assert_eq!(m.image(9999).iter().map(|&p| p as u64).sum::<u64>(), 20613);
    assert_eq!(
        m.pixels().iter().map(|&p| p as u64).sum::<u64>(),
        262_146_600
    );
}

#[test]
fn real_test_split_is_the_official_10000() {
    let m = Mnist::load(&common::data_dir().join("mnist"), MnistSplit::Test).unwrap();
    assert_eq!(m.len(), 10_000);
    assert_eq!(
        m.label_counts(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert_eq!(&m.labels()[..10], &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert_eq!(
        m.pixels().iter().map(|&p| p as u64).sum::<u64>(),
        264_923_200
    );
}

#[test]
fn tensor_is_normalized_like_the_tutorial() {
    let m = Mnist::load(&common::data_dir().join("mnist"), MnistSplit::Train).unwrap();
    let x = m.to_tensor(&Device::Cpu).unwrap();
    assert_eq!(x.dims(), &[10_000, 1, 28, 28]);
    let v = x
        .get(0)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let want = (240.0 / 255.0 - 0.1307) / 0.3081;
    assert!((v[14 * 28 + 14] - want).abs() < 1e-6);
    assert!((v[0] - (-0.1307 / 0.3081)).abs() < 1e-6);
}

// ---- malformed files, written by the tests themselves ----

fn idx_images(count: u32, rows: u32, cols: u32, body: usize) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 3];
    for v in [count, rows, cols] {
        b.extend(v.to_be_bytes());
    }
    b.extend((0..body).map(|i| (i % 251) as u8));
    b
}

fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 1];
    b.extend((labels.len() as u32).to_be_bytes());
    b.extend(labels);
    b
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Writes a test split as `t10k-*` files (gz or raw) and loads it.
fn load_with(images: &[u8], labels: &[u8], gzip: bool) -> multimodal_search::Result<Mnist> {
    let dir = tempfile::tempdir().unwrap();
    write_split(dir.path(), images, labels, gzip);
    Mnist::load(dir.path(), MnistSplit::Test)
}

fn write_split(dir: &Path, images: &[u8], labels: &[u8], gzip: bool) {
    let (i, l) = MnistSplit::Test.file_stems();
    if gzip {
        std::fs::write(dir.join(format!("{i}.gz")), gz(images)).unwrap();
        std::fs::write(dir.join(format!("{l}.gz")), gz(labels)).unwrap();
    } else {
        std::fs::write(dir.join(i), images).unwrap();
        std::fs::write(dir.join(l), labels).unwrap();
    }
}

#[test]
fn raw_and_gzip_files_read_the_same() {
    let images = idx_images(3, 2, 2, 12);
    let labels = idx_labels(&[1, 2, 3]);
    let a = load_with(&images, &labels, false).unwrap();
    let b = load_with(&images, &labels, true).unwrap();
    assert_eq!(a.pixels(), b.pixels());
    assert_eq!(a.labels(), &[1, 2, 3]);
    assert_eq!(a.dims(), (2, 2));
}

#[test]
fn wrong_magic_names_file_and_both_numbers() {
    let mut images = idx_images(1, 2, 2, 4);
    images[3] = 1; // 0x801: a label file's magic
    let err = load_with(&images, &idx_labels(&[1]), true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("t10k-images-idx3-ubyte.gz"), "{err}");
    assert!(err.contains("wrong IDX magic number at offset 0"), "{err}");
    assert!(
        err.contains("0x00000803") && err.contains("0x00000801"),
        "{err}"
    );
}

#[test]
fn truncated_images_say_how_many_bytes_are_missing() {
    let images = idx_images(3, 2, 2, 10); // 12 promised
    let err = load_with(&images, &idx_labels(&[1, 2, 3]), false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("truncated IDX data"), "{err}");
    assert!(
        err.contains("12 bytes from offset 16") && err.contains("only 10"),
        "{err}"
    );
}

#[test]
fn truncated_header_is_an_error_not_a_panic() {
    let err = load_with(&[0, 0, 8, 3, 0, 0], &idx_labels(&[1]), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("truncated IDX data") && err.contains("offset 4"),
        "{err}"
    );
}

#[test]
fn image_and_label_counts_must_agree() {
    let err = load_with(&idx_images(2, 2, 2, 8), &idx_labels(&[1, 2, 3]), true)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2 images") && err.contains("3 labels"),
        "{err}"
    );
}

#[test]
fn a_gz_file_that_is_not_gzip_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (i, l) = MnistSplit::Test.file_stems();
    std::fs::write(dir.path().join(format!("{i}.gz")), idx_images(1, 2, 2, 4)).unwrap();
    std::fs::write(dir.path().join(format!("{l}.gz")), gz(&idx_labels(&[1]))).unwrap();
    let err = Mnist::load(dir.path(), MnistSplit::Test)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a valid gzip file"), "{err}");
    assert!(err.contains("expected magic bytes 1f 8b"), "{err}");
}

#[test]
fn a_corrupt_gzip_stream_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (i, l) = MnistSplit::Test.file_stems();
    let mut bad = gz(&idx_images(50, 2, 2, 200));
    let n = bad.len();
    bad.truncate(n / 2);
    std::fs::write(dir.path().join(format!("{i}.gz")), bad).unwrap();
    std::fs::write(dir.path().join(format!("{l}.gz")), gz(&idx_labels(&[1]))).unwrap();
    let err = Mnist::load(dir.path(), MnistSplit::Test)
        .unwrap_err()
        .to_string();
    assert!(err.contains("corrupt gzip stream"), "{err}");
}

#[test]
fn an_empty_file_is_named() {
    let err = load_with(&[], &idx_labels(&[1]), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("t10k-images-idx3-ubyte") && err.contains("empty"),
        "{err}"
    );
}

#[test]
fn a_label_above_9_is_an_error_with_its_offset() {
    let err = load_with(&idx_images(2, 1, 1, 2), &idx_labels(&[3, 12]), false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("label 12 at item 1 (offset 9)"), "{err}");
}

#[test]
fn missing_files_point_at_mms_data() {
    let dir = tempfile::tempdir().unwrap();
    let err = Mnist::load(dir.path(), MnistSplit::Train)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("train-images-idx3-ubyte") && err.contains("MMS_DATA"),
        "{err}"
    );
}
