/// Hidden tests of `adam_step`: other settings, where eps and the betas matter.
pub fn check<A>(new: impl Fn(usize, f64, f64, f64, f64) -> A, step: impl Fn(&mut A, &mut [f32], &[f32])) -> Checklist {
    let mut c = Checklist::new("adam_step");
    let case = adam_step::AdamCase { lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-3, steps: 10 };
    c.check("hidden: ten steps at lr 0.01, betas (0.5, 0.9), eps 1e-3", 2.0, || adam_step::verdict(&new, &step, case));
    c
}

/// The same hidden tests for an optimizer seen only through its trajectory (the grader's).
pub fn check_driven(run: impl Fn(f64, f64, f64, f64, usize, &[f32], &[f32]) -> Vec<Vec<f32>>) -> Checklist {
    let mut c = Checklist::new("adam_step");
    let case = adam_step::AdamCase { lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-3, steps: 10 };
    c.check("hidden: ten steps at lr 0.01, betas (0.5, 0.9), eps 1e-3", 2.0, || adam_step::verdict_of(&run, case));
    c
}
