//! `mmsearch`: the tutorial's main job from the command line.
//!
//! Until training lands, the default command prints a summary of the data and of the spectrograms
//! (`mmsearch summary`); `mmsearch download` fetches whatever data is missing.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use multimodal_search::Result;
use multimodal_search::candle_core::Device;
use multimodal_search::data::{DataDir, LabeledSet, MnistSplit, Spectrogrammer};

/// Multimodal search over handwritten and spoken digits.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Data folder holding mnist/ and fsdd/recordings/ (default: $MMS_DATA, ./data, or the user cache).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Never download; a missing file is an error (also MMS_OFFLINE=1).
    #[arg(long, global = true)]
    offline: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the datasets' sizes and label counts, and spectrogram statistics (the default).
    Summary,
    /// Fetch MNIST and FSDD into the data folder if they are missing.
    Download,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let data = DataDir::resolve(cli.data.as_deref(), cli.offline);
    match cli.command.unwrap_or(Command::Summary) {
        Command::Download => {
            let m = data.ensure_mnist()?;
            let f = data.ensure_fsdd()?;
            println!("MNIST in {}\nFSDD in {}", m.display(), f.display());
            Ok(())
        }
        Command::Summary => summary(&data),
    }
}

fn counts(c: [usize; 10]) -> String {
    c.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(data: &DataDir) -> Result<()> {
    println!(
        "data folder: {} ({:?}{})",
        data.root().display(),
        data.source(),
        if data.offline() { ", offline" } else { "" }
    );
    for split in [MnistSplit::Train, MnistSplit::Test] {
        let m = data.mnist(split)?;
        let (h, w) = m.dims();
        println!(
            "MNIST {:5}: {:6} images of {h}x{w}; per digit 0-9: {}",
            split.name(),
            m.len(),
            counts(m.label_counts())
        );
    }
    let scan = data.fsdd()?;
    let mut speakers: Vec<&str> = scan.train.iter().map(|r| r.speaker.as_str()).collect();
    speakers.sort_unstable();
    speakers.dedup();
    println!(
        "FSDD: {} train + {} validation recordings, {} speakers ({})",
        scan.train.len(),
        scan.validation.len(),
        speakers.len(),
        speakers.join(", ")
    );
    for s in &scan.skipped {
        println!("FSDD skipped {}: {}", s.path.display(), s.reason);
    }
    let spec = Spectrogrammer::default();
    let all: Vec<_> = scan.train.iter().chain(&scan.validation).cloned().collect();
    let t0 = Instant::now();
    let set = LabeledSet::from_recordings(&all, &spec, &Device::Cpu)?;
    let secs = t0.elapsed().as_secs_f64();
    let cfg = spec.config();
    // Undo the normalization to report the raw [0, 1] pixel statistics next to the tutorial's.
    let raw = set.items().affine(cfg.std as f64, cfg.mean as f64)?;
    let mean = raw.mean_all()?.to_scalar::<f32>()?;
    let std = raw
        .broadcast_sub(&raw.mean_all()?)?
        .sqr()?
        .mean_all()?
        .sqrt()?
        .to_scalar::<f32>()?;
    println!(
        "spectrograms: {} of {}x{} in {:.2} s ({:.0} per second, {} threads)",
        set.len(),
        cfg.size,
        cfg.size,
        secs,
        set.len() as f64 / secs,
        rayon::current_num_threads()
    );
    println!(
        "spectrogram pixels before Normalize: mean {mean:.4}, std {std:.4} (the tutorial normalizes with {:.4} / {:.4})",
        cfg.mean, cfg.std
    );
    Ok(())
}
