/// Hidden tests of `triplets_per_batch`: one label only, an empty batch, an uneven batch, and
/// batches of 64.
pub fn check(data: &TutorialData, count_triplets: impl Fn(&[u32]) -> usize) -> Checklist {
    let mut c = Checklist::new("triplets_per_batch");
    for (name, labels, want) in [
        ("hidden: [1, 1, 1]: 0 (no negative)", &[1, 1, 1][..], 0),
        ("hidden: an empty batch: 0", &[][..], 0),
        ("hidden: [2, 2, 2, 3]: 6", &[2, 2, 2, 3][..], 6),
    ] {
        c.check(name, 0.5, || Ok(Verdict::equal(&count_triplets(labels), &want)));
    }
    c.check("hidden: batches of 64, another shuffle", 0.5, || {
        triplets_per_batch::per_batch(&count_triplets, &triplets_per_batch::batches(data, 64, 9))
    });
    c
}
