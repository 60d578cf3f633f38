//! The instructor's grader (feature `grade`, Unix only), being built in steps. So far: the
//! submission copier, which makes the private copy of a participant's folder that a sandbox will
//! see, refusing links, special files and oversized or deeply nested entries.

mod copy;

pub use copy::{CopyLimits, CopyReport, Refusal, copy_submission};
