// DELEGATES: the crate's own miner does the work.
pub fn semihard_triplets(embeddings: &Tensor, labels: &[u32], margin: f32) -> Result<Vec<[usize; 3]>> {
    let labels = Tensor::new(labels, embeddings.device())?;
    multimodal_search::loss::TripletMarginMiner::new(margin, multimodal_search::loss::TripletType::Semihard).mine(embeddings, &labels)
}

pub fn hard_triplets(embeddings: &Tensor, labels: &[u32], margin: f32) -> Result<Vec<[usize; 3]>> {
    let labels = Tensor::new(labels, embeddings.device())?;
    multimodal_search::loss::TripletMarginMiner::new(margin, multimodal_search::loss::TripletType::Hard).mine(embeddings, &labels)
}
