#!/bin/sh
# The training library's Predict of the seed network at batch 1 against the
# host runtime on the same model (fp32, exported with the default im2col tile,
# with the host-sized --max-tile-bytes 262144 and with --target host), per
# backend, one core:
# bench/mote_bench's seed_runtime cases run in turn ROUNDS times (interleaved,
# so load changes hit every case alike), pinned to CPU (default 0); the best
# CPU time of each case is kept. Prints a table and, last, one JSON line.
#   bench/predict_batch1.sh [BUILD_DIR] [ROUNDS]
# Environment: CPU (core to pin to), BACKENDS (mote_bench variant names, e.g.
# "scalar hwy:AVX3_DL xsimd:avx512bw"; default: every one this CPU runs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
rounds=${2:-5}
exe="$build/bench/mote_bench"
if [ ! -x "$exe" ]; then
  echo "predict_batch1.sh: $exe not found; build first: meson setup $build && ninja -C $build" >&2
  exit 1
fi
backends=${BACKENDS:-$("$exe" --benchmark_list_tests --benchmark_filter='^seed_runtime/.*/library_predict_b1$' |
  cut -d/ -f2)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
  for b in $backends; do
    for c in invoke_fp32 invoke_fp32_tile256k invoke_fp32_host library_predict_b1; do
      taskset -c "${CPU:-0}" "$exe" --benchmark_filter="^seed_runtime/$b/$c\$" --benchmark_min_time=0.05 \
        --benchmark_format=json 2>/dev/null >>"$out"
      echo >>"$out"
    done
  done
  i=$((i + 1))
done
python3 - "$out" "$rounds" "$(uptime)" <<'EOF'
import json, sys
text, rounds, load = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3].strip()
best = {}
decoder, pos = json.JSONDecoder(), 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    doc, pos = decoder.raw_decode(text, pos)
    for b in doc["benchmarks"]:
        _, backend, case = b["name"].split("/")
        key = (backend, case)
        best[key] = min(best.get(key, float("inf")), b["cpu_time"] / 1000.0)  # ns -> us
print(f"best of {rounds}, CPU time in us ({load})")
print(f"{'backend':16} {'runtime':>9} {'rt 256K':>9} {'rt host':>9} {'Predict':>9} {'P/rt':>6} {'P/256K':>6} {'P/host':>6}")
rows = []
for backend in dict.fromkeys(k[0] for k in best):
    rt, big, host, lib = (best.get((backend, c)) for c in
                          ("invoke_fp32", "invoke_fp32_tile256k", "invoke_fp32_host", "library_predict_b1"))
    if None in (rt, big, host, lib):
        continue
    print(f"{backend:16} {rt:9.1f} {big:9.1f} {host:9.1f} {lib:9.1f} {lib / rt:6.2f} {lib / big:6.2f} {lib / host:6.2f}")
    rows.append({"backend": backend, "runtime_us": round(rt, 1), "runtime_tile256k_us": round(big, 1),
                 "runtime_host_us": round(host, 1), "predict_us": round(lib, 1)})
print(json.dumps({"rounds": rounds, "load": load, "cases": rows}))
EOF
