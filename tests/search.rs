//! The embedding index and the retrieval metrics: hand-made cases, ties, save/load, errors, and
//! average precision against scikit-learn (fixtures/metrics.json).

mod common;

use multimodal_search::candle_core::{Device, Tensor};
use multimodal_search::search::retrieval::{
    average_precision, precision_at_k, r_precision, ranked_relevance,
};
use multimodal_search::search::{EmbeddingIndex, RetrievalReport, SearchMetric};

fn index(rows: &[[f32; 2]], metric: SearchMetric) -> EmbeddingIndex {
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let m = Tensor::from_vec(flat, (rows.len(), 2), &Device::Cpu).unwrap();
    let n = rows.len();
    EmbeddingIndex::from_matrix(
        &m,
        (0..n as u32).collect(),
        (0..n).map(|i| format!("r{i}")).collect(),
        metric,
    )
    .unwrap()
}

fn q(v: [f32; 2]) -> Tensor {
    Tensor::new(&v, &Device::Cpu).unwrap()
}

fn order(hits: &[multimodal_search::search::Hit]) -> Vec<usize> {
    hits.iter().map(|h| h.index).collect()
}

#[test]
fn each_metric_orders_best_first_and_farthest_first() {
    let rows = [[1.0, 0.0], [2.0, 2.0], [-1.0, 0.0], [0.5, 0.1], [0.0, 3.0]];
    let query = q([1.0, 0.0]);
    // Hand-computed orders for the query (1, 0).
    let cases = [
        // cos: r0 1, r3 0.98, r1 0.707, r4 0, r2 -1
        (SearchMetric::Cosine, vec![0, 3, 1, 4, 2]),
        // L2: r0 0, r3 0.51, r2 2, r1 2.24, r4 3.16
        (SearchMetric::Euclidean, vec![0, 3, 2, 1, 4]),
        // dot: r1 2, r0 1, r3 0.5, r4 0, r2 -1
        (SearchMetric::Dot, vec![1, 0, 3, 4, 2]),
        // L1: r0 0, r3 0.6, r2 2, r1 3, r4 4
        (SearchMetric::Manhattan, vec![0, 3, 2, 1, 4]),
    ];
    for (metric, want) in cases {
        let idx = index(&rows, metric);
        let hits = idx.search(&query, 5).unwrap();
        assert_eq!(order(&hits), want, "{metric}");
        assert!(
            hits.windows(2)
                .all(|w| w[0].score >= w[1].score && w[0].distance <= w[1].distance)
        );
        let far = idx.farthest(&query, 2).unwrap();
        assert_eq!(order(&far), vec![want[4], want[3]], "{metric} farthest");
        assert_eq!(hits[0].id, format!("r{}", want[0]));
    }
    let idx = index(&rows, SearchMetric::Euclidean);
    let h = &idx.search(&query, 2).unwrap()[1];
    assert!((h.distance - 0.26f32.sqrt()).abs() < 1e-6 && (h.score + h.distance).abs() < 1e-9);
    let c = &index(&rows, SearchMetric::Cosine)
        .search(&query, 1)
        .unwrap()[0];
    assert!((c.score - 1.0).abs() < 1e-6 && c.distance.abs() < 1e-6);
}

#[test]
fn ties_go_to_the_lower_row_and_k_is_capped() {
    let idx = index(
        &[[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
        SearchMetric::Cosine,
    );
    assert_eq!(
        order(&idx.search(&q([1.0, 0.0]), 4).unwrap()),
        vec![1, 3, 0, 2]
    );
    assert_eq!(
        order(&idx.farthest(&q([1.0, 0.0]), 4).unwrap()),
        vec![0, 2, 1, 3]
    );
    assert_eq!(
        idx.search(&q([1.0, 0.0]), 100).unwrap().len(),
        4,
        "k > N gives N hits"
    );
    let batch = Tensor::new(&[[1.0f32, 0.0], [0.0, 1.0]], &Device::Cpu).unwrap();
    let both = idx.search_batch(&batch, 2).unwrap();
    assert_eq!((order(&both[0]), order(&both[1])), (vec![1, 3], vec![0, 2]));
}

#[test]
fn bad_queries_and_empty_indexes_are_errors() {
    let idx = index(&[[1.0, 0.0]], SearchMetric::Cosine);
    let err = idx
        .search(&Tensor::new(&[1.0f32, 0.0, 0.0], &Device::Cpu).unwrap(), 1)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("query dimension 3 does not match the index dimension 2"),
        "{err}"
    );
    let empty = Tensor::zeros(
        (0, 4),
        multimodal_search::candle_core::DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    let err = EmbeddingIndex::from_matrix(&empty, vec![], vec![], SearchMetric::Cosine)
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty index"), "{err}");
    let m = Tensor::new(&[[1.0f32, 0.0]], &Device::Cpu).unwrap();
    let err = EmbeddingIndex::from_matrix(&m, vec![1, 2], vec!["a".into()], SearchMetric::Dot)
        .unwrap_err()
        .to_string();
    assert!(err.contains("1 embeddings but 2 labels and 1 ids"), "{err}");
    let err = idx
        .search(&Tensor::new(&[f32::NAN, 0.0], &Device::Cpu).unwrap(), 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("NaN"), "{err}");
}

#[test]
fn save_and_load_round_trip_with_validation() {
    let dir = tempfile::tempdir().unwrap();
    let idx = index(
        &[[1.0, 0.0], [0.3, 0.4], [-2.0, 1.0]],
        SearchMetric::Euclidean,
    );
    idx.save(dir.path()).unwrap();
    let back = EmbeddingIndex::load(dir.path(), Some(SearchMetric::Euclidean)).unwrap();
    assert_eq!(back.labels(), idx.labels());
    assert_eq!(back.ids(), idx.ids());
    assert_eq!(back.metric(), SearchMetric::Euclidean);
    let a = idx.search(&q([0.2, 0.2]), 3).unwrap();
    let b = back.search(&q([0.2, 0.2]), 3).unwrap();
    assert_eq!(a, b);
    let err = EmbeddingIndex::load(dir.path(), Some(SearchMetric::Cosine))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("built for euclidean search, not cosine"),
        "{err}"
    );
    // A metadata file that disagrees with the matrix.
    let meta = dir.path().join("index.json");
    let text = std::fs::read_to_string(&meta)
        .unwrap()
        .replace("\"dim\": 2", "\"dim\": 3");
    std::fs::write(&meta, text).unwrap();
    let err = EmbeddingIndex::load(dir.path(), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("holds [3, 2] but index.json says 3 x 3"),
        "{err}"
    );
    std::fs::write(&meta, "{").unwrap();
    assert!(
        EmbeddingIndex::load(dir.path(), None)
            .unwrap_err()
            .to_string()
            .contains("not an index metadata file")
    );
}

#[test]
fn metrics_by_hand_including_ties() {
    // Ranking relevance: R . R . . R  (3 relevant of 6).
    let rel = [true, false, true, false, false, true];
    assert_eq!(precision_at_k(&rel, 1), 1.0);
    assert_eq!(precision_at_k(&rel, 5), 0.4);
    let ap = average_precision(&rel).unwrap();
    assert!((ap - (1.0 + 2.0 / 3.0 + 3.0 / 6.0) / 3.0).abs() < 1e-12);
    assert!((r_precision(&rel).unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(average_precision(&[false, false]), None);
    // Ties: rows 1 and 2 score the same; row 1 (irrelevant) ranks first by the tie rule.
    let rel = ranked_relevance(&[0.1, 0.8, 0.8, 0.9], &[0, 5, 2, 2], 2, None);
    assert_eq!(rel, vec![true, false, true, false]);
    assert!((average_precision(&rel).unwrap() - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    // Same-set search leaves the query out.
    let rel = ranked_relevance(&[1.0, 0.5, 0.7], &[2, 2, 1], 2, Some(0));
    assert_eq!(rel, vec![false, true]);
}

#[test]
fn average_precision_matches_scikit_learn() {
    let fx = common::fixture("metrics.json");
    let mut worst: f64 = 0.0;
    for qf in fx["queries"].as_array().unwrap() {
        let scores: Vec<f32> = qf["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let labels: Vec<u32> = qf["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        let rel = ranked_relevance(
            &scores,
            &labels,
            qf["query_label"].as_u64().unwrap() as u32,
            None,
        );
        let ap = average_precision(&rel).unwrap();
        let d = (ap - qf["average_precision"].as_f64().unwrap()).abs();
        worst = worst.max(d);
        assert!(d < 1e-6, "AP {ap} vs sklearn {}", qf["average_precision"]);
        assert!((precision_at_k(&rel, 1) - qf["precision_at_1"].as_f64().unwrap()).abs() < 1e-12);
        assert!((precision_at_k(&rel, 5) - qf["precision_at_5"].as_f64().unwrap()).abs() < 1e-12);
    }
    println!("40 queries: worst |AP - sklearn| = {worst:.1e}");
}

#[test]
fn report_renders_and_detects_a_perfect_and_a_useless_space() {
    // Images and audio of digit d both sit on axis d: perfect cross-modal search.
    let n = 30;
    let mut img = vec![0.0f32; n * 10];
    let mut aud = vec![0.0f32; n * 10];
    let labels: Vec<u32> = (0..n as u32).map(|i| i % 10).collect();
    for (i, &l) in labels.iter().enumerate() {
        img[i * 10 + l as usize] = 1.0;
        aud[i * 10 + l as usize] = 2.0;
        img[i * 10 + (l as usize + 1) % 10] = 0.01 * i as f32;
    }
    let ids = |p: &str| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
    let images = EmbeddingIndex::from_matrix(
        &Tensor::from_vec(img, (n, 10), &Device::Cpu).unwrap(),
        labels.clone(),
        ids("i"),
        SearchMetric::Cosine,
    )
    .unwrap();
    let audio = EmbeddingIndex::from_matrix(
        &Tensor::from_vec(aud, (n, 10), &Device::Cpu).unwrap(),
        labels.clone(),
        ids("a"),
        SearchMetric::Cosine,
    )
    .unwrap();
    // Three items per digit: with the query left out, two relevant rows remain, so k = 2.
    let report = RetrievalReport::evaluate(&images, &audio, 2).unwrap();
    for d in &report.directions {
        assert_eq!(
            (d.precision_at_1, d.precision_at_k, d.map, d.r_precision),
            (1.0, 1.0, 1.0, 1.0),
            "{}",
            d.direction
        );
    }
    assert_eq!(report.direction("image -> image").unwrap().queries, 30);
    let text = report.to_text();
    assert!(
        text.contains("P@2") && text.contains("audio -> audio"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    assert_eq!(json["directions"][0]["direction"], "image -> audio");
    // Audio embeddings that ignore the digit: cross-modal precision drops to chance.
    let flat = Tensor::ones(
        (n, 10),
        multimodal_search::candle_core::DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    let useless =
        EmbeddingIndex::from_matrix(&flat, labels, ids("a"), SearchMetric::Cosine).unwrap();
    let bad = RetrievalReport::evaluate(&images, &useless, 3).unwrap();
    let p1 = bad.direction("image -> audio").unwrap().precision_at_1;
    assert!(p1 <= 0.2, "chance-level precision expected, got {p1}");
}

#[test]
fn index_built_from_an_encoder_in_batches_equals_one_forward_pass() {
    use multimodal_search::data::LabeledSet;
    use multimodal_search::model::{Encoder, EncoderConfig};
    let (enc, _) = Encoder::seeded(EncoderConfig::mnist(16), 9, &Device::Cpu).unwrap();
    let items = Tensor::randn(0f32, 1.0, (23, 1, 28, 28), &Device::Cpu).unwrap();
    let labels: Vec<u32> = (0..23).map(|i| i % 10).collect();
    let set = LabeledSet::new(
        items.clone(),
        labels,
        (0..23).map(|i| format!("m{i}")).collect(),
    )
    .unwrap();
    let idx = EmbeddingIndex::from_encoder(&enc, &set, 5, SearchMetric::Cosine).unwrap();
    assert_eq!((idx.len(), idx.dim()), (23, 16));
    let whole = enc.forward(&items).unwrap().1;
    let diff = common::max_abs_diff(idx.matrix(), &whole);
    assert!(diff < 1e-5, "batched and whole embeddings differ by {diff}");
    assert_eq!(idx.ids()[22], "m22");
    assert!(EmbeddingIndex::from_encoder(&enc, &set, 0, SearchMetric::Cosine).is_err());
}
