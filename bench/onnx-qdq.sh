#!/bin/sh
# onnxruntime's static quantizer -> mote's int8 runtime: trains the seed
# network briefly (models/seed.toml), exports it with `mote export --onnx`,
# quantizes it with onnxruntime.quantization.quantize_static (QDQ format,
# calibrated on 200 training images) in three settings (int8 activations with
# per-channel weights; uint8 activations with per-tensor weights; the
# QOperator format, uint8 activations, per-channel weights), imports
# each with `mote import --to-runtime` (int8 with the file's parameters) and
# compares onnxruntime's logits with mote's runtime on N Fashion-MNIST test
# images: max |diff| in output quantization steps, share of equal outputs,
# argmax agreement. The last line is one JSON object. Needs PyPI
# (onnxruntime): the venv of bench/peers-venv.sh ($VENV or build/peers-venv),
# so not part of CI.
#   bench/onnx-qdq.sh [BUILD_DIR] [N]     (default build/native, 1000 images)
# Environment: TRAIN_ITEMS (default 10000 training images, one epoch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-"$here/../build/native"}" && pwd)
images=${2:-1000}
mote="$build/src/cli/mote"
if [ ! -x "$mote" ]; then
  echo "onnx-qdq.sh: $mote not found; build first: meson setup $build && ninja -C $build" >&2
  exit 1
fi
work="$build/onnx-qdq"
venv=${VENV:-"$here/../build/peers-venv"}
mkdir -p "$work"
. "$here/peers-venv.sh"
peers_venv "$venv" onnxruntime,onnx onnxruntime onnx numpy

"$mote" train "$here/../models/seed.toml" --data "fashion-mnist:train:${TRAIN_ITEMS:-10000}" --epochs 1 \
  --checkpoint "$work/seed.ckpt" --quiet | tail -1
"$mote" export "$work/seed.ckpt" --onnx --out "$work/seed.onnx" | tail -1
scale=$(sed -n 's/^scale *= *\([0-9.e-]*\).*/\1/p' "$here/../models/seed.toml" | head -1)

# Quantize (onnxruntime), then import each model with mote and predict.
"$venv/bin/python" - "$work" "$scale" <<'EOF'
import gzip, sys
import numpy as np
import onnx
from onnx import numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

work, scale = sys.argv[1], np.float32(sys.argv[2])
# onnxruntime folds a Conv's BatchNormalization but not a Gemm's: fold those
# here, so the float model onnxruntime quantizes is mote's inference model.
m = onnx.load(f"{work}/seed.onnx")
inits = {t.name: t for t in m.graph.initializer}
producer = {o: n for n in m.graph.node for o in n.output}
for bn in [n for n in m.graph.node if n.op_type == "BatchNormalization"]:
    gemm = producer.get(bn.input[0])
    if gemm is None or gemm.op_type != "Gemm":
        continue
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}
    eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
    g, b, mean, var = (numpy_helper.to_array(inits[i]).astype(np.float64) for i in bn.input[1:5])
    k = g / np.sqrt(var + eps)
    w = numpy_helper.to_array(inits[gemm.input[1]]).astype(np.float64)
    w = w * k[:, None] if attrs.get("transB", 0) else w * k[None, :]
    bias = numpy_helper.to_array(inits[gemm.input[2]]).astype(np.float64) if len(gemm.input) > 2 else 0.0
    inits[gemm.input[1]].CopyFrom(numpy_helper.from_array(w.astype(np.float32), gemm.input[1]))
    name = gemm.name + "/folded_bias"
    m.graph.initializer.append(numpy_helper.from_array(((bias - mean) * k + b).astype(np.float32), name))
    del gemm.input[2:]
    gemm.input.append(name)
    gemm.output[0] = bn.output[0]
    m.graph.node.remove(bn)
onnx.save(m, f"{work}/seed_folded.onnx")
quant_pre_process(f"{work}/seed_folded.onnx", f"{work}/seed_pre.onnx", skip_symbolic_shape=True)

with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    train = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)[:200]
calib = train.astype(np.float32) * scale
input_name = onnx.load(f"{work}/seed_pre.onnx").graph.input[0].name


class Reader(CalibrationDataReader):
    def __init__(self):
        self.items = iter([{input_name: calib[i:i + 1]} for i in range(len(calib))])

    def get_next(self):
        return next(self.items, None)


for name, fmt, act, per_channel in (("int8_per_channel", QuantFormat.QDQ, QuantType.QInt8, True),
                                    ("uint8_per_tensor", QuantFormat.QDQ, QuantType.QUInt8, False),
                                    ("qoperator", QuantFormat.QOperator, QuantType.QUInt8, True)):
    quantize_static(f"{work}/seed_pre.onnx", f"{work}/{name}.onnx", Reader(), quant_format=fmt,
                    activation_type=act, weight_type=QuantType.QInt8, per_channel=per_channel)
EOF
for name in int8_per_channel uint8_per_tensor qoperator; do
  "$mote" import "$work/$name.onnx" --to-runtime --out "$work/$name.mote" | tail -1
  "$mote" predict "$work/$name.mote" --data "fashion-mnist:test:$images" --scale "$scale" \
    --out "$work/$name.csv" | tail -1
done

"$venv/bin/python" - "$work" "$images" "$scale" <<'EOF'
import gzip, json, sys
import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

work, n, scale = sys.argv[1], int(sys.argv[2]), np.float32(sys.argv[3])
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:n]
x = (raw.astype(np.float32) * scale)[:, None]
result = {"images": n, "onnxruntime": ort.__version__}
for name in ("int8_per_channel", "uint8_per_tensor", "qoperator"):
    m = onnx.load(f"{work}/{name}.onnx")
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    last = next(nd for nd in m.graph.node if m.graph.output[0].name in nd.output)
    step = float(inits[last.input[1]]) if last.op_type == "DequantizeLinear" else float("nan")
    session = ort.InferenceSession(f"{work}/{name}.onnx", providers=["CPUExecutionProvider"])
    onnx_out = np.concatenate([session.run(None, {session.get_inputs()[0].name: x[i:i + 1]})[0] for i in range(n)])
    mote = np.loadtxt(f"{work}/{name}.csv", delimiter=",", dtype=np.float64)[:, 2:]
    steps = np.abs(onnx_out - mote) / step
    agree = float((onnx_out.argmax(1) == mote.argmax(1)).mean())
    print(f"{name}: onnxruntime vs mote int8 runtime: max |diff| {steps.max():.3g} steps of {step:.4g}, "
          f"{(steps < 1e-3).mean() * 100:.2f} % of outputs equal, argmax agreement {agree:.4f} ({n} images)")
    result[name] = {"step": step, "max_steps": float(f"{steps.max():.3g}"),
                    "equal_outputs": float(f"{(steps < 1e-3).mean():.4f}"), "argmax_agreement": agree}
print(json.dumps(result, separators=(",", ":")))
EOF
