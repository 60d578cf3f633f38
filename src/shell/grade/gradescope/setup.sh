#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu), from the
# unzipped bundle in /autograder/source. Written by `mmsearch grade --gradescope-bundle`.
# It installs the Rust toolchain and a C linker, builds the grader and the crate every
# participant's code links against, fetches MNIST and FSDD with the crate's checksummed
# downloader, and makes the unprivileged user the participants' code runs as.
set -euxo pipefail
source_dir=$(cd "$(dirname "$0")" && pwd)
crate="$source_dir/@CRATE_DIR@"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends build-essential pkg-config ca-certificates curl

# The toolchain and the build folder outside root's home and outside /autograder/source (which
# run_autograder makes 0700): the participants' user compiles with them, read-only.
export RUSTUP_HOME=/opt/rust/rustup CARGO_HOME=/opt/rust/cargo CARGO_TARGET_DIR=/opt/mms/target
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$crate/rust-toolchain.toml")
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
  | sh -s -- -y --no-modify-path --profile minimal --default-toolchain "${toolchain:-stable}"
export PATH="$CARGO_HOME/bin:$PATH"

# The grader, and the crate's library as `mmsearch grade` links it (the same command, so the
# run finds it up to date and needs no network).
cd "$crate"
cargo build --release --locked --bin mmsearch
cargo build --release --locked --lib
install -m 0755 "$CARGO_TARGET_DIR/release/mmsearch" /usr/local/bin/mmsearch
chmod -R a+rX /opt/rust /opt/mms

# The datasets (run_autograder makes this folder 0700: the participants' code gets a copy
# without the test labels).
mkdir -p /autograder/data
MMS_DATA=/autograder/data mmsearch download
MMS_DATA=/autograder/data MMS_OFFLINE=1 mmsearch doctor || true

# The user the participants' code runs as.
id mms-student >/dev/null 2>&1 \
  || useradd --system --no-create-home --shell /usr/sbin/nologin mms-student
