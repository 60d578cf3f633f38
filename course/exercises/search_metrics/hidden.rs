/// Hidden tests of `search_metrics`: vectors of other lengths (where cosine, dot and Euclidean
/// rank differently), another width, and agreement at other `k`.
pub fn check(
    ranking: impl Fn(&[f32], &[f32], usize, SearchMetric) -> Vec<usize>,
    agreement: impl Fn(&[usize], &[usize], usize) -> f64,
) -> Checklist {
    let mut c = Checklist::new("search_metrics");
    let dim = 24;
    let (queries, database) = (search_metrics::rows(21, 6, dim, false).unwrap(), search_metrics::rows(22, 40, dim, false).unwrap());
    for metric in [SearchMetric::Cosine, SearchMetric::Euclidean, SearchMetric::Manhattan, SearchMetric::Dot] {
        c.check(&format!("hidden: {metric}, vectors of lengths 0.5 to 2"), 0.5, || {
            search_metrics::ranking_verdict(&ranking, &queries, &database, dim, metric)
        });
    }
    c.check("hidden: rank_agreement with k larger than the shared prefix", 0.5, || {
        Ok(Verdict::close(agreement(&[4, 3, 2, 1, 0], &[0, 1, 2, 3, 4], 2), 0.0, 1e-12))
    });
    c.check("hidden: rank_agreement at k = 5 of identical rankings", 0.5, || {
        Ok(Verdict::close(agreement(&[9, 8, 7, 6, 5, 4], &[9, 8, 7, 6, 5, 4], 5), 1.0, 1e-12))
    });
    c
}
