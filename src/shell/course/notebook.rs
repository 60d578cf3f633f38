//! A Jupyter notebook as the release reads and writes it: cells with their source, nbgrader
//! metadata (schema version 3) and outputs, saved as nbformat saves (one-space indent, sorted
//! keys, a final newline), so a notebook the release rewrites diffs only where it changed.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};

/// The line before a solution region in an instructor's code cell (nbgrader's marker, in Rust).
pub const SOLUTION_BEGIN: &str = "// BEGIN SOLUTION";
/// The line after it.
pub const SOLUTION_END: &str = "// END SOLUTION";

/// One `.ipynb` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Notebook {
    path: PathBuf,
    json: Value,
}

/// A cell's source as one string (nbformat stores a list of lines or a string).
pub(crate) fn source_of(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// nbformat's list-of-lines form of `text` (each line keeps its `\n`).
pub(crate) fn source_lines(text: &str) -> Value {
    Value::Array(
        text.split_inclusive('\n')
            .map(|l| Value::String(l.to_string()))
            .collect(),
    )
}

impl Notebook {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| Error::Course {
            path: path.to_path_buf(),
            reason: format!("not a notebook (JSON error at line {}): {e}", e.line()),
        })?;
        if !json["cells"].is_array() {
            return Err(Error::Course {
                path: path.to_path_buf(),
                reason: "not a notebook: no `cells` list".into(),
            });
        }
        Ok(Notebook {
            path: path.to_path_buf(),
            json,
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cells, as nbformat JSON.
    pub fn cells(&self) -> &[Value] {
        self.json["cells"].as_array().map_or(&[], Vec::as_slice)
    }

    /// The cell whose nbgrader `grade_id` is `id`, with its index.
    pub fn cell_by_grade_id(&self, id: &str) -> Option<(usize, &Value)> {
        self.cells()
            .iter()
            .enumerate()
            .find(|(_, c)| c["metadata"]["nbgrader"]["grade_id"] == id)
    }

    /// The source of cell `i`.
    pub fn source(&self, i: usize) -> String {
        self.cells().get(i).map(source_of).unwrap_or_default()
    }

    /// The text/html outputs of cell `i`, joined.
    pub fn html_outputs(&self, i: usize) -> String {
        let mut out = String::new();
        if let Some(outputs) = self.cells().get(i).and_then(|c| c["outputs"].as_array()) {
            for o in outputs {
                match &o["data"]["text/html"] {
                    Value::String(s) => out.push_str(s),
                    Value::Array(l) => l
                        .iter()
                        .filter_map(Value::as_str)
                        .for_each(|s| out.push_str(s)),
                    _ => {}
                }
            }
        }
        out
    }

    /// The notebook as nbformat writes it.
    pub fn to_text(&self) -> String {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        serde::Serialize::serialize(&self.json, &mut ser)
            .expect("serializing a JSON value into memory cannot fail");
        let mut s = String::from_utf8(buf).expect("serde_json writes UTF-8");
        s.push('\n');
        s
    }

    /// What a release compares: every cell's type, source and metadata, and the notebook's
    /// metadata without our execution record, with outputs left out.
    pub fn code_and_metadata(&self) -> Value {
        let cells: Vec<Value> = self
            .cells()
            .iter()
            .map(|c| {
                json!({
                    "cell_type": c["cell_type"],
                    "source": source_of(c),
                    "metadata": strip_execution(&c["metadata"]),
                })
            })
            .collect();
        let mut meta = self.json["metadata"].clone();
        if let Some(m) = meta.as_object_mut() {
            m.remove(super::release::EXECUTION_KEY);
        }
        json!({ "cells": cells, "metadata": meta })
    }

    pub(crate) fn json(&self) -> &Value {
        &self.json
    }

    pub(crate) fn from_json(path: PathBuf, json: Value) -> Self {
        Notebook { path, json }
    }
}

/// A cell's metadata without what executing it writes (`execution` timings, `collapsed`).
fn strip_execution(meta: &Value) -> Value {
    let mut m = meta.as_object().cloned().unwrap_or_else(Map::new);
    m.remove("execution");
    m.remove("collapsed");
    m.remove("scrolled");
    Value::Object(m)
}
