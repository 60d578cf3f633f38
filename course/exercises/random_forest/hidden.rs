/// Hidden tests of `random_forest`: labels that are not 0, 1, ... (3, 7 and 9), one feature
/// only, and three classes.
pub fn check(forest_predict: impl Fn(&[f32], &[u32], &[f32], usize, random_forest::Forest) -> Vec<u32>) -> Checklist {
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
    c
}
