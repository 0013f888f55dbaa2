#!/usr/bin/env bash
# The test command of mote (see README.md): builds and tests
#   1. native x86-64 (or whatever the build machine is): every meson test suite;
#   2. install: the native build installed into an empty DESTDIR, and
#      examples/consumer built against it (pkg-config) and as a project with
#      mote as a Meson subproject;
#   3. sanitize: a clang build with AddressSanitizer + UBSan running every
#      native suite, and the libFuzzer targets of test/fuzz for 20 s each;
#   4. i686 Linux (32-bit size_t and long, as on a Cortex-M): the core,
#      kernel, loader/runtime and export suites, run natively;
#   5. aarch64 Linux cross build, tests under qemu-aarch64: `meson test` with
#      the default CPU (max: SVE2, 512-bit), then the kernel, layer, runtime
#      and export suites again with QEMU_CPU=a64fx (SVE) and cortex-a72 (NEON
#      only). Under qemu every floating-point operation is emulated in
#      software, so the full-size seed network's end-to-end checks run natively
#      only (test/meson.build: emulated_test_args);
#   6. Cortex-M bare metal under qemu-system-arm, every port (ports/cortex-m0plus,
#      -m3, -m4, -m7, -m33, -m55 on the boards mps2-an385/an386/an500/an505 and
#      mps3-an547): the port matrix (ports/matrix.sh: the exported seed network,
#      fp32 and int8, made by the native build's tools, on 20 test images per
#      port with instruction counts, code size, arena and agreement), and per
#      port the firmware self-test, the no-heap/no-exceptions symbol checks and
#      the sizes; then the M4 model firmware with an exported LSTM and a GRU on
#      50 row sequences each.
#   7. onnx (after native and tutorial): issue 17's acceptance check of the ONNX importer
#      (test/onnx/pytorch_seed_check.py): the seed network trained in PyTorch
#      for 300 steps, exported, `mote import`ed, compared with PyTorch's logits
#      on the 10k Fashion-MNIST test images (library and .mote), run on the
#      Cortex-M4 firmware on 50 of them, fine-tuned in mote and exported int8.
# Build directories build/ci-native, build/ci-sanitize, build/ci-i686, build/ci-a64, build/ci-m4 (and the
# other Cortex-M ports' build/ci-m0plus, -m3, -m7, -m33, -m55) are reused when
# present (ninja reconfigures them when a meson.build changed).
# Prints each stage's wall time and its slowest meson tests (with the share of
# their timeout) and test cases, warns about any test over half its timeout,
# and ends with the line "N passed, N failed"; exits non-zero when anything
# failed. Needs the packages of ports/setup-debian.sh.
#
#   ports/run-tests.sh            all stages
#   ports/run-tests.sh native m4  only some stages (native, onnx, install, tutorial, sanitize, i686, a64, m4)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stages=("$@")
[[ ${#stages[@]} -eq 0 ]] && stages=(native install tutorial onnx sanitize i686 a64 m4)

passed=0
failed=0
failures=()
timings=()
stage_reports=()

python=/usr/bin/python3
[[ -x $python ]] || python=python3
times_dir=$(mktemp -d)
trap 'rm -rf "$times_dir"' EXIT
# Test times of the current stage (ports/test-times.py), one folder per stage.
stage_times=$times_dir/none

note_fail() {  # note_fail WHAT
  failed=$((failed + 1))
  failures+=("$1")
  echo "!!! FAILED: $1"
}

banner() { printf '\n======== %s ========\n' "$*"; }

# configure DIR [meson setup args...]: sets DIR up unless it already is.
configure() {
  local dir=$1
  shift
  if [[ -f $dir/build.ninja && -f $dir/meson-private/coredata.dat ]]; then
    echo "reusing $dir"
    return 0
  fi
  rm -rf "$dir"
  meson setup "$dir" "$@"
}

# run_meson_tests NAME DIR [meson test args...]: runs the suites and adds their
# results to the totals (one count per meson test).
run_meson_tests() {
  local name=$1 dir=$2
  shift 2
  local log rc ok xfail fail xpass timeout
  log=$(mktemp)
  meson test -C "$dir" --print-errorlogs "$@" </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  count() { awk -v k="$1" -F: '$1 == k { gsub(/ /, "", $2); print $2; exit }' "$log"; }
  ok=$(count Ok)
  xfail=$(count "Expected Fail")
  fail=$(count Fail)
  xpass=$(count "Unexpected Pass")
  timeout=$(count Timeout)
  rm -f "$log"
  "$python" ports/test-times.py save "$stage_times" "$name" "$dir" || true
  if [[ -z $ok ]]; then  # meson test did not get as far as running tests
    note_fail "$name: meson test did not run (exit $rc)"
    return
  fi
  passed=$((passed + ok + ${xfail:-0}))
  local bad=$(( ${fail:-0} + ${xpass:-0} + ${timeout:-0} ))
  if [[ $bad -gt 0 ]]; then
    failed=$((failed + bad))
    failures+=("$name: $bad meson test(s) failed")
    echo "!!! FAILED: $name: $bad meson test(s)"
  elif [[ $rc -ne 0 ]]; then
    note_fail "$name: meson test exited $rc"
  fi
}

# check NAME COMMAND...: one extra test that passes when COMMAND exits 0.
check() {
  local name=$1
  shift
  echo "--- $name: $*"
  if "$@" </dev/null; then
    passed=$((passed + 1))
    echo "--- $name: ok"
  else
    note_fail "$name (exit $?)"
  fi
}

# build NAME DIR SETUP_ARGS...: configure + ninja; false (and one failure) when
# either step fails, so the stage's tests are skipped.
build() {
  local name=$1 dir=$2
  shift 2
  if ! configure "$dir" "$@"; then
    note_fail "$name: meson setup"
    return 1
  fi
  if ! ninja -C "$dir"; then
    note_fail "$name: build"
    return 1
  fi
}

stage_native() {
  banner "native ($(uname -m))"
  build native build/ci-native || return
  run_meson_tests native build/ci-native
}

# Installed and embedded use (examples/consumer): the native build installed
# into an empty DESTDIR, a program built against it through pkg-config (shared
# and static), and the same program with mote as a Meson subproject.
stage_install() {
  banner "install: pkg-config and Meson subproject consumers"
  [[ -f build/ci-native/build.ninja ]] || build native build/ci-native || return
  local t0=$SECONDS
  check "install: examples/consumer/check.sh" examples/consumer/check.sh build/ci-native build/ci-consumer
  echo "--- consumers: $((SECONDS - t0)) s"
}

# Clang with AddressSanitizer + UBSan (any report fails the test): every
# native suite, and each fuzz target of test/fuzz for a short smoke run on its
# seed corpus (meson test suite 'fuzz').
stage_sanitize() {
  banner "sanitize: clang, AddressSanitizer + UBSan, fuzz smoke runs"
  CC=clang CXX=clang++ build sanitize build/ci-sanitize -Dfuzz=true -Dfuzz_seconds=20 \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false || return
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_meson_tests sanitize build/ci-sanitize
}

# 32-bit: size_t, long and pointers of 32 bits, as on a Cortex-M, with the
# hosted test suites of everything a deployed model goes through (loader,
# runtime ops, export, kernels, core). i686 binaries run natively here.
stage_i686() {
  banner "i686 Linux (32-bit), scalar kernels"
  local dir=build/ci-i686
  if ! configure "$dir" --cross-file ports/i686-linux/cross.ini -Dsimd= -Dbench=false; then
    note_fail "i686: meson setup"
    return
  fi
  local targets=(test/core_tests test/kernel_tests test/runtime/runtime_tests test/runtime/runtime_alloc_tests
                 test/export/export_tests)
  ninja -C "$dir" "${targets[@]}" || { note_fail "i686: build"; return; }
  run_meson_tests "i686 (32-bit)" "$dir" --no-rebuild core kernels runtime runtime_no_allocation export
}

stage_a64() {
  banner "aarch64 Linux under qemu-aarch64"
  build a64 build/ci-a64 --cross-file ports/aarch64-linux/cross.ini -Dbench=false || return
  # Default qemu CPU is `max`: Highway picks SVE2 (512-bit vectors).
  run_meson_tests "a64 (qemu -cpu max: SVE2)" build/ci-a64
  # The other SIMD paths: SVE without SVE2, and NEON only (qemu-user reads
  # QEMU_CPU). Everything with a kernel behind it: kernels, layers, runtime ops,
  # exported networks.
  local suites=(kernels kernels_no_allocation layers layers_no_allocation runtime runtime_no_allocation export)
  QEMU_CPU=a64fx run_meson_tests "a64 (qemu -cpu a64fx: SVE)" build/ci-a64 "${suites[@]}"
  QEMU_CPU=cortex-a72 run_meson_tests "a64 (qemu -cpu cortex-a72: NEON)" build/ci-a64 "${suites[@]}"
  # Show which Highway target each CPU model really ran.
  if [[ -x build/ci-a64/src/cli/mote ]]; then
    local qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu)
    for cpu in max a64fx cortex-a72; do
      printf '  qemu -cpu %-10s -> ' "$cpu"
      "${qemu[@]}" -cpu "$cpu" build/ci-a64/src/cli/mote info </dev/null 2>&1 | grep -m1 'highway chosen target' || echo '?'
    done
  fi
}

# The model firmware needs exported models, made by the native build's tools
# from a briefly trained seed network (the main job, ports/main-job.sh, does the
# same with a real training budget); ports/matrix.sh adds the test images.
make_firmware_inputs() {
  local dir=build/ci-m4-inputs mote=build/ci-native/src/cli/mote
  local train=build/ci-native/examples/fashion_mnist
  [[ -x $mote && -x $train ]] || { echo "native tools missing: run the native stage first"; return 1; }
  mkdir -p "$dir"
  "$train" --epochs 1 --train-limit 2000 --quiet --checkpoint "$dir/seed.ckpt" >/dev/null &&
    "$mote" export "$dir/seed.ckpt" --out "$dir/seed_f32.mote" \
      --c-array "$dir/seed_f32" --c-name mote_model_f32 &&
    "$mote" export "$dir/seed.ckpt" --int8 --calibration 200 \
      --out "$dir/seed_i8.mote" --c-array "$dir/seed_i8" --c-name mote_model_i8
}

stage_m4() {
  banner "Cortex-M ports under qemu-system-arm (M0+, M3, M4F, M7, M33, M55)"
  local ports=(cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33 cortex-m55) port dir t0=$SECONDS
  # The port matrix: configures build/ci-<core> for every port with the seed
  # models and 20 test images, builds and runs the model firmware on each
  # board (instructions, .text, arena, agreement with the host library).
  if make_firmware_inputs; then
    check "m4: port matrix (ports/matrix.sh, 20 images per port)" \
      ports/matrix.sh --images 20 --prefix build/ci --inputs build/ci-m4-inputs --native build/ci-native
  else
    note_fail "m4: firmware inputs (exported models)"
  fi
  echo "--- port matrix: $((SECONDS - t0)) s"
  # Per port: kernel_selftest (in QEMU), no-heap checks (nm), size. The model
  # firmware's run (suite model_run) is the matrix's.
  for port in "${ports[@]}"; do
    dir=build/ci-${port#cortex-}
    build "$port" "$dir" --cross-file "ports/$port/cross.ini" || continue
    run_meson_tests "$port" "$dir" --verbose --no-suite model_run
  done
  arm-none-eabi-size build/ci-m4/ports/cortex-m/*.elf || true
  arm-none-eabi-size -t build/ci-m4/src/libmote.a | tail -1 | sed 's/(TOTALS)/libmote.a (runtime_only, total)/' || true
}

# Recurrent models on the board (issue 6): an LSTM and a GRU (32 units) trained
# briefly on Fashion-MNIST row sequences by the native build, exported fp32, and
# run by the model firmware on 50 sequences (one firmware build per model).
stage_m4_recurrent() {
  local dir=build/ci-m4-inputs seq=build/ci-native/examples/sequence_fashion_mnist mote=build/ci-native/src/cli/mote
  [[ -x $seq && -x $mote ]] || { note_fail "m4 recurrent: native tools missing"; return; }
  mkdir -p "$dir"
  if ! "$seq" --cell both --units 32 --epochs 2 --limit 6000 --quiet --checkpoint "$dir/seq" >/dev/null; then
    note_fail "m4 recurrent: training"
    return
  fi
  local cell
  for cell in lstm gru; do
    mkdir -p "$dir/$cell"
    if ! "$mote" export "$dir/seq-$cell.ckpt" --out "$dir/$cell.mote" \
           --c-array "$dir/$cell" --c-name mote_model_f32 >/dev/null ||
       ! "$mote" testset "$dir/seq-$cell.ckpt" --images 50 \
           --out "$dir/$cell/testset" >/dev/null; then
      note_fail "m4 recurrent: $cell export"
      continue
    fi
    local options=(-Dfirmware_model="$root/$dir/$cell.c" -Dfirmware_testset="$root/$dir/$cell/testset.c")
    build "m4 $cell" "build/ci-m4-$cell" --cross-file ports/cortex-m4/cross.ini "${options[@]}" || continue
    meson configure "build/ci-m4-$cell" "${options[@]}" >/dev/null
    ninja -C "build/ci-m4-$cell" || { note_fail "m4 $cell: build"; continue; }
    run_meson_tests "m4 $cell" "build/ci-m4-$cell" --verbose model_firmware
  done
}

# Learning on the board (ports/finetune.sh): the seed network's last dense
# layer fine-tuned on the emulated Cortex-M4 to inverted images, checked
# against the training library (within 1e-5: the M4's FPU kernels fuse
# multiply-adds), stored in the port's flash page and restored after a
# board reset; passes when the firmware's checks hold,
# accuracy on the shifted test images rises by >= 15 points and the restored
# tail classifies as the tuned one.
finetune_checks() {
  "$python" - "$(tail -1 build/finetune/finetune.log)" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("finetune: before %.4f after %.4f, after the reset from the stored tail %s, extra RAM %d B, "
      "%d instructions per step" % (r["before_accuracy"], r["after_accuracy"], r["persisted_accuracy"],
                                    r["extra_ram_bytes"], r["instructions_per_step"]))
sys.exit(0 if r["pass"] and r["agreement_with_library"] == 1.0 and r["max_abs_diff"] <= 1e-5
         and r["persisted_accuracy"] == r["after_accuracy"]
         and r["after_accuracy"] - r["before_accuracy"] >= 0.15 else 1)
PY
}

stage_m4_finetune() {
  mkdir -p build/finetune
  check "m4: ports/finetune.sh (learning on the board)" bash -c \
    'set -o pipefail; ports/finetune.sh 2>&1 | tee build/finetune/finetune.log'
  check "m4: fine-tuning gains >= 15 points, tail within 1e-5 of the library, restored after a reset" finetune_checks
}

# The user guide's tutorial (docs/tutorial.sh): a CSV data set mote has never
# seen -> model file -> mote train -> export fp32 / int8 calibrated on it ->
# inspect -> host runtime -> Cortex-M4 firmware under QEMU, CLI commands only.
# Passes when the tutorial runs and the exported fp32 model agrees with the
# library on every test item, on the host runtime and on the board.
tutorial_checks() {
  local json
  json=$(tail -1 build/ci-tutorial/tutorial.log)
  echo "tutorial: $json"
  "$python" - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
ok = r["agreement_fp32"] == 1.0 and r["board_agreement"] == 1.0 and r["board_images"] >= 20 \
     and r["test_accuracy"] >= 0.9 and r["int8_accuracy"] >= r["test_accuracy"] - 0.05
sys.exit(0 if ok else 1)
PY
}

stage_tutorial() {
  banner "tutorial: your own data to your board (docs/tutorial.sh)"
  [[ -x build/ci-native/src/cli/mote ]] || build native build/ci-native || return
  mkdir -p build/ci-tutorial
  check "tutorial: docs/tutorial.sh" bash -c \
    'set -o pipefail; MOTE=build/ci-native/src/cli/mote docs/tutorial.sh build/ci-tutorial 2>&1 | tee build/ci-tutorial/tutorial.log'
  check "tutorial: fp32 agreement 1.0 on host and board, accuracy" tutorial_checks
}

# ONNX import, issue 17's acceptance (test/onnx/pytorch_seed_check.py, which
# ends with a JSON line of the figures and exits 1 when a bound does not hold):
# PyTorch's seed network -> mote import -> agreement with PyTorch's logits on
# 10k images, the Cortex-M4 board, fine-tuning and int8 in mote.
stage_onnx() {
  banner "onnx: a PyTorch model through mote import (test/onnx/pytorch_seed_check.py)"
  [[ -x build/ci-native/src/cli/mote ]] || build native build/ci-native || return
  if ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
    note_fail "onnx: /usr/bin/python3 lacks torch or onnx (ports/setup-debian.sh onnx_pkgs)"
    return
  fi
  mkdir -p build/ci-onnx
  # The tutorial's Cortex-M4 build, when present, only relinks the firmware with this model.
  local m4=build/ci-onnx/m4
  [[ -f build/ci-tutorial/m4/build.ninja ]] && m4=build/ci-tutorial/m4
  check "onnx: pytorch_seed_check.py" bash -c \
    'set -o pipefail; /usr/bin/python3 test/onnx/pytorch_seed_check.py build/ci-native/src/cli/mote build/ci-onnx "$0" 2>&1 | tee build/ci-onnx/check.log' "$m4"
}

for s in "${stages[@]}"; do
  case $s in
    native | onnx | install | sanitize | i686 | a64 | m4 | tutorial) ;;
    *) echo "unknown stage '$s' (expected native, onnx, install, sanitize, i686, a64, m4, tutorial)" >&2; exit 2 ;;
  esac
done
for s in "${stages[@]}"; do
  t0=$SECONDS
  stage_times=$times_dir/$s
  "stage_$s"
  [[ $s != m4 ]] || { stage_m4_recurrent; stage_m4_finetune; }
  timings+=("$(printf '%-7s %4d s' "$s" $((SECONDS - t0)))")
  report=$("$python" ports/test-times.py report "$stage_times" 3 2>&1)
  stage_reports+=("$(printf '%s stage (%d s):\n%s' "$s" $((SECONDS - t0)) "$report")")
  banner "$s: slowest tests"
  echo "$report"
done

banner summary
for t in "${timings[@]}"; do echo "  $t"; done
for r in "${stage_reports[@]}"; do echo "$r"; done
for f in "${failures[@]}"; do echo "  FAILED: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
