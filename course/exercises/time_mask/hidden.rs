/// Hidden tests of `time_mask`: two channels, a spectrogram that is not square, a band starting
/// past the end.
pub fn check(mask: impl Fn(&Tensor, usize, usize, f32) -> Result<Tensor>) -> Checklist {
    let mut c = Checklist::new("time_mask");
    c.check("hidden: columns 3..9 of a 64 x 40 spectrogram", 1.0, || {
        time_mask::band_verdict(&mask, (64, 40), 3, 6)
    });
    c.check("hidden: a band from column 45 of 40 changes nothing", 1.0, || {
        time_mask::band_verdict(&mask, (64, 40), 45, 4)
    });
    c
}
