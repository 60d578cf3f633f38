//! The paired dataset and its loader (the tutorial's `AudioAndImageDataset` + `DataLoader`), on
//! small hand-made sets and on the real data.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use multimodal_search::candle_core::{DType, Device, Tensor};
use multimodal_search::data::{
    DataDir, DataLoader, LabeledSet, MnistSplit, PairedDataset, Spectrogrammer, TimeMasking,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A set whose item `i` is filled with the value `i`, so batches reveal which items they hold.
fn tagged(n: usize, side: usize, label_of: impl Fn(usize) -> u32) -> LabeledSet {
    let data: Vec<f32> = (0..n).flat_map(|i| vec![i as f32; side * side]).collect();
    let items = Tensor::from_vec(data, (n, 1, side, side), &Device::Cpu).unwrap();
    LabeledSet::new(
        items,
        (0..n).map(label_of).collect(),
        (0..n).map(|i| i.to_string()).collect(),
    )
    .unwrap()
}

fn tags(x: &Tensor) -> Vec<usize> {
    let b = x.dims()[0];
    x.reshape((b, ()))
        .unwrap()
        .max(1)
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
        .into_iter()
        .map(|v| v as usize)
        .collect()
}

#[test]
fn length_is_the_larger_set_and_the_smaller_is_redrawn_past_its_end() {
    let pairs = PairedDataset::new(
        tagged(10, 28, |i| (i % 10) as u32),
        tagged(4, 64, |i| i as u32 + 5),
    )
    .unwrap();
    assert_eq!(pairs.len(), 10);
    let mut rng = StdRng::seed_from_u64(42);
    for i in 0..4 {
        assert_eq!(pairs.pair_indices(i, &mut rng), (i, i));
    }
    let mut drawn = HashSet::new();
    for _ in 0..50 {
        for i in 4..10 {
            let (img, aud) = pairs.pair_indices(i, &mut rng);
            assert_eq!(img, i);
            assert!(aud < 4);
            drawn.insert(aud);
        }
    }
    assert_eq!(drawn.len(), 4, "every audio item is drawn sometimes");
    let item = pairs.get(7, &mut rng).unwrap();
    assert_eq!(item.image.dims(), &[1, 28, 28]);
    assert_eq!(item.spectrogram.dims(), &[1, 64, 64]);
    assert_eq!(item.image_label, 7);
    assert!((5..9).contains(&item.audio_label));
    assert!(pairs.get(10, &mut rng).is_err());
}

#[test]
fn batches_keep_items_and_labels_together() {
    let pairs = PairedDataset::new(
        tagged(10, 28, |i| (i % 10) as u32),
        tagged(4, 64, |i| i as u32),
    )
    .unwrap();
    let loader = DataLoader::new(&pairs, 3).unwrap().shuffle(true).seed(7);
    let batches: Vec<_> = loader.epoch(0).collect::<Result<_, _>>().unwrap();
    assert_eq!(batches.len(), 4);
    assert_eq!(
        batches[3].images.dims(),
        &[1, 1, 28, 28],
        "last partial batch kept"
    );
    let mut seen = Vec::new();
    for b in &batches {
        let img = tags(&b.images);
        let aud = tags(&b.spectrograms);
        assert_eq!(
            img,
            b.image_labels
                .to_vec1::<u32>()
                .unwrap()
                .iter()
                .map(|&l| l as usize)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            aud,
            b.audio_labels
                .to_vec1::<u32>()
                .unwrap()
                .iter()
                .map(|&l| l as usize)
                .collect::<Vec<_>>()
        );
        assert_eq!(b.image_labels.dtype(), DType::U32);
        seen.extend(img);
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..10).collect::<Vec<_>>(),
        "each image exactly once per epoch"
    );
}

#[test]
fn drop_last_shuffle_and_seeds() {
    let pairs = PairedDataset::new(tagged(10, 28, |_| 1), tagged(10, 64, |_| 1)).unwrap();
    let dl = DataLoader::new(&pairs, 4).unwrap().drop_last(true);
    assert_eq!(dl.num_batches(), 2);
    assert_eq!(dl.epoch(0).count(), 2);
    let plain: Vec<usize> = dl.epoch(0).flat_map(|b| tags(&b.unwrap().images)).collect();
    assert_eq!(
        plain,
        (0..8).collect::<Vec<_>>(),
        "no shuffle keeps the order"
    );

    let order = |seed: u64, epoch: u64| -> Vec<usize> {
        let dl = DataLoader::new(&pairs, 5).unwrap().shuffle(true).seed(seed);
        dl.epoch(epoch)
            .flat_map(|b| tags(&b.unwrap().images))
            .collect()
    };
    assert_eq!(
        order(42, 0),
        order(42, 0),
        "same seed and epoch, same batches"
    );
    assert_ne!(order(42, 0), order(42, 1), "epochs differ");
    assert_ne!(order(42, 0), order(43, 0), "seeds differ");
    assert!(DataLoader::new(&pairs, 0).is_err());
}

#[test]
fn per_batch_audio_transform_is_applied_and_seeded() {
    let pairs = PairedDataset::new(tagged(6, 28, |_| 0), tagged(6, 64, |_| 0)).unwrap();
    let mask = Arc::new(TimeMasking::new(64, -100.0));
    let dl = DataLoader::new(&pairs, 6)
        .unwrap()
        .seed(1)
        .audio_transform(mask);
    let a = dl.epoch(0).next().unwrap().unwrap().spectrograms;
    let b = dl.epoch(0).next().unwrap().unwrap().spectrograms;
    let masked = a
        .eq(-100.0)
        .unwrap()
        .to_dtype(DType::F32)
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(masked > 0.0, "some columns were masked");
    let diff = (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert_eq!(diff, 0.0, "same seed, same masks");
}

#[test]
fn real_data_pipeline_end_to_end() {
    let data = DataDir::new(common::data_dir(), true);
    let images = LabeledSet::from_mnist(
        &data.mnist(MnistSplit::Train).unwrap(),
        MnistSplit::Train,
        &Device::Cpu,
    )
    .unwrap();
    let scan = data.fsdd().unwrap();
    let audio =
        LabeledSet::from_recordings(&scan.train, &Spectrogrammer::default(), &Device::Cpu).unwrap();
    assert_eq!(audio.len(), 2700);
    assert_eq!(audio.items().dims(), &[2700, 1, 64, 64]);
    assert_eq!(audio.label_counts(), [270; 10]);
    let pairs = PairedDataset::new(images, audio).unwrap();
    assert_eq!(pairs.len(), 10_000);
    let dl = DataLoader::new(&pairs, 64)
        .unwrap()
        .shuffle(true)
        .drop_last(true)
        .seed(42);
    assert_eq!(dl.num_batches(), 156);
    let b = dl.epoch(0).next().unwrap().unwrap();
    assert_eq!(b.images.dims(), &[64, 1, 28, 28]);
    assert_eq!(b.spectrograms.dims(), &[64, 1, 64, 64]);
    assert_eq!(b.image_labels.dims(), &[64]);
    // Normalized spectrograms are centred near 0 with spread near 1 (pixels mean 0.473, std 0.159).
    let mean = pairs
        .audio()
        .items()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(mean.abs() < 0.05, "mean of normalized spectrograms {mean}");
}
