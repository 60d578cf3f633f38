#!/usr/bin/env bash
# Jupyter kernel command for the workshop's evcxr kernel (installed by scripts/setup-notebooks.sh
# into the kernel's folder, with the @...@ values filled in).
#
# Each kernel gets its own copy of a pre-warmed evcxr build folder (the crate and candle already
# compiled), so the first cell takes seconds instead of minutes, and two kernels never share a
# folder (evcxr crashes when they do). The copy is deleted when the kernel exits; copies left by
# kernels that were killed are deleted by the next kernel that starts.
set -u
template="@TEMPLATE@"
evcxr="@EVCXR@"
default_data="@MMS_DATA@"
toolchain="@TOOLCHAIN@"
connection_file="$1"

# Jupyter started from a desktop menu may not have cargo on PATH.
export PATH="$HOME/.cargo/bin:$PATH"
# Build cells with the repository's pinned toolchain (the one the tests use), not whatever is
# the default where evcxr's build folder lives.
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && [ -n "$toolchain" ]; then
  export RUSTUP_TOOLCHAIN="$toolchain"
fi
# evcxr links every cell against the toolchain's shared libstd and finds it through a relative
# rpath, which is one directory off for the copy cargo places in target/.../debug/. It only works
# by luck when the path climbs through `/` (a build folder in /tmp); with the warm folder in the
# user's cache, next to ~/.rustup, it fails with "dlopen failed". Point the loader at libstd.
host="$(rustc -vV | sed -n 's/^host: //p')"
libdir="$(rustc --print sysroot)/lib/rustlib/$host/lib"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DYLD_LIBRARY_PATH="$libdir${DYLD_LIBRARY_PATH:+:$DYLD_LIBRARY_PATH}"

# evcxr's settings (panics keep variables and print one line): the copy of notebooks/evcxr.toml
# installed beside this script, for notebooks opened in any folder (an evcxr.toml in the
# notebook's own folder still wins). No "No configuration file found" either.
kernel_dir="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${EVCXR_CONFIG_DIR:-}" ] && [ -f "$kernel_dir/evcxr/evcxr.toml" ]; then
  export EVCXR_CONFIG_DIR="$kernel_dir/evcxr"
fi
# Shells set up for cargo often export RUST_BACKTRACE=1: then evcxr_jupyter prints a backtrace
# of its own internals ("hb error: ... Stack backtrace") whenever a kernel shuts down. Keep them
# for whoever asks with MMS_BACKTRACE=1.
if [ "${MMS_BACKTRACE:-0}" != "1" ]; then
  export RUST_LIB_BACKTRACE=0
fi

# evcxr_jupyter reports the heartbeat socket closing at every shutdown as "hb error: ..." and
# its "Caused by:" lines, on its stderr (the terminal Jupyter runs in, not the notebook): drop
# that block, pass everything else through as it comes.
quiet_hb() {
  awk '/^hb error: /{skip=1; next}
       skip && (/^$/ || /^Caused by:/ || /^ +[0-9]+: / || /^ +at /){next}
       {skip=0; print; fflush()}'
}

if [ -z "${MMS_DATA:-}" ] && [ -n "$default_data" ]; then
  export MMS_DATA="$default_data"
fi

# The template holds evcxr's build folder (build/) and, beside it, .cargo/config.toml with the
# dependencies' profile; cargo reads config files from the parent folders of the build.
# Warming the template itself (setup script): build straight into it, keep it.
if [ "${MMS_EVCXR_WARMING:-0}" = "1" ]; then
  mkdir -p "$template/build"
  export EVCXR_TMPDIR="$template/build"
  exec "$evcxr" --control_file "$connection_file" 2> >(quiet_hb >&2)
fi

base="${TMPDIR:-/tmp}"
base="${base%/}"
for stale in "$base"/mms-evcxr-*; do
  [ -d "$stale" ] || continue
  pid="${stale##*-}"
  if ! kill -0 "$pid" 2>/dev/null; then rm -rf "$stale"; fi
done

work="$base/mms-evcxr-$$"
rm -rf "$work"
mkdir -p "$work"
if [ -d "$template" ]; then
  cp -a "$template/." "$work/"
fi
mkdir -p "$work/build"
export EVCXR_TMPDIR="$work/build"

"$evcxr" --control_file "$connection_file" 2> >(quiet_hb >&2) &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT
# `wait` returns early when a trapped signal arrives; keep waiting until the kernel is gone.
status=0
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  status=$?
done
rm -rf "$work"
exit "$status"
