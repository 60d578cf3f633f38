//! A 3x5 bitmap font for the ten digits, so raster figures can carry their labels without a
//! font library (the crate stays free of system font dependencies).

use crate::viz::png::Canvas;

/// Rows of each glyph, top first; bit 2 is the left column.
const GLYPHS: [[u8; 5]; 10] = [
    [0b111, 0b101, 0b101, 0b101, 0b111],
    [0b010, 0b110, 0b010, 0b010, 0b111],
    [0b111, 0b001, 0b111, 0b100, 0b111],
    [0b111, 0b001, 0b111, 0b001, 0b111],
    [0b101, 0b101, 0b111, 0b001, 0b001],
    [0b111, 0b100, 0b111, 0b001, 0b111],
    [0b111, 0b100, 0b111, 0b101, 0b111],
    [0b111, 0b001, 0b010, 0b010, 0b010],
    [0b111, 0b101, 0b111, 0b101, 0b111],
    [0b111, 0b101, 0b111, 0b001, 0b111],
];

/// Width of one glyph in font pixels (height is 5).
pub(crate) const GLYPH_W: u32 = 3;
/// Height of one glyph in font pixels.
pub(crate) const GLYPH_H: u32 = 5;

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
