#!/bin/sh
# One-image inference of the seed network, one core, in one run: mote's host
# runtime (fp32 and int8) against LiteRT (XNNPACK, fp32 and int8) and
# onnxruntime (fp32), all with the SAME weights: a mote checkpoint (trained
# briefly on Fashion-MNIST) is exported to .mote, and bench/runtime_batch1.py
# rebuilds it from the fp32 .mote as a Keras model (-> .tflite fp32 / int8 by
# the TFLite converter) and an ONNX graph, checking their outputs against
# mote's. Installs nothing into the project: the peers live in a virtual
# environment, $VENV or build/peers-venv (bench/peers-venv.sh; PyPI:
# ai-edge-litert, tensorflow-cpu, onnx, onnxruntime, numpy; never Debian's
# torch/numpy).
#   bench/runtime_batch1.sh [BUILD_DIR]     (default build/native, built)
# mote's timed models are `mote export --target host` ones (conv weights in
# output-channel panels, host-sized im2col tiles); the table also times the
# default (microcontroller) layout with a host-sized tile, as a reference.
# Environment: CPU (core to pin to, default 0), MIN_TIME (seconds per timing,
# default 1), ROUNDS (default 3: mote's timings and the peers' alternate that
# many times and each engine's fastest round counts, so a drift of the
# machine's speed between them does not decide a ratio), TILE_BYTES (the conv im2col tile of the default-layout models,
# default 262144: a host's budget; `mote export`'s default 1024 is a
# microcontroller's).
# Prints a table, then one JSON line with runtime_fp32_us, runtime_int8_us
# (the host layout), litert_fp32_us, litert_int8_us, onnxruntime_us (best
# batch, microseconds).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-"$root/build/native"}
mote="$build/src/cli/mote"
cpu=${CPU:-0}
min_time=${MIN_TIME:-1}
rounds=${ROUNDS:-3}
tile=${TILE_BYTES:-262144}
work="$root/build/runtime-batch1"
venv=${VENV:-"$root/build/peers-venv"}
if [ ! -x "$mote" ]; then
  echo "runtime_batch1.sh: $mote not found; build first: meson setup $build && ninja -C $build" >&2
  exit 1
fi
mkdir -p "$work"

. "$here/peers-venv.sh"
peers_venv "$venv" ai_edge_litert,onnx,onnxruntime,tensorflow ai-edge-litert tensorflow-cpu onnx onnxruntime numpy

# The checkpoint and its exports (same weights for everyone).
if [ ! -f "$work/seed.ckpt" ]; then
  "$mote" train "$root/models/seed.toml" --data fashion-mnist:train:10000 --epochs 1 --quiet \
    --checkpoint "$work/seed.ckpt" >&2
fi
"$mote" export "$work/seed.ckpt" --out "$work/seed_fp32.mote" --max-tile-bytes "$tile" >&2
"$mote" export "$work/seed.ckpt" --int8 --calibration 1000 --out "$work/seed_int8.mote" \
  --max-tile-bytes "$tile" >&2
"$mote" export "$work/seed.ckpt" --target host --out "$work/seed_fp32_host.mote" >&2
"$mote" export "$work/seed.ckpt" --target host --int8 --calibration 1000 --out "$work/seed_int8_host.mote" >&2

# 200 test images as the peers see them, and mote's fp32 outputs on them.
"$venv/bin/python" - "$work" <<'EOF'
import gzip, sys
import numpy as np
work = sys.argv[1]
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
images = np.frombuffer(raw, np.uint8, 200 * 784, 16).reshape(200, 28, 28, 1)
np.save(work + "/labels.npy", np.zeros(200, np.uint8))
# mote's normalisation (models/seed.toml: scale = float(1/255))
np.save(work + "/images.npy", images.astype(np.float32) * np.float32(0.0039215688593685627))
EOF
"$mote" predict "$work/seed_fp32.mote" --data "$work/images.npy,$work/labels.npy" --out "$work/mote_outputs.csv" \
  >/dev/null
"$venv/bin/python" -c "
import numpy as np, sys
rows = [l.split(',') for l in open(sys.argv[1]).read().split() if l[0].isdigit()]
np.save(sys.argv[2], np.array([[float(v) for v in r[2:]] for r in rows], np.float32))
" "$work/mote_outputs.csv" "$work/mote_outputs.npy"

# Timings: every engine on the same core, one after the other, in rounds
# (runtime_batch1.py runs mote's command before each round of the peers').
peers_json=$(TF_CPP_MIN_LOG_LEVEL=3 OMP_NUM_THREADS=1 taskset -c "$cpu" "$venv/bin/python" \
  "$here/runtime_batch1.py" "$work/seed_fp32.mote" "$work/images.npy" "$work/mote_outputs.npy" "$work" \
  "$min_time" "$rounds" -- "$mote" bench runtime "$work/seed_fp32_host.mote" "$work/seed_int8_host.mote" \
  "$work/seed_fp32.mote" "$work/seed_int8.mote" --min-time "$min_time" --json 2>/dev/null | tail -n 1)
mote_json=$("$venv/bin/python" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["mote"]))' "$peers_json")

"$venv/bin/python" - "$mote_json" "$peers_json" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF'
import json, sys
mote, peers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = {"runtime_fp32_us": round(mote["models"][0]["best_us"], 1),
       "runtime_int8_us": round(mote["models"][1]["best_us"], 1),
       "litert_fp32_us": round(peers["litert_fp32_us"], 1),
       "litert_int8_us": round(peers["litert_int8_us"], 1),
       "onnxruntime_us": round(peers["onnxruntime_us"], 1)}
default_layout = {"runtime_fp32": mote["models"][2], "runtime_int8": mote["models"][3]}
med = {"runtime_fp32": mote["models"][0]["median_us"], "runtime_int8": mote["models"][1]["median_us"],
       "litert_fp32": peers["litert_fp32_median_us"], "litert_int8": peers["litert_int8_median_us"],
       "onnxruntime": peers["onnxruntime_median_us"]}
print("seed network, batch 1, one core (%s), load average %s" % (mote["target"], sys.argv[4]))
print("%-14s %10s %10s %10s %13s" % ("engine", "best_us", "median_us", "vs_litert", "agree_w_mote"))
for name in ("runtime_fp32", "runtime_int8", "litert_fp32", "litert_int8", "onnxruntime"):
    ref = out["litert_int8_us"] if name.endswith("int8") else out["litert_fp32_us"]
    agree = peers.get(name + "_agree")
    print("%-14s %10.1f %10.1f %10.2f %13s" % (name, out[name + "_us"], med[name], out[name + "_us"] / ref,
                                                "-" if agree is None else "%.3f" % agree))
    if name in default_layout:  # the same model in the default (microcontroller) weight layout
        d = default_layout[name]
        print("%-14s %10.1f %10.1f %10.2f %13s" % ("  mcu layout", d["best_us"], d["median_us"], d["best_us"] / ref, "-"))
print("peers' largest output difference from mote fp32 (relative): litert_fp32 %.1e, onnxruntime %.1e"
      % (peers["litert_fp32_max_diff"], peers["onnxruntime_max_diff"]))
print(json.dumps(out))
EOF
