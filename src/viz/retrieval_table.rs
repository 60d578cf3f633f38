//! The retrieval report as a notebook table.

use crate::search::RetrievalReport;
use crate::viz::HtmlTable;

// Rendering lives here, above search: the report itself only holds numbers.
impl RetrievalReport {
    /// An HTML table of the directions (what a notebook shows for a report).
    ///
    /// # Example
    /// ```
    /// let report = multimodal_search::search::RetrievalReport { k: 5, directions: vec![] };
    /// assert!(report.to_table("empty").to_html().contains("P@5"));
    /// ```
    pub fn to_table(&self, caption: &str) -> HtmlTable {
        let header = self.header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = HtmlTable::new(caption, &header);
        for row in self.rows() {
            // Every row has the header's six cells, so `row` cannot fail.
            let _ = table.row(&row);
        }
        table
    }

    /// Shows the report as a table in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        self.to_table(&format!(
            "Retrieval on the validation sets (k = {})",
            self.k
        ))
        .evcxr_display();
    }
}
