#!/bin/sh
# Runs every kernel benchmark (all backends and Highway targets) quickly and
# writes Google Benchmark JSON.
#   bench/run.sh [BUILD_DIR] [extra benchmark flags, e.g. --benchmark_filter=f32_gemm/]
# Environment: OUT (JSON path, default BUILD_DIR/mote_bench.json),
#              MIN_TIME (seconds per benchmark, default 0.05).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
[ $# -gt 0 ] && shift
exe="$build/bench/mote_bench"
if [ ! -x "$exe" ]; then
  echo "run.sh: $exe not found; build first: meson setup $build && ninja -C $build" >&2
  exit 1
fi
out=${OUT:-"$build/mote_bench.json"}
# Google Benchmark 1.7 takes a plain number of seconds (1.8+ also accepts "0.05s").
"$exe" --benchmark_min_time="${MIN_TIME:-0.05}" --benchmark_format=json --benchmark_out="$out" \
  --benchmark_out_format=json --benchmark_counters_tabular=true "$@" >/dev/null
echo "wrote $out" >&2
