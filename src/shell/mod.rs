//! The shell: the tools around the core, each behind a cargo feature so that a notebook's
//! `:dep multimodal-search = { path = "..", default-features = false }` builds only the core.
//!
//! - `tutorial` (`cli`): the main job behind `cargo run --release`, split into running the
//!   experiment and writing its report;
//! - `doctor` (`cli`): checks a machine's notebook setup (`mmsearch doctor`);
//! - `download` (`download`): fetches MNIST and FSDD, checksummed;
//! - `ann` (`ann`): approximate search (HNSW) for large collections;
//! - `course` (`course`): the exercise catalog, forbidden-call scan, release and states;
//! - `grade` (`grade`, Unix): the instructor's grader (so far its submission copier and, on
//!   Linux, its sandbox).
//!
//! The command line itself is `src/main.rs`.

#[cfg(feature = "ann")]
pub mod ann;
#[cfg(feature = "course")]
pub mod course;
#[cfg(feature = "cli")]
pub mod doctor;
#[cfg(feature = "download")]
pub mod download;
#[cfg(all(feature = "grade", unix))]
pub mod grade;
#[cfg(feature = "cli")]
pub mod own_search;
#[cfg(feature = "cli")]
pub mod tutorial;

#[cfg(feature = "ann")]
pub use ann::{HnswConfig, HnswIndex};
