//! Exercise `triplets_per_batch` (notebook 04): the measurable part of the tutorial's "batch size
//! 2" exercise, how many triplets a batch can hold.
//!
//! A triplet is an anchor `a`, a positive `p != a` with `a`'s label, and a negative `n` with
//! another label; `(a, p, n)` and `(p, a, n)` are two triplets, as pytorch-metric-learning counts
//! them. A label that appears `c` times in a batch of `B` gives `c (c - 1) (B - c)` triplets, so a
//! batch of two never holds one: the miner finds nothing, the triplet loss is 0 and nothing is
//! learned. The "why" is the hand-graded `batch_size_two`.

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::data::TutorialData;
use crate::error::Result;
use crate::exercise::{Checklist, Verdict};
use crate::loss::{TripletMarginMiner, TripletType};

/// Every triplet of a batch with `labels`, counted by the crate's miner (all triplets, any
/// margin): the reference the checks compare with.
pub fn reference_count(labels: &[u32]) -> usize {
    let n = labels.len();
    // With every distance 0 and an infinite margin, `TripletType::All` keeps every valid triplet.
    TripletMarginMiner::new(f32::INFINITY, TripletType::All)
        .mine_distances(&vec![0.0; n * n], labels)
        .len()
}

/// The labels of FSDD's training recordings in batches of `batch_size`, shuffled by `seed` (the
/// last, short batch dropped, as the tutorial's loader drops it).
pub fn batches(data: &TutorialData, batch_size: usize, seed: u64) -> Vec<Vec<u32>> {
    let mut labels = data.train.audio().labels().to_vec();
    labels.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    labels
        .chunks_exact(batch_size.max(1))
        .map(<[u32]>::to_vec)
        .collect()
}

/// Compares `count_triplets` with [`reference_count`] on each batch.
pub fn per_batch(
    count_triplets: &impl Fn(&[u32]) -> usize,
    batches: &[Vec<u32>],
) -> Result<Verdict> {
    let mine: Vec<usize> = batches.iter().map(|b| count_triplets(b)).collect();
    let want: Vec<usize> = batches.iter().map(|b| reference_count(b)).collect();
    // In f64: a participant's count may be anything, up to `usize::MAX`, and must not overflow.
    let mean = |v: &[usize]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len().max(1) as f64;
    let wrong = mine.iter().zip(&want).filter(|(a, b)| a != b).count();
    Ok(Verdict::that(
        wrong == 0,
        format!(
            "mean {:.1} per batch, {wrong} of {} batches differ",
            mean(&mine),
            mine.len()
        ),
        format!("mean {:.1} per batch, every batch right", mean(&want)),
    ))
}

/// The visible checks: small batches written out, then FSDD's training labels in batches of 2
/// and of 32.
///
/// # Example
/// ```
/// use multimodal_search::exercise::triplets_per_batch::reference_count;
/// assert_eq!(reference_count(&[0, 0, 1]), 2);
/// assert_eq!(reference_count(&[3, 8]), 0);
/// ```
pub fn check(data: &TutorialData, count_triplets: impl Fn(&[u32]) -> usize) -> Checklist {
    let mut c = Checklist::new("triplets_per_batch");
    for (name, labels, want) in [
        ("two different digits [4, 7]: 0", &[4, 7][..], 0),
        ("two equal digits [5, 5]: 0", &[5, 5][..], 0),
        (
            "[0, 0, 1]: 2 (anchor and positive in both orders)",
            &[0, 0, 1][..],
            2,
        ),
        ("[0, 0, 1, 1, 2]: 12", &[0, 0, 1, 1, 2][..], 12),
    ] {
        c.check(name, 1.0, || {
            Ok(Verdict::equal(&count_triplets(labels), &want))
        });
    }
    c.check(
        "FSDD training labels in batches of 2: as the miner counts, batch by batch",
        1.0,
        || per_batch(&count_triplets, &batches(data, 2, 0)),
    );
    c.check(
        "FSDD training labels in batches of 32: as the miner counts, batch by batch",
        1.0,
        || per_batch(&count_triplets, &batches(data, 32, 0)),
    );
    c
}
