/// Hidden tests of `random_forest`: labels that are not 0, 1, ... (3, 7 and 9), one feature
/// only, another seed, and the validation recordings in an order the notebook never shows.
pub fn check(data: &TutorialData, forest_predict: impl Fn(&[f32], &[u32], &[f32], usize, random_forest::Forest) -> Vec<u32>) -> Checklist {
    let mut c = Checklist::new("random_forest");
    let forest = random_forest::Forest { trees: 8, max_depth: 5, seed: 7 };
    let three = |seed| random_forest::clusters(seed, 15, &[(3, vec![0.0, 0.0]), (7, vec![5.0, 0.0]), (9, vec![0.0, 5.0])], 1.0);
    c.check("hidden: labels 3, 7 and 9 come back as 3, 7 and 9", 1.0, || {
        random_forest::scored(&forest_predict, (&three(31)?, &three(32)?), forest, (1.0, ""))
    });
    c.check("hidden: one feature per row", 1.0, || {
        let line = |seed| random_forest::clusters(seed, 12, &[(0, vec![-3.0]), (1, vec![3.0])], 1.0);
        random_forest::scored(&forest_predict, (&line(33)?, &line(34)?), forest, (1.0, ""))
    });
    c.check("hidden: seeds 1 and 2 grow other forests", 1.0, || {
        let blur = |seed| random_forest::clusters(seed, 20, &[(0, vec![0.0, 0.0, 1.0]), (1, vec![4.0, 4.0, 1.0])], 4.0);
        let (train, test) = (blur(35)?, blur(36)?);
        let run = |seed| forest_predict(&train.values, &train.labels, &test.values, 3, random_forest::Forest { seed, ..forest });
        let (a, b) = (run(1), run(2));
        Ok(Verdict::that(a != b && a.len() == test.len(), if a == b { "the same labels" } else { "other labels" }, "other labels somewhere"))
    });
    c.check("hidden: the validation recordings shuffled", 1.0, || {
        let e = random_forest::embeddings(data)?;
        let (train, test) = (&e.audio_train, &e.audio_validation);
        // Row i of the shuffled table is row (i * 7) % n of the validation set (7 and 300 share no factor).
        let n = test.len();
        let order: Vec<usize> = (0..n).map(|i| (i * 7) % n).collect();
        let shuffled = random_forest::Table {
            values: order.iter().flat_map(|&i| test.values[i * test.dim..(i + 1) * test.dim].to_vec()).collect(),
            dim: test.dim,
            labels: order.iter().map(|&i| test.labels[i]).collect(),
        };
        random_forest::scored(&forest_predict, (train, &shuffled), random_forest::Forest::EMBEDDINGS, (random_forest::THRESHOLD_AUDIO, ""))
    });
    c
}
