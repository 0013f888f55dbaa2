#!/usr/bin/env bash
# mote's main job (README, first command): train -> export -> run on an emulated board.
#   1. builds mote for this machine (build/main-job/host, no tests or benchmarks);
#   2. trains the seed network on Fashion-MNIST (examples/fashion_mnist, a short
#      budget: EPOCHS, default 3) and saves a checkpoint;
#   3. exports it as an fp32 model (batchnorm folded, ReLU fused) and as an int8
#      model (post-training quantization on CALIBRATION training images), each as a
#      model file and a C array;
#      and runs both through the host runtime on the full test set (accuracy,
#      max logit difference and argmax agreement with the training library);
#   4. prints the inspect report of both (after step 5, with the runtime's code size);
#   6. cross-compiles the runtime firmware for the Cortex-M4F (QEMU mps2-an386)
#      with both models and BOARD_IMAGES test images, prints its sizes, runs it
#      under qemu-system-arm with an instruction-counting plugin;
#   7. ends with one JSON line: host/board accuracy, agreement, int8 accuracy,
#      model/arena/runtime bytes, instructions per inference.
# Needs the packages of ports/setup-debian.sh. Outputs go to build/main-job/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

epochs=${EPOCHS:-3}
calibration=${CALIBRATION:-1000}
board_images=${BOARD_IMAGES:-200}
out=build/main-job
host=$out/host
m4=$out/m4
mkdir -p "$out"
step() { printf '\n======== %s ========\n' "$*"; }
json_field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1" | tail -1; }

step "build (host)"
[[ -f $host/build.ninja ]] || meson setup "$host" -Dtests=false -Dbench=false
ninja -C "$host" src/cli/mote examples/fashion_mnist
mote=$host/src/cli/mote

step "train the seed network ($epochs epochs)"
"$host/examples/fashion_mnist" --epochs "$epochs" --checkpoint "$out/seed.ckpt" | tee "$out/train.log"
train_json=$(tail -1 "$out/train.log")
library_accuracy=$(json_field "$train_json" test_accuracy)

step "export fp32 and int8, run both on the host runtime over the full test set"
# --evaluate 0: every test image through the host runtime and the training library.
"$mote" export "$out/seed.ckpt" --out "$out/seed_f32.mote" \
  --c-array "$out/seed_f32" --c-name mote_model_f32 --evaluate 0 | tee "$out/export_f32.log"
"$mote" export "$out/seed.ckpt" --int8 --calibration "$calibration" \
  --out "$out/seed_i8.mote" --c-array "$out/seed_i8" --c-name mote_model_i8 --evaluate 0 | tee "$out/export_i8.log"
f32_json=$(tail -1 "$out/export_f32.log")
i8_json=$(tail -1 "$out/export_i8.log")

step "cross-compile the firmware for Cortex-M4F"
"$mote" testset "$out/seed.ckpt" --images "$board_images" --out "$out/testset"
# Only the ops these two models use are linked into the runtime.
m4_options=(-Druntime_ops=conv2d,dense,reshape,softmax,quantize,dequantize -Dfirmware_model="$root/$out/seed_f32.c" -Dfirmware_model_int8="$root/$out/seed_i8.c"
            -Dfirmware_testset="$root/$out/testset.c")
if [[ -f $m4/build.ninja ]]; then
  meson configure "$m4" "${m4_options[@]}"
else
  meson setup "$m4" --cross-file ports/cortex-m4/cross.ini "${m4_options[@]}"
fi
ninja -C "$m4" ports/cortex-m/model_firmware.elf ports/cortex-m/libinsn_windows.so
firmware=$m4/ports/cortex-m/model_firmware.elf
arm-none-eabi-size "$firmware"
# Code the firmware links from mote (runtime + kernels + core), from the link map.
sizes=$(ports/cortex-m/code-size.sh "$m4/ports/cortex-m/model_firmware.map")
runtime_text=$(sed -n 's/.*libmote_text=\([0-9]*\).*/\1/p' <<<"$sizes")
echo "mote code in the firmware: $runtime_text bytes of .text (${sizes#* }, the rest kernels and core)"

step "inspect"
"$mote" inspect "$out/seed_f32.mote" --runtime-text "$runtime_text"
"$mote" inspect "$out/seed_i8.mote" --runtime-text "$runtime_text"


step "run on the emulated board (qemu-system-arm mps2-an386)"
ports/cortex-m/run-firmware.sh "$(command -v qemu-system-arm)" mps2-an386 "$m4/ports/cortex-m/libinsn_windows.so" \
  "$(command -v arm-none-eabi-nm)" "$firmware" 2>&1 | tee "$out/board.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "main job: the firmware failed" >&2; exit 1; }
board_log=$(cat "$out/board.log")
board_line=$(grep '^model fp32:' <<<"$board_log")
board_correct=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "correct") print $(i + 1) }' <<<"$board_line")
board_agree=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "agree") print $(i + 1) }' <<<"$board_line")
board_n=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "images") print $(i + 1) }' <<<"$board_line")
insns_f32=$(sed -n 's/^instructions per inference f32: \([0-9]*\).*/\1/p' <<<"$board_log")
insns_i8=$(sed -n 's/^instructions per inference i8: \([0-9]*\).*/\1/p' <<<"$board_log")
model_bytes=$(stat -c %s "$out/seed_f32.mote")
model_bytes_i8=$(stat -c %s "$out/seed_i8.mote")

step "summary ($SECONDS s)"
echo "training library test accuracy: $library_accuracy (exported fp32 on the host runtime: max |logit diff| $(json_field "$f32_json" max_abs_diff), argmax agreement $(json_field "$f32_json" agreement))"
printf '{"host_accuracy":%s,"board_accuracy":%s,"board_images":%s,"agreement":%s,"int8_accuracy":%s,' \
  "$(json_field "$f32_json" exported_accuracy)" "$(awk -v c="$board_correct" -v n="$board_n" 'BEGIN { printf "%.4f", c / n }')" \
  "$board_n" "$(awk -v c="$board_agree" -v n="$board_n" 'BEGIN { printf "%.4f", c / n }')" \
  "$(json_field "$i8_json" exported_accuracy)"
printf '"model_bytes":%s,"model_bytes_int8":%s,"arena_bytes":%s,"arena_bytes_int8":%s,"runtime_text_bytes":%s,' \
  "$model_bytes" "$model_bytes_i8" "$(json_field "$f32_json" arena_bytes)" "$(json_field "$i8_json" arena_bytes)" \
  "$runtime_text"
printf '"instructions_per_inference":%s,"instructions_per_inference_int8":%s}\n' "${insns_f32:-null}" "${insns_i8:-null}"
