//! The two programs the grader builds, as Rust source: the **participant's program** (their
//! exercise files and a `main` that answers recorded calls: built and run in the sandbox, it holds
//! no test, expected value or point) and the **scorer** (the instructor's checks, hidden tests
//! and reference solutions: built and run outside, it records the calls and scores the answers).
//! See [`super::Tape`] for the three steps.
//!
//! Both are written from the stubs' signatures: each public `fn` of a stub is one function the
//! grader calls, its arguments crossing as owned values (`&Tensor` as `Tensor`, `&[f32]` as
//! `Vec<f32>`). Exercises whose stubs define types (a struct with methods, a `Module`) are not
//! replayable this way ([`graded_functions`] says so) unless the course gives a *driver*
//! (`course/exercises/<id>/driver.rs` and `grader_check` in `info.toml`): plain functions over
//! the participant's types, compiled at the end of their module, whose answers a check made for
//! them (`adam_step::check_driven`) judges.

use std::fmt::Write as _;
use std::path::Path;

use quote::ToTokens;

use crate::error::{Error, Result};
use crate::exercise::Checklist;
use crate::shell::course::ExerciseInfo;
use crate::shell::grade::{Call, Tape, read_answers};

/// One argument of a graded function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Its type as the stub writes it (`&Tensor`, `&[f32]`, `usize`).
    pub ty: String,
    /// The owned type it crosses as (`Tensor`, `Vec<f32>`, `usize`).
    pub owned: String,
    /// Whether the function takes it by reference (the program lends the owned value).
    pub by_ref: bool,
}

/// A stub's public function, as the grader calls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradedFn {
    /// Its name (`to_pixels`).
    pub name: String,
    /// Its arguments.
    pub params: Vec<Param>,
    /// Its return type as written (`Result<Vec<u8>>`).
    pub output: String,
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// The functions of a stub the grader can call and replay, or why it cannot: a stub that
/// defines a type, or takes an argument by `&mut`, or a pattern, is not replayable.
///
/// # Example
/// ```
/// use multimodal_search::shell::grade::graded_functions;
/// let f = graded_functions("pub fn f(x: &[f32], k: usize) -> Vec<u32> { todo!() }").unwrap();
/// assert_eq!(f[0].params[0].owned, "Vec < f32 >");
/// assert!(graded_functions("pub struct S; impl S { pub fn new() -> Self { S } }").is_err());
/// assert!(graded_functions("pub fn g(d: &TutorialData) -> Result<TrainedModel> { todo!() }").is_err());
/// ```
pub fn graded_functions(stub: &str) -> Result<Vec<GradedFn>> {
    let file = syn::parse_file(stub).map_err(|e| Error::Answer(format!("the stub: {e}")))?;
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Use(_) => {}
            syn::Item::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                let mut params = Vec::new();
                for input in &f.sig.inputs {
                    let syn::FnArg::Typed(pt) = input else {
                        return Err(not_replayable(&f.sig.ident, "takes self"));
                    };
                    if !matches!(*pt.pat, syn::Pat::Ident(_)) {
                        return Err(not_replayable(&f.sig.ident, "destructures an argument"));
                    }
                    params.push(match &*pt.ty {
                        syn::Type::Reference(r) if r.mutability.is_some() => {
                            return Err(not_replayable(&f.sig.ident, "takes &mut"));
                        }
                        syn::Type::Reference(r) => match &*r.elem {
                            syn::Type::Slice(s) => Param {
                                ty: tokens(&pt.ty),
                                owned: format!("Vec < {} >", tokens(&s.elem)),
                                by_ref: true,
                            },
                            elem => Param {
                                ty: tokens(&pt.ty),
                                owned: tokens(elem),
                                by_ref: true,
                            },
                        },
                        ty => Param {
                            ty: tokens(ty),
                            owned: tokens(ty),
                            by_ref: false,
                        },
                    });
                }
                let output = match &f.sig.output {
                    syn::ReturnType::Default => "()".to_string(),
                    syn::ReturnType::Type(_, t) if wireable(t) => tokens(t),
                    syn::ReturnType::Type(_, t) => {
                        return Err(not_replayable(
                            &f.sig.ident,
                            &format!("returns `{}`, which does not cross as data", tokens(t)),
                        ));
                    }
                };
                for p in &params {
                    let owned: syn::Type = syn::parse_str(&p.owned)
                        .map_err(|e| Error::Answer(format!("the stub: {e}")))?;
                    if !wireable(&owned) {
                        return Err(not_replayable(
                            &f.sig.ident,
                            &format!("takes `{}`, which does not cross as data", p.ty),
                        ));
                    }
                }
                out.push(GradedFn {
                    name: f.sig.ident.to_string(),
                    params,
                    output,
                });
            }
            syn::Item::Fn(_) => {}
            other => {
                let what = match other {
                    syn::Item::Struct(i) => format!("struct {}", i.ident),
                    syn::Item::Enum(i) => format!("enum {}", i.ident),
                    syn::Item::Impl(i) => format!("impl {}", tokens(&i.self_ty)),
                    syn::Item::Trait(i) => format!("trait {}", i.ident),
                    _ => "an item other than a function".to_string(),
                };
                return Err(Error::Answer(format!(
                    "the stub defines `{what}`: only plain functions are replayed, and types \
                     through a course driver (none for this exercise yet)"
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Answer("the stub has no public function".into()));
    }
    Ok(out)
}

/// Whether values of type `ty` cross the sandbox as data ([`super::ToWire`] and
/// [`super::FromWire`] know them): numbers, strings, tensors, the exercises' plain data types,
/// and lists, arrays, options, results and tuples of those.
fn wireable(ty: &syn::Type) -> bool {
    const PLAIN: &[&str] = &[
        "bool",
        "u8",
        "u16",
        "u32",
        "u64",
        "usize",
        "i32",
        "i64",
        "f32",
        "f64",
        "String",
        "Tensor",
        "SearchMetric",
        "Components",
        "Forest",
    ];
    match ty {
        syn::Type::Tuple(t) => t.elems.iter().all(wireable),
        syn::Type::Array(a) => wireable(&a.elem),
        syn::Type::Paren(p) => wireable(&p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            match &last.arguments {
                syn::PathArguments::None => PLAIN.contains(&name.as_str()),
                syn::PathArguments::AngleBracketed(args)
                    if matches!(name.as_str(), "Vec" | "Option" | "Result") =>
                {
                    let types: Vec<&syn::Type> = args
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(t),
                            _ => None,
                        })
                        .collect();
                    // The crate's `Result<T>` only: its error crosses as a message.
                    types.len() == 1 && wireable(types[0])
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn not_replayable(name: &syn::Ident, why: &str) -> Error {
    Error::Answer(format!("`{name}` {why}: not replayable"))
}

/// The participant's program: `mod <id>;` for each exercise given (its file beside `main.rs`)
/// and a `main` taking `<exercise> <calls.json> <answers.jsonl>`.
pub fn participant_main(exercises: &[(String, Vec<GradedFn>)]) -> String {
    let mut s = String::from(
        "//! Generated by the grader: answers the grader's calls with the participant's code.\n\
         #![allow(unused_imports, dead_code, unused_variables, clippy::all)]\n",
    );
    for (id, _) in exercises {
        let _ = writeln!(s, "mod {id};");
    }
    s.push_str(
        "\nfn answer(exercise: &str, call: &multimodal_search::shell::grade::Call) -> \
         multimodal_search::shell::grade::Answer {\n\
         \x20   use multimodal_search::prelude::*;\n\
         \x20   use multimodal_search::shell::grade::serve;\n\
         \x20   match (exercise, call.function.as_str()) {\n",
    );
    for (id, fns) in exercises {
        for f in fns {
            let names: Vec<String> = (0..f.params.len()).map(|i| format!("a{i}")).collect();
            let pattern = names.iter().map(|n| format!("{n},")).collect::<String>();
            let types = f
                .params
                .iter()
                .map(|p| format!("{},", p.owned))
                .collect::<String>();
            let lent = f
                .params
                .iter()
                .zip(&names)
                .map(|(p, n)| if p.by_ref { format!("&{n}") } else { n.clone() })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                s,
                "        ({id:?}, {name:?}) => serve(call, |({pattern}): ({types})| {id}::{name}({lent})),",
                name = f.name
            );
        }
    }
    s.push_str(
        "        _ => serve(call, |(): ()| -> () { panic!(\"the grader called a function this \
         program does not have\") }),\n    }\n}\n\n\
         fn main() {\n\
         \x20   let args: Vec<String> = std::env::args().collect();\n\
         \x20   if args.len() != 4 {\n\
         \x20       eprintln!(\"usage: participant <exercise> <calls.json> <answers.jsonl>\");\n\
         \x20       std::process::exit(2);\n\
         \x20   }\n\
         \x20   let (exercise, calls, answers) = (&args[1], std::path::Path::new(&args[2]), std::path::Path::new(&args[3]));\n\
         \x20   if let Err(e) = multimodal_search::shell::grade::answer_all(calls, answers, |c| answer(exercise, c)) {\n\
         \x20       eprintln!(\"{e}\");\n\
         \x20       std::process::exit(1);\n\
         \x20   }\n\
         }\n",
    );
    s
}

/// One participant's answers to one exercise, for the scorer to play.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Play {
    /// Names the result (`<participant>/<exercise>`).
    pub key: String,
    /// The exercise.
    pub exercise: String,
    /// The calls file the answers answer (as the scorer recorded it).
    pub calls: std::path::PathBuf,
    /// The participant's answers file.
    pub answers: std::path::PathBuf,
    /// What a missing answer says (why the program stopped).
    pub missing: String,
}

/// What the scorer needs of one exercise.
#[derive(Debug, Clone)]
pub struct ScoredExercise<'a> {
    /// Its catalog entry (the visible check call).
    pub info: &'a ExerciseInfo,
    /// The functions its stub defines.
    pub functions: Vec<GradedFn>,
    /// Whether the hidden function it calls (`check`, or `check_driven`) takes the datasets
    /// first, as the visible one may.
    pub hidden_takes_data: bool,
    /// Its driver (`driver.rs`), for an exercise whose stub defines types: plain functions over
    /// the participant's types, compiled at the end of their module; `functions` are its.
    pub driver: Option<String>,
}

impl<'a> ScoredExercise<'a> {
    /// Reads what the scorer needs from the course folder (`course/exercises/<id>/`).
    pub fn load(course: &Path, info: &'a ExerciseInfo) -> Result<Self> {
        let dir = course.join("exercises").join(&info.id);
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
        };
        let driver = match (&info.grader_check, dir.join("driver.rs").is_file()) {
            (Some(_), true) => Some(read("driver.rs")?),
            (None, false) => None,
            _ => {
                return Err(Error::Answer(format!(
                    "{}: a driver.rs and a grader_check in info.toml go together",
                    info.id
                )));
            }
        };
        let functions = graded_functions(
            driver
                .as_deref()
                .map_or(read("stub.rs")?, str::to_string)
                .as_str(),
        )
        .map_err(|e| Error::Answer(format!("{}: {e}", info.id)))?;
        let hidden = read("hidden.rs")?;
        // The hidden function the scorer calls: named as the visible check's (`check`, or
        // `check_driven` for a driver).
        let called = {
            let check = info.grader_check.as_deref().unwrap_or(&info.check);
            let name = check[..check.find('(').unwrap_or(check.len())]
                .rsplit("::")
                .next()
                .unwrap_or("check");
            name.to_string()
        };
        let hidden_takes_data = syn::parse_file(&hidden)
            .map_err(|e| Error::Answer(format!("{}: hidden.rs: {e}", info.id)))?
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Fn(f) if f.sig.ident == called.as_str() => Some(
                    f.sig
                        .inputs
                        .first()
                        .is_some_and(|a| tokens(a).contains("TutorialData")),
                ),
                _ => None,
            })
            .ok_or_else(|| Error::Answer(format!("{}: hidden.rs has no `{called}`", info.id)))?;
        Ok(Self {
            info,
            functions,
            hidden_takes_data,
            driver,
        })
    }

    /// The visible check's call as the scorer makes it (`grader_check` where there is one).
    fn visible_call(&self) -> &str {
        self.info
            .grader_check
            .as_deref()
            .unwrap_or(&self.info.check)
    }

    /// The hidden check's call: the visible one's arguments, given to `hidden::check`.
    fn hidden_call(&self) -> String {
        let check = self.visible_call();
        let open = check.find('(').unwrap_or(check.len());
        // `check` or `check_driven`: the hidden tests have one of each name they are called by.
        let name = check[..open].rsplit("::").next().unwrap_or("check");
        let args = check.get(open..).filter(|a| !a.is_empty()).unwrap_or("()");
        let args = if self.hidden_takes_data {
            args.to_string()
        } else {
            args.replacen("&data, ", "", 1)
        };
        format!("hidden::{name}{args}")
    }
}

/// The scorer: the course's reference solutions and hidden tests (included from `course`), and
/// a `main` running [`scorer_command`].
pub fn scorer_main(course: &Path, exercises: &[ScoredExercise]) -> String {
    let mut s = String::from(
        "//! Generated by the grader: the instructor's checks, outside the sandbox.\n\
         #![allow(unused_imports, dead_code, unused_variables, non_upper_case_globals, clippy::all)]\n\
         use multimodal_search::exercise::Checklist;\n\
         use multimodal_search::shell::grade::Tape;\n\n\
         static data: std::sync::LazyLock<multimodal_search::data::TutorialData> = std::sync::LazyLock::new(|| {\n\
         \x20   let dir = multimodal_search::data::DataDir::resolve(None, true);\n\
         \x20   multimodal_search::data::TutorialData::load(&dir).unwrap_or_else(|e| { eprintln!(\"the checks need MNIST and FSDD (MMS_DATA): {e}\"); std::process::exit(3) })\n\
         });\n\n",
    );
    for e in exercises {
        let id = &e.info.id;
        let dir = course.join("exercises").join(id);
        let _ = write!(
            s,
            "mod course_{id} {{\n\
             \x20   pub mod solution {{\n\
             \x20       #[allow(unused_imports)] use multimodal_search::prelude::*;\n\
             \x20       include!({sol:?});\n\
             {driver}\
             \x20   }}\n\
             \x20   pub mod hidden {{\n\
             \x20       use multimodal_search::exercise::*;\n\
             \x20       #[allow(unused_imports)] use multimodal_search::prelude::*;\n\
             \x20       include!({hid:?});\n\
             \x20   }}\n\
             }}\n\n\
             fn run_{id}(tape: &Tape) -> (Checklist, Checklist) {{\n\
             \x20   use multimodal_search::prelude::*;\n\
             \x20   use multimodal_search::exercise::*;\n\
             \x20   use course_{id}::{{hidden, solution}};\n",
            sol = dir.join("solution.rs").display().to_string(),
            driver = if e.driver.is_some() {
                format!(
                    "        include!({:?});\n",
                    dir.join("driver.rs").display().to_string()
                )
            } else {
                String::new()
            },
            hid = dir.join("hidden.rs").display().to_string(),
        );
        for f in &e.functions {
            let names: Vec<String> = (0..f.params.len()).map(|i| format!("a{i}")).collect();
            let typed = f
                .params
                .iter()
                .zip(&names)
                .map(|(p, n)| format!("{n}: {}", p.ty))
                .collect::<Vec<_>>()
                .join(", ");
            // What the tape records: references as they are, owned values as clones (the
            // solution takes the values themselves).
            let tuple = f
                .params
                .iter()
                .zip(&names)
                .map(|(p, n)| {
                    if p.by_ref {
                        format!("{n},")
                    } else {
                        format!("{n}.clone(),")
                    }
                })
                .collect::<String>();
            let _ = writeln!(
                s,
                "    let {name} = |{typed}| -> {out} {{ tape.call({name:?}, ({tuple}), || solution::{name}({args})) }};",
                name = f.name,
                out = f.output,
                args = names.join(", "),
            );
        }
        let _ = write!(
            s,
            "    let visible = {visible};\n    tape.end_of_visible();\n    (visible, {hidden})\n}}\n\n",
            visible = e.visible_call(),
            hidden = e.hidden_call(),
        );
    }
    s.push_str(
        "fn run(exercise: &str, tape: &Tape) -> (Checklist, Checklist) {\n    match exercise {\n",
    );
    for e in exercises {
        let _ = writeln!(s, "        {id:?} => run_{id}(tape),", id = e.info.id);
    }
    s.push_str(
        "        other => { eprintln!(\"the scorer has no exercise {other}\"); std::process::exit(2) }\n\
         \x20   }\n}\n\n\
         fn main() {\n\
         \x20   let args: Vec<String> = std::env::args().collect();\n\
         \x20   if let Err(e) = multimodal_search::shell::grade::scorer_command(&args, run) {\n\
         \x20       eprintln!(\"{e}\");\n\
         \x20       std::process::exit(1);\n\
         \x20   }\n\
         }\n",
    );
    s
}

/// The scorer's command line, given its exercises (`run`): `record <exercise> <calls.json>`
/// runs the checks with the reference solution (which must pass them) and writes the calls
/// (and, in `<calls.json>.visible`, how many of them the visible checks made);
/// `play <plays.json> <out.json>` plays each [`Play`] (one participant's answers to one
/// exercise) in this one process, so what the checks compute for themselves (embeddings of the
/// validation sets) is computed once, and writes `{key: [visible, hidden]}` as JSON.
pub fn scorer_command(
    args: &[String],
    run: impl Fn(&str, &Tape) -> (Checklist, Checklist),
) -> Result<()> {
    let write = |path: &str, json: std::result::Result<String, serde_json::Error>| {
        let json = json.map_err(|e| Error::Answer(format!("cannot serialize: {e}")))?;
        std::fs::write(path, json).map_err(|e| Error::io(path, e))
    };
    match args.get(1).map(String::as_str) {
        Some("record") if args.len() == 4 => {
            let tape = Tape::recording();
            let (visible, hidden) = run(&args[2], &tape);
            if !(visible.passed() && hidden.passed()) {
                return Err(Error::Answer(format!(
                    "the reference solution of {} fails its own checks:\n{visible}\n{hidden}",
                    args[2]
                )));
            }
            // The reference's own answers, played back, must pass too: a check that needs more
            // than the answers (gradients through the function, say) cannot be replayed.
            let played = Tape::playing(
                &tape.calls(),
                tape.answered(),
                "the reference gave no answer",
            );
            let (visible, hidden) = run(&args[2], &played);
            if !(visible.passed() && hidden.passed()) {
                return Err(Error::Answer(format!(
                    "{} is not replayable: its reference solution's own answers, played back, \
                     fail its checks:\n{visible}\n{hidden}",
                    args[2]
                )));
            }
            // How many calls the visible checks made, beside the calls: `<calls>.visible`.
            let visible = tape.visible_calls().unwrap_or(tape.calls().len());
            write(&format!("{}.visible", args[3]), Ok(visible.to_string()))?;
            write(&args[3], serde_json::to_string(&tape.calls()))
        }
        Some("play") if args.len() == 4 => {
            let text = std::fs::read_to_string(&args[2]).map_err(|e| Error::io(&args[2], e))?;
            let plays: Vec<Play> = serde_json::from_str(&text)
                .map_err(|e| Error::Answer(format!("{}: not a list of plays: {e}", args[2])))?;
            let mut scored = std::collections::BTreeMap::new();
            let mut calls: std::collections::HashMap<std::path::PathBuf, Vec<Call>> =
                std::collections::HashMap::new();
            for p in plays {
                if !calls.contains_key(&p.calls) {
                    let text =
                        std::fs::read_to_string(&p.calls).map_err(|e| Error::io(&p.calls, e))?;
                    let list: Vec<Call> = serde_json::from_str(&text).map_err(|e| {
                        Error::Answer(format!("{}: not a list of calls: {e}", p.calls.display()))
                    })?;
                    calls.insert(p.calls.clone(), list);
                }
                // Answers the grader could not read count as none (the play's `missing` says
                // why): one participant's file never stops the class's scoring.
                let answered = read_answers(&p.answers, 1 << 28)
                    .map(|(a, _)| a)
                    .unwrap_or_default();
                let tape = Tape::playing(&calls[&p.calls], answered, &p.missing);
                scored.insert(p.key, run(&p.exercise, &tape));
            }
            write(&args[3], serde_json::to_string(&scored))
        }
        _ => Err(Error::Answer(
            "usage: scorer record <exercise> <calls.json> | play <plays.json> <out.json>".into(),
        )),
    }
}
