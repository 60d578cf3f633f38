/// Hidden tests of `draw_digit`: an image that is not square, and another pattern.
pub fn check(to_pixels: impl Fn(&Tensor) -> Result<Vec<u8>>) -> Checklist {
    let mut c = Checklist::new("draw_digit");
    c.check("hidden: a 20 x 12 image comes back byte for byte", 1.0, || {
        draw_digit::round_trip(&to_pixels, 20, 12, |r, c| ((r * 37 + c * 11) % 256) as u8)
    });
    c.check("hidden: a ring comes back byte for byte", 1.0, || {
        draw_digit::round_trip(&to_pixels, 28, 28, |r, c| {
            let d = (r as i32 - 14).pow(2) + (c as i32 - 12).pow(2);
            if (30..=60).contains(&d) { 250 } else { 3 }
        })
    });
    c
}
