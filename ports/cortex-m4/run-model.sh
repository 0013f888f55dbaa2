#!/usr/bin/env bash
# Builds the Cortex-M4F model firmware (ports/cortex-m4/model_firmware.cc) for
# exported models and a test set, and runs it under qemu-system-arm
# (mps2-an386) with the instruction-counting plugin:
#   run-model.sh BUILD_DIR MODEL_F32.c [MODEL_I8.c] TESTSET.c
# MODEL_*.c come from `mote export --c-array PREFIX --c-name mote_model_f32`
# (and mote_model_i8), TESTSET.c from `mote testset`. Prints the firmware's
# lines ("model fp32: images N correct C agree A ...") and the instructions
# per inference; the exit status is the firmware's (0: every check held).
# Needs the packages of ports/setup-debian.sh (arm-none-eabi GCC, QEMU).
set -euo pipefail
[[ $# -eq 3 || $# -eq 4 ]] || { sed -n 2,12p "$0" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$1
f32=$(realpath "$2")
if [[ $# -eq 4 ]]; then i8=$(realpath "$3"); testset=$(realpath "$4"); else i8=""; testset=$(realpath "$3"); fi
options=(-Dfirmware_model="$f32" -Dfirmware_model_int8="$i8" -Dfirmware_testset="$testset")
if [[ -f $build/build.ninja ]]; then
  meson configure "$build" "${options[@]}" >/dev/null
else
  meson setup "$build" "$root" --cross-file "$root/ports/cortex-m4/cross.ini" -Dtests=false "${options[@]}" >/dev/null
fi
ninja -C "$build" ports/cortex-m4/model_firmware.elf ports/cortex-m4/libinsn_windows.so >/dev/null
exec "$root/ports/cortex-m4/run-firmware.sh" "$(command -v qemu-system-arm)" \
  "$build/ports/cortex-m4/libinsn_windows.so" "$(command -v arm-none-eabi-nm)" "$build/ports/cortex-m4/model_firmware.elf"
