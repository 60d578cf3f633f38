#!/usr/bin/env bash
# The notebook setup on a machine that has never run it: an empty HOME, Jupyter data folder,
# evcxr config folder and template location (the toolchain, evcxr_jupyter and Jupyter's Python
# packages are reused, so nothing is downloaded). Runs the setup script, starts the kernel (whose
# first start is when evcxr_jupyter would reinstall its own kernel.json over ours), runs the
# panic check in it, then checks that the installed kernel.json is still ours.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
real_home="$HOME"
export CARGO_HOME="${CARGO_HOME:-$real_home/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$real_home/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
# Jupyter's packages where the real setup put them (a user install or its virtual environment).
export PYTHONUSERBASE="${PYTHONUSERBASE:-$(python3 -c 'import site; print(site.getuserbase())')}"
export HOME="$fresh/home" XDG_CONFIG_HOME="$fresh/config" XDG_CACHE_HOME="$fresh/cache" \
  XDG_DATA_HOME="$fresh/share" MMS_EVCXR_TEMPLATE="$fresh/template"
# Jupyter's data folder follows XDG_DATA_HOME, as evcxr_jupyter's does (evcxr ignores
# JUPYTER_DATA_DIR): both must meet in one kernels/rust folder for the overwrite to show.
unset JUPYTER_DATA_DIR JUPYTER_PATH JUPYTER_CONFIG_DIR EVCXR_CONFIG_DIR
mkdir -p "$HOME"
bash "$repo/scripts/setup-notebooks.sh" --no-warm
python3 "$repo/scripts/notebooks/run.py" kernel-check
kernel="$(python3 -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')/kernels/rust"
case "$kernel" in "$fresh"/*) ;; *) echo "fresh setup: kernel folder $kernel is not in the fresh folders" >&2; exit 1 ;; esac
if grep -q '"display_name": "Rust (multimodal-search)"' "$kernel/kernel.json" \
    && grep -q 'kernel.sh' "$kernel/kernel.json" && [ -f "$kernel/evcxr/evcxr.toml" ]; then
  echo "fresh setup: kernel.json is still ours after the kernel's first start"
else
  echo "fresh setup: kernel.json was replaced after the kernel's first start:" >&2
  cat "$kernel/kernel.json" >&2
  exit 1
fi
