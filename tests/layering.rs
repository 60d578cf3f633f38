//! The crate's layers stay as the README draws them: the core flows one way
//! (`error`, `ops`, `fs` -> `data` -> `model` -> `loss` -> `train` -> `search` -> `viz` -> `exercise`), the
//! kernels are reached only through their switch, and the shell only from cargo-feature gates.
//! A scan of every `crate::` path in `src/` (comments and doc examples aside).

use std::path::{Path, PathBuf};

/// A core module's place in the flow; a module may use its own and lower ranks only.
fn core_rank(module: &str) -> Option<usize> {
    Some(match module {
        "error" | "ops" | "fs" => 0,
        "data" => 1,
        "model" => 2,
        "loss" => 3,
        "train" => 4,
        "search" => 5,
        "viz" => 6,
        "exercise" => 7,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every violation in one file's text; `module` is its top-level module under `src/`.
fn violations(module: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    // The switch must be asked in code, not merely named in a comment.
    let uses_switch = lines
        .iter()
        .any(|l| !l.trim_start().starts_with("//") && l.contains("Kernels::active("));
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        // Only the shell's own features gate a use of the shell.
        let gated = i > 0
            && ["cli", "download", "ann"]
                .iter()
                .any(|f| lines[i - 1].trim() == format!("#[cfg(feature = \"{f}\")]"));
        if code.contains("super::super") && !matches!(module, "shell" | "main" | "lib") {
            found.push(format!(
                "line {}: climbs modules with super::super: {}",
                i + 1,
                line.trim()
            ));
        }
        let mut rest = *line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let target: String = if rest.starts_with('{') {
                // `use crate::{a::X, b::Y}` hides its targets from this scan: not allowed.
                "{".to_string()
            } else {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            let problem = match (module, target.as_str()) {
                (_, t) if t == module => None,
                // Root items: the error type, its result alias, the bail! macro.
                (_, "Error" | "Result" | "bail") => None,
                // The shell and the binary may use anything.
                ("shell" | "main" | "lib", _) => None,
                (_, "{") => Some("a grouped `use crate::{...}`: name each path".to_string()),
                // Kernels build on the core's types, never on the shell.
                ("kernels", "shell") => Some("kernels use the shell".to_string()),
                ("kernels", _) => None,
                (_, "shell") if !gated => {
                    Some("core uses the shell outside a #[cfg(feature = ...)] gate".into())
                }
                (_, "shell") => None,
                (_, "kernels") if !uses_switch => {
                    Some("core reaches a kernel without asking Kernels::active(..)".into())
                }
                (_, "kernels") => None,
                (m, t) => match (core_rank(m), core_rank(t)) {
                    (Some(a), Some(b)) if b > a => {
                        Some(format!("{m} (layer {a}) imports {t} (layer {b}), above it"))
                    }
                    (Some(_), None) => Some(format!("unknown target {t}")),
                    _ => None,
                },
            };
            if let Some(p) = problem {
                found.push(format!("line {}: {p}: {}", i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 50,
        "found only {} files under src/",
        files.len()
    );
    let mut report = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(f).unwrap();
        for v in violations(&module, &text) {
            report.push(format!("src/{}: {v}", rel.display()));
        }
    }
    assert!(
        report.is_empty(),
        "layering violations:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_check_catches_what_it_should() {
    // An upward import, a kernel without the switch, an ungated shell call; and what is fine.
    assert_eq!(violations("model", "use crate::viz::SvgChart;").len(), 1);
    assert_eq!(violations("data", "use crate::loss::TripletLoss;").len(), 1);
    assert_eq!(violations("loss", "crate::kernels::triplet::go()").len(), 1);
    assert_eq!(violations("data", "crate::shell::download::go()").len(), 1);
    assert_eq!(violations("kernels", "use crate::shell::ann;").len(), 1);
    assert!(violations("viz", "use crate::model::Modality;").is_empty());
    assert!(violations("model", "// see crate::viz::SvgChart").is_empty());
    assert!(
        violations(
            "data",
            "#[cfg(feature = \"download\")]\ncrate::shell::download::go()"
        )
        .is_empty()
    );
    assert!(violations("loss", "Kernels::active(d);\ncrate::kernels::triplet::go()").is_empty());
    // Holes the scan closes: grouped paths, root re-exports, super::super, a switch named only
    // in a comment, a gate of another feature.
    assert_eq!(violations("kernels", "use crate::{shell::ann};").len(), 1);
    assert_eq!(violations("model", "use crate::{viz::SvgChart};").len(), 1);
    assert_eq!(violations("model", "use crate::SvgChart;").len(), 1);
    assert_eq!(
        violations("model", "use super::super::viz::SvgChart;").len(),
        1
    );
    assert_eq!(
        violations("loss", "// Kernels::active(d)\ncrate::kernels::go()").len(),
        1
    );
    assert_eq!(
        violations(
            "data",
            "#[cfg(feature = \"cuda\")]\ncrate::shell::download::go()"
        )
        .len(),
        1
    );
}
