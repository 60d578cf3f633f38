/// Hidden tests of `tsne`: clusters of another width (5), and another seed's map still keeps
/// them apart.
pub fn check(tsne_map: impl Fn(&[f32], usize, u64) -> Vec<[f32; 2]> + Sync) -> Checklist {
    let mut c = Checklist::new("tsne");
    c.check("hidden: width 5, seed 9: nearest neighbours keep their label", 1.0, || {
        let t = tsne::toy(41, 5)?;
        Ok(match tsne::map_of(&tsne_map, &t, 9) {
            Ok(map) => Verdict::close(tsne::neighbour_agreement(&map, &t.labels), 1.0, 1e-12),
            Err(v) => v,
        })
    });
    c.check("hidden: width 5: trustworthiness (k = 10) at least 0.95", 1.0, || {
        let t = tsne::toy(42, 5)?;
        Ok(match tsne::map_of(&tsne_map, &t, 3) {
            Ok(map) => {
                let tw = tsne::trustworthiness(&t.values, 5, &map, 2, 10)?;
                Verdict::that(tw >= 0.95, format!("{tw:.4}"), "at least 0.95")
            }
            Err(v) => v,
        })
    });
    c
}
