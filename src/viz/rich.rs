//! The evcxr display protocol: a value shows itself in a notebook by printing one
//! `EVCXR_BEGIN_CONTENT <mime>` ... `EVCXR_END_CONTENT` block per figure on stdout.

use base64::Engine;

/// One evcxr content block: what a figure's `evcxr_display` prints (`mime` such as
/// `image/svg+xml`, `text/html`, `image/png`; binary payloads already base64, as evcxr expects).
///
/// # Example
/// ```
/// let block = multimodal_search::viz::rich::evcxr_block("text/html", "<b>hi</b>");
/// assert_eq!(block, "EVCXR_BEGIN_CONTENT text/html\n<b>hi</b>\nEVCXR_END_CONTENT");
/// ```
pub fn evcxr_block(mime: &str, body: &str) -> String {
    format!("EVCXR_BEGIN_CONTENT {mime}\n{body}\nEVCXR_END_CONTENT")
}

/// Prints one [`evcxr_block`] on stdout, where the evcxr kernel picks it up.
pub(crate) fn print_block(mime: &str, body: &str) {
    println!("{}", evcxr_block(mime, body));
}

/// Standard base64 (with padding) of `bytes`.
///
/// # Example
/// ```
/// assert_eq!(multimodal_search::viz::base64_encode(b"wav"), "d2F2");
/// ```
pub fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A `data:` URI that inlines `bytes` in HTML (`<img src=...>`, `<audio src=...>`).
pub(crate) fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64_encode(bytes))
}

/// Escapes text for HTML element content and attribute values.
///
/// # Example
/// ```
/// assert_eq!(multimodal_search::viz::escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
/// ```
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps an HTML fragment in a minimal standalone page, for `save(path)` of HTML figures.
pub(crate) fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{body}\n</body></html>\n",
        escape_html(title)
    )
}
