//! `HtmlTable`: a small table for notebooks (retrieval metrics, dataset counts, layer shapes).

use std::path::Path;

use crate::error::Result;
use crate::fs::write_atomic;
use crate::search::RetrievalReport;
use crate::viz::rich::{escape_html, html_page, print_block};

/// A captioned table of text cells, shown as HTML in a notebook and as aligned text by
/// `Display`.
///
/// # Shapes
/// Not a tensor type: `rows x headers.len()` strings.
///
/// # Example
/// ```
/// # fn main() -> multimodal_search::Result<()> {
/// use multimodal_search::viz::HtmlTable;
/// let mut table = HtmlTable::new("Recordings per split", &["split", "recordings"]);
/// table.row(&["train", "2700"])?;
/// table.row(&["validation", "300"])?;
/// assert!(table.to_html().contains("<td>2700</td>"));
/// assert!(table.to_string().contains("validation"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HtmlTable {
    caption: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl HtmlTable {
    /// An empty table with a caption and column headers.
    pub fn new(caption: &str, headers: &[&str]) -> Self {
        HtmlTable {
            caption: caption.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; it must have one cell per header.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<&mut Self> {
        if cells.len() != self.headers.len() {
            crate::bail!(
                "table {:?}: row {} has {} cells, expected {} (one per header)",
                self.caption,
                self.rows.len(),
                cells.len(),
                self.headers.len()
            );
        }
        self.rows
            .push(cells.iter().map(|c| c.as_ref().to_string()).collect());
        Ok(self)
    }

    /// The retrieval metrics of several models side by side: one row per model and direction
    /// (the columns of [`RetrievalReport::to_table`], with the model's name first).
    pub fn retrieval(caption: &str, reports: &[(&str, &RetrievalReport)]) -> Result<Self> {
        let header = reports.first().map(|r| r.1.header()).unwrap_or_else(|| {
            RetrievalReport {
                k: 5,
                directions: Vec::new(),
            }
            .header()
        });
        let mut columns = vec!["model"];
        columns.extend(header.iter().map(String::as_str));
        let mut table = HtmlTable::new(caption, &columns);
        for (model, report) in reports {
            for row in report.rows() {
                let mut cells = vec![model.to_string()];
                cells.extend(row);
                table.row(&cells)?;
            }
        }
        Ok(table)
    }

    /// The rows, for tests and further processing.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// The table as an HTML fragment.
    pub fn to_html(&self) -> String {
        let mut html =
            String::from("<table style=\"border-collapse:collapse;font:13px sans-serif\">");
        html.push_str(&format!(
            "<caption style=\"font-weight:bold;padding:4px\">{}</caption><thead><tr>",
            escape_html(&self.caption)
        ));
        for h in &self.headers {
            html.push_str(&format!(
                "<th style=\"border-bottom:1px solid #444;padding:2px 10px\">{}</th>",
                escape_html(h)
            ));
        }
        html.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            html.push_str("<tr>");
            for cell in row {
                html.push_str(&format!("<td>{}</td>", escape_html(cell)));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
        html
    }

    /// Writes the table to `path` as a standalone HTML page.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(
            path.as_ref(),
            html_page(&self.caption, &self.to_html()).as_bytes(),
        )
    }

    /// Shows the table in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        print_block("text/html", &self.to_html());
    }
}

impl std::fmt::Display for HtmlTable {
    /// Aligned plain text, for terminals and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([self.headers[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        writeln!(f, "{}", self.caption)?;
        for line in std::iter::once(&self.headers).chain(&self.rows) {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            writeln!(f, "{}", cells.join("  ").trim_end())?;
        }
        Ok(())
    }
}
