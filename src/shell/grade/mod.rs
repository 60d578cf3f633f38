//! The instructor's grader (feature `grade`, Unix; its sandbox and `mmsearch grade` Linux):
//! the submission copier ([`copy_submission`]: a private copy of a participant's folder,
//! refusing links, special files and oversized or deeply nested entries); the sandbox
//! ([`Sandbox`]: bubblewrap with no network and the system read-only, CPU, wall-clock, output and
//! file limits, memory and tasks in a cgroup per job ([`Cgroups`]), a process left running
//! reported); the trust model for exercises whose stubs are plain functions ([`Tape`]: the
//! instructor's scorer records the calls, the participant's program ([`participant_main`], built
//! by [`build_program`] in the sandbox) answers them, the scorer plays the answers outside);
//! grading a class ([`grade_class`]); a Gradescope autograder bundle and its run
//! ([`write_bundle`], [`grade_gradescope`], jobs as another user: [`RunAs`]); and what it writes ([`grades_csv`], [`feedback_md`],
//! [`feedback_html`], [`hand_graded_md`], [`marks_template`], [`ManualMarks`], [`statistics`]).

#[cfg(target_os = "linux")]
mod blind;
#[cfg(target_os = "linux")]
mod build;
#[cfg(target_os = "linux")]
mod cgroup;
#[cfg(target_os = "linux")]
mod class;
mod copy;
#[cfg(target_os = "linux")]
mod gradescope;
mod harness;
#[cfg(target_os = "linux")]
mod report;
#[cfg(target_os = "linux")]
mod sandbox;
#[cfg(target_os = "linux")]
mod seccomp;
mod tape;
#[cfg(target_os = "linux")]
mod user;

#[cfg(target_os = "linux")]
pub use blind::{BlindCopy, blind_copy};
#[cfg(target_os = "linux")]
pub use build::{Built, Deps, Diagnostic, build_program};
#[cfg(target_os = "linux")]
pub use cgroup::Cgroups;
#[cfg(target_os = "linux")]
pub use class::{
    ClassOptions, ClassReport, ExerciseGrade, HandGrade, ParticipantGrade, Source, grade_class,
};
pub use copy::{CopyLimits, CopyReport, Refusal, copy_submission};
#[cfg(target_os = "linux")]
pub use gradescope::{
    BUNDLE_CRATE_DIR, GradescopeOptions, RUN_AUTOGRADER, SETUP_SH, grade_gradescope, results_json,
    write_bundle,
};
pub use harness::{
    GradedFn, Param, Play, ScoredExercise, graded_functions, participant_main, scorer_command,
    scorer_main,
};
#[cfg(target_os = "linux")]
pub use report::{
    ManualMarks, feedback_html, feedback_md, grades_csv, hand_graded_md, marks_template, statistics,
};
#[cfg(target_os = "linux")]
pub use sandbox::{Job, Limits, Outcome, Sandbox};
pub use tape::{Answer, Answered, Call, FromWire, Tape, ToWire, answer_all, read_answers, serve};
#[cfg(target_os = "linux")]
pub use user::RunAs;
