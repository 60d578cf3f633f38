//! The forbidden-call scan a notebook can run: a notebook's saved exercise cell, read from the
//! `.ipynb` file beside the kernel, lexed into identifiers (comments, strings and character
//! literals skipped), looked up among the names the exercise may not use.
//!
//! `cargo test -p exercises` and the instructor's kit scan with `syn` (`shell::course`); this
//! lexer-level scan needs no parser, so the notebooks' lean build keeps its start-up time.

use std::path::Path;

use crate::exercise::{Outcome, Row};

/// Every identifier of `source` with its line (1-based), comments and literals skipped.
///
/// # Example
/// ```
/// let ids = multimodal_search::exercise::identifiers("let s = \"Pca\"; // Pca\nPca::fit");
/// assert_eq!(ids, vec![("let".to_string(), 1), ("s".to_string(), 1), ("Pca".to_string(), 2), ("fit".to_string(), 2)]);
/// ```
pub fn identifiers(source: &str) -> Vec<(String, usize)> {
    let c: Vec<char> = source.chars().collect();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let next_line = |c: &[char], mut i: usize| {
        while i < c.len() && c[i] != '\n' {
            i += 1;
        }
        i
    };
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch == '/' && c.get(i + 1) == Some(&'/') {
            i = next_line(&c, i);
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                line += usize::from(c[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if ch == '"' || (ch == 'r' && matches!(c.get(i + 1), Some('"') | Some('#'))) {
            // A string, plain or raw (`r#"..."#`).
            let mut hashes = 0;
            if ch == 'r' {
                i += 1;
                while c.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
            }
            i += 1;
            while i < c.len() {
                if c[i] == '\\' && hashes == 0 {
                    i += 2;
                    continue;
                }
                if c[i] == '"' && (0..hashes).all(|h| c.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                line += usize::from(c[i] == '\n');
                i += 1;
            }
        } else if ch == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3; // a character literal ('a'); lifetimes ('a) are not literals
        } else if ch == '\'' && c.get(i + 1) == Some(&'\\') {
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((c[start..i].iter().collect(), line));
        } else {
            i += 1;
        }
    }
    out
}

/// The forbidden names `source` uses, as `line N: name`.
pub fn forbidden_names(source: &str, forbidden: &[&str]) -> Vec<String> {
    let names: Vec<&str> = forbidden
        .iter()
        .map(|f| f.rsplit("::").next().unwrap_or(f))
        .collect();
    identifiers(source)
        .into_iter()
        .filter(|(n, _)| names.contains(&n.as_str()))
        .map(|(n, line)| format!("line {line}: {n}"))
        .collect()
}

/// The scan's row for exercise `id` of `notebook` (`02_architectures`), reading the saved cell
/// whose nbgrader `grade_id` is `id` from `<dir>/<notebook>.ipynb`. Worth no points: it says
/// whether the saved code does the work itself, or why it could not look.
pub fn saved_notebook_row(dir: &Path, notebook: &str, id: &str, forbidden: &[&str]) -> Row {
    let path = dir.join(format!("{notebook}.ipynb"));
    let expected = format!("none of: {}", forbidden.join(", "));
    let name = "does the work itself (scan of the saved notebook)".to_string();
    let row = |outcome| Row {
        name: name.clone(),
        points: 0.0,
        expected: expected.clone(),
        outcome,
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return row(Outcome::Error(format!(
            "{} not found: save the notebook under its own name to have its cell scanned",
            path.display()
        )));
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return row(Outcome::Error(format!(
            "{} is not a notebook",
            path.display()
        )));
    };
    let cell = json["cells"].as_array().and_then(|cells| {
        cells
            .iter()
            .find(|c| c["metadata"]["nbgrader"]["grade_id"] == id)
    });
    let Some(cell) = cell else {
        return row(Outcome::Error(format!(
            "no cell with grade_id `{id}` in {}",
            path.display()
        )));
    };
    let source: String = match &cell["source"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(l) => l.iter().filter_map(|s| s.as_str()).collect(),
        _ => String::new(),
    };
    let found = forbidden_names(&source, forbidden);
    if found.is_empty() {
        row(Outcome::Pass)
    } else {
        row(Outcome::Fail {
            found: format!(
                "the saved cell uses the crate's own answer: {}",
                found.join("; ")
            ),
            expected: expected.clone(),
        })
    }
}
