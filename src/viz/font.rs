//! A 5x7 bitmap font for the ten digits (the classic LCD-matrix shapes), so raster figures can
//! carry their labels without a font library (the crate stays free of system font dependencies).
//! Drawn at 2x, a label is 10 x 14 px: readable beside an 84 px digit at 1x zoom.

use crate::viz::png::Canvas;

/// Rows of each glyph, top first; bit 4 is the left column.
const GLYPHS: [[u8; 7]; 10] = [
    [
        0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110,
    ],
    [
        0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110,
    ],
    [
        0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111,
    ],
    [
        0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110,
    ],
    [
        0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010,
    ],
    [
        0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110,
    ],
    [
        0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110,
    ],
    [
        0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000,
    ],
    [
        0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110,
    ],
    [
        0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100,
    ],
];

/// Width of one glyph in font pixels.
pub(crate) const GLYPH_W: u32 = 5;
/// Height of one glyph in font pixels.
pub(crate) const GLYPH_H: u32 = 7;

/// Draws the decimal digits of `n` with its top-left corner at `(x, y)`, each font pixel a
/// `scale x scale` square, one font pixel between digits.
pub(crate) fn draw_number(canvas: &mut Canvas, x: u32, y: u32, n: u32, scale: u32, color: [u8; 3]) {
    let mut cx = x;
    for c in n.to_string().bytes() {
        let glyph = GLYPHS[(c - b'0') as usize];
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..GLYPH_W {
                if bits & (1 << (GLYPH_W - 1 - col)) != 0 {
                    canvas.fill_rect(
                        cx + col * scale,
                        y + row as u32 * scale,
                        scale,
                        scale,
                        color,
                    );
                }
            }
        }
        cx += (GLYPH_W + 1) * scale;
    }
}

/// Width in pixels of `n` drawn by [`draw_number`].
pub(crate) fn number_width(n: u32, scale: u32) -> u32 {
    let digits = n.to_string().len() as u32;
    digits * GLYPH_W * scale + (digits - 1) * scale
}
