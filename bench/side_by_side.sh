#!/usr/bin/env bash
# mote against PyTorch and Keras, side by side, in one run: seconds per
# training epoch of the seed network (mote::BuildSeedNetwork, batch 50, the
# same Fashion-MNIST data and optimizer) with 1 thread and with N threads
# (N = the CPUs this process may use), each run pinned with taskset to the
# first cores of its affinity mask; mote also for every count in between
# (its scaling table). Then the single-image runtime benchmark of
# bench/runtime_batch1.sh when that script exists. Prints a table and, last,
# one JSON line: mote_<t>t_s, pytorch_<t>t_s, keras_<t>t_s (seconds per
# epoch, t in 1, 2 and N), peak_gflops (`mote bench gemm`, one core's FMA
# peak), the runtime keys (null without bench/runtime_batch1.sh or when a
# peer is missing) and the load average before and after.
#
#   bench/side_by_side.sh [BUILD_DIR]      (default build/native: needs examples/ and src/cli/mote)
#
# Environment:
#   TRAIN_LIMIT  training examples per epoch (default 0: all 60000; e.g. 10000 for a run of ~2 minutes)
#   EPOCHS       timed epochs per run (default 1)
#   REPEATS      runs per configuration, interleaved; the fastest counts (default 3: on a
#                VM whose other vCPU the host sometimes takes, one two-thread epoch in
#                three or four ran 20-40 % slower, mote's and the peers' alike)
#   THREADS      N (default: the CPUs of the affinity mask)
#   VENV         the PyPI environment (default build/peers-venv, created when missing)
#   TIMEOUT      seconds a run may take before it counts as failed (default 0: no limit;
#                PyTorch's two-thread epoch took 304 s against 38 s for one on a loaded machine)
#
# Nothing is installed into the project or the system: PyTorch is Debian's
# python3-torch, run by /usr/bin/python3 (it loads only with Debian's numpy);
# tensorflow-cpu (Keras) comes from PyPI into the virtual environment under
# build/, which bench/runtime_batch1.sh shares for onnxruntime and LiteRT. A
# framework that is missing reports null.
#
# bench/runtime_batch1.sh is called as `bench/runtime_batch1.sh BUILD_DIR`
# with VENV set; its last output line is one JSON object whose keys
# (runtime_fp32_us, runtime_int8_us, litert_fp32_us, litert_int8_us,
# onnxruntime_us, ...) are merged into this script's JSON line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/native}
[[ $build = /* ]] || build=$PWD/$build
limit=${TRAIN_LIMIT:-0}
epochs=${EPOCHS:-1}
repeats=${REPEATS:-3}
venv=${VENV:-$root/build/peers-venv}
fashion=$build/examples/fashion_mnist
mote_cli=$build/src/cli/mote
for exe in "$fashion" "$mote_cli"; do
  [[ -x $exe ]] || { echo "side_by_side.sh: $exe not found: build first (meson setup $build && ninja -C $build)" >&2; exit 1; }
done
sys_python=/usr/bin/python3

# The cores this process may run on, in order; N of them.
mapfile -t cpus < <("$sys_python" -c 'import os; print(*sorted(os.sched_getaffinity(0)), sep="\n")')
threads=${THREADS:-${#cpus[@]}}
(( threads >= 1 && threads <= ${#cpus[@]} )) || { echo "side_by_side.sh: THREADS must be in [1, ${#cpus[@]}]" >&2; exit 1; }
cores() { local IFS=,; echo "${cpus[*]:0:$1}"; }  # the first $1 cores, comma-separated
# Thread counts: mote every count up to N (at most 8 of them, then powers of two
# and N); the peers 1, 2 and N.
mote_counts=() peer_counts=(1)
for ((t = 1; t <= threads; ++t)); do
  if (( threads <= 8 || (t & (t - 1)) == 0 || t == threads )); then mote_counts+=("$t"); fi
done
(( threads >= 2 )) && peer_counts+=(2)
(( threads > 2 )) && peer_counts+=("$threads")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "side_by_side: $(nproc) CPUs allowed, N = $threads, train limit ${limit:-0} (0: all), $epochs epoch(s), $repeats repeat(s)"
echo "load average before: $load_before"

# Keras needs tensorflow-cpu from PyPI, in the virtual environment.
keras_ok=0
. "$root/bench/peers-venv.sh"
if peers_venv "$venv" tensorflow,keras tensorflow-cpu; then
  keras_ok=1
else
  echo "side_by_side.sh: no tensorflow-cpu: Keras reports null" >&2
fi
torch_ok=0
"$sys_python" -c 'import torch' 2>/dev/null && torch_ok=1 ||
  echo "side_by_side.sh: no python3-torch (apt-get install --no-install-recommends python3-torch): PyTorch reports null" >&2

results=$(mktemp)
trap 'rm -f "$results"' EXIT
# run NAME THREADS COMMAND...: pinned to the first THREADS cores; appends
# "NAME THREADS SECONDS_PER_EPOCH" (from the command's last line, JSON).
run() {
  local name=$1 t=$2 json s
  shift 2
  if json=$(OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t timeout "${TIMEOUT:-0}" taskset -c "$(cores "$t")" "$@" 2>/dev/null |
             tail -n 1) &&
     s=$("$sys_python" -c 'import json, sys; print(json.loads(sys.argv[1])["seconds_per_epoch"])' "$json" 2>/dev/null); then
    echo "$name $t $s" >> "$results"
    printf '  %-8s %2d thread(s): %8.3f s/epoch\n' "$name" "$t" "$s"
  else
    echo "  $name $t thread(s): failed" >&2
  fi
}
for ((r = 1; r <= repeats; ++r)); do
  echo "run $r/$repeats"
  for t in "${mote_counts[@]}"; do
    run mote "$t" "$fashion" --epochs "$epochs" --train-limit "$limit" --threads "$t" --quiet
  done
  for t in "${peer_counts[@]}"; do
    (( torch_ok )) && run pytorch "$t" "$sys_python" "$root/bench/models/pytorch_fashion_mnist.py" \
      --epochs "$epochs" --train-limit "$limit" --threads "$t"
    (( keras_ok )) && run keras "$t" "$venv/bin/python" "$root/bench/models/keras_fashion_mnist.py" \
      --epochs "$epochs" --train-limit "$limit" --threads "$t"
  done
done

peak_json=$(taskset -c "$(cores 1)" "$mote_cli" bench gemm --backend hwy --shape 64x64x64 --min-time 0.05 --json |
  tail -n 1)
runtime_json='{}'
if [[ -x $root/bench/runtime_batch1.sh ]]; then
  echo "bench/runtime_batch1.sh:"
  runtime_json=$(VENV=$venv "$root/bench/runtime_batch1.sh" "$build" | tee /dev/stderr | tail -n 1) || runtime_json='{}'
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$sys_python" - "$results" "$threads" "$peak_json" "$runtime_json" "$load_before" "$load_after" <<'PY'
import json, sys
path, n, peak, runtime, load_before, load_after = sys.argv[1:7]
n = int(n)
best = {}
for line in open(path):
    name, t, s = line.split()
    key = (name, int(t))
    best[key] = min(best.get(key, float("inf")), float(s))
counts = sorted({t for _, t in best} | {1, 2, n})
print("\nseconds per epoch (fastest of the repeats; speed-up over 1 thread)")
print("threads " + "".join(f"{f:>20}" for f in ("mote", "pytorch", "keras")))
for t in counts:
    cells = []
    for f in ("mote", "pytorch", "keras"):
        s, one = best.get((f, t)), best.get((f, 1))
        cells.append(f"{s:9.3f} ({one / s:4.2f}x)" if s is not None and one is not None else f"{'-':>17}")
    print(f"{t:7d} " + "".join(f"{c:>20}" for c in cells))
out = {}
for f in ("mote", "pytorch", "keras"):
    for t in counts:
        if f == "mote" or t in (1, 2, n):
            out[f"{f}_{t}t_s"] = best.get((f, t))
peers = [s for s in (best.get(("pytorch", 2)), best.get(("keras", 2))) if s is not None]
if best.get(("mote", 2)) and peers:
    out["mote_2t_over_best_peer_2t"] = round(best[("mote", 2)] / min(peers), 3)
if best.get(("mote", 1)) and best.get(("mote", 2)):
    out["mote_speedup_2t"] = round(best[("mote", 1)] / best[("mote", 2)], 3)
try:
    out["peak_gflops"] = json.loads(peak)["peak_gflops"]
except (ValueError, KeyError):
    out["peak_gflops"] = None
try:
    extra = json.loads(runtime)
except ValueError:
    extra = {}
for k in ("runtime_fp32_us", "runtime_int8_us", "litert_fp32_us", "litert_int8_us", "onnxruntime_us"):
    out[k] = extra.get(k)
for k, v in extra.items():
    out.setdefault(k, v)
out["threads"] = n
out["load_before"] = load_before
out["load_after"] = load_after
print(json.dumps(out))
PY
