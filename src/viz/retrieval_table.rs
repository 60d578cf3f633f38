//! The retrieval report shown: a plain-text, a Markdown and an HTML table.

use crate::error::Result;
use crate::search::RetrievalReport;
use crate::viz::HtmlTable;

// Rendering lives here, above search: the report itself only holds numbers.
impl RetrievalReport {
    /// One row of formatted cells per direction (shared by the text, Markdown and HTML tables).
    pub(crate) fn rows(&self) -> Vec<[String; 6]> {
        self.directions
            .iter()
            .map(|d| {
                [
                    d.direction.clone(),
                    d.queries.to_string(),
                    format!("{:.3}", d.precision_at_1),
                    format!("{:.3}", d.precision_at_k),
                    format!("{:.3}", d.map),
                    format!("{:.3}", d.r_precision),
                ]
            })
            .collect()
    }

    /// The column titles matching [`Self::rows`].
    pub(crate) fn header(&self) -> [String; 6] {
        [
            "direction",
            "queries",
            "P@1",
            &format!("P@{}", self.k),
            "mAP",
            "R-precision",
        ]
        .map(str::to_string)
    }

    /// A plain-text table.
    pub fn to_text(&self) -> String {
        let mut rows = vec![self.header()];
        rows.extend(self.rows());
        let widths: Vec<usize> = (0..6)
            .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
            .collect();
        rows.iter()
            .map(|r| {
                r.iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(c, (v, w))| {
                        if c == 0 {
                            format!("{v:<w$}")
                        } else {
                            format!("{v:>w$}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A Markdown table.
    pub fn to_markdown(&self) -> String {
        let line = |r: &[String; 6]| format!("| {} |", r.join(" | "));
        let mut out = vec![
            line(&self.header()),
            "| --- | ---: | ---: | ---: | ---: | ---: |".to_string(),
        ];
        out.extend(self.rows().iter().map(line));
        out.join("\n")
    }

    /// An HTML table of the directions (what a notebook shows for a report).
    ///
    /// # Example
    /// ```
    /// # fn main() -> multimodal_search::Result<()> {
    /// let report = multimodal_search::search::RetrievalReport { k: 5, directions: vec![] };
    /// assert!(report.to_table("empty")?.to_html().contains("P@5"));
    /// # Ok(()) }
    /// ```
    pub fn to_table(&self, caption: &str) -> Result<HtmlTable> {
        let header = self.header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = HtmlTable::new(caption, &header);
        for row in self.rows() {
            table.row(&row)?;
        }
        Ok(table)
    }

    /// Shows the report as a table in a Jupyter notebook running the evcxr kernel (or, if the
    /// table cannot be built, says why on stderr).
    pub fn evcxr_display(&self) {
        let caption = format!("Retrieval on the validation sets (k = {})", self.k);
        match self.to_table(&caption) {
            Ok(table) => table.evcxr_display(),
            Err(e) => eprintln!("{e}"),
        }
    }
}
