//! The instructor's grader (feature `grade`, Unix only), being built in steps. So far: the
//! submission copier, which makes the private copy of a participant's folder that a sandbox will
//! see, refusing links, special files and oversized or deeply nested entries; and the sandbox
//! (bubblewrap, Linux) that runs one job with no network, the system read-only and limits.

mod copy;
#[cfg(target_os = "linux")]
mod sandbox;

pub use copy::{CopyLimits, CopyReport, Refusal, copy_submission};
#[cfg(target_os = "linux")]
pub use sandbox::{Job, Limits, Outcome, Sandbox};
