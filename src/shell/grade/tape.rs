//! Recorded calls: how the grader keeps expected values out of the sandbox.
//!
//! An exercise's check calls the participant's functions and judges what they return. The
//! grader splits that in three, so that the participant's process only ever answers calls:
//!
//! 1. **Record** (outside, once per batch): the check runs with [`Tape::recording`], whose
//!    stand-ins log each call's arguments and answer with the reference solution. The log is
//!    the list of [`Call`]s: inputs only.
//! 2. **Answer** (inside the sandbox): the participant's program reads the calls and answers
//!    each with the participant's code ([`serve`]), one JSON line per [`Answered`] call (by its
//!    index in the calls file). A panic
//!    (or `todo!()`) is answered as its message. No test, expected value or point enters.
//! 3. **Play** (outside): the check runs again with [`Tape::playing`], whose stand-ins return
//!    the recorded answers. The check, its expected values and its verdicts run only here, so
//!    nothing the participant's code prints, exits with or writes can pass a test for it; its
//!    answers are data, read with a size limit.
//!
//! Values cross as JSON through [`ToWire`] and [`FromWire`] (tensors as shape, dtype and
//! values). A call the program never answered (it crashed, timed out or exited early) plays as
//! a panic saying so, which costs only the rows that needed it.

use std::collections::HashMap;
use std::sync::Mutex;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::exercise::attempt;

/// One call of a participant's function: which function, with what (as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// The function's name in the stub (`to_pixels`, `MyEncoder::new` ...).
    pub function: String,
    /// Its arguments, as a JSON array.
    pub args: Value,
    /// How many identical calls came before it (a check that calls twice with one input, to
    /// see the answers agree, gets two answers).
    #[serde(default)]
    pub nth: usize,
}

impl Call {
    /// The key a played call is found by: its function, its arguments' JSON text, its `nth`.
    fn key(&self) -> String {
        format!("{}\u{0}{}\u{0}{}", self.function, self.args, self.nth)
    }
}

/// What the participant's function did with a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// It returned this value (for a `Result`, `{"Ok": ..}` or `{"Err": message}`).
    Returned(Value),
    /// It panicked with this message (`todo!()` gives "not yet implemented...").
    Panicked(String),
}

/// An answer to the call at `index` of the calls file: one line of the participant's answers
/// file (the call itself stays with the grader: its arguments can be megabytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    /// The call's place in the calls file.
    pub index: usize,
    /// What the participant's code did with it.
    pub answer: Answer,
}

enum Mode {
    /// The calls, each with the reference's answer.
    Recording(Mutex<Vec<(Call, Answer)>>),
    Playing {
        answers: HashMap<String, Answer>,
        /// How many times each function and arguments were called so far.
        seen: Mutex<HashMap<String, usize>>,
        /// Said of a call without an answer: why the program stopped.
        missing: String,
    },
}

/// The stand-in for a participant's functions while a check runs outside the sandbox: it
/// records the calls (answering them with the reference solution) or plays recorded answers.
///
/// # Example
/// ```
/// use multimodal_search::shell::grade::{Answered, Tape, serve};
/// let double = |x: u32| x * 2;
/// // 1. Record what the check asks (the reference answers meanwhile).
/// let tape = Tape::recording();
/// assert_eq!(tape.call("double", (21u32,), || double(21)), 42);
/// let calls = tape.calls();
/// // 2. The participant's program answers them (here: a wrong solution).
/// let answered: Vec<Answered> = calls
///     .iter()
///     .enumerate()
///     .map(|(index, c)| Answered { index, answer: serve(c, |(x,): (u32,)| x + 2) })
///     .collect();
/// // 3. The check plays the answers: it sees the participant's 23.
/// let tape = Tape::playing(&calls, answered, "the program stopped");
/// assert_eq!(tape.call("double", (21u32,), || double(21)), 23);
/// ```
pub struct Tape {
    mode: Mode,
    /// How many calls the visible checks made (the rest are the hidden checks'), once known.
    visible: Mutex<Option<usize>>,
}

impl Tape {
    /// A tape that records calls and answers them with the reference (`call`'s last argument).
    pub fn recording() -> Self {
        Tape {
            mode: Mode::Recording(Mutex::new(Vec::new())),
            visible: Mutex::new(None),
        }
    }

    /// A tape that answers `calls` from `answered` (answers to calls by their index; the
    /// first answer to an index counts, indices out of range are ignored); a call without an
    /// answer panics with `missing` (why the program stopped), costing the rows that needed it.
    pub fn playing(
        calls: &[Call],
        answered: impl IntoIterator<Item = Answered>,
        missing: &str,
    ) -> Self {
        let mut answers = HashMap::new();
        for a in answered {
            if let Some(call) = calls.get(a.index) {
                answers.entry(call.key()).or_insert(a.answer);
            }
        }
        Tape {
            mode: Mode::Playing {
                answers,
                seen: Mutex::new(HashMap::new()),
                missing: missing.to_string(),
            },
            visible: Mutex::new(None),
        }
    }

    /// Marks the end of the visible checks' calls: the grader runs the hidden checks' calls in
    /// a process of their own, so nothing of their inputs can reach the visible feedback.
    pub fn end_of_visible(&self) {
        if let Mode::Recording(calls) = &self.mode {
            let n = calls.lock().map(|c| c.len()).unwrap_or(0);
            if let Ok(mut v) = self.visible.lock() {
                *v = Some(n);
            }
        }
    }

    /// How many of the recorded calls the visible checks made, once marked.
    pub fn visible_calls(&self) -> Option<usize> {
        self.visible.lock().ok().and_then(|v| *v)
    }

    /// The calls recorded so far, in the order made.
    pub fn calls(&self) -> Vec<Call> {
        match &self.mode {
            Mode::Recording(calls) => calls
                .lock()
                .map(|c| c.iter().map(|(call, _)| call.clone()).collect())
                .unwrap_or_default(),
            Mode::Playing { .. } => Vec::new(),
        }
    }

    /// The reference's answers to the calls recorded so far (to play them back, as a check
    /// that the exercise is replayable at all).
    pub fn answered(&self) -> Vec<Answered> {
        match &self.mode {
            Mode::Recording(calls) => calls
                .lock()
                .map(|c| {
                    c.iter()
                        .enumerate()
                        .map(|(index, (_, answer))| Answered {
                            index,
                            answer: answer.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Mode::Playing { .. } => Vec::new(),
        }
    }

    /// One call of the participant's `function` with `args`: recording, logs it and returns
    /// `reference()`; playing, returns the recorded answer, re-raising a recorded panic
    /// (silently, as the check's rows expect).
    pub fn call<A: ToWire, R: ToWire + FromWire>(
        &self,
        function: &str,
        args: A,
        reference: impl FnOnce() -> R,
    ) -> R {
        let mut call = Call {
            function: function.to_string(),
            args: args.to_wire(),
            nth: 0,
        };
        match &self.mode {
            Mode::Recording(calls) => {
                // A poisoned lock means a reference panicked mid-record: keep recording.
                let nth = calls
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .iter()
                    .filter(|(c, _)| c.function == call.function && c.args == call.args)
                    .count();
                call.nth = nth;
                let value = reference();
                let answer = Answer::Returned(value.to_wire());
                calls
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((call, answer));
                value
            }
            Mode::Playing {
                answers,
                seen,
                missing,
            } => {
                {
                    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                    let n = seen.entry(call.key()).or_insert(0);
                    call.nth = *n;
                    *n += 1;
                }
                let message = match answers.get(&call.key()) {
                    Some(Answer::Returned(v)) => match R::from_wire(v) {
                        Ok(r) => return r,
                        Err(e) => format!("its answer to `{function}` could not be read: {e}"),
                    },
                    Some(Answer::Panicked(m)) => m.clone(),
                    None => format!("no answer to `{function}`: {missing}"),
                };
                // resume_unwind skips the panic hook: the row shows the message, nothing prints.
                std::panic::resume_unwind(Box::new(message))
            }
        }
    }
}

/// Answers `call` with `f` (the participant's function, taking its arguments as owned values):
/// its value, its error or its panic's message, never a panic of its own. Arguments that do
/// not decode (a call meant for another signature) are answered as a panic saying so.
pub fn serve<A: FromWire, R: ToWire>(call: &Call, f: impl FnOnce(A) -> R) -> Answer {
    match A::from_wire(&call.args) {
        Err(e) => Answer::Panicked(format!(
            "the grader's call of `{}` does not fit: {e}",
            call.function
        )),
        Ok(args) => match attempt(|| f(args).to_wire()) {
            Ok(v) => Answer::Returned(v),
            Err(message) => Answer::Panicked(message),
        },
    }
}

/// The participant's program's whole job: answers each call in the file `calls` (a JSON list
/// the grader wrote) with `answer`, appending one JSON line per call to the file `answers`,
/// flushed after each, so that a crash or a timeout keeps the answers given before it.
pub fn answer_all(
    calls: &std::path::Path,
    answers: &std::path::Path,
    answer: impl Fn(&Call) -> Answer,
) -> Result<()> {
    use std::io::Write;
    let text = std::fs::read_to_string(calls).map_err(|e| Error::io(calls, e))?;
    let calls: Vec<Call> = serde_json::from_str(&text)
        .map_err(|e| Error::Answer(format!("{}: not a list of calls: {e}", calls.display())))?;
    let mut out = std::fs::File::create(answers).map_err(|e| Error::io(answers, e))?;
    for (index, call) in calls.iter().enumerate() {
        let answered = Answered {
            index,
            answer: answer(call),
        };
        let line = serde_json::to_string(&answered)
            .map_err(|e| Error::Answer(format!("an answer that does not serialize: {e}")))?;
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(answers, e))?;
    }
    Ok(())
}

/// Reads a participant's answers file (untrusted: written inside the sandbox): at most
/// `max_bytes` of it, one [`Answered`] per line; lines that are not one are counted and skipped
/// (what they would have answered then plays as missing).
pub fn read_answers(path: &std::path::Path, max_bytes: u64) -> Result<(Vec<Answered>, usize)> {
    use std::io::{BufRead, Read};
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut answered = Vec::new();
    let mut unreadable = 0;
    for line in std::io::BufReader::new(file.take(max_bytes)).split(b'\n') {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Answered>(&line) {
            Ok(a) => answered.push(a),
            Err(_) => unreadable += 1,
        }
    }
    Ok((answered, unreadable))
}

/// A value as JSON, to cross into or out of the sandbox.
pub trait ToWire {
    /// The value as JSON.
    fn to_wire(&self) -> Value;
}

/// A value read back from JSON that crossed the sandbox's border (so: checked, never trusted).
pub trait FromWire: Sized {
    /// The value, or what in `v` does not fit.
    fn from_wire(v: &Value) -> Result<Self>;
}

fn bad(what: &str, v: &Value) -> Error {
    let mut shown = v.to_string();
    if shown.len() > 80 {
        let cut = (0..=80)
            .rev()
            .find(|&i| shown.is_char_boundary(i))
            .unwrap_or(0);
        shown.truncate(cut);
        shown.push_str("...");
    }
    Error::Answer(format!("expected {what}, found {shown}"))
}

impl<T: ToWire + ?Sized> ToWire for &T {
    fn to_wire(&self) -> Value {
        (**self).to_wire()
    }
}

macro_rules! wire_via_serde {
    ($($t:ty),* $(,)?) => {$(
        impl ToWire for $t {
            fn to_wire(&self) -> Value {
                // A plain value with derived serde: serializing to a Value cannot fail.
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
        }
        impl FromWire for $t {
            fn from_wire(v: &Value) -> Result<Self> {
                <$t>::deserialize(v).map_err(|_| bad(stringify!($t), v))
            }
        }
    )*};
}

wire_via_serde!(
    bool,
    u8,
    u16,
    u32,
    u64,
    usize,
    i32,
    i64,
    String,
    crate::search::SearchMetric,
    crate::exercise::pca::Components,
    crate::exercise::random_forest::Forest,
);

// f32 and f64 as JSON numbers, with NaN and the infinities as strings (JSON has no such
// numbers, and a participant's NaN must come back as a NaN for the check to see it).
macro_rules! wire_float {
    ($($t:ty),*) => {$(
        impl ToWire for $t {
            fn to_wire(&self) -> Value {
                if self.is_finite() {
                    json!(*self)
                } else {
                    json!(self.to_string())
                }
            }
        }
        impl FromWire for $t {
            fn from_wire(v: &Value) -> Result<Self> {
                match v {
                    Value::Number(n) => n.as_f64().map(|x| x as $t).ok_or_else(|| bad("a number", v)),
                    Value::String(s) => match s.as_str() {
                        "NaN" => Ok(<$t>::NAN),
                        "inf" => Ok(<$t>::INFINITY),
                        "-inf" => Ok(<$t>::NEG_INFINITY),
                        _ => Err(bad("a number", v)),
                    },
                    _ => Err(bad("a number", v)),
                }
            }
        }
    )*};
}
wire_float!(f32, f64);

impl ToWire for str {
    fn to_wire(&self) -> Value {
        json!(self)
    }
}

impl<T: ToWire> ToWire for [T] {
    fn to_wire(&self) -> Value {
        Value::Array(self.iter().map(ToWire::to_wire).collect())
    }
}

impl<T: ToWire> ToWire for Vec<T> {
    fn to_wire(&self) -> Value {
        self.as_slice().to_wire()
    }
}

impl<T: FromWire> FromWire for Vec<T> {
    fn from_wire(v: &Value) -> Result<Self> {
        v.as_array()
            .ok_or_else(|| bad("a list", v))?
            .iter()
            .map(T::from_wire)
            .collect()
    }
}

impl<T: ToWire, const N: usize> ToWire for [T; N] {
    fn to_wire(&self) -> Value {
        self.as_slice().to_wire()
    }
}

impl<T: FromWire, const N: usize> FromWire for [T; N] {
    fn from_wire(v: &Value) -> Result<Self> {
        let items = Vec::<T>::from_wire(v)?;
        items
            .try_into()
            .map_err(|_| bad(&format!("a list of {N}"), v))
    }
}

impl<T: ToWire> ToWire for Option<T> {
    fn to_wire(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToWire::to_wire)
    }
}

impl<T: FromWire> FromWire for Option<T> {
    fn from_wire(v: &Value) -> Result<Self> {
        if v.is_null() {
            Ok(None)
        } else {
            T::from_wire(v).map(Some)
        }
    }
}

/// A result crosses as `{"Ok": value}` or `{"Err": message}`; an error comes back as
/// [`Error::Answer`] with the participant's message, so the check shows it as theirs.
impl<T: ToWire> ToWire for Result<T> {
    fn to_wire(&self) -> Value {
        match self {
            Ok(v) => json!({ "Ok": v.to_wire() }),
            Err(e) => json!({ "Err": e.to_string() }),
        }
    }
}

impl<T: FromWire> FromWire for Result<T> {
    fn from_wire(v: &Value) -> Result<Self> {
        if let Some(ok) = v.get("Ok") {
            return Ok(Ok(T::from_wire(ok)?));
        }
        match v.get("Err").and_then(Value::as_str) {
            Some(message) => Ok(Err(Error::Answer(message.to_string()))),
            None => Err(bad("{\"Ok\": ..} or {\"Err\": ..}", v)),
        }
    }
}

macro_rules! wire_tuple {
    ($($name:ident $i:tt),+) => {
        impl<$($name: ToWire),+> ToWire for ($($name,)+) {
            fn to_wire(&self) -> Value {
                Value::Array(vec![$(self.$i.to_wire()),+])
            }
        }
        impl<$($name: FromWire),+> FromWire for ($($name,)+) {
            fn from_wire(v: &Value) -> Result<Self> {
                let items = v.as_array().ok_or_else(|| bad("a list of arguments", v))?;
                let want = [$($i),+].len();
                if items.len() != want {
                    return Err(bad(&format!("{want} arguments"), v));
                }
                Ok(($($name::from_wire(&items[$i])?,)+))
            }
        }
    };
}
wire_tuple!(A 0);
wire_tuple!(A 0, B 1);
wire_tuple!(A 0, B 1, C 2);
wire_tuple!(A 0, B 1, C 2, D 3);
wire_tuple!(A 0, B 1, C 2, D 3, E 4);
wire_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
wire_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
wire_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

impl ToWire for () {
    fn to_wire(&self) -> Value {
        Value::Array(Vec::new())
    }
}

impl FromWire for () {
    fn from_wire(v: &Value) -> Result<Self> {
        match v.as_array() {
            Some(a) if a.is_empty() => Ok(()),
            _ => Err(bad("no arguments", v)),
        }
    }
}

/// A tensor crosses as `{"shape": [..], "dtype": "f32" | "u32" | ..., "values": [..]}`, row by
/// row (as f64 JSON numbers: f32 values come back bit for bit).
impl ToWire for Tensor {
    fn to_wire(&self) -> Value {
        let values = self
            .flatten_all()
            .and_then(|t| t.to_dtype(DType::F64))
            .and_then(|t| t.to_vec1::<f64>());
        match values {
            Ok(values) => json!({
                "shape": self.dims(),
                "dtype": self.dtype().as_str(),
                "values": values.to_wire(),
            }),
            Err(e) => json!({ "unreadable": e.to_string() }),
        }
    }
}

impl FromWire for Tensor {
    fn from_wire(v: &Value) -> Result<Self> {
        if let Some(why) = v.get("unreadable").and_then(Value::as_str) {
            return Err(Error::Answer(format!(
                "a tensor that could not be read: {why}"
            )));
        }
        let shape = Vec::<usize>::from_wire(v.get("shape").unwrap_or(&Value::Null))?;
        let values = Vec::<f64>::from_wire(v.get("values").unwrap_or(&Value::Null))?;
        let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if count != Some(values.len()) {
            return Err(Error::Answer(format!(
                "a tensor of shape {shape:?} with {} values",
                values.len()
            )));
        }
        let dtype = match v.get("dtype").and_then(Value::as_str) {
            Some("f32") => DType::F32,
            Some("f64") => DType::F64,
            Some("u32") => DType::U32,
            Some("u8") => DType::U8,
            Some("i64") => DType::I64,
            _ => return Err(bad("a tensor dtype (f32, f64, u32, u8, i64)", v)),
        };
        Ok(Tensor::from_vec(values, shape, &Device::Cpu)?.to_dtype(dtype)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tensors_and_floats_cross_bit_for_bit() {
        let t = Tensor::new(&[[0.1f32, -3.5e-8], [f32::MAX, 7.0]], &Device::Cpu).unwrap();
        let back = Tensor::from_wire(&t.to_wire()).unwrap();
        assert_eq!(back.dims(), &[2, 2]);
        assert_eq!(back.dtype(), DType::F32);
        assert_eq!(back.to_vec2::<f32>().unwrap(), t.to_vec2::<f32>().unwrap());
        let nan = f32::from_wire(&f32::NAN.to_wire()).unwrap();
        assert!(nan.is_nan());
        assert_eq!(
            f64::from_wire(&f64::NEG_INFINITY.to_wire()).unwrap(),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn hostile_json_is_an_error_not_a_panic() {
        let huge = json!({"shape": [usize::MAX, 2], "dtype": "f32", "values": []});
        assert!(Tensor::from_wire(&huge).is_err());
        assert!(<[usize; 3]>::from_wire(&json!([1, 2])).is_err());
        assert!(<(u32, f32)>::from_wire(&json!([1])).is_err());
        assert!(Result::<u32>::from_wire(&json!({"Maybe": 1})).is_err());
        assert!(u8::from_wire(&json!(300)).is_err());
    }
}
