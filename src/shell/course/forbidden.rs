//! What a solution may not use, checked on its syntax tree: the crate already has an answer to
//! most exercises (`CosineEmbeddingLoss`, `TripletMarginMiner`, `Pca`, ...), and a solution that
//! calls it has not done the exercise.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

use crate::error::{Error, Result};
use crate::exercise::{Outcome, Row};

fn parse(source: &str) -> Result<syn::File> {
    syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        Error::InvalidArgument(format!(
            "the solution does not parse as Rust items (line {}, column {}): {e}",
            at.line,
            at.column + 1
        ))
    })
}

fn idents(tokens: TokenStream, out: &mut Vec<(String, usize)>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => out.push((i.to_string(), i.span().start().line)),
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Every use of a `forbidden` name in `source` (Rust items), as `line N: name`, in order.
///
/// A forbidden entry is a path (`loss::CosineEmbeddingLoss`); its last segment is looked for
/// among every identifier of the parsed file, macro arguments and `use ... as` renames included
/// (comments and strings are not identifiers, so they never count).
///
/// # Example
/// ```
/// use multimodal_search::shell::course::forbidden_uses;
/// let src = "fn f() { let m = multimodal_search::loss::TripletMarginMiner::new(0.2, Default::default()); }";
/// let found = forbidden_uses(src, &["loss::TripletMarginMiner".into()]).unwrap();
/// assert_eq!(found, vec!["line 1: TripletMarginMiner".to_string()]);
/// assert!(forbidden_uses("// TripletMarginMiner\nfn f() {}", &["TripletMarginMiner".into()]).unwrap().is_empty());
/// ```
pub fn forbidden_uses(source: &str, forbidden: &[String]) -> Result<Vec<String>> {
    let file = parse(source)?;
    let names: Vec<&str> = forbidden
        .iter()
        .map(|f| f.rsplit("::").next().unwrap_or(f))
        .collect();
    let mut all = Vec::new();
    idents(file.into_token_stream(), &mut all);
    Ok(all
        .into_iter()
        .filter(|(name, _)| names.contains(&name.as_str()))
        .map(|(name, line)| format!("line {line}: {name}"))
        .collect())
}

/// The checklist row of the forbidden-call scan (worth no points: a solution that fails it is
/// refused whatever its other rows say).
///
/// # Example
/// ```
/// use multimodal_search::shell::course::forbidden_row;
/// let row = forbidden_row("fn f() {}", &["Pca".into()]);
/// assert!(row.outcome.passed());
/// assert!(!forbidden_row("fn f() { let _ = Pca::fit; }", &["viz::Pca".into()]).outcome.passed());
/// ```
pub fn forbidden_row(source: &str, forbidden: &[String]) -> Row {
    let names = forbidden.join(", ");
    let expected = format!("none of: {names}");
    let outcome = match forbidden_uses(source, forbidden) {
        Ok(found) if found.is_empty() => Outcome::Pass,
        Ok(found) => Outcome::Fail {
            found: format!("uses the crate's own answer: {}", found.join("; ")),
            expected: expected.clone(),
        },
        Err(e) => Outcome::Error(e.to_string()),
    };
    Row {
        name: "does the work itself (no forbidden calls)".into(),
        points: 0.0,
        expected,
        outcome,
    }
}

/// Strips the leading `_` of parameter names, so a stub's `_x` and a solution's `x` match.
fn unprefixed(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    for input in sig.inputs.iter_mut() {
        if let syn::FnArg::Typed(pt) = input
            && let syn::Pat::Ident(pi) = pt.pat.as_mut()
        {
            let name = pi.ident.to_string();
            let bare = name.trim_start_matches('_');
            if bare != name && !bare.is_empty() {
                pi.ident = syn::Ident::new(bare, pi.ident.span());
            }
            pi.mutability = None;
        }
    }
    // A trailing comma (rustfmt adds one when it breaks the parameters over lines) changes nothing.
    sig.to_token_stream().to_string().replace(" ,)", ")")
}

fn public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The public interface of `source` (Rust items): each struct, enum and fn by name, and each
/// fn signature (in impls too) with parameter names unprefixed: what a stub and its solution must
/// share.
///
/// # Example
/// ```
/// use multimodal_search::shell::course::item_signatures;
/// let stub = item_signatures("pub fn f(_x: u32) -> u32 { todo!() }").unwrap();
/// let solution = item_signatures("pub fn f(x: u32) -> u32 { x + 1 }").unwrap();
/// assert_eq!(stub, solution);
/// ```
pub fn item_signatures(source: &str) -> Result<Vec<String>> {
    let file = parse(source)?;
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) if public(&s.vis) => out.push(format!("struct {}", s.ident)),
            syn::Item::Enum(e) if public(&e.vis) => out.push(format!("enum {}", e.ident)),
            syn::Item::Fn(f) if public(&f.vis) => out.push(unprefixed(&f.sig)),
            syn::Item::Impl(i) => {
                let head = match &i.trait_ {
                    Some((_, path, _)) => format!(
                        "impl {} for {}",
                        path.to_token_stream(),
                        i.self_ty.to_token_stream()
                    ),
                    None => format!("impl {}", i.self_ty.to_token_stream()),
                };
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it
                        && (i.trait_.is_some() || public(&f.vis))
                    {
                        out.push(format!("{head}: {}", unprefixed(&f.sig)));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
