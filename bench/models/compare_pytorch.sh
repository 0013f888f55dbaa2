#!/usr/bin/env bash
# Time per epoch of the seed network (mote::BuildSeedNetwork) on ONE core: mote (examples/fashion_mnist)
# against PyTorch (Debian's python3-torch) on the same data, batch, epochs and
# optimizer, measured in the same run, both pinned with taskset and PyTorch
# limited to one thread. Also prints the fraction of the core's FMA peak
# (measured by `mote bench gemm` in this run) that each reaches.
#
#   bench/models/compare_pytorch.sh [BUILD_DIR] [EPOCHS] [TRAIN_LIMIT]
# Needs: python3-torch (apt-get install --no-install-recommends python3-torch).
set -euo pipefail
build=${1:-build}
epochs=${2:-1}
limit=${3:-0}
core=${CORE:-0}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mote_json=$(taskset -c "$core" "$build/examples/fashion_mnist" --epochs "$epochs" --train-limit "$limit" --quiet | tail -n 1)
torch_json=$(OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c "$core" /usr/bin/python3 "$here/pytorch_fashion_mnist.py" \
  --epochs "$epochs" --train-limit "$limit" | tail -n 1)
peak_json=$(taskset -c "$core" "$build/src/cli/mote" bench gemm --backend hwy --shape 64x64x64 --min-time 0.05 --json | tail -n 1)

/usr/bin/python3 - "$mote_json" "$torch_json" "$peak_json" <<'PY'
import json, sys
mote, torch, peak = (json.loads(a) for a in sys.argv[1:4])
examples = mote["train_examples"]
# Nominal forward MACs per example of the seed network (every tap of every
# window, zero padding included; mote skips the padding taps, so its figure is
# an effective rate); training ~ 3x forward.
macs = (14*14*10*25) + (7*7*40*250) + (7*7*80*1000) + (3920*50) + (50*10)
flop_epoch = 3 * 2 * macs * examples
peak_gflops = peak["peak_gflops"]
def frac(seconds):
    return flop_epoch / seconds / 1e9 / peak_gflops
ratio = mote["seconds_per_epoch"] / torch["seconds_per_epoch"]
print(f"examples/epoch {examples}, {flop_epoch/1e12:.3f} nominal TFLOP/epoch, FMA peak {peak_gflops:.1f} GFLOP/s (one core)")
print(f"mote    {mote['seconds_per_epoch']:7.2f} s/epoch  {frac(mote['seconds_per_epoch'])*100:5.1f} % of peak (nominal)  "
      f"test acc {mote['test_accuracy']:.4f}  ({mote['backend']}/{mote['target']})")
print(f"pytorch {torch['seconds_per_epoch']:7.2f} s/epoch  {frac(torch['seconds_per_epoch'])*100:5.1f} % of peak (nominal)  "
      f"test acc {torch['test_accuracy']:.4f}  (torch {torch['version']}, {torch['threads']} thread)")
print(json.dumps({"mote_seconds_per_epoch": mote["seconds_per_epoch"], "pytorch_seconds_per_epoch": torch["seconds_per_epoch"],
                  "ratio_mote_over_pytorch": round(ratio, 3), "mote_peak_fraction": round(frac(mote["seconds_per_epoch"]), 3),
                  "pytorch_peak_fraction": round(frac(torch["seconds_per_epoch"]), 3), "peak_gflops": peak_gflops,
                  "epochs": mote["epochs"], "train_examples": examples}))
PY
