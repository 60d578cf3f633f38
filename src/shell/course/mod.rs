//! The course kit's tools (feature `course`): the exercise catalog (`exercises/info.toml`), the
//! forbidden-call scan on a solution's syntax tree, and the release that turns the instructor's
//! source (`course/`) into what participants get (`notebooks/`, `exercises/`).

mod catalog;
mod forbidden;
mod notebook;
mod release;
mod state;

pub use catalog::{Catalog, ExerciseInfo, GRADESCOPE_VISIBILITIES, Grading, TestInfo};
pub use forbidden::{forbidden_row, forbidden_uses, item_signatures};
pub use notebook::{Notebook, SOLUTION_BEGIN, SOLUTION_END};
pub use release::{Release, ReleaseFile};
pub use state::{ExerciseState, Progress, exercise_states};
