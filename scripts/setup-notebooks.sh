#!/usr/bin/env bash
# Sets up the workshop notebooks on Linux or macOS:
#   1. evcxr_jupyter (the Rust kernel), with `cargo install --locked` when it is missing;
#   2. Jupyter (notebook + nbconvert), with pip when it is missing;
#   3. the `rust` kernel, registered with a wrapper that gives every kernel its own copy of a
#      pre-warmed build folder and passes MMS_DATA through;
#   4. the warm build folder itself: a one-cell notebook holding the notebooks' `:dep` line is
#      executed once, so candle and this crate are compiled before the first real notebook.
#
# Usage: scripts/setup-notebooks.sh [--no-warm]
# Environment: MMS_DATA (data folder to default to inside notebooks), MMS_EVCXR_TEMPLATE (where
# the warm build folder lives; default ~/.cache/multimodal-search/evcxr-template).
set -euo pipefail

warm=1
for arg in "$@"; do
  case "$arg" in
    --no-warm) warm=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "setup-notebooks: unknown argument $arg" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "$0")/.." && pwd -P)"
evcxr_version="0.22.0"
template="${MMS_EVCXR_TEMPLATE:-${XDG_CACHE_HOME:-$HOME/.cache}/multimodal-search/evcxr-template}"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf 'setup-notebooks: %s\n' "$*"; }
seconds() { date +%s; }

# 1. Rust toolchain and evcxr_jupyter.
if ! command -v cargo >/dev/null 2>&1; then
  say "cargo not found: install Rust with rustup (https://rustup.rs), then run this again" >&2
  exit 1
fi
if command -v evcxr_jupyter >/dev/null 2>&1; then
  say "evcxr_jupyter found: $(command -v evcxr_jupyter) ($(evcxr_jupyter --version 2>/dev/null || echo unknown version))"
else
  say "installing evcxr_jupyter $evcxr_version (cargo install --locked; about 10 minutes on 2 cores)"
  t0=$(seconds)
  cargo install --locked evcxr_jupyter --version "$evcxr_version"
  say "evcxr_jupyter installed in $(( $(seconds) - t0 )) s"
fi
evcxr="$(command -v evcxr_jupyter)"

# 2. Jupyter, through python3's pip (a user install; a virtual environment when the system
#    Python refuses user installs, as Debian's and Homebrew's do).
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  say "python3 not found: install Python 3.9 or later, then run this again" >&2
  exit 1
fi
have_jupyter() { "$python" -c 'import nbclient, nbformat, nbconvert, jupyter_client' >/dev/null 2>&1; }
if have_jupyter; then
  say "Jupyter found ($("$python" -m jupyter --version 2>/dev/null | grep -m1 -i nbconvert | tr -s ' ' || true))"
else
  say "installing Jupyter with pip"
  if ! "$python" -m pip install --user --quiet notebook nbconvert nbclient 2>/dev/null \
      && ! "$python" -m pip install --quiet notebook nbconvert nbclient 2>/dev/null; then
    venv="${XDG_DATA_HOME:-$HOME/.local/share}/multimodal-search/jupyter-venv"
    say "pip refused a user install; using a virtual environment at $venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet notebook nbconvert nbclient
    python="$venv/bin/python"
    say "start Jupyter with: $venv/bin/jupyter notebook notebooks/"
  fi
  have_jupyter || { say "Jupyter is still not importable by $python" >&2; exit 1; }
fi

# 3. The kernel: kernel.json + our wrapper, in Jupyter's user data folder.
data_dir="$("$python" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')"
kernel_dir="$data_dir/kernels/rust"
mkdir -p "$kernel_dir"
default_data=""
if [ -n "${MMS_DATA:-}" ]; then
  default_data="$(cd "$MMS_DATA" && pwd -P)"
fi
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$repo/rust-toolchain.toml" 2>/dev/null || true)"
sed -e "s|@TEMPLATE@|$template|" -e "s|@EVCXR@|$evcxr|" -e "s|@MMS_DATA@|$default_data|" \
  -e "s|@TOOLCHAIN@|$toolchain|" \
  "$repo/scripts/notebooks/kernel.sh" > "$kernel_dir/kernel.sh"
chmod +x "$kernel_dir/kernel.sh"
# evcxr's settings for this kernel wherever a notebook is opened (kernel.sh points
# EVCXR_CONFIG_DIR here): panics keep variables and print one line.
mkdir -p "$kernel_dir/evcxr"
cp "$repo/notebooks/evcxr.toml" "$kernel_dir/evcxr/evcxr.toml"
# evcxr_jupyter (re)installs its own kernel.json over ours on its first start unless its
# version.txt is there: let it install its files first (version.txt, kernel.js, logos), then
# write our kernel.json on top.
"$evcxr" --install >/dev/null
cat > "$kernel_dir/kernel.json" <<JSON
{
  "argv": ["$kernel_dir/kernel.sh", "{connection_file}"],
  "display_name": "Rust (multimodal-search)",
  "language": "rust",
  "interrupt_mode": "message",
  "metadata": {"multimodal-search": {"template": "$template", "repo": "$repo"}}
}
JSON
say "kernel 'rust' registered in $kernel_dir (toolchain ${toolchain:-default}, MMS_DATA default: ${default_data:-none})"

# 4. Warm the template: build the notebooks' `:dep` into it once.
if [ "$warm" = 1 ]; then
  # An older layout kept the build folder at the top; start that one afresh.
  if [ -f "$template/Cargo.toml" ]; then rm -rf "$template"; fi
  mkdir -p "$template/.cargo" "$template/build"
  cp "$repo/scripts/notebooks/cargo-config.toml" "$template/.cargo/config.toml"
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  "$python" - "$repo" "$scratch/warm.ipynb" <<'PY'
import json, sys
repo, out = sys.argv[1], sys.argv[2]
# The feature sets the notebooks' `:dep` lines use: the core alone (01, 02, 03, 06), and the core
# with the exercises' heavy crates (04 and 05: forest, tsne, plotly). One warm notebook each, so
# no notebook's first cell compiles them.
WARM_SETS = ['', ', features = ["forest", "tsne", "plotly"]']
for i, features in enumerate(WARM_SETS):
    dep = ':dep multimodal-search = { path = "%s", default-features = false%s }' % (repo, features)
    cells = [dep, 'println!("{}", multimodal_search::viz::escape_html("warm <ok>"));']
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "rust", "display_name": "Rust", "language": "rust"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                     "outputs": [], "source": src} for i, src in enumerate(cells)]}
    json.dump(nb, open(out.replace(".ipynb", f"{i}.ipynb"), "w"))
PY
  say "warming $template (first time: several minutes; afterwards: seconds)"
  t0=$(seconds)
  MMS_EVCXR_WARMING=1 "$python" - "$scratch/warm.ipynb" <<'PY'
import sys, nbformat
from nbclient import NotebookClient
import glob
for path in sorted(glob.glob(sys.argv[1].replace(".ipynb", "[0-9].ipynb"))):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="rust", timeout=3600, startup_timeout=120).execute()
    out = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    bad = [o for c in nb.cells for o in c.outputs
           if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    if "warm &lt;ok&gt;" not in out or bad:
        sys.exit(f"warming failed ({nb.cells[0].source}): {out!r} {bad!r}")
PY
  say "template warm in $(( $(seconds) - t0 )) s"
fi
if ! grep -q "kernel.sh" "$kernel_dir/kernel.json"; then
  say "the 'rust' kernel in $kernel_dir no longer runs our wrapper (evcxr_jupyter replaced kernel.json)" >&2
  exit 1
fi
if ! command -v jupyter >/dev/null 2>&1; then
  scripts_dir="$("$python" -c 'import sysconfig; print(sysconfig.get_path("scripts", "posix_user"))' 2>/dev/null || true)"
  say "note: the jupyter command is not on PATH; add ${scripts_dir:-the Python user scripts folder} to PATH, or start it with: $python -m notebook notebooks/"
fi
say "done; check with: cargo run --release -- doctor"
