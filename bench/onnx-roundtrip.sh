#!/bin/sh
# mote -> ONNX -> onnxruntime: trains the seed network briefly (models/seed.toml),
# exports it with `mote export --onnx` and as the runtime's .mote, runs
# onnxruntime on N Fashion-MNIST test images and compares its logits with
# mote's runtime (`mote predict M.mote`) and training library (`mote predict
# M.ckpt`) on the same images: max |diff| and argmax agreement. The last line
# is one JSON object. Needs PyPI (onnxruntime is no Debian package): the venv
# of bench/peers-venv.sh ($VENV or build/peers-venv), so not part of CI.
#   bench/onnx-roundtrip.sh [BUILD_DIR] [N]     (default build/native, 10000 images)
# Environment: TRAIN_ITEMS (default 10000 training images, one epoch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-"$here/../build/native"}" && pwd)
images=${2:-10000}
mote="$build/src/cli/mote"
if [ ! -x "$mote" ]; then
  echo "onnx-roundtrip.sh: $mote not found; build first: meson setup $build && ninja -C $build" >&2
  exit 1
fi
work="$build/onnx-roundtrip"
venv=${VENV:-"$here/../build/peers-venv"}
mkdir -p "$work"
. "$here/peers-venv.sh"
peers_venv "$venv" onnxruntime,numpy onnxruntime numpy

"$mote" train "$here/../models/seed.toml" --data "fashion-mnist:train:${TRAIN_ITEMS:-10000}" --epochs 1 \
  --checkpoint "$work/seed.ckpt" --quiet | tail -1
"$mote" export "$work/seed.ckpt" --onnx --out "$work/seed.onnx" | tail -1
"$mote" export "$work/seed.ckpt" --out "$work/seed.mote" | tail -1
# The .mote does not record the input normalization: the seed's (bytes / 255).
scale=$(sed -n 's/^scale *= *\([0-9.e-]*\).*/\1/p' "$here/../models/seed.toml" | head -1)
"$mote" predict "$work/seed.mote" --data "fashion-mnist:test:$images" --scale "$scale" --out "$work/runtime.csv" | tail -1
"$mote" predict "$work/seed.ckpt" --data "fashion-mnist:test:$images" --out "$work/library.csv" | tail -1

"$venv/bin/python" - "$work" "$images" "$scale" <<'EOF'
import gzip, json, sys
import numpy as np
import onnxruntime as ort

work, n, scale = sys.argv[1], int(sys.argv[2]), np.float32(sys.argv[3])
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:n]
x = (raw.astype(np.float32) * scale)[:, None]  # one rounding, as mote's normalization; NCHW
session = ort.InferenceSession(f"{work}/seed.onnx", providers=["CPUExecutionProvider"])
onnx_out = np.concatenate([session.run(None, {session.get_inputs()[0].name: x[i:i + 500]})[0]
                           for i in range(0, n, 500)])

def logits(path):  # mote predict: item,class,output 0,...
    return np.loadtxt(path, delimiter=",", dtype=np.float64)[:, 2:]

result = {"images": n, "onnxruntime": ort.__version__}
for name in ("runtime", "library"):
    mote = logits(f"{work}/{name}.csv")
    diff = float(np.abs(onnx_out - mote).max())
    agree = float((onnx_out.argmax(1) == mote.argmax(1)).mean())
    print(f"onnxruntime vs mote {name}: max |logit diff| {diff:.3g}, argmax agreement {agree:.4f} "
          f"({n} images, logits up to {np.abs(mote).max():.3g})")
    result["max_abs_diff" if name == "runtime" else "library_max_abs_diff"] = float(f"{diff:.3g}")
    result["argmax_agreement" if name == "runtime" else "library_argmax_agreement"] = agree
print(json.dumps(result, separators=(",", ":")))
EOF
