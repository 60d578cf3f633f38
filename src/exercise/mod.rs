//! The take-home exercises' checks: each exercise of the tutorial that code can check has a
//! module here whose `check` runs the participant's code on the visible test inputs and returns
//! a [`Checklist`] (a table in the notebook, text in `cargo test`).
//!
//! The same checks run in the notebook's check cell and in `cargo test -p exercises <id>`;
//! `exercises/info.toml` lists each exercise's expectations with their points, its hint and the
//! calls it may not make. The instructor's kit (`course/`) adds hidden tests.
//!
//! A check never panics and never prints: a `todo!()` shows as "not solved yet", a panic as its
//! message, each in its own row.

mod checklist;
mod inputs;

pub mod adam_step;
pub mod compose_transforms;
pub mod cosine_embedding_loss;
pub mod draw_digit;
pub mod pca;
pub mod projection_head;
pub mod search_metrics;
pub mod time_mask;
pub mod triplet_miners;

pub use checklist::{Checklist, Outcome, Row, Verdict, attempt};
