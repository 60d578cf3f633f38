//! Feedback while a run trains: Lightning's progress bar in a terminal, short lines in a notebook.

use std::io::IsTerminal;
use std::time::Instant;

#[cfg(feature = "cli")]
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Error, Result, pick_preset};

/// How the trainer reports progress.
///
/// # Example
/// ```
/// use multimodal_search::train::ProgressMode;
/// // In a notebook (no terminal) Auto prints a line every 10 steps and one per epoch.
/// assert_eq!(ProgressMode::default(), ProgressMode::Auto);
/// assert_eq!("epochs".parse::<ProgressMode>().unwrap(), ProgressMode::EpochsOnly);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, else [`ProgressMode::Lines`] every 10 steps.
    #[default]
    Auto,
    /// An indicatif bar on stderr: step, loss, samples/s, ETA (with the `cli` feature; lines
    /// without it).
    Bar,
    /// A compact line on stdout every `every` steps and a summary per epoch (for notebooks,
    /// where evcxr shows stdout but not a redrawn bar).
    Lines {
        /// Steps between lines.
        every: usize,
    },
    /// Only the per-epoch summary line.
    EpochsOnly,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// The choices the command line offers.
    pub const PRESETS: [(&'static str, ProgressMode); 5] = [
        ("auto", ProgressMode::Auto),
        ("bar", ProgressMode::Bar),
        ("lines", ProgressMode::Lines { every: 10 }),
        ("epochs", ProgressMode::EpochsOnly),
        ("quiet", ProgressMode::Quiet),
    ];
}

impl std::str::FromStr for ProgressMode {
    type Err = Error;
    /// Reads `auto`, `bar`, `lines` (every 10 steps), `epochs` or `quiet`.
    fn from_str(s: &str) -> Result<Self> {
        let expected = "auto, bar, lines, epochs or quiet";
        pick_preset(&Self::PRESETS, s, "progress mode", expected)
    }
}

// `Lines` carries its interval, so clap cannot derive `ValueEnum`: the presets are its values.
#[cfg(feature = "cli")]
impl clap::ValueEnum for ProgressMode {
    fn value_variants<'a>() -> &'a [Self] {
        const P: [(&str, ProgressMode); 5] = ProgressMode::PRESETS;
        &[P[0].1, P[1].1, P[2].1, P[3].1, P[4].1]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        crate::error::preset_name(&Self::PRESETS, self)
    }
}

/// What the trainer tells the reporter after each step.
pub(crate) struct StepInfo {
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
    pub samples: usize,
}

/// Draws the chosen feedback.
pub(crate) struct Reporter {
    mode: ProgressMode,
    #[cfg(feature = "cli")]
    bar: Option<ProgressBar>,
    epoch_start: Instant,
    label: String,
}

impl Reporter {
    pub fn new(mode: ProgressMode, label: &str) -> Self {
        let mode = match mode {
            ProgressMode::Auto | ProgressMode::Bar
                if cfg!(feature = "cli") && std::io::stderr().is_terminal() =>
            {
                ProgressMode::Bar
            }
            ProgressMode::Auto | ProgressMode::Bar => ProgressMode::Lines { every: 10 },
            m => m,
        };
        Reporter {
            mode,
            #[cfg(feature = "cli")]
            bar: None,
            epoch_start: Instant::now(),
            label: label.to_string(),
        }
    }

    #[cfg_attr(not(feature = "cli"), allow(unused_variables))]
    pub fn start_epoch(&mut self, epoch: usize, epochs: usize, steps: usize) {
        self.epoch_start = Instant::now();
        #[cfg(feature = "cli")]
        if self.mode == ProgressMode::Bar {
            let bar = ProgressBar::new(steps as u64);
            // The template is a constant known to parse; fall back to the default style anyway.
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {msg} {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(format!("{} epoch {}/{epochs}", self.label, epoch + 1));
            // Redraw every second: the elapsed time moves even while one long step runs.
            bar.enable_steady_tick(std::time::Duration::from_secs(1));
            self.bar = Some(bar);
        }
    }

    pub fn step(&mut self, s: &StepInfo) {
        let secs = self.epoch_start.elapsed().as_secs_f64().max(1e-9);
        let rate = s.samples as f64 / secs;
        match self.mode {
            #[cfg(feature = "cli")]
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_position(s.step as u64);
                    bar.set_message(format!("loss {:.4} {rate:.0} samples/s", s.loss));
                }
            }
            // The first and last steps too, so a run of few long steps (a huge batch) shows
            // it is alive.
            ProgressMode::Lines { every }
                if every > 0
                    && (s.step.is_multiple_of(every) || s.step == 1 || s.step == s.steps) =>
            {
                println!(
                    "{} step {}/{}: loss {:.4}, {rate:.0} samples/s",
                    self.label, s.step, s.steps, s.loss
                );
            }
            _ => {}
        }
    }

    pub fn end_epoch(&mut self, line: &str) {
        #[cfg(feature = "cli")]
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.mode != ProgressMode::Quiet {
            println!("{} {line}", self.label);
        }
    }
}
