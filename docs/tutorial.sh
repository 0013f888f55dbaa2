#!/usr/bin/env bash
# "Your own data to your board" (docs/tutorial.md quotes this script): a data
# set mote has never seen (16x16 shapes, made by docs/tutorial/make_shapes.py)
# goes through the CLI only, no C++:
#   model file -> mote train -> mote export fp32 and int8 (calibrated on the
#   same data) -> mote inspect -> host runtime agreement -> the Cortex-M4
#   firmware under QEMU, checked against the host.
#
#   docs/tutorial.sh [WORK_DIR]       (default build/tutorial)
#
# MOTE=path/to/mote uses an existing build of the tool (CI does); otherwise
# the script builds one in WORK_DIR/host. The last line is one JSON object:
# test_accuracy, agreement_fp32, int8_accuracy, board_agreement,
# board_agreement_int8, board_images, model_bytes, arena_bytes, ...
# Exit status: 0 when every step ran and every check held.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mkdir -p "${1:-$root/build/tutorial}" && cd "${1:-$root/build/tutorial}" && pwd)
step() { printf '\n==== %s ====\n' "$*"; }

if [[ -z ${MOTE:-} ]]; then
  step "build the mote tool"
  [[ -f $work/host/build.ninja ]] || meson setup "$work/host" "$root" -Dtests=false -Dbench=false
  ninja -C "$work/host" src/cli/mote
  MOTE=$work/host/src/cli/mote
fi
MOTE=$(realpath "$MOTE")
mote() { "$MOTE" "$@"; }
cd "$work"

step "1. the data: a CSV of labelled 16x16 images (label first, then 256 pixels 0..255)"
python3 "$root/docs/tutorial/make_shapes.py" . 4000 1000
head -c 120 shapes-train.csv; echo ...

step "2. the model file"
cp "$root/docs/tutorial/shapes.toml" .
cat shapes.toml

step "3. train"
mote train shapes.toml --data shapes-train.csv --header --label-column 0 --test shapes-test.csv --checkpoint shapes.ckpt | tee train.log

step "4. evaluate and predict from the checkpoint alone"
mote evaluate shapes.ckpt --data shapes-test.csv --header --label-column 0
mote predict shapes.ckpt --data shapes-test.csv:5 --header --label-column 0

step "5. export fp32 and int8 (calibrated on 500 training items), compare on the host runtime"
mote export shapes.ckpt --out shapes_f32.mote --c-array shapes_f32 --c-name mote_model_f32 --evaluate shapes-test.csv --header --label-column 0 | tee export_f32.log
mote export shapes.ckpt --int8 --calibration shapes-train.csv:500 --out shapes_i8.mote --c-array shapes_i8 --c-name mote_model_i8 --evaluate shapes-test.csv --header --label-column 0 | tee export_i8.log

step "6. inspect: per-op report, flash and RAM"
mote inspect shapes_i8.mote

step "7. on the board: the Cortex-M4 firmware under QEMU, 50 test items"
mote testset shapes.ckpt --data shapes-test.csv --header --label-column 0 --images 50 --out testset
"$root/ports/cortex-m/run-model.sh" cortex-m4 "$work/m4" shapes_f32.c shapes_i8.c testset.c 2>&1 | tee board.log

step "summary"
python3 - <<'PY'
import json, re
last = lambda path: json.loads(open(path).read().strip().splitlines()[-1])
train, f32, i8 = last("train.log"), last("export_f32.log"), last("export_i8.log")
board = {}
for line in open("board.log"):
    m = re.match(r"model (\w+): images (\d+) correct (\d+) agree (\d+)", line)
    if m:
        board[m.group(1)] = [int(m.group(i)) for i in (2, 3, 4)]
n, correct, agree = board["fp32"]
print(json.dumps({
    "test_accuracy": train["test_accuracy"],
    "agreement_fp32": f32["agreement"],
    "int8_accuracy": i8["exported_accuracy"],
    "agreement_int8": i8["agreement"],
    "board_images": n,
    "board_accuracy": round(correct / n, 4),
    "board_agreement": round(agree / n, 4),
    "board_agreement_int8": round(board["int8"][2] / n, 4),
    "model_bytes": f32["model_bytes"],
    "model_bytes_int8": i8["model_bytes"],
    "arena_bytes": f32["arena_bytes"],
    "arena_bytes_int8": i8["arena_bytes"],
}, separators=(",", ":")))
PY
