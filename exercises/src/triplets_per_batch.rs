//! Exercise `triplets_per_batch`: Batch size 2: how many triplets does a batch hold? (notebook 04_unimodal_training, Unimodal training).
//!
//! The measurable part of the batch-size-2 exercise: `count_triplets(labels)`, the number of triplets
//! (anchor, positive with the anchor's label, negative with another label; `(a, p, n)` and
//! `(p, a, n)` are two) a batch with these labels holds. The check runs it on FSDD's training labels
//! in batches of 2 and of 32; the notebook then shows what the loss does at batch size 2.
//!
//! Check it with `cargo test -p exercises triplets_per_batch`; a hint: `mmsearch exercises hint triplets_per_batch`.

// The names a notebook cell has: your solution may need more of them than the stub.
#[allow(unused_imports)]
use multimodal_search::prelude::*;

/// The number of triplets `(anchor, positive, negative)` in a batch with `labels`: the positive
/// is another item with the anchor's label, the negative an item with another label;
/// `(a, p, n)` and `(p, a, n)` count as two.
pub fn count_triplets(_labels: &[u32]) -> usize {
    todo!("count, for each anchor, its positives times its negatives")
}
