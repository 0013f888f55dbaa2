#!/usr/bin/env bash
# Learning on the board (issue 16): fine-tunes the seed network's last dense
# layer on the emulated Cortex-M4 (QEMU mps2-an386) to a shift of the inputs it
# never saw, and checks the update against the training library.
#   1. the native tools (NATIVE/src/cli/mote, NATIVE/examples/fashion_mnist;
#      configured and built when missing): train the seed network briefly (1
#      epoch, 2000 images, as ports/matrix.sh), export it plain (the RAM
#      baseline) and with a trainable tail (`--trainable 1`, SGD);
#   2. `mote finetune`: the shifted images (default: inverted, 255 - pixel),
#      the host runtime's before / after accuracy, and the training library's
#      tail trained on the same examples (its parameters go to the firmware);
#   3. the fine-tuning firmware (ports/cortex-m/finetune_firmware.cc) on the M4
#      under QEMU with the instruction-counting plugin: accuracy on the shifted
#      test images before and after fine-tuning on the board, instructions per
#      training step, the tuned tail against the library's bit for bit; then
#      the firmware stores the tuned tail through the port hook (a CRC-checked
#      tail record in the storage page at the end of flash) and resets the
#      board (SYSRESETREQ); the second boot loads the record, trains nothing
#      and measures the accuracy again; the no-heap symbol check of the firmware.
# Ends with one JSON line: before_accuracy, after_accuracy, persisted_accuracy
# (second boot, from the stored tail), examples, epochs, shift,
# extra_ram_bytes (arena with training - without; SGD), extra_ram_bytes_by_optimizer
# (every optimizer the export offers, SGD with the bias-only option and SGD on
# the last two dense layers; batch accumulation adds nothing),
# arena_bytes, trainable_bytes, tail_record_bytes, instructions_per_step,
# instructions_per_inference, macs_per_step (mote inspect),
# agreement_with_library (share of tail parameters within 1e-5 of the
# library's: the M4's FPU kernels fuse multiply-adds, the host's scalar
# reference does not), bit_identical_with_library (share bit for bit),
# max_abs_diff, pass.
#
#   ports/finetune.sh [--native DIR] [--prefix DIR] [--examples N] [--test N] [--epochs E]
#                     [--shift invert|gain] [--learning-rate LR]
# Needs the packages of ports/setup-debian.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

native=build/ci-native
prefix=build/finetune
examples=500
test_images=500
epochs=2
shift_name=invert
lr=0.05
while [[ $# -gt 0 ]]; do
  case $1 in
    --native) native=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --test) test_images=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --shift) shift_name=$2; shift 2 ;;
    --learning-rate) lr=$2; shift 2 ;;
    *) sed -n 2,31p "$0" >&2; exit 2 ;;
  esac
done
mote=$native/src/cli/mote
train=$native/examples/fashion_mnist

# ---- 1. native tools, seed network, exports -----------------------------------------
if [[ ! -f $native/build.ninja ]]; then
  meson setup "$native" -Dbench=false >/dev/null
fi
ninja -C "$native" src/cli/mote examples/fashion_mnist >/dev/null
inputs=$prefix-inputs
mkdir -p "$inputs"
if [[ ! -f $inputs/seed.ckpt ]]; then
  echo "finetune: training the seed network (1 epoch, 2000 images)"
  "$train" --epochs 1 --train-limit 2000 --quiet --checkpoint "$inputs/seed.ckpt" >/dev/null
fi
plain_json=$("$mote" export "$inputs/seed.ckpt" --out "$inputs/plain.mote" | tail -1)
tail_json=$("$mote" export "$inputs/seed.ckpt" --out "$inputs/tail.mote" --trainable 1 --optimizer sgd \
  --learning-rate "$lr" --c-array "$inputs/tail" --c-name mote_model_f32 | tail -1)
num() { sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p" <<<"$2"; }
arena_plain=$(num arena_bytes "$plain_json")
arena_tail=$(num arena_bytes "$tail_json")
extra_ram=$((arena_tail - arena_plain))
echo "finetune: arena $arena_plain bytes without training, $arena_tail with the trainable tail (+$extra_ram)"
# The other optimizers' extra RAM (their state blocks), from their exports' plans.
by_optimizer="\"sgd\":$extra_ram"
for opt in momentum nesterov adam; do
  opt_json=$("$mote" export "$inputs/seed.ckpt" --out "$inputs/tail_$opt.mote" --trainable 1 --optimizer "$opt" | tail -1)
  by_optimizer+=",\"$opt\":$(($(num arena_bytes "$opt_json") - arena_plain))"
done
# The bias-only option (the 50-unit dense layer's bias too), with SGD.
bias_json=$("$mote" export "$inputs/seed.ckpt" --out "$inputs/tail_bias.mote" --trainable 1 --trainable-bias 1 | tail -1)
by_optimizer+=",\"sgd_with_bias_option\":$(($(num arena_bytes "$bias_json") - arena_plain))"
# The last two dense layers (3920 -> 50 and 50 -> 10), with SGD.
two_json=$("$mote" export "$inputs/seed.ckpt" --out "$inputs/tail_two.mote" --trainable 2 | tail -1)
by_optimizer+=",\"sgd_two_layers\":$(($(num arena_bytes "$two_json") - arena_plain))"
macs_per_step=$("$mote" inspect "$inputs/tail.mote" --json | sed -n 's/.*"macs_per_step":\([0-9]*\).*/\1/p')

# ---- 2. shifted data + the library's reference on the host ------------------------
host_json=$("$mote" finetune "$inputs/seed.ckpt" "$inputs/tail.mote" --train "$examples" --test "$test_images" \
  --epochs "$epochs" --shift "$shift_name" --out "$inputs/finetune_data" | tee /dev/stderr | tail -1)

# ---- 3. the M4 firmware under QEMU ----------------------------------------------------
cross=ports/cortex-m4/cross.ini
machine=$(sed -n "s/^qemu_machine *= *'\(.*\)'.*/\1/p" "$cross")
dir=$prefix-m4
options=(-Druntime_ops=conv2d,dense,reshape,softmax,quantize,dequantize
         -Dfirmware_model="$root/$inputs/tail.c" -Dfirmware_finetune="$root/$inputs/finetune_data.c")
if [[ -f $dir/build.ninja ]]; then
  meson configure "$dir" "${options[@]}" >/dev/null
else
  meson setup "$dir" --cross-file "$cross" -Dtests=false "${options[@]}" >/dev/null
fi
ninja -C "$dir" ports/cortex-m/finetune_firmware.elf ports/cortex-m/libinsn_windows.so >/dev/null
elf=$dir/ports/cortex-m/finetune_firmware.elf
status=0
log=$(ports/cortex-m/run-firmware.sh "$(command -v qemu-system-arm)" "$machine" \
  "$dir/ports/cortex-m/libinsn_windows.so" "$(command -v arm-none-eabi-nm)" "$elf" 2>&1) || status=$?
echo "$log"
heap=ok
ports/cortex-m/check-no-heap.sh "$(command -v arm-none-eabi-nm)" "$elf" >/dev/null || { heap=FAILED; status=1; }
echo "finetune: no-heap check of the firmware: $heap"

field() { awk -v k="$2" '{ for (i = 1; i < NF; ++i) if ($i == k) { print $(i + 1); exit } }' <<<"$1"; }
before_line=$(grep '^finetune before:' <<<"$log" || true)
after_line=$(grep '^finetune after:' <<<"$log" || true)
arena_line=$(grep '^finetune arena' <<<"$log" || true)
restored_line=$(grep '^finetune restored:' <<<"$log" || true)
n=$test_images
before=$(awk -v c="$(field "$before_line" correct)" -v n="$n" 'BEGIN { printf "%.4f", c / n }')
after=$(awk -v c="$(field "$after_line" correct)" -v n="$n" 'BEGIN { printf "%.4f", c / n }')
persisted=null
if [[ -n $restored_line ]]; then
  persisted=$(awk -v c="$(field "$restored_line" correct)" -v n="$n" 'BEGIN { printf "%.4f", c / n }')
fi
record_bytes=$(sed -n 's/^finetune stored: record \([0-9]*\) bytes.*/\1/p' <<<"$log")
params=$(field "$arena_line" params)
identical=$(field "$arena_line" identical)
within=$(field "$arena_line" within)
agreement=$(awk -v a="$within" -v p="$params" 'BEGIN { printf "%.4f", a / p }')
bit_identical=$(awk -v a="$identical" -v p="$params" 'BEGIN { printf "%.4f", a / p }')
per_step=$(sed -n 's/^instructions per inference train: \([0-9]*\).*/\1/p' <<<"$log")
per_inference=$(sed -n 's/^instructions per inference invoke: \([0-9]*\).*/\1/p' <<<"$log")
pass=false
# Passes when both boots passed and the second boot, from the stored tail
# alone, classifies exactly as the first did after fine-tuning.
[[ $status -eq 0 ]] && grep -q '^PASS' <<<"$log" && [[ $persisted == "$after" ]] && pass=true
printf '{"shift":"%s","examples":%s,"epochs":%s,"test_images":%s,"before_accuracy":%s,"after_accuracy":%s,"persisted_accuracy":%s,"host_before_accuracy":%s,"host_after_accuracy":%s,"extra_ram_bytes":%s,"extra_ram_bytes_by_optimizer":{%s},"arena_bytes":%s,"arena_bytes_without_training":%s,"trainable_bytes":%s,"tail_record_bytes":%s,"instructions_per_step":%s,"instructions_per_inference":%s,"macs_per_step":%s,"agreement_with_library":%s,"bit_identical_with_library":%s,"max_abs_diff":%s,"no_heap":%s,"pass":%s}\n' \
  "$shift_name" "$examples" "$epochs" "$n" "$before" "$after" "$persisted" "$(num before_accuracy "$host_json")" \
  "$(num after_accuracy "$host_json")" "$extra_ram" "$by_optimizer" "$arena_tail" "$arena_plain" \
  "$(field "$arena_line" trainable)" "${record_bytes:-null}" "${per_step:-null}" "${per_inference:-null}" \
  "${macs_per_step:-null}" "$agreement" "$bit_identical" "$(field "$arena_line" max_abs_diff)" \
  "$([[ $heap == ok ]] && echo true || echo false)" "$pass"
[[ $pass == true ]]
