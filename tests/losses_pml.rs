//! Losses and miner against the real pytorch-metric-learning 2.9 / PyTorch 2.5
//! (fixtures/losses.json, made by scripts/fixtures/make_loss_fixtures.sh).

mod common;

use multimodal_search::candle_core::{Device, Tensor, Var};
use multimodal_search::loss::{
    ClipLoss, CosineEmbeddingLoss, MultiModalTripletEntropyLoss, MultiModalTripletLoss, NTXentLoss,
    PairwiseMarginLoss, TripletLoss, TripletMarginMiner, TripletType, cross_entropy,
};
use serde_json::Value;

const TOL: f32 = 1e-5;

fn fx() -> Value {
    common::fixture("losses.json")
}

fn matrix(v: &Value) -> Tensor {
    let rows: Vec<Vec<f32>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect()
        })
        .collect();
    let (n, d) = (rows.len(), rows[0].len());
    Tensor::from_vec(rows.concat(), (n, d), &Device::Cpu).unwrap()
}

fn labels(v: &Value) -> Tensor {
    let l: Vec<u32> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect();
    let n = l.len();
    Tensor::from_vec(l, n, &Device::Cpu).unwrap()
}

fn kind(s: &str) -> TripletType {
    match s {
        "all" => TripletType::All,
        "hard" => TripletType::Hard,
        "semihard" => TripletType::Semihard,
        "easy" => TripletType::Easy,
        _ => panic!("unknown kind {s}"),
    }
}

fn assert_close(got: &Tensor, want: &Value, what: &str) -> f32 {
    let want = matrix(want);
    assert_eq!(got.dims(), want.dims(), "{what}: shape");
    let worst = common::max_abs_diff(got, &want);
    assert!(worst <= TOL, "{what}: worst difference {worst}");
    worst
}

#[test]
fn miner_lists_exactly_what_pml_lists() {
    let fx = fx();
    let cases = fx["miner_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 72);
    let mut nonempty = 0;
    for c in cases {
        let e = matrix(&c["embeddings"]);
        let l = labels(&c["labels"]);
        let miner = TripletMarginMiner::new(
            c["margin"].as_f64().unwrap() as f32,
            kind(c["kind"].as_str().unwrap()),
        );
        let got = miner.mine(&e, &l).unwrap();
        let want: Vec<[usize; 3]> = c["triplets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let t = t.as_array().unwrap();
                [0, 1, 2].map(|i| t[i].as_u64().unwrap() as usize)
            })
            .collect();
        assert_eq!(
            got, want,
            "{} margin {} {}",
            c["name"], c["margin"], c["kind"]
        );
        // The fast path's count agrees with the listing.
        let (_, stats) = TripletLoss {
            miner,
            loss: multimodal_search::loss::TripletMarginLoss::new(miner.margin),
        }
        .forward_with_stats(&e, &l)
        .unwrap();
        assert_eq!(
            stats.mined as usize,
            want.len(),
            "{} {} fast count",
            c["name"],
            c["kind"]
        );
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty > 30, "most cases mine something ({nonempty})");
}

#[test]
fn miner_and_loss_at_n_512_match_pml() {
    let fx = fx();
    let c = &fx["big_case"];
    let e = matrix(&c["embeddings"]);
    let l = labels(&c["labels"]);
    let n = 512usize;
    let got = TripletMarginMiner::new(0.5, TripletType::Semihard)
        .mine(&e, &l)
        .unwrap();
    assert_eq!(got.len() as u64, c["count"].as_u64().unwrap());
    let modulus: u128 = (1 << 61) - 1;
    let mut h: u128 = 0;
    for [a, p, q] in &got {
        h = (h * 1_000_003 + (a * n * n + p * n + q) as u128) % modulus;
    }
    assert_eq!(
        h.to_string(),
        c["hash"].as_str().unwrap(),
        "the exact list, hashed"
    );

    let var = Var::from_tensor(&e).unwrap();
    let loss = TripletLoss::default().forward(var.as_tensor(), &l).unwrap();
    let value = loss.to_scalar::<f32>().unwrap();
    let want = c["loss"].as_f64().unwrap() as f32;
    println!("N=512: {} triplets, loss {value} vs PML {want}", got.len());
    assert!((value - want).abs() <= TOL, "loss {value} vs {want}");
    let g = loss.backward().unwrap();
    let grad = g.get(var.as_tensor()).unwrap();
    let norm = grad
        .sqr()
        .unwrap()
        .sum_all()
        .unwrap()
        .sqrt()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!((norm - c["grad_norm"].as_f64().unwrap() as f32).abs() <= TOL);
    assert_close(
        &grad.narrow(0, 0, 3).unwrap(),
        &c["grad_rows_0_3"],
        "N=512 gradient rows 0-2",
    );
}

#[test]
fn triplet_loss_value_and_gradient_match_pml() {
    let fx = fx();
    let mut worst = 0.0f32;
    for c in fx["triplet_loss_cases"].as_array().unwrap() {
        let e = Var::from_tensor(&matrix(&c["embeddings"])).unwrap();
        let l = labels(&c["labels"]);
        for (path, loss) in [
            (
                "fast",
                TripletLoss::default().forward(e.as_tensor(), &l).unwrap(),
            ),
            (
                "naive",
                TripletLoss::default()
                    .forward_naive(e.as_tensor(), &l)
                    .unwrap(),
            ),
        ] {
            let v = loss.to_scalar::<f32>().unwrap();
            let want = c["loss"].as_f64().unwrap() as f32;
            assert!(
                (v - want).abs() <= TOL,
                "{} {path}: {v} vs {want}",
                c["name"]
            );
            let grad = loss.backward().unwrap().get(e.as_tensor()).unwrap().clone();
            let g = grad.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(
                g.iter().all(|x| x.is_finite()),
                "{} {path}: NaN in gradient",
                c["name"]
            );
            worst = worst.max(assert_close(
                &grad,
                &c["grad"],
                &format!("{} {path} gradient", c["name"]),
            ));
        }
    }
    println!("TripletLoss gradient: worst |diff| vs PyTorch {worst:.2e}");
}

/// The fixture's image embeddings, audio embeddings, image logits and audio logits, as variables.
fn multimodal_output(m: &Value) -> [Var; 4] {
    [
        Var::from_tensor(&matrix(&m["image_embeddings"])).unwrap(),
        Var::from_tensor(&matrix(&m["audio_embeddings"])).unwrap(),
        Var::from_tensor(&matrix(&m["image_logits"])).unwrap(),
        Var::from_tensor(&matrix(&m["audio_logits"])).unwrap(),
    ]
}

#[test]
fn triplet_entropy_loss_value_and_gradients_match_pytorch() {
    let fx = fx();
    let m = &fx["multimodal"];
    let (il, al) = (labels(&m["image_labels"]), labels(&m["audio_labels"]));
    let weights = matrix(&Value::Array(vec![m["class_weights"].clone()]))
        .squeeze(0)
        .unwrap();
    for r in m["results"].as_array().unwrap() {
        let weighted = r["weighted"].as_bool().unwrap();
        let vars = multimodal_output(m);
        let [ie, ae, ilo, alo] = vars.each_ref().map(|v| v.as_tensor());
        let loss_fn = MultiModalTripletEntropyLoss {
            class_weights: weighted.then(|| weights.clone()),
            ..Default::default()
        };
        let loss = loss_fn.forward((ilo, ie, &il), (alo, ae, &al)).unwrap();
        let v = loss.to_scalar::<f32>().unwrap();
        let want = r["loss"].as_f64().unwrap() as f32;
        assert!(
            (v - want).abs() <= TOL,
            "weighted={weighted}: {v} vs {want}"
        );
        let g = loss.backward().unwrap();
        for (var, key) in vars.iter().zip([
            "grad_image_embeddings",
            "grad_audio_embeddings",
            "grad_image_logits",
            "grad_audio_logits",
        ]) {
            assert_close(
                g.get(var.as_tensor()).unwrap(),
                &r[key],
                &format!("weighted={weighted} {key}"),
            );
        }
        // The parts on their own.
        let t = MultiModalTripletLoss::default()
            .forward(ie, &il, ae, &al)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!((t - r["triplet"].as_f64().unwrap() as f32).abs() <= TOL);
        let logits = Tensor::cat(&[ilo, alo], 0).unwrap();
        let lab = Tensor::cat(&[&il, &al], 0).unwrap();
        let ce = cross_entropy(&logits, &lab, weighted.then_some(&weights))
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!((ce - r["cross_entropy"].as_f64().unwrap() as f32).abs() <= TOL);
    }
}

#[test]
fn theory_losses_match_pytorch() {
    let fx = fx();
    let o = &fx["other_losses"];
    let (x1, x2) = (matrix(&o["x1"]), matrix(&o["x2"]));
    let y01 = common::f32s(&o["y01"]);
    let ypm = common::f32s(&o["ypm"]);
    let y01 = Tensor::new(y01.as_slice(), &Device::Cpu).unwrap();
    let ypm = Tensor::new(ypm.as_slice(), &Device::Cpu).unwrap();
    let close = |got: Tensor, key: &str| {
        let (g, w) = (
            got.to_scalar::<f32>().unwrap(),
            o[key].as_f64().unwrap() as f32,
        );
        assert!((g - w).abs() <= TOL, "{key}: {g} vs {w}");
    };
    close(
        PairwiseMarginLoss::new(1.5)
            .forward(&x1, &x2, &y01)
            .unwrap(),
        "pairwise_margin_alpha_1_5",
    );
    close(
        CosineEmbeddingLoss::new(0.2)
            .forward(&x1, &x2, &ypm)
            .unwrap(),
        "cosine_embedding_margin_0_2",
    );

    let e = Var::from_tensor(&matrix(&o["ntxent_embeddings"])).unwrap();
    let nt = NTXentLoss::new(0.1)
        .forward(e.as_tensor(), &labels(&o["ntxent_labels"]))
        .unwrap();
    close(nt.clone(), "ntxent_t_0_1");
    assert_close(
        nt.backward().unwrap().get(e.as_tensor()).unwrap(),
        &o["ntxent_grad"],
        "NT-Xent gradient",
    );

    let a = Var::from_tensor(&x1).unwrap();
    let clip = ClipLoss::new(0.07).forward(a.as_tensor(), &x2).unwrap();
    close(clip.clone(), "clip_t_0_07");
    assert_close(
        clip.backward().unwrap().get(a.as_tensor()).unwrap(),
        &o["clip_grad_x1"],
        "CLIP gradient",
    );
}
