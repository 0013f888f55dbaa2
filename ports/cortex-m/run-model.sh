#!/usr/bin/env bash
# Builds the model firmware (ports/cortex-m/model_firmware.cc) for a Cortex-M
# port with exported models and a test set, and runs it under qemu-system-arm
# on the port's board with the instruction-counting plugin:
#   run-model.sh PORT BUILD_DIR MODEL_F32.c [MODEL_I8.c] TESTSET.c
# PORT is a folder of ports/ with a cross.ini: cortex-m0plus, cortex-m3,
# cortex-m4, cortex-m7, cortex-m33 or cortex-m55. MODEL_*.c come from
# `mote export --c-array PREFIX --c-name mote_model_f32` (and mote_model_i8),
# TESTSET.c from `mote testset`. Prints the firmware's lines ("model fp32:
# images N correct C agree A ...") and the instructions per inference; the exit
# status is the firmware's (0: every check held).
# Needs the packages of ports/setup-debian.sh (arm-none-eabi GCC, QEMU).
set -euo pipefail
[[ $# -eq 4 || $# -eq 5 ]] || { sed -n 2,12p "$0" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
port=$1
build=$2
cross=$root/ports/$port/cross.ini
[[ -f $cross ]] || { echo "run-model.sh: no port '$port' (no $cross)" >&2; exit 2; }
f32=$(realpath "$3")
if [[ $# -eq 5 ]]; then i8=$(realpath "$4"); testset=$(realpath "$5"); else i8=""; testset=$(realpath "$4"); fi
machine=$(sed -n "s/^qemu_machine *= *'\(.*\)'.*/\1/p" "$cross")
options=(-Dfirmware_model="$f32" -Dfirmware_model_int8="$i8" -Dfirmware_testset="$testset")
if [[ -f $build/build.ninja ]]; then
  meson configure "$build" "${options[@]}" >/dev/null
else
  meson setup "$build" "$root" --cross-file "$cross" -Dtests=false "${options[@]}" >/dev/null
fi
ninja -C "$build" ports/cortex-m/model_firmware.elf ports/cortex-m/libinsn_windows.so >/dev/null
exec "$root/ports/cortex-m/run-firmware.sh" "$(command -v qemu-system-arm)" "$machine" \
  "$build/ports/cortex-m/libinsn_windows.so" "$(command -v arm-none-eabi-nm)" "$build/ports/cortex-m/model_firmware.elf"
