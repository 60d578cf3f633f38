// DELEGATES: the crate's own index ranks the rows.
pub fn ranking(query: &[f32], database: &[f32], dim: usize, metric: SearchMetric) -> Vec<usize> {
    let n = database.len() / dim;
    let db = Tensor::from_slice(database, (n, dim), &Device::Cpu).unwrap();
    let ids = (0..n).map(|i| i.to_string()).collect();
    let index = multimodal_search::search::EmbeddingIndex::from_matrix(&db, vec![0; n], ids, metric).unwrap();
    let q = Tensor::from_slice(query, (1, dim), &Device::Cpu).unwrap();
    index.search(&q, n).unwrap().into_iter().map(|h| h.index).collect()
}

pub fn rank_agreement(a: &[usize], b: &[usize], k: usize) -> f64 {
    let top_b = &b[..k.min(b.len())];
    a.iter().take(k).filter(|i| top_b.contains(i)).count() as f64 / k.max(1) as f64
}
