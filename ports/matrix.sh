#!/usr/bin/env bash
# The Cortex-M port matrix (issue 15): the seed network's fp32 and int8 models
# on every Cortex-M port, each under its QEMU board with the
# instruction-counting plugin (ports/cortex-m/insn_windows.c).
#   1. inputs: a seed checkpoint and its fp32 / int8 exports (C arrays), taken
#      from INPUTS when there (ports/run-tests.sh's m4 stage makes them), else
#      made by the native build's tools: examples/fashion_mnist trains the seed
#      network briefly (1 epoch, 2000 images), `mote export` exports it; and
#      N test images with the training library's outputs (`mote testset`);
#   2. per port (ports/<port>/cross.ini): configures PREFIX-<core> (e.g.
#      build/matrix-m4) with the firmware options, builds the model firmware
#      (ports/cortex-m/model_firmware.cc) and runs it on the port's board;
#   3. prints one table, the cortex-m4's instructions per layer (per op of the
#      runtime, with the model's multiply-adds from `mote inspect`), and ends
#      with one JSON line
#      {"ports":[{"port":"cortex-m4","insns_f32":..,"insns_i8":..,"text_bytes":..,"text_i8":..,
#        "arena_f32":..,"arena_i8":..,"agreement_f32":..,"agreement_i8":..,"images":..,
#        "crc_f32":"0x..","crc_i8":"0x..","pass":true}, ...]}
#      insns_*: guest instructions per inference; text_bytes: .text the firmware
#      links from libmote (runtime + kernels + core, ports/cortex-m/code-size.sh);
#      text_i8: the same for a firmware with the int8 model alone, built
#      (in PREFIX-<core>-i8) for the int8 seed op set only: -Druntime_ops of the
#      int8 model, -Druntime_dtypes=i8, -Druntime_training=false (it runs too:
#      its argmaxes must equal the full firmware's int8 ones, insns_i8_only);
#      arena_*: the planned arena; agreement_*: share of the images whose argmax
#      equals the training library's on the host; crc_*: CRC-32 of every output
#      (equal CRCs = bit-identical outputs); pass: the firmware's own checks held
#      (fp32: agreement 1 and logits within 1e-4; int8: agreement >= 0.9).
# Exit status 0 when every port built, ran and passed.
#
#   ports/matrix.sh [--images N] [--prefix PREFIX] [--inputs DIR] [--native DIR] [--ports "P1 P2 ..."]
#     --images N   test images per port (default 20)
#     --prefix     build directories PREFIX-m0plus ... PREFIX-m55 (default build/matrix)
#     --inputs     folder of seed.ckpt, seed_f32.c, seed_i8.c (default build/ci-m4-inputs)
#     --native     native build with src/cli/mote and examples/fashion_mnist (default build/ci-native)
#     --ports      a subset (default: all six)
# Also `ninja -C build/ci-native matrix` (a Meson run target of the native build).
# Needs the packages of ports/setup-debian.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

images=20
prefix=build/matrix
inputs=build/ci-m4-inputs
native=build/ci-native
ports=(cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33 cortex-m55)
while [[ $# -gt 0 ]]; do
  case $1 in
    --images) images=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --inputs) inputs=$2; shift 2 ;;
    --native) native=$2; shift 2 ;;
    --ports) read -r -a ports <<<"$2"; shift 2 ;;
    *) sed -n 2,34p "$0" >&2; exit 2 ;;
  esac
done
[[ $images =~ ^[1-9][0-9]*$ ]] || { echo "matrix: --images wants a positive number" >&2; exit 2; }
t_start=$SECONDS
mote=$native/src/cli/mote
train=$native/examples/fashion_mnist

# ---- 1. inputs ----------------------------------------------------------------
mkdir -p "$inputs"
inputs=$(cd "$inputs" && pwd)
if [[ ! -f $inputs/seed.ckpt || ! -f $inputs/seed_f32.c || ! -f $inputs/seed_i8.c ]]; then
  [[ -x $mote && -x $train ]] || { echo "matrix: $mote and $train are missing (build the native tree first)" >&2; exit 1; }
  echo "matrix: training and exporting the seed network into $inputs"
  "$train" --epochs 1 --train-limit 2000 --quiet --checkpoint "$inputs/seed.ckpt" >/dev/null
  "$mote" export "$inputs/seed.ckpt" --out "$inputs/seed_f32.mote" \
    --c-array "$inputs/seed_f32" --c-name mote_model_f32 >/dev/null
  "$mote" export "$inputs/seed.ckpt" --int8 --calibration 200 \
    --out "$inputs/seed_i8.mote" --c-array "$inputs/seed_i8" --c-name mote_model_i8 >/dev/null
fi
# The test images, with the model's input normalisation (from the checkpoint's
# model description).
testset=$inputs/matrix-$images/testset
mkdir -p "$inputs/matrix-$images"
if [[ ! -f $testset.c || $testset.c -ot $inputs/seed.ckpt ]]; then
  [[ -x $mote ]] || { echo "matrix: $mote is missing (build the native tree first)" >&2; exit 1; }
  "$mote" testset "$inputs/seed.ckpt" --images "$images" --out "$testset" >/dev/null
fi

# ---- 2. every port ------------------------------------------------------------
# The seed network's ops only (as ports/main-job.sh builds the M4 firmware), so
# text_bytes is the code of that op set.
model_options=(-Dfirmware_model="$inputs/seed_f32.c" -Dfirmware_model_int8="$inputs/seed_i8.c"
               -Dfirmware_testset="$testset.c")
options=(-Druntime_ops=conv2d,dense,reshape,softmax,quantize,dequantize "${model_options[@]}")
qemu=$(command -v qemu-system-arm)
nm=$(command -v arm-none-eabi-nm)
field() { awk -v k="$2" '{ for (i = 1; i < NF; ++i) if ($i == k) { print $(i + 1); exit } }' <<<"$1"; }
# agree LINE N: the line's "agree" count over N images, 4 decimals (null without a line).
agree() {
  if [[ -n $1 && -n $2 ]]; then awk -v a="$(field "$1" agree)" -v n="$2" 'BEGIN { printf "%.4f", a / n }'; else echo null; fi
}
json=()
rows=()
failed=0
for port in "${ports[@]}"; do
  cross=ports/$port/cross.ini
  dir=$prefix-${port#cortex-}
  t0=$SECONDS
  echo "==== $port ($dir)"
  if [[ ! -f $cross ]]; then
    echo "matrix: no port $port" >&2
    failed=1
    continue
  fi
  machine=$(sed -n "s/^qemu_machine *= *'\(.*\)'.*/\1/p" "$cross")
  if [[ -f $dir/build.ninja ]]; then
    meson configure "$dir" "${options[@]}" >/dev/null
  else
    rm -rf "$dir"
    meson setup "$dir" --cross-file "$cross" "${options[@]}" >/dev/null
  fi
  firmware=$dir/ports/cortex-m/model_firmware.elf
  if ! ninja -C "$dir" ports/cortex-m/model_firmware.elf ports/cortex-m/model_firmware_i8.elf \
    ports/cortex-m/libinsn_windows.so >/dev/null; then
    echo "matrix: $port: build failed" >&2
    failed=1
    json+=("{\"port\":\"$port\",\"pass\":false}")
    continue
  fi
  status=0
  log=$(ports/cortex-m/run-firmware.sh "$qemu" "$machine" "$dir/ports/cortex-m/libinsn_windows.so" "$nm" "$firmware" 2>&1) ||
    status=$?
  echo "$log" | grep -E '^(model|instructions|PASS|FAIL|\*\*\*)' || true
  [[ $port != cortex-m4 ]] || m4_log=$log
  f32=$(grep '^model fp32:' <<<"$log" || true)
  i8=$(grep '^model int8:' <<<"$log" || true)
  insns_f32=$(sed -n 's/^instructions per inference f32: \([0-9]*\).*/\1/p' <<<"$log")
  insns_i8=$(sed -n 's/^instructions per inference i8: \([0-9]*\).*/\1/p' <<<"$log")
  text=$(ports/cortex-m/code-size.sh "$dir/ports/cortex-m/model_firmware.map" | sed -n 's/.*libmote_text=\([0-9]*\).*/\1/p')
  # The int8-only firmware of the int8 seed op set (no fp32 compute, no training).
  i8_dir=$dir-i8
  i8_options=("${model_options[@]}" -Druntime_ops=conv2d,dense,reshape,quantize,dequantize -Druntime_dtypes=i8
              -Druntime_training=false -Dtests=false)
  text_i8=
  i8_only=
  if { [[ -f $i8_dir/build.ninja ]] && meson configure "$i8_dir" "${i8_options[@]}" >/dev/null; } ||
     { rm -rf "$i8_dir" && meson setup "$i8_dir" --cross-file "$cross" "${i8_options[@]}" >/dev/null; }; then
    if ninja -C "$i8_dir" ports/cortex-m/model_firmware_i8.elf >/dev/null; then
      text_i8=$(ports/cortex-m/code-size.sh "$i8_dir/ports/cortex-m/model_firmware_i8.map" |
        sed -n 's/.*libmote_text=\([0-9]*\).*/\1/p')
      i8_only=$(ports/cortex-m/run-firmware.sh "$qemu" "$machine" "$dir/ports/cortex-m/libinsn_windows.so" "$nm" \
        "$i8_dir/ports/cortex-m/model_firmware_i8.elf" 2>&1 | grep '^model int8:' || true)
    fi
  fi
  n=$(field "$f32" images)
  pass=true
  [[ $status -eq 0 && -n $f32 && -n $i8 && -n $insns_f32 && -n $insns_i8 ]] || { pass=false; failed=1; }
  a32=$(agree "$f32" "$n")
  a8=$(agree "$i8" "$n")
  # The int8-only build gives the same outputs (same CRC) as the full one.
  if [[ -z $i8_only || $(field "$i8_only" crc) != "$(field "$i8" crc)" ]]; then
    echo "matrix: $port: the int8-only firmware (runtime_dtypes=i8) did not give the full build's int8 outputs" >&2
    pass=false
    failed=1
  fi
  [[ $a32 == 1.0000 ]] || { pass=false; failed=1; }
  json+=("$(printf '{"port":"%s","insns_f32":%s,"insns_i8":%s,"text_bytes":%s,"text_i8":%s,"arena_f32":%s,"arena_i8":%s,"agreement_f32":%s,"agreement_i8":%s,"images":%s,"crc_f32":"%s","crc_i8":"%s","pass":%s}' \
    "$port" "${insns_f32:-null}" "${insns_i8:-null}" "${text:-null}" "${text_i8:-null}" "$(field "$f32" arena || true)" \
    "$(field "$i8" arena || true)" "$a32" "$a8" "${n:-null}" "$(field "$f32" crc)" "$(field "$i8" crc)" "$pass" |
    sed 's/:,/:null,/g')")
  rows+=("$(printf '| %-13s | %-10s | %12s | %12s | %6s | %7s | %7s | %7s | %7s | %7s | %6s | %-10s | %-10s | %-4s | %4d s |' \
    "$port" "$machine" "${insns_f32:-?}" "${insns_i8:-?}" "${text:-?}" "${text_i8:-?}" "$(field "$f32" arena)" "$(field "$i8" arena)" \
    "$a32" "$a8" "${n:-?}" "$(field "$f32" crc)" "$(field "$i8" crc)" "$pass" $((SECONDS - t0)))")
done

# ---- 3. table + JSON ------------------------------------------------------------
echo
echo "Cortex-M port matrix: seed network, $images test images per port ($((SECONDS - t_start)) s)"
printf '| %-13s | %-10s | %12s | %12s | %6s | %7s | %7s | %7s | %7s | %7s | %6s | %-10s | %-10s | %-4s | %6s |\n' \
  port board "insns f32" "insns i8" text "text i8" "arena32" "arena8" "agree32" "agree8" images "crc f32" "crc i8" pass time
echo "|---------------|------------|--------------|--------------|--------|---------|---------|---------|---------|---------|--------|------------|------------|------|--------|"
for r in "${rows[@]}"; do echo "$r"; done
# Per layer on the cortex-m4: the per-op counts of run-firmware.sh next to
# each op's multiply-adds (mote inspect of the exported model).
if [[ -n ${m4_log:-} && -x $mote ]]; then
  echo
  echo "cortex-m4 per layer (instructions per inference; per multiply-add where the op has them)"
  printf '| %-5s | %3s | %-11s | %9s | %10s | %8s |\n' model op type MACs insns "per MAC"
  echo "|-------|-----|-------------|-----------|------------|----------|"
  for model in f32 i8; do
    macs=$("$mote" inspect "$inputs/seed_$model.mote" | awk '$1 ~ /^[0-9]+$/ { print $1, $5 }')
    while read -r _ _ _ name index type count; do
      count=${count#*: }
      mac=$(awk -v i="$index" '$1 == i { print $2 }' <<<"$macs")
      per=$(awk -v m="${mac:-0}" -v n="$count" 'BEGIN { if (m > 0) printf "%.2f", n / m; else print "-" }')
      printf '| %-5s | %3s | %-11s | %9s | %10s | %8s |\n' "$model" "$index" "$type" "${mac:-0}" "$count" "$per"
    done < <(grep "^instructions per op $model " <<<"$m4_log" | sed 's/: / /')
  done
fi
(IFS=,; echo "{\"ports\":[${json[*]}]}")
exit $failed
