//! Axis tick labels: as many decimals as the axis span needs, and never "-0.0".

/// The label of tick value `v` on an axis spanning `span` units: enough decimals to tell about
/// ten ticks apart (none for a span of 10 or more, one for 1 to 10, ...), with the sign dropped
/// from values that round to zero (plotters' default prints "-0.0" for a tick at -1e-17).
pub(crate) fn tick_label(v: f64, span: f64) -> String {
    let decimals = if span.is_finite() && span > 0.0 {
        (1.0 - span.log10()).ceil().clamp(0.0, 6.0) as usize
    } else {
        1
    };
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::tick_label;

    #[test]
    fn no_negative_zero_and_decimals_follow_the_span() {
        assert_eq!(tick_label(-1e-17, 2.0), "0.0");
        assert_eq!(tick_label(-0.04, 2.0), "0.0");
        assert_eq!(tick_label(-0.5, 2.0), "-0.5");
        assert_eq!(tick_label(120.0, 400.0), "120");
        assert_eq!(tick_label(0.25, 0.8), "0.25");
        assert_eq!(tick_label(-0.0, 0.0), "0.0");
    }
}
