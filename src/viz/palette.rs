//! The ten digit colours (matplotlib's `tab10`, which the tutorial's scatter plots use).

use plotters::style::RGBColor;

/// Colour of digit `d` (0-9), matplotlib's tab10 order.
///
/// # Example
/// ```
/// use multimodal_search::viz::digit_color;
/// assert_eq!(digit_color(0).0, 0x1f);
/// ```
pub fn digit_color(d: u32) -> RGBColor {
    const TAB10: [(u8, u8, u8); 10] = [
        (0x1f, 0x77, 0xb4),
        (0xff, 0x7f, 0x0e),
        (0x2c, 0xa0, 0x2c),
        (0xd6, 0x27, 0x28),
        (0x94, 0x67, 0xbd),
        (0x8c, 0x56, 0x4b),
        (0xe3, 0x77, 0xc2),
        (0x7f, 0x7f, 0x7f),
        (0xbc, 0xbd, 0x22),
        (0x17, 0xbe, 0xcf),
    ];
    let (r, g, b) = TAB10[(d % 10) as usize];
    RGBColor(r, g, b)
}
