// MUTANT: squared Euclidean distances: the margin compares different numbers.
pub fn semihard_triplets(embeddings: &Tensor, labels: &[u32], margin: f32) -> Result<Vec<[usize; 3]>> {
    mine(embeddings, labels, true, |m| m > 0.0 && m <= margin)
}

pub fn hard_triplets(embeddings: &Tensor, labels: &[u32], _margin: f32) -> Result<Vec<[usize; 3]>> {
    mine(embeddings, labels, true, |m| m <= 0.0)
}

fn unit_rows(embeddings: &Tensor) -> Result<Vec<Vec<f32>>> {
    let mut rows = embeddings.to_vec2::<f32>()?;
    for r in rows.iter_mut() {
        let norm = r.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        r.iter_mut().for_each(|x| *x /= norm);
    }
    Ok(rows)
}

fn mine(embeddings: &Tensor, labels: &[u32], squared: bool, keep: impl Fn(f32) -> bool) -> Result<Vec<[usize; 3]>> {
    let rows = unit_rows(embeddings)?;
    let dist = |i: usize, j: usize| -> f32 {
        let s = rows[i].iter().zip(&rows[j]).map(|(x, y)| (x - y) * (x - y)).sum::<f32>();
        if squared { s } else { s.sqrt() }
    };
    let n = labels.len();
    let mut out = Vec::new();
    for a in 0..n {
        for p in (0..n).filter(|&p| p != a && labels[p] == labels[a]) {
            for q in (0..n).filter(|&q| labels[q] != labels[a]) {
                if keep(dist(a, q) - dist(a, p)) {
                    out.push([a, p, q]);
                }
            }
        }
    }
    Ok(out)
}
