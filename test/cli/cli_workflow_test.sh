#!/usr/bin/env bash
# The `mote` tool end to end on a small CSV data set made here: every command
# with good input (results checked), and usage errors (exit 2) and bad files
# or data (exit 1, a message naming the place) for each.
#   cli_workflow_test.sh MOTE WORK_DIR
set -uo pipefail
mote=$(realpath "$1")
work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE PATTERN CMD...: CMD exits with CODE and its output (stdout +
# stderr) matches the extended regex PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -ne $code ]]; then
    fail "'$*' exited $rc, expected $code; output: $(tail -3 <<<"$out")"
  elif ! grep -Eq -- "$pattern" <<<"$out"; then
    fail "'$*': output does not match /$pattern/: $(tail -3 <<<"$out")"
  fi
  last_output=$out
}
json() { tail -1 <<<"$last_output" | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }

# Three classes of 6 features: class k has its features around k (noise +-0.3).
awk 'BEGIN { srand(3); for (i = 0; i < 300; ++i) { k = i % 3; line = "";
       for (f = 0; f < 6; ++f) line = line sprintf("%.3f,", k + (rand() - 0.5) * 0.6 + (f == k) * 0.5);
       print line k } }' >all.csv
head -240 all.csv >train.csv
tail -60 all.csv >test.csv
cat >model.toml <<'TOML'
[input]
shape = [6]

[[layers]]
type = "dense"
units = 8

[[layers]]
type = "relu"

[[layers]]
type = "dense"
units = 3

[optimizer]
type = "adam"
learning_rate = 0.02

[training]
epochs = 4
batch_size = 16
TOML

# ---- usage errors: exit 2 ----
expect 0 "commands" "$mote"
expect 2 "unknown command" "$mote" no-such-command
for cmd in train evaluate predict export import inspect testset; do
  expect 0 "usage: mote $cmd" "$mote" "$cmd" --help
done
expect 2 "required" "$mote" train
expect 2 "required" "$mote" train model.toml
expect 2 "non-negative integer" "$mote" train model.toml --data train.csv --epochs many
expect 2 "unknown or incomplete option" "$mote" export model.ckpt --no-such-option
expect 2 "required" "$mote" evaluate model.ckpt
expect 2 "required" "$mote" testset model.ckpt
expect 2 "required" "$mote" import
expect 2 "--int8 goes with --to-runtime" "$mote" import model.onnx --int8
expect 2 "--fp32 goes with --to-runtime" "$mote" import model.onnx --fp32

# ---- train ----
expect 0 '"test_accuracy":' "$mote" train model.toml --data train.csv --test test.csv --checkpoint model.ckpt --quiet
accuracy=$(json test_accuracy)
awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.9) }' || fail "test accuracy $accuracy < 0.9 on separable data"
[[ $(json epochs) == 4 ]] || fail "epochs $(json epochs), expected 4 (from the model file)"
expect 0 '"epochs":2' "$mote" train model.toml --data train.csv --epochs 2 --checkpoint two.ckpt --quiet

# ---- bad files and data: exit 1, nothing written ----
expect 1 "no-such.toml" "$mote" train no-such.toml --data train.csv --checkpoint bad.ckpt
sed 's/units = 8/unitz = 8/' model.toml >typo.toml
expect 1 "typo.toml:[0-9]+:[0-9]+: key .*unit" "$mote" train typo.toml --data train.csv --checkpoint bad.ckpt
sed 's/shape = \[6\]/shape = [5]/' model.toml >shape.toml
expect 1 "5" "$mote" train shape.toml --data train.csv --checkpoint bad.ckpt
sed '7s/,[0-9]$/,7/' train.csv >badlabel.csv
expect 1 "label 7" "$mote" train model.toml --data badlabel.csv --checkpoint bad.ckpt
sed '9s/^[^,]*,/oops,/' train.csv >badfield.csv
expect 1 "badfield.csv:9:1" "$mote" train model.toml --data badfield.csv --checkpoint bad.ckpt
expect 1 "no-such.csv" "$mote" train model.toml --data no-such.csv --checkpoint bad.ckpt
[[ ! -e bad.ckpt ]] || fail "a failed train wrote its checkpoint"

# ---- evaluate / predict from the checkpoint alone ----
expect 0 '"accuracy":' "$mote" evaluate model.ckpt --data test.csv
[[ $(json accuracy) == "$accuracy" ]] || fail "evaluate accuracy $(json accuracy) != train's test accuracy $accuracy"
expect 0 '"items":60' "$mote" predict model.ckpt --data test.csv --out predictions.csv
[[ $(wc -l <predictions.csv) -eq 60 ]] || fail "predict wrote $(wc -l <predictions.csv) lines, expected 60"
[[ $(awk -F, 'NR == 1 { print NF }' predictions.csv) -eq 5 ]] || fail "predict: expected item,class and 3 outputs"
expect 0 "^0,[0-2],"  "$mote" predict model.ckpt --data test.csv:3
[[ $(wc -l <<<"$last_output") -eq 3 ]] || fail "predict test.csv:3 printed $(wc -l <<<"$last_output") lines"
head -c 100 model.ckpt >truncated.ckpt
expect 1 "truncated.ckpt" "$mote" evaluate truncated.ckpt --data test.csv
expect 1 "test.csv:1:1: .*label" "$mote" evaluate model.ckpt --data test.csv --label-column 0
cut -d, -f2- test.csv >five.csv
expect 1 "five.csv: items of 5 values \[5\], but the model's input takes \[6\] \(6 values\)" "$mote" evaluate model.ckpt --data five.csv

# ---- the same test items as NumPy files (.npy pair, .npz with Keras's keys) ----
python3 - <<'PY'
import io, struct, zipfile
rows = [line.strip().split(",") for line in open("test.csv")]
def npy(descr, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload
x = npy("<f4", "(%d, 6)" % len(rows), b"".join(struct.pack("<6f", *map(float, r[:6])) for r in rows))
y = npy("<i8", "(%d,)" % len(rows), b"".join(struct.pack("<q", int(r[6])) for r in rows))
open("x.npy", "wb").write(x)
open("y.npy", "wb").write(y)
with zipfile.ZipFile("data.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("x_test.npy", x)
    z.writestr("y_test.npy", y)
PY
expect 0 "\"accuracy\":$accuracy" "$mote" evaluate model.ckpt --data x.npy,y.npy
expect 0 "\"accuracy\":$accuracy" "$mote" evaluate model.ckpt --data data.npz:x_test,y_test
expect 1 "data.npz" "$mote" evaluate model.ckpt --data data.npz:x,y
head -c 200 x.npy >cut.npy
expect 1 "cut.npy" "$mote" evaluate model.ckpt --data cut.npy,y.npy

# ---- export, inspect, the exported model through the host runtime ----
expect 0 '"agreement":1.0000' "$mote" export model.ckpt --out model.mote --evaluate test.csv
expect 0 '"int8":true' "$mote" export model.ckpt --int8 --calibration train.csv:50 --out model_i8.mote \
  --c-array model_i8 --evaluate test.csv
[[ $(json calibration_items) == 50 ]] || fail "int8 calibrated on $(json calibration_items) items, expected 50"
[[ -s model_i8.c && -s model_i8.h ]] || fail "--c-array wrote no C files"
expect 0 '"agreement":1.0000' "$mote" export model.ckpt --target host --out host.mote --evaluate test.csv
expect 0 '"int8":true' "$mote" export model.ckpt --target host --int8 --calibration train.csv:50 --out host_i8.mote
expect 2 "must be mcu or host" "$mote" export model.ckpt --target gpu --out never.mote
expect 2 "not with --onnx or --c-array" "$mote" export model.ckpt --target host --c-array never --out never.mote
expect 2 "needs --calibration" "$mote" export model.ckpt --int8 --out never.mote
[[ ! -e never.mote ]] || fail "a refused export wrote never.mote"
expect 0 "arena" "$mote" inspect model_i8.mote
expect 0 '^\{' "$mote" inspect model.mote --json
expect 1 "model.ckpt" "$mote" inspect model.ckpt
# Trainable tails for on-device training: the last layer, its feeding layer's bias, both layers.
expect 0 '"trainable_layers":1' "$mote" export model.ckpt --out tail.mote --trainable 1 --optimizer adam
expect 0 "training: op 1 \(dense\), adam, 27 trainable parameters" "$mote" inspect tail.mote
expect 0 '"trainable_bias_layers":1' "$mote" export model.ckpt --out tail_bias.mote --trainable 1 --trainable-bias 1
expect 0 "35 trainable parameters" "$mote" inspect tail_bias.mote
expect 0 '"trainable_layers":2' "$mote" export model.ckpt --out tail_two.mote --trainable 2
expect 0 '"trainable_params":83' "$mote" inspect tail_two.mote --json
expect 2 "needs --trainable" "$mote" export model.ckpt --out x.mote --trainable-bias 1
expect 1 "at most the last two" "$mote" export model.ckpt --out x.mote --trainable 3
expect 0 "\"accuracy\":$accuracy" "$mote" evaluate model.mote --data test.csv
# --scale 0 makes every item zeros: two items, one output row.
expect 0 "^0," "$mote" predict model.mote --data test.csv:2 --scale 0
[[ $(cut -d, -f3- <<<"$last_output" | sort -u | wc -l) -eq 1 ]] || fail "predict --scale 0: items still differ"

# ---- predict --input (items alone) and --output Y.npy, checkpoint and .mote ----
expect 2 "one of --data .* or --input" "$mote" predict model.ckpt
expect 2 "one of --data .* or --input" "$mote" predict model.ckpt --data test.csv --input x.npy
expect 2 "unknown or incomplete option" "$mote" evaluate model.ckpt --input x.npy
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  /usr/bin/python3 - <<'PY'
import numpy as np
rows = np.loadtxt("test.csv", delimiter=",", dtype=np.float32)
x = rows[:, :6]
np.save("x_only.npy", x)
np.savetxt("x_only.csv", x, delimiter=",", fmt="%.3f")
np.savez("x_only.npz", feats=x)
np.save("x_five.npy", x[:, :5])
# Bytes for the .mote with --scale 0.025: the same numbers as u8 * 0.025 in float32.
u8 = np.clip(np.round((x + 1) * 40), 0, 255).astype(np.uint8)
np.save("x_u8.npy", u8)
np.save("x_u8_scaled.npy", u8.astype(np.float32) * np.float32(0.025))
# An image model's data: [N, H, W, C] = [N, 3, 2, 2] and PyTorch's [N, C, H, W].
rng = np.random.default_rng(5)
img = rng.standard_normal((40, 3, 2, 2)).astype(np.float32)
np.save("img_nhwc.npy", img)
np.save("img_nchw.npy", np.ascontiguousarray(img.transpose(0, 3, 1, 2)))
labels = (img.sum(axis=(1, 2, 3)) > 0).astype(np.int64)
np.savetxt("img.csv", np.concatenate([img.reshape(40, -1), labels[:, None]], axis=1), delimiter=",", fmt="%.7g")
PY
  expect 0 '"items":60,"outputs":3' "$mote" predict model.ckpt --input x_only.npy --output y_ckpt.npy
  expect 0 '"out":"y_mote.npy"' "$mote" predict model.mote --input x_only.npy --output y_mote.npy
  expect 0 '"items":60' "$mote" predict model.ckpt --data test.csv --out ref_ckpt.csv
  expect 0 "\"accuracy\":$accuracy" "$mote" predict model.ckpt --data x.npy,y.npy --output y_labelled.npy
  expect 0 '"items":60' "$mote" predict model.ckpt --input x_only.csv --output y_csv.npy
  expect 0 '"items":10' "$mote" predict model.ckpt --input x_only.npz:feats:10 --output y_npz10.npy
  expect 0 '"items":60' "$mote" predict model.ckpt --input x_only.npy --output y_ckpt.csv
  expect 0 '"items":60' "$mote" predict model.mote --input x_u8.npy --scale 0.025 --output y_u8.npy
  expect 0 '"items":60' "$mote" predict model.mote --input x_u8_scaled.npy --output y_u8_ref.npy
  expect 1 "x_five.npy: items of 5 values \[5\], but the model's input takes \[6\]" \
    "$mote" predict model.mote --input x_five.npy --output never.npy
  [[ ! -e never.npy ]] || fail "a refused predict wrote never.npy"
  expect 1 "no-such-dir/y.npy: cannot write" "$mote" predict model.mote --input x_only.npy --output no-such-dir/y.npy
  /usr/bin/python3 - "$accuracy" <<'PY' || fail "predict --output .npy: outputs differ from --data's CSV / evaluate's accuracy"
import sys
import numpy as np
y, m = np.load("y_ckpt.npy"), np.load("y_mote.npy")
ref = np.loadtxt("ref_ckpt.csv", delimiter=",")
labels = np.loadtxt("test.csv", delimiter=",")[:, 6]
assert y.dtype == np.float32 and y.shape == (60, 3), (y.dtype, y.shape)
assert np.array_equal(y, ref[:, 2:].astype(np.float32)), "checkpoint .npy vs --data CSV"  # %.9g round-trips
assert np.array_equal(ref[:, 1], y.argmax(axis=1)), "classes"
assert np.abs(m - y).max() <= 1e-5, ("library vs host runtime", np.abs(m - y).max())
assert abs((y.argmax(axis=1) == labels).mean() - float(sys.argv[1])) < 1e-4, "accuracy"
assert np.array_equal(np.load("y_labelled.npy"), y), "--data X.npy,Y.npy"
assert np.array_equal(np.load("y_csv.npy"), y), "--input CSV"
assert np.array_equal(np.load("y_npz10.npy"), y[:10]), "--input npz:key:10"
assert np.array_equal(np.loadtxt("y_ckpt.csv", delimiter=",")[:, 2:].astype(np.float32), y), "--output CSV"
u8, u8_ref = np.load("y_u8.npy"), np.load("y_u8_ref.npy")
assert np.array_equal(u8, u8_ref), "uint8 input with --scale"
assert not np.array_equal(u8, m), "the uint8 data should differ from the float data"
PY
  # Images: channels-last [N, H, W, C] is taken, PyTorch's [N, C, H, W] (C = 2 > 1) refused naming the shape.
  cat >img.toml <<'TOML'
[input]
shape = [3, 2, 2]

[[layers]]
type = "conv2d"
filters = 3
kernel = 2
padding = "same"

[[layers]]
type = "relu"
max_value = 1.5

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 2

[training]
epochs = 1
batch_size = 8
TOML
  expect 0 '"checkpoint":"img.ckpt"' "$mote" train img.toml --data img.csv --checkpoint img.ckpt --quiet
  expect 0 '"agreement":1.0000' "$mote" export img.ckpt --out img.mote --evaluate img.csv
  # int8 calibration needs no labels: a lone X.npy (its first 20 items).
  expect 0 '"calibration_items":20' "$mote" export img.ckpt --int8 --calibration img_nhwc.npy:20 --out img_i8.mote
  for m in img.ckpt img.mote; do
    expect 0 "img_nchw.npy: items \[2, 3, 2\] are channels-first \(NCHW\): transposed to the model's channels-last \[3, 2, 2\]" \
      "$mote" predict "$m" --input img_nchw.npy --output "y_nchw_$m.npy"
    expect 0 '"items":40,"outputs":2' "$mote" predict "$m" --input img_nhwc.npy --output "y_$m.npy"
  done
  /usr/bin/python3 -c 'import numpy as np; a, b = np.load("y_img.ckpt.npy"), np.load("y_img.mote.npy")
assert a.shape == (40, 2) and np.abs(a - b).max() <= 1e-5, np.abs(a - b).max()
for m in ("img.ckpt", "img.mote"):
    assert (np.load("y_nchw_" + m + ".npy") == np.load("y_" + m + ".npy")).all(), m' || fail "image model: library vs runtime, NCHW vs NHWC input"
else
  echo "cli workflow: /usr/bin/python3 has no numpy, predict --input/--output checks skipped"
fi

# ONNX (docs/onnx.md): the export, or (a build without the ONNX libraries) a clear refusal.
if "$mote" export model.ckpt --onnx --out model.onnx >onnx.out 2>&1; then
  grep -q '"onnx":true' onnx.out && [[ -s model.onnx ]] || fail "export --onnx: $(tail -1 onnx.out)"
else
  grep -q "without ONNX" onnx.out || fail "export --onnx failed: $(tail -1 onnx.out)"
fi
expect 2 "not with --int8" "$mote" export model.ckpt --onnx --int8
expect 1 "no-such.ckpt" "$mote" export no-such.ckpt
expect 1 "truncated.ckpt" "$mote" export truncated.ckpt

# ---- mote import refuses what is no ONNX model (test/onnx has the real cases) ----
expect 1 "(no-such.onnx|without ONNX support)" "$mote" import no-such.onnx --out imported.ckpt
expect 1 "(not an ONNX model|without ONNX support)" "$mote" import model.ckpt --out imported.ckpt

# ---- fine-tuning: train goes on from a checkpoint ----
expect 0 '"checkpoint":"tuned.ckpt"' "$mote" train model.ckpt --data train.csv --epochs 1 --checkpoint tuned.ckpt --quiet

# ---- testset for firmware ----
expect 0 "floats" "$mote" testset model.ckpt --data test.csv --images 10 --out testset
grep -q "MOTE_TESTSET_IMAGES 10" testset.h || fail "testset.h: expected 10 items"

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli workflow: all checks passed"
